"""Train the learned cue detector (claimmap/statements/learned.py) on PolNeAR train.

    .venv/bin/python train/train_attribution.py [TRAIN_DIR] [--out claimmap/data/models/cue_lr.json.gz]

TRAIN_DIR defaults to $CLAIMMAP_DATA/polnear/data/train. Every verb/noun token is a candidate;
its label is whether it overlaps a gold Cue span (first annotator file of each article).
Logistic regression, AdaGrad SGD with L2, a few epochs; the threshold is picked on a held-out
10% of the articles (best token-level F1). Output: gzipped JSON weights (< 1 MB).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from collections import defaultdict


def load_examples(split: str, limit: int | None, cache: str | None = None, parse: str = "whole"):
    from claimmap import nlp
    from claimmap.evaluate.attribution import read_ann
    from claimmap.statements import cues, learned
    from claimmap.statements.attribution import quote_mask

    lex = cues.load()
    text_dir, ann_dir = os.path.join(split, "text"), os.path.join(split, "attributions")
    first = {}
    for name in sorted(os.listdir(ann_dir)):
        art = name[:-4].rsplit("_", 1)[0]
        if name.endswith(".ann") and art not in first and os.path.exists(os.path.join(text_dir, art + ".txt")):
            first[art] = os.path.join(ann_dir, name)
    arts = sorted(first)[:limit] if limit else sorted(first)
    texts = [open(os.path.join(text_dir, a + ".txt"), encoding="utf-8").read() for a in arts]
    from claimmap.nlp import blocks as _blocks

    # "whole": one parse per article (the shipped model); "blocks": block by block (paragraphs/
    # lines) exactly as extract() parses — it scored no better on held-out train articles
    if parse == "blocks":
        spans = [(_blocks(t, 0, len(t)), t) for t in texts]
    else:
        spans = [([(0, len(t))], t) for t in texts]
    chunks = [t[a:b] for blocks, t in spans for a, b in blocks]
    out = []
    pipe = nlp.load()
    docs = None
    if cache and os.path.exists(cache):
        from spacy.tokens import DocBin

        docs = list(DocBin().from_disk(cache).get_docs(pipe.vocab))
        if len(docs) != len(chunks) or any(d.text != t for d, t in zip(docs, chunks)):
            docs = None
    if docs is None:
        docs = list(pipe.pipe(chunks, batch_size=32))
        if cache:
            from spacy.tokens import DocBin

            DocBin(docs=docs).to_disk(cache)
    k = 0
    for art, text, (blocks, _) in zip(arts, texts, spans):
        gold = read_ann(first[art])["cue"]
        covered = bytearray(len(text) + 1)
        for s, e in gold:
            for i in range(s, min(e, len(text))):
                covered[i] = 1
        ex = []
        for (a, _b), doc in zip(blocks, docs[k:k + len(blocks)]):
            mask = quote_mask(doc.text)
            for tok in doc:
                if not learned.candidate(tok):
                    continue
                y = any(covered[a + i] for i in range(tok.idx, tok.idx + len(tok.text)))
                ex.append((learned.features(tok, lex, bool(mask[tok.idx])), 1 if y else 0))
        k += len(blocks)
        out.append((art, ex))
    return out


def train(data, epochs=6, lr=0.2, l2=1e-6, seed=0):
    w = defaultdict(float)
    g2 = defaultdict(float)
    rows = [x for _art, ex in data for x in ex]
    rnd = random.Random(seed)
    for ep in range(epochs):
        rnd.shuffle(rows)
        loss = 0.0
        for feats, y in rows:
            z = sum(w[f] for f in feats)
            p = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
            g = p - y
            loss += -math.log(max(1e-9, p if y else 1 - p))
            for f in feats:
                gf = g + l2 * w[f]
                g2[f] += gf * gf
                w[f] -= lr * gf / (math.sqrt(g2[f]) + 1e-8)
        print(f"epoch {ep + 1}: loss {loss / len(rows):.4f}", file=sys.stderr)
    return dict(w)


def main(argv=None) -> int:
    from claimmap import config
    from claimmap.statements.learned import Model

    ap = argparse.ArgumentParser()
    ap.add_argument("split", nargs="?", default=os.path.join(config.get("CLAIMMAP_DATA"), "polnear", "data", "train"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "claimmap", "data", "models", "cue_lr.json.gz"))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--parse", choices=("whole", "blocks"), default="whole",
                    help="parse each article whole (default, the shipped model) or block by block")
    ap.add_argument("--cache", default=None, help="DocBin file caching the parsed articles")
    ap.add_argument("--fit-model", default=None,
                    help="also save the model fitted without the held-out 10%% here, and the held-out "
                         "article names next to it (.heldout.txt), for tuning extractor thresholds")
    args = ap.parse_args(argv)
    t0 = time.time()
    data = load_examples(args.split, args.limit, args.cache, args.parse)
    print(f"parsed {len(data)} articles in {time.time() - t0:.0f}s", file=sys.stderr)
    rnd = random.Random(42)
    order = list(range(len(data)))
    rnd.shuffle(order)
    n_dev = max(1, len(data) // 10)
    held = [data[i] for i in order[:n_dev]]
    fit = [data[i] for i in order[n_dev:]]
    w = train(fit, epochs=args.epochs)
    m = Model(w)
    best = (0.0, 0.5)
    rows = [x for _a, ex in held for x in ex]
    probs = [(m.prob(f), y) for f, y in rows]
    for th in [i / 20 for i in range(4, 17)]:
        tp = sum(1 for p, y in probs if p >= th and y)
        fp = sum(1 for p, y in probs if p >= th and not y)
        fn = sum(1 for p, y in probs if p < th and y)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        print(f"threshold {th:.2f}: token F1 {f1:.4f}", file=sys.stderr)
        if f1 > best[0]:
            best = (f1, th)
    if args.fit_model:
        Model(w, threshold=best[1], meta={"fit_without_heldout": True}).save(args.fit_model)
        with open(args.fit_model + ".heldout.txt", "w", encoding="utf-8") as fh:
            fh.write("\n".join(a for a, _ex in held) + "\n")
    # final model on everything
    w = train(data, epochs=args.epochs)
    model = Model(w, threshold=best[1], meta={
        "trained_on": os.path.basename(os.path.dirname(os.path.abspath(args.split))) + "/" + os.path.basename(os.path.abspath(args.split)),
        "articles": len(data), "heldout_token_f1": round(best[0], 4), "epochs": args.epochs})
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    model.save(args.out)
    print(f"saved {args.out} ({os.path.getsize(args.out)} bytes), threshold {best[1]}, "
          f"held-out token F1 {best[0]:.4f}, {time.time() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
