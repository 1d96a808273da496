"""The MiniLM models on onnxruntime against the torch path they replace, on public data:
persuasion techniques (both variants) on PTC articles, stance on FNC-1 competition-test pairs,
the MiniLM sentence embedder on FNC headlines. Same decisions means the accuracy figures of
BENCHMARKS.md carry over.

    .venv/bin/python bench/bench_onnx_equivalence.py [--articles 30] [--pairs 500] [--out FILE]

Reads ../shared/data (setting CLAIMMAP_DATA); prints one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import time
from pathlib import Path

import numpy as np


def techniques(articles: list[str]) -> dict:
    from claimmap.techniques import ARTEFACT, TechniqueModel

    out = {}
    for variant in ("fast", "full"):
        res, secs = {}, {}
        for rt in ("onnx", "torch"):
            os.environ["CLAIMMAP_INFERENCE"] = rt
            m = TechniqueModel(ARTEFACT, variant=variant)
            t = time.perf_counter()
            rows = []
            for text in articles:
                spans = m.spans(text)
                labels = m.classify(text, [(s, e) for s, e, _ in spans])
                rows.append((spans, labels))
            secs[rt] = round(time.perf_counter() - t, 2)
            res[rt] = rows
        same_spans = same_labels = n_spans = 0
        max_p = 0.0
        for (sa, la), (sb, lb) in zip(res["onnx"], res["torch"]):
            same_spans += [(s, e) for s, e, _ in sa] == [(s, e) for s, e, _ in sb]
            same_labels += [t for t, _ in la] == [t for t, _ in lb]
            n_spans += len(sa)
            if len(la) == len(lb):
                max_p = max([max_p] + [abs(p - q) for (_, p), (_, q) in zip(la, lb)])
        out[variant] = {"articles": len(articles), "spans": n_spans, "articles_same_spans": same_spans,
                        "articles_same_labels": same_labels, "max_label_prob_diff": float(max_p), "seconds": secs}
    return out


def stance(pairs: list[tuple[str, str]]) -> dict:
    from claimmap.stance.model import StanceModel

    res, secs = {}, {}
    for rt in ("onnx", "torch"):
        os.environ["CLAIMMAP_INFERENCE"] = rt
        m = StanceModel("")
        t = time.perf_counter()
        res[rt] = m.predict_proba(pairs)
        secs[rt] = round(time.perf_counter() - t, 2)
    a, b = res["onnx"], res["torch"]
    return {"pairs": len(pairs), "same_label": int((a.argmax(1) == b.argmax(1)).sum()),
            "max_prob_diff": float(np.abs(a - b).max()), "seconds": secs}


def embedder(texts: list[str]) -> dict:
    from claimmap.corpus import embed

    os.environ["CLAIMMAP_INFERENCE"] = "onnx"
    t = time.perf_counter()
    a = embed.OnnxMiniLMEmbedder().encode(texts)
    ta = time.perf_counter() - t
    st = embed.SentenceTransformerEmbedder()
    t = time.perf_counter()
    b = st.encode(texts)
    tb = time.perf_counter() - t
    return {"texts": len(texts), "max_abs_diff": float(np.abs(a - b).max()), "min_cosine": float((a * b).sum(1).min()),
            "seconds": {"onnx": round(ta, 2), "sentence-transformers": round(tb, 2)}}


def main() -> None:
    from claimmap import config

    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=30)
    ap.add_argument("--pairs", type=int, default=500)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    data = Path(config.get("CLAIMMAP_DATA"))
    ptc = data / "ptc-semeval2020-task11" / "train-articles"
    fnc = data / "fnc-1"
    arts = [p.read_text("utf-8") for p in sorted(ptc.glob("article*.txt"))[:args.articles]]
    bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(open(fnc / "competition_test_bodies.csv", encoding="utf-8"))}
    rows = list(csv.DictReader(open(fnc / "competition_test_stances.csv", encoding="utf-8")))[:args.pairs]
    pairs = [(r["Headline"], bodies[r["Body ID"]]) for r in rows]
    result = {"techniques": techniques(arts), "stance": stance(pairs),
              "embedder": embedder([h for h, _ in pairs]), "load_average": os.getloadavg()[0]}
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
