"""Vector-search alternatives measured for the SQLite corpus (bench/RESULTS-corpus-query.md):
usearch HNSW over the float32 mirror of a store made by ``bench_corpus_query.py`` (build time,
latency and recall@50 against exact search at several ``expansion_search``), for comparison
with the int8 + sign-bit path the store uses.

    .venv/bin/pip install usearch==2.26.6     # not a claimmap dependency
    nice .venv/bin/python bench/bench_corpus_ann_alternatives.py /tmp/cmbench/q-text-1000000.db \
        i8,f16 100000                         # dtypes, rows (a prefix of the mirror)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_corpus_query import Gen, make_queries


def main() -> None:
    from usearch.index import Index

    db = Path(sys.argv[1])
    dtypes = sys.argv[2].split(",")
    nmax = int(sys.argv[3]) if len(sys.argv) > 3 else None
    mat = np.load(str(db) + ".vec.npy", mmap_mode="r")
    if nmax:
        mat = mat[:nmax]
    n = len(mat)
    qs = make_queries(db, 100, Gen("text"))
    Q = np.stack([q[1] / np.linalg.norm(q[1]) for q in qs]).astype(np.float32)
    S = np.asarray(mat) @ Q.T
    truth = [set(np.argpartition(-S[:, j], 49)[:50].tolist()) for j in range(len(Q))]
    print("rows", n)
    for dt in dtypes:
        ix = Index(ndim=mat.shape[1], metric="cos", dtype=dt, connectivity=16, expansion_add=128)
        t0 = time.perf_counter()
        for a in range(0, n, 100_000):
            ix.add(np.arange(a, min(n, a + 100_000), dtype=np.uint64),
                   np.ascontiguousarray(mat[a:a + 100_000]), threads=os.cpu_count() or 1)
        build = time.perf_counter() - t0
        path = f"/tmp/hnsw-{dt}.usearch"
        ix.save(path)
        view = Index.restore(path, view=True)
        print(dt, "build s", round(build, 1), "file MB", os.path.getsize(path) >> 20, flush=True)
        for ef in (64, 128, 256, 512):
            view.expansion_search = ef
            ts, rec = [], []
            for j in range(len(Q)):
                t = time.perf_counter()
                m = view.search(Q[j], 50, threads=1)
                ts.append((time.perf_counter() - t) * 1000)
                rec.append(len(set(m.keys.tolist()) & truth[j]) / 50)
            ts.sort()
            print(f"  ef {ef} p50 {ts[50]:.2f} ms p95 {ts[94]:.2f} ms recall@50 {np.mean(rec):.4f}",
                  flush=True)


if __name__ == "__main__":
    main()
