"""Adding a few articles to a large corpus: what ``corpus add`` and the first search after it
cost at scale.

    nice .venv/bin/python bench/bench_corpus_add.py --base /tmp/cmbench/q-text-1000000-d256.db

``--base`` is a store filled by ``bench/bench_corpus_query.py`` (with its derived files: vector
mirror, int8 copy, postings copy). It is copied to a temporary folder, then ``--articles``
short articles we write here (fictional harbour-council stories, distinct bodies each run) are
ingested with the corpus embedder, families refreshed as ``corpus add`` does. Reported, in
seconds: the copy, the ingest (analysis + storage + families refresh), a second families
refresh with nothing new, and what the first search after the add spends bringing the derived
files up to date: the float32 mirror (``_vectors``), the int8 copy (``_int8``) and the postings
copy (``_postings``). The first families refresh of a base from before stored family inputs
(or under another outlet registry) computes every document's inputs once: run the command
twice on such a base, the second run is the steady state. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STORY = ("Harbour story {run}-{i}. The council of Vellmouth said on Monday that ferry line {i} "
         "would resume in {month}. Opposition members accused the council of wasting money on "
         "the pier. The council denied that the pier had cost more than planned, and residents "
         "said they wanted the ferry back.")


def copy_store(base: Path, tmp: Path) -> Path:
    """Copy the store ``base`` and its derived files (not the WAL: a closed store has none) into
    the folder ``tmp`` as ``corpus.db``; returns its path."""
    db = tmp / "corpus.db"
    for p in base.parent.glob(base.name + "*"):
        if not p.name.endswith((".db-shm", ".db-wal")):
            shutil.copy(p, tmp / p.name.replace(base.name, db.name, 1))
    return db


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=Path, required=True)
    ap.add_argument("--articles", type=int, default=5)
    ap.add_argument("--tmp", default=None, help="folder for the copy (default: the system's)")
    args = ap.parse_args()
    if not args.base.exists():
        ap.error(f"{args.base} does not exist (fill it with bench/bench_corpus_query.py)")

    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.ingest import ingest, refresh_families
    from claimmap.corpus.sqlite import SQLiteStore

    tmp = Path(tempfile.mkdtemp(prefix="claimmap-add-", dir=args.tmp))
    try:
        t0 = time.perf_counter()
        db = copy_store(args.base, tmp)
        copy_s = time.perf_counter() - t0
        run = int(time.time())
        src = tmp / "new.jsonl"
        src.write_text("\n".join(json.dumps({
            "url": f"https://vellmouth.example/{run}/{i}", "published": "2024-06-1%d" % (i % 10),
            "text": STORY.format(run=run, i=i, month=["May", "June", "July"][i % 3])})
            for i in range(args.articles)))
        emb = get_embedder(None)
        with SQLiteStore(db) as store:
            t0 = time.perf_counter()
            res = ingest(store, [str(src)], embedder=emb)
            ingest_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            refresh_families(store)
            refresh_s = time.perf_counter() - t0
        with SQLiteStore(db) as store:  # the next process: analyze --db, the API, ...
            t0 = time.perf_counter()
            mat, idx = store._vectors()
            t1 = time.perf_counter()
            store._int8(mat, idx)
            t2 = time.perf_counter()
            store._postings()
            t3 = time.perf_counter()
            stats = store.stats()
        print(json.dumps({
            "base": str(args.base), "corpus": stats, "embedder": emb.name, "added": res.added,
            "copy_s": round(copy_s, 1), "ingest_with_families_s": round(ingest_s, 2),
            "families_refresh_nothing_new_s": round(refresh_s, 2),
            "first_search_update_s": {"vector_mirror": round(t1 - t0, 2),
                                      "int8_copy": round(t2 - t1, 2),
                                      "postings": round(t3 - t2, 2),
                                      "total": round(t3 - t0, 2)},
        }, indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
