"""Corpus query latency: ``SQLiteStore.hybrid`` with claim-like queries, with and without a
±7-day date window, plus the vector index's build time and recall against exact search.

    nice .venv/bin/python bench/bench_corpus_query.py [--sentences 1000000] [--queries 200]
                                                      [--dir /tmp/cmbench] [--vectors text|random]
                                                      [--undated 0.33]

The store (kept in ``--dir`` and reused when it already holds the requested corpus) holds
``--sentences`` generated sentences in documents of 20-30 sentences (40k documents at 1M),
12-25 words each from a Zipf-distributed vocabulary of 20k pseudo-words (as ``bench_corpus.py``),
published over 2024 in ingest order (ids grow with the day) except 10% back-filled documents
with a random day; with ``--undated F`` a share F of the documents has no date (they are
candidates in every window, as a third of real coverage is). Vectors (``--dim``: 384 dimensions, MiniLM's size, by default; 256 is the
static corpus embedder's):

- ``text`` (default): a stand-in for a sentence embedding with the structure ANN indexes
  rely on: unit(Σ idf(w)·E[w] over the sentence's words + a per-document topic + noise), E a
  fixed random vector per word;
- ``random``: i.i.d. Gaussian rows (the worst case for an ANN index: no structure at all).

Queries are claim-like: 8-16-word statement contents, half of them paraphrases of a stored
sentence (a span of it with ~30% of the words replaced, vector from the same document topic),
half new text; the ±7-day window is centred on the source document's day (or a random 2024
day). Every query is timed through ``hybrid(query, vec, k=10)`` (BM25 top-50 + vector top-50,
RRF), and separately through ``search_text`` and ``search_vector`` with depth 50 (what hybrid
asks for). recall@50 compares ``search_vector(vec, 50)`` with an exact numpy ranking of the
same matrix. The vector index is dropped and rebuilt once for its build time.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DIM = 384
VOCAB = 20_000


class Gen:
    """Deterministic text/vector generator shared by the fill and the queries."""

    def __init__(self, vectors: str, seed: int = 0, dim: int = DIM):
        self.dim = dim
        prng = random.Random(seed)
        self.vocab = ["".join(prng.choice("bcdfghklmnprstvz") + prng.choice("aeiou")
                              for _ in range(prng.randint(2, 4))) + str(i) for i in range(VOCAB)]
        w = 1.0 / np.arange(1, VOCAB + 1)
        self.cum = np.cumsum(w / w.sum())
        self.idf = np.log(2.0 + np.arange(VOCAB)).astype(np.float32)
        self.vectors = vectors
        rng = np.random.default_rng(seed + 1)
        self.E = rng.standard_normal((VOCAB, dim), dtype=np.float32) / np.sqrt(dim)

    def word_ids(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.searchsorted(self.cum, rng.random(n))

    def embed(self, rng: np.random.Generator, word_ids: list[np.ndarray],
              topics: np.ndarray) -> np.ndarray:
        n = len(word_ids)
        if self.vectors == "random":
            out = rng.standard_normal((n, self.dim), dtype=np.float32)
        else:
            out = np.zeros((n, self.dim), dtype=np.float32)
            for i, ids in enumerate(word_ids):
                bow = self.idf[ids] @ self.E[ids]
                out[i] = bow / (np.linalg.norm(bow) or 1.0)
            noise = rng.standard_normal((n, self.dim), dtype=np.float32) / np.sqrt(self.dim)
            out = 0.8 * out + 0.5 * topics + 0.3 * noise
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def unit_rows(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    t = rng.standard_normal((n, dim), dtype=np.float32)
    return t / np.linalg.norm(t, axis=1, keepdims=True)


DAY0 = date(2024, 1, 1)


def fill(db: Path, n_sent: int, gen: Gen, undated: float = 0.0) -> dict:
    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.corpus.store import DocRecord, SentenceRecord

    rng = np.random.default_rng(7)
    sizes = []
    while sum(sizes) < n_sent:
        sizes.append(int(rng.integers(20, 31)))
    sizes[-1] -= sum(sizes) - n_sent
    n_docs = len(sizes)
    urng = np.random.default_rng(13)  # its own stream: --undated 0 gives the same corpus
    t0 = time.perf_counter()
    with SQLiteStore(db) as store:
        for start in range(0, n_docs, 500):
            with store.batch():
                for d in range(start, min(n_docs, start + 500)):
                    if rng.random() < 0.1:
                        day = DAY0 + timedelta(days=int(rng.integers(0, 366)))
                    else:
                        day = DAY0 + timedelta(days=d * 366 // n_docs)
                    ids = [gen.word_ids(rng, int(rng.integers(12, 26))) for _ in range(sizes[d])]
                    sents = [" ".join(gen.vocab[i] for i in s) + "." for s in ids]
                    topic = unit_rows(rng, 1, gen.dim)
                    vecs = gen.embed(rng, ids, topic)
                    store.add_document(
                        DocRecord(text=f"doc {d} " + " ".join(sents),
                                  published=None if urng.random() < undated else day.isoformat(),
                                  url=f"https://example.org/{d}"),
                        [SentenceRecord(s) for s in sents], [], vecs, None)
        stats = store.stats()
    (db.parent / (db.name + ".meta.json")).write_text(json.dumps(
        {"sentences": n_sent, "vectors": gen.vectors, "fill_s": round(time.perf_counter() - t0, 1)}))
    return stats


def make_queries(db: Path, n: int, gen: Gen, seed: int = 11) -> list[tuple]:
    """(query text, vector, day the window is centred on, source sentence id or None)."""
    import sqlite3

    rng = np.random.default_rng(seed)
    conn = sqlite3.connect(str(db))
    max_id = conn.execute("SELECT max(id) FROM sentences").fetchone()[0]
    out = []
    for i in range(n):
        if i % 2 == 0:  # paraphrase of a stored sentence
            sid = int(rng.integers(1, max_id + 1))
            sid, text, day, blob = conn.execute(
                "SELECT s.id, s.text, d.day, s.embedding FROM sentences s JOIN documents d"
                " ON d.id = s.doc_id WHERE s.id >= ? ORDER BY s.id LIMIT 1", (sid,)).fetchone()
            words = text.rstrip(".").split()
            ln = int(rng.integers(8, 17))
            a = int(rng.integers(0, max(1, len(words) - ln + 1)))
            span = words[a:a + ln]
            for j in range(len(span)):
                if rng.random() < 0.3:
                    span[j] = gen.vocab[int(gen.word_ids(rng, 1)[0])]
            ids = np.array([int(w.lstrip("abcdefghijklmnopqrstuvwxyz")) for w in span])
            src = np.frombuffer(blob, dtype=np.float32)
            if gen.vectors == "random":
                v = src + 0.5 * unit_rows(rng, 1, gen.dim)[0]
            else:  # same topic neighbourhood as the source sentence
                v = gen.embed(rng, [ids], src[None, :])[0]
            if day is None:  # an undated source: the claim's article still has a day
                day = (DAY0 + timedelta(days=int(rng.integers(0, 366)))).isoformat()
            out.append((" ".join(span), v.astype(np.float32), day, sid))
        else:
            ids = gen.word_ids(rng, int(rng.integers(8, 17)))
            v = gen.embed(rng, [ids], unit_rows(rng, 1, gen.dim))[0]
            day = (DAY0 + timedelta(days=int(rng.integers(0, 366)))).isoformat()
            out.append((" ".join(gen.vocab[i] for i in ids), v, day, None))
    conn.close()
    return out


def pct(ts: list[float]) -> dict:
    ts = sorted(ts)
    return {"p50_ms": round(statistics.median(ts), 1),
            "p95_ms": round(ts[int(0.95 * (len(ts) - 1))], 1),
            "max_ms": round(ts[-1], 1)}


def window(day: str, days: int = 7) -> tuple[str, str]:
    d = date.fromisoformat(day)
    return (d - timedelta(days=days)).isoformat(), (d + timedelta(days=days)).isoformat()


def timed(fn, queries, windowed: bool) -> dict:
    """pct() of ``fn(text, vector, date_from, date_to)`` over ``queries`` (rows starting with
    text, vector, day), without or with a ±7-day window around each query's day."""
    ts = []
    for q, v, day, *_ in queries:
        lo, hi = window(day) if windowed else (None, None)
        t = time.perf_counter()
        fn(q, v, lo, hi)
        ts.append((time.perf_counter() - t) * 1000)
    return pct(ts)


def time_searches(store, queries) -> dict:
    """hybrid (k=10), text and vector search (depth 50), without and with the window."""
    out = {}
    for w in (False, True):
        sfx = "_7day_window" if w else ""
        out["hybrid" + sfx] = timed(lambda q, v, lo, hi: store.hybrid(q, v, 10, lo, hi), queries, w)
        out["text50" + sfx] = timed(lambda q, v, lo, hi: store.search_text(q, 50, lo, hi), queries, w)
        out["vector50" + sfx] = timed(lambda q, v, lo, hi: store.search_vector(v, 50, lo, hi), queries, w)
    return out


def exact_top(mat: np.ndarray, idx: np.ndarray, v: np.ndarray, k: int,
              lo: str | None = None, hi: str | None = None) -> list[int]:
    scores = np.asarray(mat @ (v / np.linalg.norm(v)))
    if lo:
        days = np.asarray(idx[:, 1])
        scores = np.where(((days >= date.fromisoformat(lo).toordinal())
                           & (days <= date.fromisoformat(hi).toordinal())) | (days < 0),
                          scores, -np.inf)  # undated rows are in every window
    top = np.argpartition(-scores, k - 1)[:k]
    return [int(idx[i, 0]) for i in top if np.isfinite(scores[i])]


def measure(db: Path, queries, rebuild: bool) -> dict:
    from claimmap.corpus.sqlite import SQLiteStore, _tokens

    out: dict = {}
    with SQLiteStore(db) as store:
        if rebuild:  # drop the derived files: first search rebuilds mirror (+ index)
            for p in db.parent.glob(db.name + ".vec*"):
                p.unlink()
            for p in db.parent.glob(db.name + ".ann*"):
                p.unlink()
            for p in db.parent.glob(db.name + ".post.*"):
                p.unlink()
        t0 = time.perf_counter()
        store.search_vector(queries[0][1], 10)
        out["first_query_builds_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        info = getattr(store, "vector_index_info", dict)()
        out["vector_index"] = info
        t0 = time.perf_counter()  # builds the postings copy when its files are missing
        store.search_text(queries[0][0], 10)
        out["first_text_query_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    with SQLiteStore(db) as store:  # reopen: everything memory-mapped from the derived files
        t0 = time.perf_counter()
        store.hybrid(queries[0][0], queries[0][1], 10)
        out["first_query_after_reopen_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        mat, idx = store._vectors()

        out.update(time_searches(store, queries))
        index = store._postings() if hasattr(store, "_postings") else None
        if index is not None:  # how much of each query's postings the top-50 search scanned
            scanned, total = [], []
            for q, *_ in queries:
                store.search_text(q, 50)
                scanned.append(index.last_scanned)
                tids = [index.terms[t] for t in set(_tokens(q)) if t in index.terms]
                total.append(int(sum(index.ptr[t + 1] - index.ptr[t] for t in tids)))
            out["text_postings"] = {"index_postings": len(index.rows),
                                    "query_postings_p50": int(np.median(total)),
                                    "scanned_p50": int(np.median(scanned)),
                                    "scanned_p95": int(np.percentile(scanned, 95))}
        for w in (False, True):
            rec = []
            for q, v, day, _ in queries:
                lo, hi = window(day) if w else (None, None)
                want = set(exact_top(mat, idx, v, 50, lo, hi))
                got = {h.sentence_id for h in store.search_vector(v, 50, lo, hi)}
                rec.append(len(want & got) / max(1, len(want)))
            out["recall@50" + ("_7day_window" if w else "")] = round(float(np.mean(rec)), 4)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--vectors", choices=["text", "random"], default="text")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/cmbench"))
    ap.add_argument("--dim", type=int, default=DIM,
                    help="vector size: 384 = MiniLM, 256 = the static corpus embedder")
    ap.add_argument("--no-rebuild", action="store_true",
                    help="keep the derived vector files (no build-time measurement)")
    ap.add_argument("--undated", type=float, default=0.0,
                    help="share of the documents without a date (in every window)")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / (f"q-{args.vectors}-{args.sentences}" + ("" if args.dim == DIM else f"-d{args.dim}")
                     + (f"-u{round(args.undated * 100)}" if args.undated else "") + ".db")
    meta = db.parent / (db.name + ".meta.json")
    gen = Gen(args.vectors, dim=args.dim)
    out: dict = {"cpus": os.cpu_count(), "sentences": args.sentences, "vectors": args.vectors,
                 "dim": args.dim, "undated": args.undated,
                 "settings": {k: v for k, v in os.environ.items() if k.startswith("CLAIMMAP_CORPUS")}}
    if not meta.exists():
        for p in args.dir.glob(db.name + "*"):
            p.unlink()
        out["fill"] = fill(db, args.sentences, gen, args.undated)
    out["fill_s"] = json.loads(meta.read_text())["fill_s"]
    queries = make_queries(db, args.queries, gen)
    out.update(measure(db, queries, not args.no_rebuild))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
