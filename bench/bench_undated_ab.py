"""A/B: hybrid query latency with a ±7-day window on two bench stores that differ only in
dates: A every document dated (``bench_corpus_query.py``), B the same corpus with a share of
the documents undated (``--undated 0.33``), which are then candidates in every window. The
queries alternate between the stores (A then B, then B then A), so that a busy machine slows
both alike.

    nice .venv/bin/python bench/bench_undated_ab.py --a /tmp/cmbench/q-text-1000000-d256.db \\
        --b /tmp/cmbench/q-text-1000000-d256-u33.db [--queries 200]

Reports per store p50 / p95 of ``hybrid(k=10)`` and ``search_text`` / ``search_vector`` at
depth 50 with the window, the share of B's windowed hits from undated documents, and B's
windowed vector recall@50 against an exact ranking that keeps undated rows in the window.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_corpus_query import Gen, exact_top, make_queries, pct, window  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", type=Path, required=True)
    ap.add_argument("--b", type=Path, required=True)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--dim", type=int, default=256)
    args = ap.parse_args()
    from claimmap.corpus.sqlite import SQLiteStore

    gen = Gen("text", dim=args.dim)
    queries = make_queries(args.a, args.queries, gen)
    stores = {"a": SQLiteStore(args.a), "b": SQLiteStore(args.b)}
    times = {s: {"hybrid": [], "text50": [], "vector50": []} for s in stores}
    undated_hits, hits_total = 0, 0
    for s in stores.values():  # load the derived files before timing
        s.hybrid(queries[0][0], queries[0][1], 10, *window(queries[0][2]))
    for i, (q, v, day, _) in enumerate(queries):
        lo, hi = window(day)
        for name in (("a", "b") if i % 2 == 0 else ("b", "a")):
            st = stores[name]
            for kind, fn in (("hybrid", lambda: st.hybrid(q, v, 10, lo, hi)),
                             ("text50", lambda: st.search_text(q, 50, lo, hi)),
                             ("vector50", lambda: st.search_vector(v, 50, lo, hi))):
                t = time.perf_counter()
                got = fn()
                times[name][kind].append((time.perf_counter() - t) * 1000)
                if name == "b" and kind == "hybrid":
                    hits_total += len(got)
                    undated_hits += sum(h.published is None for h in got)
    out = {"queries": len(queries), "window_days": 7,
           **{name: {k: pct(v) for k, v in t.items()} for name, t in times.items()},
           "b_undated_share_of_hybrid_hits": round(undated_hits / max(1, hits_total), 3)}
    mat, idx = stores["b"]._vectors()
    rec = []
    for q, v, day, _ in queries[:50]:
        lo, hi = window(day)
        want = set(exact_top(mat, idx, v, 50, lo, hi))
        got = {h.sentence_id for h in stores["b"].search_vector(v, 50, lo, hi)}
        rec.append(len(want & got) / max(1, len(want)))
    out["b_recall@50_7day_window"] = round(float(np.mean(rec)), 4)
    out["b_vector_index"] = stores["b"].vector_index_info()
    for s in stores.values():
        s.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
