"""Does the check-worthiness model generalise beyond the debates it is cross-validated on?

    .venv/bin/python bench/bench_checkworthiness_generalise.py [--configs a,b] [--data DIR] [--dedup-cv a,b]

Leave-one-debate-out CV (bench/bench_checkworthiness.py: MAP 0.255) holds out one debate at a
time but trains on the rest of the same 2016-2019 campaign: the same speakers (9 of the 19
files are Donald Trump's own speeches and press conferences) repeating the same claims, and
ClaimBuster, which holds three of the debates. New data (CLEF's later test debates, news) shares
neither. This script measures:

1. **leakage**: per debate, the share of its check-worthy sentences that have a near-duplicate
   (word-set Jaccard >= 0.6, >= 5 words) among the check-worthy sentences of other debates or of
   ClaimBuster;
2. **time split**: train on the 2016-2017 files (+ ClaimBuster), test on the 2018-2019 files,
   the honest stand-in for data from later events;
3. **speaker split**: train on everything but Trump's solo speeches (+ ClaimBuster), test on them
   (a speaker never seen in training);
4. optionally (``--dedup-cv``) leave-one-debate-out with every training sentence that is a
   near-duplicate of a held-out sentence removed.

MAP, R-precision and P@5 use the official CLEF-2019 definitions. One JSON line per measure.
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

from bench.bench_checkworthiness import T  # noqa: E402  (train/train_checkworthiness.py)
from claimmap.evaluate.checkworthiness import aggregate, debate_metrics  # noqa: E402

JACCARD = 0.6
MIN_WORDS = 5
#: Trump's own speeches / press conferences / addresses (no other candidate speaks)
SOLO = ("trump_acceptance", "trump_press", "trump_address", "nashville", "paris_climate",
        "trump_tax", "trump_miami", "trump_world", "oval_office")


def _sets(corpus):
    return [frozenset(w for w in n.split() if len(w) > 2) for n in corpus.norm]


def _near(a: frozenset, b: frozenset) -> bool:
    if len(a) < MIN_WORDS or len(b) < MIN_WORDS:
        return False
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) >= JACCARD


def _index(sets, rows):
    """word -> rows holding it (only rows with enough words)."""
    idx: dict[str, list[int]] = {}
    for r in rows:
        if len(sets[r]) >= MIN_WORDS:
            for w in sets[r]:
                idx.setdefault(w, []).append(r)
    return idx


def _near_rows(sets, query_rows, idx) -> dict[int, set[int]]:
    out = {}
    for q in query_rows:
        s = sets[q]
        if len(s) < MIN_WORDS:
            continue
        counts: dict[int, int] = {}
        for w in s:
            for r in idx.get(w, ()):
                counts[r] = counts.get(r, 0) + 1
        need = JACCARD * len(s)
        hits = {r for r, c in counts.items() if c >= need * 0.5 and r != q and _near(s, sets[r])}
        if hits:
            out[q] = hits
    return out


def leakage(corpus, sets) -> dict:
    group = np.asarray(corpus.group)
    labels = np.asarray(corpus.labels)
    pos = np.flatnonzero(labels == 1)
    idx = _index(sets, pos)
    near = _near_rows(sets, pos[group[pos] != "claimbuster"], idx)
    per = {}
    for d in dict.fromkeys(corpus.group):
        if d == "claimbuster":
            continue
        mine = pos[group[pos] == d]
        other = sum(1 for r in mine if any(group[h] not in (d,) for h in near.get(r, ())))
        per[d] = {"positives": int(len(mine)), "near_duplicate_elsewhere": other}
    tot = sum(v["positives"] for v in per.values())
    dup = sum(v["near_duplicate_elsewhere"] for v in per.values())
    return {"measure": "leakage", "positives": tot, "near_duplicate_elsewhere": dup,
            "share": round(dup / tot, 3) if tot else 0.0, "per_debate": per}


def split_eval(corpus, raw, cfg, train_groups, test_groups, dedup_sets=None) -> dict:
    group = np.asarray(corpus.group)
    labels = np.asarray(corpus.labels)
    norm = np.asarray(corpus.norm)
    test = np.flatnonzero(np.isin(group, list(test_groups)))
    held = set(norm[test])
    train = np.flatnonzero(np.isin(group, list(train_groups) + (["claimbuster"] if cfg.use_claimbuster else []))
                           & ~np.isin(norm, list(held)))
    if dedup_sets is not None:
        idx = _index(dedup_sets, train)
        drop = set().union(*_near_rows(dedup_sets, test, idx).values()) if len(test) else set()
        train = np.array([r for r in train if r not in drop])
    fitted = T.fit(raw, corpus, train, cfg)
    per = {}
    for d in test_groups:
        rows = np.flatnonzero(group == d)
        per[d] = debate_metrics(labels[rows].tolist(), T.predict(raw, rows, fitted).tolist())
    res = aggregate(per)
    return {k: round(res[k], 4) for k in ("map", "r_precision", "p_at_5")} | {
        "per_debate_ap": {k: round(v["ap"], 4) for k, v in res["per_debate"].items()},
        "train_rows": int(len(train))}


def dedup_cv(corpus, raw, cfg, sets) -> dict:
    debates = [g for g in dict.fromkeys(corpus.group) if g != "claimbuster"]
    per = {}
    for d in debates:
        r = split_eval(corpus, raw, cfg, [g for g in debates if g != d], [d], dedup_sets=sets)
        per[d] = r["per_debate_ap"][d]
    return {"map": round(float(np.mean(list(per.values()))), 4), "per_debate_ap": per}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data")
    ap.add_argument("--configs", default="a_tfidf_lr,b_context_lr,b_no_claimbuster,c_balanced_dropout")
    ap.add_argument("--dedup-cv", default="", help="configs to run near-duplicate-free leave-one-debate-out CV for")
    args = ap.parse_args(argv)
    corpus = T.load_corpus(T.data_dir(args.data))
    raw = T.featurise(corpus)
    sets = _sets(corpus)
    print(json.dumps(leakage(corpus, sets)))
    sys.stdout.flush()
    debates = [g for g in dict.fromkeys(corpus.group) if g != "claimbuster"]
    early = [d for d in debates if d[:4] in ("2016", "2017")]
    late = [d for d in debates if d not in early]
    solo = [d for d in debates if any(s in d for s in SOLO)]
    rest = [d for d in debates if d not in solo]
    for name in args.configs.split(","):
        cfg = T.CONFIGS[name]
        t0 = time.time()
        out = {"config": name,
               "time_split": split_eval(corpus, raw, cfg, early, late),
               "time_split_dedup": split_eval(corpus, raw, cfg, early, late, dedup_sets=sets),
               "speaker_split": split_eval(corpus, raw, cfg, rest, solo)}
        out["seconds"] = round(time.time() - t0, 1)
        print(json.dumps(out))
        sys.stdout.flush()
    for name in filter(None, args.dedup_cv.split(",")):
        t0 = time.time()
        print(json.dumps({"config": name, "dedup_cv": dedup_cv(corpus, raw, T.CONFIGS[name], sets),
                          "seconds": round(time.time() - t0, 1)}))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
