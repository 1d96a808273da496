"""Leave-one-debate-out cross-validation of check-worthiness approaches on CLEF-2019 training.

    PYTHONPATH=/path/to/scikit-learn .venv/bin/python bench/bench_checkworthiness.py [--configs a,b] [--data DIR]

19 folds: each debate of clef2019-checkthat-task1/training is held out once; the model is
trained on the other 18 debates plus ClaimBuster (minus any ClaimBuster sentence whose
normalised text occurs in the held-out debate: three 2016 debates are in both sets). The
held-out debate is scored in order (neighbours, speaker turns) and ranked; MAP, R-precision
and P@5 use the official CLEF-2019 definitions (claimmap.evaluate.checkworthiness). Prints
one JSON object per approach, then a summary. Also times the shipped artefact
(``--speed``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimmap.evaluate.checkworthiness import aggregate, debate_metrics

_spec = importlib.util.spec_from_file_location("train_checkworthiness", ROOT / "train" / "train_checkworthiness.py")
T = importlib.util.module_from_spec(_spec)
sys.modules["train_checkworthiness"] = T
_spec.loader.exec_module(T)


def cross_validate(corpus, raw, cfg, verbose=False, no_speaker=False) -> dict:
    """Leave-one-debate-out CV; with ``no_speaker`` the held-out debate is also scored with
    the speaker/turn features blanked (as for a news article whose speakers are unknown)."""
    group = np.asarray(corpus.group)
    norm = np.asarray(corpus.norm)
    labels = np.asarray(corpus.labels)
    debates = [g for g in dict.fromkeys(corpus.group) if g != "claimbuster"]
    per, per_nospk = {}, {}
    for d in debates:
        test = np.flatnonzero(group == d)
        held = set(norm[test])
        train = np.flatnonzero((group != d) & ((group != "claimbuster") | ~np.isin(norm, list(held))))
        if not cfg.use_claimbuster:
            train = train[group[train] != "claimbuster"]
        fitted = T.fit(raw, corpus, train, cfg)
        scores = T.predict(raw, test, fitted)
        per[d] = debate_metrics(labels[test].tolist(), scores.tolist())
        if no_speaker:
            per_nospk[d] = debate_metrics(labels[test].tolist(), T.predict(raw, test, fitted, nospk=True).tolist())
        if verbose:
            print(f"  {d}: AP {per[d]['ap']:.3f}", file=sys.stderr)
    res = aggregate(per)
    if no_speaker:
        ns = aggregate(per_nospk)
        res["without_speaker"] = {k: ns[k] for k in ("map", "r_precision", "p_at_5")}
    return res


def speed(n: int = 2000) -> dict:
    from claimmap.checkworthiness import _default_scorer, score_sentences  # noqa: F401

    sents = ["Unemployment fell to 3.5 percent last year, the lowest since 1969.",
             "I think we can do better.", "Good evening and welcome.",
             "The city council approved a $12 million budget for road repairs on Tuesday."] * (n // 4)
    score_sentences(sents[:4])  # load model + spaCy
    t0 = time.time()
    score_sentences(sents)
    dt = time.time() - t0
    return {"sentences": len(sents), "seconds": round(dt, 2), "sentences_per_s": round(len(sents) / dt, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data")
    ap.add_argument("--configs", default=",".join(T.CONFIGS))
    ap.add_argument("--speed", action="store_true", help="also time the shipped artefact")
    ap.add_argument("--no-speaker", action="store_true",
                    help="also score held-out debates with speaker/turn features blanked")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    corpus = T.load_corpus(T.data_dir(args.data))
    raw = T.featurise(corpus)
    summary = {}
    for name in args.configs.split(","):
        cfg = T.CONFIGS[name]
        t0 = time.time()
        res = cross_validate(corpus, raw, cfg, args.verbose, args.no_speaker)
        res["seconds"] = round(time.time() - t0, 1)
        print(json.dumps({"config": name, **{k: v for k, v in res.items() if k != "per_debate"},
                          "per_debate_ap": {k: round(v["ap"], 4) for k, v in res["per_debate"].items()}}))
        sys.stdout.flush()
        summary[name] = {k: round(res[k], 4) for k in ("map", "r_precision", "p_at_5")}
        if "without_speaker" in res:
            summary[name]["without_speaker"] = {k: round(v, 4) for k, v in res["without_speaker"].items()}
    if args.speed:
        summary["speed"] = speed()
    print(json.dumps({"summary": summary}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
