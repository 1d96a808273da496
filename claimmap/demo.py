"""The demo: the shipped example article, corroborated against the shipped coverage corpus.

``run_demo`` adds the five stories of ``claimmap/data/examples/coverage/`` (written by us, all
fictional: a wire original, a copy, an independent report, the counterparty's denial and a
relay) to an embedded corpus store, then analyses ``harbour_talks.txt`` as published on
2026-03-10 at the Courier's (fictional) address and corroborates it: the report shows that the
article is a copy of the wire story (``copy_of``), the two verdict levels (said / so) per claim
and the evidence behind each.

The outlets of the coverage (``outlets.toml``) are added to the registry for this process
(CLAIMMAP_OUTLETS). The store is a temporary file unless ``db`` names one to keep.
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

EXAMPLE = "harbour_talks.txt"
ARTICLE_URL = "https://haldbycourier.example/2026/03/10/harbour-cable"
PUBLISHED = "2026-03-10"


def coverage_dir() -> Path:
    return Path(str(resources.files("claimmap.data.examples").joinpath("coverage")))


def use_demo_outlets() -> None:
    """Add the coverage's fictional outlets to the registry of this process."""
    from claimmap.outlets.registry import clear_cache

    extra = str(coverage_dir() / "outlets.toml")
    current = os.environ.get("CLAIMMAP_OUTLETS", "")
    if extra not in current.split(os.pathsep):
        os.environ["CLAIMMAP_OUTLETS"] = os.pathsep.join(p for p in (current, extra) if p)
        clear_cache()


def build_coverage(db: str | Path) -> dict:
    """Add the coverage corpus to the SQLite store at ``db`` (idempotent); the ingest result."""
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.ingest import ingest
    from claimmap.corpus.sqlite import SQLiteStore

    use_demo_outlets()
    store = SQLiteStore(Path(db))
    try:
        result = ingest(store, [str(coverage_dir() / "coverage.jsonl")], embedder=get_embedder())
    finally:
        store.close()
    return result.to_dict() if hasattr(result, "to_dict") else {"added": getattr(result, "added", None)}


def example_report(*, corroborate: bool = True, db: str | Path | None = None):
    """The example's report; with ``corroborate``, checked against the coverage corpus (built in
    ``db``, or a temporary store)."""
    from claimmap.pipeline import analyze_text

    text = resources.files("claimmap.data.examples").joinpath(EXAMPLE).read_text("utf-8")
    if not corroborate:
        return analyze_text(text, url=None)
    use_demo_outlets()
    with tempfile.TemporaryDirectory(prefix="claimmap-demo-") as tmp:
        path = Path(db) if db is not None else Path(tmp) / "coverage.db"
        build_coverage(path)
        report = analyze_text(text, url=ARTICLE_URL)
        report.document.published = report.document.published or PUBLISHED
        from claimmap.corpus.sqlite import SQLiteStore
        from claimmap.corroborate import corroborate as run

        store = SQLiteStore(path)
        try:
            run(report, store)
        finally:
            store.close()
    return report
