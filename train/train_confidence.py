"""Train the statement confidence model (claimmap/statements/confidence.py) on PolNeAR train.

    .venv/bin/python train/train_confidence.py [TRAIN_DIR] [--fit 500] [--tune 100]
        [--out claimmap/data/models/statement_conf.json.gz] [--dump rows.json.gz | --from-dump rows.json.gz]

TRAIN_DIR defaults to $CLAIMMAP_DATA/polnear/data/train. The articles are shuffled with a fixed
seed (7); the first ``--tune`` are held out (calibration and threshold report), the next ``--fit``
fit the model. Candidates are the statements ``extract()`` finds in each article (one body
zone); a candidate is positive when a gold attribution of the article's first annotator file
overlaps both its cue and its content. Logistic regression (AdaGrad, L2), then Platt scaling of
its score on the held-out articles. Deterministic; dev is never read.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import sys
import time


def _gold(path: str) -> list[tuple[list, list]]:
    """(cue fragments, content fragments) of every attribution in one brat file."""
    spans, out = {}, []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            p = line.rstrip("\n").split("\t")
            if p[0].startswith("T") and len(p) > 1 and " " in p[1]:
                typ, offs = p[1].split(" ", 1)
                try:
                    spans[p[0]] = (typ, [tuple(int(x) for x in f.split()) for f in offs.split(";")])
                except ValueError:
                    continue
            elif p[0].startswith("E") and len(p) > 1:
                d = dict(x.split(":", 1) for x in p[1].split() if ":" in x)
                cue, con = spans.get(d.get("Cue", "")), spans.get(d.get("Content", ""))
                if cue and con:
                    out.append((cue[1], con[1]))
    return out


def _overlaps(frags, s: int, e: int) -> bool:
    return any(min(b, e) - max(a, s) > 0 for a, b in frags)


def articles(split: str, seed: int = 7) -> list[tuple[str, str]]:
    """(article, first annotator file) in the fixed shuffled order."""
    text_dir, ann_dir = os.path.join(split, "text"), os.path.join(split, "attributions")
    first: dict[str, str] = {}
    for name in sorted(os.listdir(ann_dir)):
        art = name[:-4].rsplit("_", 1)[0]
        if name.endswith(".ann") and art not in first and os.path.exists(os.path.join(text_dir, art + ".txt")):
            first[art] = os.path.join(ann_dir, name)
    arts = sorted(first)
    random.Random(seed).shuffle(arts)
    return [(a, first[a]) for a in arts]


def rows_for(split: str, arts) -> list[tuple[str, list[str], int]]:
    """(article, features, label) for every extracted statement of ``arts``."""
    from claimmap.model import Document, Zone
    from claimmap.statements import confidence, extract

    confidence.OVERRIDE = False  # features only; the shipped model plays no part
    out = []
    for k, (art, ann) in enumerate(arts):
        with open(os.path.join(split, "text", art + ".txt"), encoding="utf-8") as fh:
            text = fh.read()
        feats: list = []
        extract(Document(text=text), [Zone("z1", "body", 0, len(text))], remember=False, features_out=feats)
        gold = _gold(ann)
        for st, f in feats:
            cue = st.cue
            y = any(cue is not None and _overlaps(gc, cue.start, cue.end)
                    and _overlaps(gt, st.content.start, st.content.end) for gc, gt in gold)
            out.append((art, f, int(y)))
        if (k + 1) % 50 == 0:
            print(f"  {k + 1}/{len(arts)} articles", file=sys.stderr)
    return out


def _sig(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def fit(rows, epochs: int = 8, lr: float = 0.1, l2: float = 1e-4, seed: int = 0) -> dict[str, float]:
    from collections import defaultdict

    w: dict[str, float] = defaultdict(float)
    g2: dict[str, float] = defaultdict(float)
    data = [(f, y) for _a, f, y in rows]
    rnd = random.Random(seed)
    for _ep in range(epochs):
        rnd.shuffle(data)
        for feats, y in data:
            g = _sig(sum(w[x] for x in feats)) - y
            for x in feats:
                gx = g + l2 * w[x]
                g2[x] += gx * gx
                w[x] -= lr * gx / (math.sqrt(g2[x]) + 1e-8)
    return dict(w)


def platt(scores: list[float], ys: list[int], iters: int = 2000, lr: float = 0.05) -> tuple[float, float]:
    """a, b minimising the log loss of sigmoid(a * score + b) (batch gradient descent)."""
    a, b = 1.0, 0.0
    n = len(scores)
    for _ in range(iters):
        ga = gb = 0.0
        for s, y in zip(scores, ys):
            g = _sig(a * s + b) - y
            ga += g * s
            gb += g
        a -= lr * ga / n
        b -= lr * gb / n
    return a, b


def report(probs: list[float], ys: list[int]) -> dict:
    n = len(ys)
    ll = -sum(math.log(max(1e-9, p if y else 1 - p)) for p, y in zip(probs, ys)) / n
    bins = [[0, 0.0, 0] for _ in range(10)]
    for p, y in zip(probs, ys):
        b = bins[min(9, int(p * 10))]
        b[0] += 1
        b[1] += p
        b[2] += y
    ece = sum(abs(c[1] - c[2]) for c in bins if c[0]) / n
    pos = sorted(p for p, y in zip(probs, ys) if y)
    neg = sorted(p for p, y in zip(probs, ys) if not y)
    import bisect

    auc = sum(bisect.bisect_left(neg, p) + 0.5 * (bisect.bisect_right(neg, p) - bisect.bisect_left(neg, p))
              for p in pos) / max(1, len(pos) * len(neg))
    at = {}
    for t in (0.3, 0.4, 0.5, 0.6, 0.7):
        kept = [y for p, y in zip(probs, ys) if p >= t]
        at[str(t)] = {"kept": round(len(kept) / n, 3), "precision": round(sum(kept) / max(1, len(kept)), 3),
                      "recall": round(sum(kept) / max(1, sum(ys)), 3)}
    return {"n": n, "positive_rate": round(sum(ys) / n, 3), "precision_all": round(sum(ys) / n, 3),
            "log_loss": round(ll, 4), "ece": round(ece, 4), "auc": round(auc, 4), "at_threshold": at}


def main(argv=None) -> int:
    from claimmap import config
    from claimmap.statements.confidence import Model

    ap = argparse.ArgumentParser()
    ap.add_argument("split", nargs="?", default=os.path.join(config.get("CLAIMMAP_DATA"), "polnear", "data", "train"))
    ap.add_argument("--fit", type=int, default=500, help="articles the model is fitted on")
    ap.add_argument("--tune", type=int, default=100, help="held-out articles for calibration")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "claimmap", "data", "models",
                                                  "statement_conf.json.gz"))
    ap.add_argument("--dump", default=None, help="write the extracted rows here (gzipped JSON)")
    ap.add_argument("--from-dump", default=None, help="read the rows from a --dump file instead of extracting")
    args = ap.parse_args(argv)
    t0 = time.time()
    if args.from_dump:
        with gzip.open(args.from_dump, "rt", encoding="utf-8") as fh:
            d = json.load(fh)
        tune_rows, fit_rows = d["tune"], d["fit"]
    else:
        arts = articles(args.split)
        tune_rows = rows_for(args.split, arts[:args.tune])
        fit_rows = rows_for(args.split, arts[args.tune:args.tune + args.fit])
        if args.dump:
            with gzip.open(args.dump, "wt", encoding="utf-8") as fh:
                json.dump({"tune": tune_rows, "fit": fit_rows}, fh)
    print(f"{len(fit_rows)} fit rows, {len(tune_rows)} held-out rows ({time.time() - t0:.0f}s)", file=sys.stderr)
    w = fit(fit_rows)
    raw = Model(w)
    scores = [raw.raw(f) for _a, f, _y in tune_rows]
    ys = [y for _a, _f, y in tune_rows]
    a, b = platt(scores, ys)
    model = Model(w, a, b)
    from claimmap.statements.confidence import score as final_score  # noqa: F401  (hard caps apply at run time)

    res = {"uncalibrated": report([_sig(s) for s in scores], ys),
           "calibrated": report([model.prob(f) for _a, f, _y in tune_rows], ys)}
    model.meta = {"trained_on": "polnear/train", "fit_articles": len({r[0] for r in fit_rows}),
                  "heldout_articles": len({r[0] for r in tune_rows}), "heldout": res["calibrated"]}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    model.save(args.out)
    print(json.dumps(res, indent=1))
    print(f"saved {args.out} ({os.path.getsize(args.out)} bytes), Platt a={a:.3f} b={b:.3f}, "
          f"{time.time() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
