"""The web app's view of the corpus: the real corpus store (``claimmap.corpus``: a SQLite file or
a PostgreSQL database), used by the corpus endpoints and by corroboration.

Which corpus: ``create_app(corpus_db=...)``, else the setting CLAIMMAP_CORPUS_DB (a path or a
``postgresql://`` URL), else ``corpus.db`` beside the web app's report database (the same rule as
``claimmap corpus add`` with CLAIMMAP_DB). A *configured* corpus (argument or setting) that
exists makes every analysis corroborate by default; the default one beside the database only
when the request asks for it (``corroborate: true``).

A ``SQLiteStore`` must not be shared between threads, and the endpoints run in a thread pool, so
every operation opens the store and closes it again (``Corpus.open``). Documents added through
the API go through the same steps as ``claimmap corpus add`` (``claimmap.corpus.ingest.process``:
analysis, body sentences, statements, embeddings with the CLAIMMAP_EMBEDDER model, MinHash
signature); outlet families are not recomputed per document (``claimmap corpus families`` does
that; corroboration groups its evidence into families itself).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from claimmap import config

log = logging.getLogger("claimmap.api")


def _is_url(target: str) -> bool:
    from claimmap.corpus.store import is_postgres_url

    return is_postgres_url(target)


class Corpus:
    """The corpus at ``target`` (a path or a ``postgresql://`` URL). ``auto``: analyses
    corroborate against it by default (a configured corpus)."""

    def __init__(self, target: str | Path, *, auto: bool) -> None:
        raw = str(target).strip()
        self.target: str | Path = raw if _is_url(raw) else Path(raw).expanduser()
        self.auto = auto

    @classmethod
    def configure(cls, corpus_db: str | Path | None, reports_db: Path) -> Corpus:
        """``corpus_db`` (argument), else CLAIMMAP_CORPUS_DB (both: auto-corroborate), else
        ``corpus.db`` beside ``reports_db`` (corroborate on request)."""
        configured = str(corpus_db).strip() if corpus_db is not None else config.get("CLAIMMAP_CORPUS_DB").strip()
        if configured:
            return cls(configured, auto=True)
        return cls(Path(reports_db).parent / "corpus.db", auto=False)

    @property
    def backend(self) -> str:
        return "postgresql" if isinstance(self.target, str) else "sqlite"

    def exists(self) -> bool:
        """A PostgreSQL URL is taken to exist (it is checked on first use); a file must exist."""
        return isinstance(self.target, str) or Path(self.target).is_file()

    @contextmanager
    def open(self) -> Iterator[Any]:
        """The store, open for one operation (closed afterwards)."""
        from claimmap.corpus.store import open_store

        store = open_store(self.target)
        try:
            yield store
        finally:
            store.close()

    # ------------------------------------------------------------------ endpoints
    def add(self, *, text: str, title: str | None = None, url: str | None = None, site: str | None = None,
            published: str | None = None) -> dict[str, Any]:
        """Analyse and store one document (as one ``claimmap corpus add`` JSONL line). Returns
        ``{"id", "added", "sentences", "statements", "embedded", "language"}``; ``added`` is False
        when the same body text is already stored (nothing changes). A document in a language
        the analysis does not read is stored too, with its language and no statements
        (``claimmap.corpus.multilingual``)."""
        from claimmap.corpus.ingest import RawRecord, process

        line = {"text": text, "url": url, "title": title, "published": published, "outlet": site}
        record = RawRecord("api", "jsonl", json.dumps({k: v for k, v in line.items() if v is not None}).encode("utf-8"))
        embedder = _embedder()
        processed = process(record, embedder=embedder, source="api")
        with self.open() as store:
            if processed.embeddings is not None and getattr(embedder, "name", None):
                store.set_embedder(embedder.name)  # refuses vectors of another model
            doc_id, added = store.add_document(*processed[:5], statement_embeddings=processed.statement_embeddings)
        return {"id": int(doc_id), "added": bool(added), "sentences": len(processed.sentences),
                "statements": len(processed.statements), "embedded": embedder is not None,
                "language": processed.record.language}

    def stats(self) -> dict[str, Any]:
        """{"documents", "sentences", "statements", "families", "store", "corroborates"}."""
        out: dict[str, Any] = {"documents": 0, "sentences": 0, "statements": 0, "families": 0}
        if self.exists():
            with self.open() as store:
                out.update(store.stats())
        out["store"] = self.backend
        out["corroborates"] = "always" if self.auto and self.exists() else (
            "on request" if self.exists() else "no corpus yet")
        return out

    def search(self, q: str, *, limit: int = 20, date_from: str | None = None,
               date_to: str | None = None) -> list[dict[str, Any]]:
        """Full-text (BM25) search over the corpus's body sentences, best first: per hit the
        sentence (``text``, and ``snippet`` with the query's words in [brackets]) and its
        document (``id``, url, outlet, title, published)."""
        if not self.exists() or not re.search(r"\w", q):
            return []
        words = sorted({w.lower() for w in re.findall(r"\w+", q)}, key=len, reverse=True)[:32]
        mark = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE) if words else None
        out = []
        with self.open() as store:
            docs: dict[int, Any] = {}
            for h in store.search_text(q, k=max(1, min(limit, 100)), date_from=date_from, date_to=date_to):
                if h.document_id not in docs:
                    docs[h.document_id] = store.get_document(h.document_id)
                d = docs[h.document_id]
                out.append({
                    "id": h.document_id, "sentence": h.sentence_id, "url": h.url,
                    "outlet": d.outlet if d else None, "title": d.title if d else None,
                    "published": h.published, "text": h.text,
                    "snippet": mark.sub(r"[\1]", h.text) if mark else h.text,
                    # 4 significant digits, not 4 decimals: BM25 of words found in most
                    # sentences is ~1e-6 (FTS5 floors their idf), which 4 decimals made 0.0
                    "score": float(f"{float(h.score):.4g}"),
                })
        return out


def _embedder():
    """The corpus embedder (setting CLAIMMAP_EMBEDDER), or None when it cannot load (the
    document is then stored for full-text search only)."""
    from claimmap.corpus.embed import get_embedder

    try:
        return get_embedder()
    except Exception as exc:  # noqa: BLE001 - no torch / no model: full-text only, logged
        log.warning("corpus: embeddings off (%s)", str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__)
        return None
