"""PostgreSQL corpus store: bulk load (COPY) and query latency of ``PostgresStore.hybrid``.

    bash scripts/postgres.sh start      # or any server with pgvector
    nice .venv/bin/python bench/bench_postgres_query.py --url "$(bash scripts/postgres.sh url)" \\
        [--sentences 100000] [--queries 200] [--vectors text|random] [--chunk 50000] [--keep]
        [--ef-search 40 100 200]

The corpus goes into the schema ``bench_<vectors>_<sentences>`` (reused when it already holds
that many sentences, else dropped and loaded again; dropped at the end unless ``--keep``). It
holds ``--sentences`` generated sentences in documents of 20-30 sentences, 12-25 words each from
a Zipf-distributed vocabulary of 20k pseudo-words, published over 2024 in load order except 10%
back-filled documents with a random day. Vectors have 384 dimensions (MiniLM's size):

- ``text`` (default): a stand-in for sentence embeddings with the structure ANN indexes rely
  on: unit(0.8·unit(Σ idf(w)·E[w]) + 0.5·document topic + 0.3·noise), E a fixed random vector
  per word (not a real model's embeddings);
- ``random``: i.i.d. Gaussian unit rows (no structure: the worst case for HNSW).

Load: ``drop_vector_index()``, ``add_many`` (binary COPY) per chunk of documents, then
``build_vector_index()`` (HNSW, m=16, ef_construction=64, pgvector defaults) and ANALYZE; each
part timed. Queries are claim-like: 8-16 words, half paraphrases of a stored sentence (a span
with ~30% of its words replaced, vector in the same topic neighbourhood), half new text; the
±7-day window is centred on the source document's day (or a random 2024 day). Each query is
timed through ``hybrid(query, vec, k=10)`` (text top-50 + vector top-50, RRF) and through
``search_text`` / ``search_vector`` with depth 50, without and with the window. Recall@10 and
@50 compare ``search_vector(vec, 50)`` with an exact cosine ranking (numpy over the same
vectors), per query kind, for each ``--ef-search`` value (default: CLAIMMAP_PG_EF_SEARCH);
near_duplicate_top1: how often a stored sentence's vector plus small noise (σ 0.02 per
dimension) finds that sentence first.
The query vector's encoding is not timed (no model runs here). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_corpus_query import time_searches, timed, window  # noqa: E402  (same timing rules)

DIM = 384
VOCAB = 20_000
DAY0 = date(2024, 1, 1)


class Gen:
    """Deterministic corpus: documents' sentences (word ids), days, topics and vectors."""

    def __init__(self, n_sent: int, vectors: str, seed: int = 0):
        rng = np.random.default_rng(seed)
        letters_c, letters_v = list("bcdfghklmnprstvz"), list("aeiou")
        self.vocab = ["".join(rng.choice(letters_c) + rng.choice(letters_v)
                              for _ in range(int(rng.integers(2, 5)))) + str(i) for i in range(VOCAB)]
        w = 1.0 / np.arange(1, VOCAB + 1)
        self.cum = np.cumsum(w / w.sum())
        self.idf = np.log(2.0 + np.arange(VOCAB)).astype(np.float32)
        self.E = rng.standard_normal((VOCAB, DIM), dtype=np.float32) / np.sqrt(DIM)
        self.vectors = vectors
        self.n_sent = n_sent
        sizes = []
        while sum(sizes) < n_sent:
            sizes.append(int(rng.integers(20, 31)))
        sizes[-1] -= sum(sizes) - n_sent
        self.sizes = sizes
        n_docs = len(sizes)
        days = np.array([d * 366 // n_docs for d in range(n_docs)])
        back = rng.random(n_docs) < 0.1
        days[back] = rng.integers(0, 366, int(back.sum()))
        self.days = days
        self.doc_seed = seed + 1000

    def word_ids(self, rng, n: int) -> np.ndarray:
        return np.searchsorted(self.cum, rng.random(n))

    def embed(self, rng, word_ids: list[np.ndarray], topics: np.ndarray) -> np.ndarray:
        n = len(word_ids)
        if self.vectors == "random":
            out = rng.standard_normal((n, DIM), dtype=np.float32)
        else:
            from scipy.sparse import csr_matrix

            lens = [len(x) for x in word_ids]
            cols = np.concatenate(word_ids)
            rows = np.repeat(np.arange(n), lens)
            bow = csr_matrix((self.idf[cols], (rows, cols)), shape=(n, VOCAB)) @ self.E
            bow /= np.maximum(np.linalg.norm(bow, axis=1, keepdims=True), 1e-9)
            noise = rng.standard_normal((n, DIM), dtype=np.float32) / np.sqrt(DIM)
            out = 0.8 * bow + 0.5 * topics + 0.3 * noise
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)

    def documents(self, start: int, stop: int):
        """Documents start..stop-1: (doc no, day, sentences' word ids, vectors)."""
        for d in range(start, stop):
            rng = np.random.default_rng(self.doc_seed + d)
            ids = [self.word_ids(rng, int(rng.integers(12, 26))) for _ in range(self.sizes[d])]
            topic = rng.standard_normal((1, DIM)).astype(np.float32)
            topic /= np.linalg.norm(topic)
            yield d, DAY0 + timedelta(days=int(self.days[d])), ids, self.embed(rng, ids, topic)

    def text(self, ids) -> str:
        return " ".join(self.vocab[i] for i in ids) + "."


def load(store, gen: Gen, chunk: int) -> dict:
    from claimmap.corpus.store import DocRecord, SentenceRecord

    out = {}
    t0 = time.perf_counter()
    store.drop_vector_index()
    copy_s = gen_s = 0.0
    n_docs = len(gen.sizes)
    docs_per_chunk = max(1, chunk // 25)
    for start in range(0, n_docs, docs_per_chunk):
        tg = time.perf_counter()
        items = []
        for d, day, ids, vecs in gen.documents(start, min(n_docs, start + docs_per_chunk)):
            sents = [gen.text(s) for s in ids]
            items.append((DocRecord(text=f"doc {d} " + " ".join(sents), published=day.isoformat(),
                                    url=f"https://example.org/{d}"),
                          [SentenceRecord(s) for s in sents], [], vecs, None))
        tc = time.perf_counter()
        gen_s += tc - tg
        store.add_many(items, rebuild_index=False)
        copy_s += time.perf_counter() - tc
        print(f"loaded {min(n_docs, start + docs_per_chunk)}/{n_docs} documents, "
              f"copy {copy_s:.0f} s", file=sys.stderr, flush=True)
    t1 = time.perf_counter()
    store.build_vector_index(maintenance_work_mem="6GB")
    t2 = time.perf_counter()
    store.conn.execute("VACUUM ANALYZE")
    out["generate_s"] = round(gen_s, 1)
    out["copy_s"] = round(copy_s, 1)
    out["copy_sentences_per_s"] = round(gen.n_sent / copy_s)
    out["hnsw_build_s"] = round(t2 - t1, 1)
    out["vacuum_analyze_s"] = round(time.perf_counter() - t2, 1)
    out["load_total_s"] = round(time.perf_counter() - t0 - gen_s, 1)
    return out


def make_queries(gen: Gen, n: int, seed: int = 11):
    """(query text, vector, window centre day, source document or None)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        if i % 2 == 0:  # paraphrase of a stored sentence
            d = int(rng.integers(0, len(gen.sizes)))
            _, day, ids, vecs = next(gen.documents(d, d + 1))
            j = int(rng.integers(0, len(ids)))
            words = list(ids[j])
            ln = int(rng.integers(8, 17))
            a = int(rng.integers(0, max(1, len(words) - ln + 1)))
            span = np.array(words[a:a + ln])
            swap = rng.random(len(span)) < 0.3
            span[swap] = gen.word_ids(rng, int(swap.sum()))
            v = gen.embed(rng, [span], vecs[j][None, :])[0]
            out.append((" ".join(gen.vocab[w] for w in span), v, day.isoformat()))
        else:
            ids = gen.word_ids(rng, int(rng.integers(8, 17)))
            topic = rng.standard_normal((1, DIM)).astype(np.float32)
            v = gen.embed(rng, [ids], topic / np.linalg.norm(topic))[0]
            day = (DAY0 + timedelta(days=int(rng.integers(0, 366)))).isoformat()
            out.append((" ".join(gen.vocab[w] for w in ids), v, day))
    return out




def all_vectors(gen: Gen) -> tuple[np.ndarray, np.ndarray]:
    mats, days = [], []
    for _, day, _ids, vecs in gen.documents(0, len(gen.sizes)):
        mats.append(vecs)
        days.append(np.full(len(vecs), day.toordinal()))
    return np.concatenate(mats), np.concatenate(days)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=os.environ.get("CLAIMMAP_TEST_POSTGRES_URL", ""))
    ap.add_argument("--sentences", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--vectors", choices=["text", "random"], default="text")
    ap.add_argument("--chunk", type=int, default=50_000, help="sentences per add_many call")
    ap.add_argument("--recall-queries", type=int, default=100)
    ap.add_argument("--ef-search", type=int, nargs="+", default=None,
                    help="ef_search values for the recall measurement (default: the setting)")
    ap.add_argument("--keep", action="store_true", help="keep the loaded schema for a rerun")
    args = ap.parse_args()
    url = args.url or subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "url"],
                                     capture_output=True, text=True, check=True).stdout.strip()
    from claimmap import config
    from claimmap.corpus.postgres import PostgresStore

    schema = f"bench_{args.vectors}_{args.sentences}"
    gen = Gen(args.sentences, args.vectors)
    out: dict = {"cpus": os.cpu_count(), "sentences": args.sentences,
                 "documents": len(gen.sizes), "dim": DIM,
                 "vectors": ("synthetic text-like (idf-weighted random word vectors + document "
                             "topic + noise), not a real model" if args.vectors == "text"
                             else "i.i.d. Gaussian unit vectors"),
                 "ef_search": config.get_int("CLAIMMAP_PG_EF_SEARCH")}
    args.ef_search = args.ef_search or [out["ef_search"]]
    store = PostgresStore(url, schema=schema)
    try:
        out["server"] = store.conn.execute("SELECT version()").fetchone()[0].split(" on ")[0]
        out["pgvector"] = store.vector_version
        if store.stats()["sentences"] != args.sentences or not store.conn.execute(
                "SELECT to_regclass(current_schema() || '.sentences_embedding') IS NOT NULL").fetchone()[0]:
            store.close()
            import psycopg

            with psycopg.connect(url, autocommit=True) as c:
                c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            store = PostgresStore(url, schema=schema)
            out["load"] = load(store, gen, args.chunk)
        size = store.conn.execute(
            "SELECT pg_total_relation_size('sentences'), pg_relation_size('sentences_embedding')"
        ).fetchone()
        out["sentences_table_mb"] = round(size[0] / 2**20)
        out["hnsw_index_mb"] = round(size[1] / 2**20)
        queries = make_queries(gen, args.queries)
        store.hybrid(queries[0][0], queries[0][1], 10)  # warm-up

        out.update(time_searches(store, queries))
        # recall against exact cosine (numpy over the regenerated vectors), by query kind:
        # paraphrases have true neighbours (their document's sentences); for new text the
        # exact top 50 are near-ties at noise level, which no ANN index is expected to find
        mat, days = all_vectors(gen)
        first_id = store.conn.execute("SELECT min(id) FROM sentences").fetchone()[0]
        for ef in args.ef_search:
            os.environ["CLAIMMAP_PG_EF_SEARCH"] = str(ef)
            res: dict = {}
            if ef != out["ef_search"]:
                res["vector50"] = timed(lambda q, v, lo, hi: store.search_vector(v, 50, lo, hi), queries, False)
            for w in (False, True):
                rec: dict = {}
                for i, (q, v, day) in enumerate(queries[:args.recall_queries]):
                    lo, hi = window(day) if w else (None, None)
                    scores = mat @ v
                    if w:
                        ok = ((days >= date.fromisoformat(lo).toordinal())
                              & (days <= date.fromisoformat(hi).toordinal()))
                        scores = np.where(ok, scores, -np.inf)
                    got = [h.sentence_id for h in store.search_vector(v, 50, lo, hi)]
                    for kk in (10, 50):
                        top = np.argpartition(-scores, kk - 1)[:kk]
                        want = {int(j) + first_id for j in top if np.isfinite(scores[j])}
                        key = f"{'paraphrase' if i % 2 == 0 else 'new_text'}_recall@{kk}"
                        rec.setdefault(key, []).append(len(want & set(got[:kk])) / max(1, len(want)))
                res["7day_window" if w else "no_window"] = {
                    key: round(float(np.mean(x)), 3) for key, x in sorted(rec.items())}
            # a stored sentence's vector plus small noise: is that sentence the top hit?
            rng = np.random.default_rng(5)
            offs = np.concatenate([[0], np.cumsum(gen.sizes)])
            top1 = []
            for _ in range(args.recall_queries):
                d = int(rng.integers(0, len(gen.sizes)))
                j = int(rng.integers(0, gen.sizes[d]))
                v = mat[offs[d] + j] + 0.02 * rng.standard_normal(DIM).astype(np.float32)
                got = store.search_vector(v, 10)
                top1.append(bool(got) and got[0].sentence_id == first_id + int(offs[d]) + j)
            res["near_duplicate_top1"] = round(float(np.mean(top1)), 3)
            out[f"recall_ef_search_{ef}"] = res
    finally:
        store.close()
        if not args.keep:
            import psycopg

            with psycopg.connect(url, autocommit=True) as c:
                c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
