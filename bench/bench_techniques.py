"""Persuasion techniques on PTC (SemEval-2020 Task 11): approaches scored on a held-out split.

    .venv/bin/python bench/bench_techniques.py [--si linear,mlp,bilstm,bilstm5,bilstm_l3]
        [--tc emb,lex,mlp,cw,mlp_l3] [--ensemble bilstm_l3,bilstm5,mlp] [--data DIR]
        [--speed [--threads N]] [--shipped [--model PATH] [--variants full,fast]]
        [--split-by random|id] [--overlap]

Split: the 371 train articles by article, 80/20 with seed 0 (``train_techniques.split_ids``;
the 74 held-out ids are printed under "held_ids"); the 80% part is split again 85/15 (seed 1)
into fit / inner-validation. SI heads are trained on fit, their span decoding (threshold,
smoothing, gap, minimum length) tuned on inner-validation, then scored once on held. TC heads
are scored on inner-validation (for choosing) after training on fit, then retrained on the
whole 80% and scored once on held. Scores use claimmap.evaluate.techniques (official SI
partial-overlap P/R/F1; TC micro-F1 on gold spans). Prints one JSON object per approach.
``--speed`` times the shipped artefact on the seed article (warm); ``--shipped`` scores an
artefact through the inference path (claimmap.techniques) on held: only meaningful for one
trained with ``train_techniques.py --split`` (``--model PATH``; the shipped one saw held).
``--split-by id`` holds out the newest articles instead (highest crawl-ordered ids, both for
held and for inner-validation; train with ``train_techniques.py --split-by id`` for
``--shipped``). ``--overlap`` measures what train and held share (same spans, same stories).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("train_techniques", ROOT / "train" / "train_techniques.py")
T = importlib.util.module_from_spec(_spec)
sys.modules["train_techniques"] = T
_spec.loader.exec_module(T)

SI_APPROACHES = {
    "linear": {"kind": "linear", "epochs": 3},
    "mlp": {"kind": "mlp", "hidden": 256, "epochs": 3},
    "bilstm": {"kind": "bilstm", "hidden": 256, "epochs": 3},
    "bilstm5": {"kind": "bilstm", "hidden": 256, "epochs": 5},
    "bilstm_l3": {"kind": "bilstm", "hidden": 256, "epochs": 3, "layers": (0,)},  # fast variant: layer 3 only
    # alternatives measured for generalisation (--split-by id; RESULTS-techniques.md)
    "bilstm_l3_2ep": {"kind": "bilstm", "hidden": 256, "epochs": 2, "layers": (0,)},
    "bilstm_l3_small": {"kind": "bilstm", "hidden": 64, "epochs": 3, "layers": (0,), "dropout": 0.4},
}
TC_APPROACHES = {
    "emb": {"kind": "linear", "blocks": "emb"},
    "lex": {"kind": "linear", "blocks": "emb+lex+tfidf"},
    "mlp": {"kind": "mlp", "blocks": "emb+lex+tfidf", "hidden": 256, "epochs": 30},
    "cw": {"kind": "linear", "blocks": "emb+lex+tfidf", "class_weight": 0.5},
    "mlp_l3": {"kind": "mlp", "blocks": "emb+lex+tfidf", "hidden": 256, "epochs": 30, "layers": (0,), "use_cls": False},
    # alternatives measured for generalisation (--split-by id): no TF-IDF; stronger regularisation
    "mlp_notfidf": {"kind": "mlp", "blocks": "emb+lex", "hidden": 256, "epochs": 30},
    "mlp_l3_notfidf": {"kind": "mlp", "blocks": "emb+lex", "hidden": 256, "epochs": 30, "layers": (0,), "use_cls": False},
    "mlp_reg": {"kind": "mlp", "blocks": "emb+lex+tfidf", "hidden": 256, "epochs": 30, "dropout": 0.5, "wd": 0.1},
    "mlp_l3_reg": {"kind": "mlp", "blocks": "emb+lex+tfidf", "hidden": 256, "epochs": 30, "layers": (0,), "use_cls": False,
                   "dropout": 0.5, "wd": 0.1},
}


SPLIT_BY = "random"
HEAD_SEED = 0  # --seed: torch seed of the heads (to see how much a difference is noise)


def splits(corpus):
    train, held = T.split_ids(sorted(corpus), by=SPLIT_BY)
    fit, inner = T.split_ids(train, seed=1, frac=0.15, by=SPLIT_BY)
    return fit, inner, train, held


def wp_path(name: str) -> Path:
    """Where run_si keeps an approach's word probabilities (for --ensemble)."""
    tag = ("" if SPLIT_BY == "random" else f"-{SPLIT_BY}") + (f"-s{HEAD_SEED}" if HEAD_SEED else "")
    return T.CACHE / f"si-wp-{name}{tag}.npz"


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9']+", text.lower()) if len(w) > 2}


def overlap(root: Path, train: list[str], held: list[str], held_dir: str = "train-articles") -> dict:
    """What held shares with train: gold TC spans whose text (lower-cased, spaces collapsed) is
    also a train span / occurs in a train article; per held article, the largest word-set
    Jaccard of its title (first line) and of its body with any train article. Held articles
    from another folder (the unlabelled test articles) get only the Jaccard measures."""
    from claimmap.evaluate import techniques as EV

    norm = lambda t: " ".join(t.lower().split())
    texts = {i: EV.read_article(root / "train-articles", i) for i in train}
    held_texts = {i: EV.read_article(root / held_dir, i) for i in held}
    title = lambda t: words(t.split("\n", 1)[0])
    jac = lambda a, b: len(a & b) / max(len(a | b), 1)
    tt, tb = [title(texts[i]) for i in train], [words(texts[i]) for i in train]
    tj = np.asarray([max(jac(title(t), x) for x in tt) for t in held_texts.values()])
    bj = np.asarray([max(jac(words(t), x) for x in tb) for t in held_texts.values()])
    rec = {"title_jaccard_mean": round(float(tj.mean()), 4), "title_jaccard_ge_0.3": round(float((tj >= 0.3).mean()), 4),
           "body_jaccard_mean": round(float(bj.mean()), 4), "body_jaccard_ge_0.3": round(float((bj >= 0.3).mean()), 4)}
    if held_dir != "train-articles":
        return rec
    spans = {i: [] for i in train + held}
    for a, s, e, _t in EV.read_tc_labels(root / "train-task2-TC.labels"):
        if a in spans:
            spans[a].append(norm({**texts, **held_texts}[a][s:e]))
    train_spans = {t for i in train for t in spans[i]}
    train_text = "\n".join(norm(texts[i]) for i in train)
    hs = [t for i in held for t in spans[i]]
    long_ = [t for t in hs if len(t.split()) >= 4]
    return {"held_spans": len(hs), "span_in_train_spans": round(float(np.mean([t in train_spans for t in hs])), 4),
            "span4w_in_train_spans": round(float(np.mean([t in train_spans for t in long_])), 4),
            "span4w_in_train_text": round(float(np.mean([t in train_text for t in long_])), 4), **rec}


def run_si(corpus, names, lex, out):
    fit, inner, _train, held = splits(corpus)
    A = lambda ids: [corpus[i] for i in ids]
    for name in names:
        t0 = time.time()
        m = T.train_si(A(fit), lex, **{"seed": HEAD_SEED, **SI_APPROACHES[name]})
        wps = T.si_word_probs(m, A(inner), lex)
        wph = T.si_word_probs(m, A(held), lex)
        np.savez(wp_path(name), **{f"inner_{k}": v for k, v in wps.items()},
                 **{f"held_{k}": v for k, v in wph.items()})
        params, inner_sc = T.tune_decode(A(inner), wps)
        held_sc = T.score_si(A(held), wph, params)
        rec = {"task": "si", "approach": name, "split_by": SPLIT_BY, "seed": HEAD_SEED, "config": SI_APPROACHES[name], "decode": params,
               "inner": {k: round(v, 4) for k, v in inner_sc.items()},
               "held": {k: round(v, 4) for k, v in held_sc.items()}, "seconds": round(time.time() - t0, 1)}
        print(json.dumps(rec), flush=True)
        out.append(rec)


def run_si_ensemble(corpus, names, out):
    """Average the saved word probabilities of several SI approaches (run_si must have run)."""
    _fit, inner, _train, held = splits(corpus)
    A = lambda ids: [corpus[i] for i in ids]
    zs = [np.load(wp_path(n)) for n in names]
    wps = {i: np.mean([z[f"inner_{i}"] for z in zs], 0) for i in inner}
    wph = {i: np.mean([z[f"held_{i}"] for z in zs], 0) for i in held}
    params, inner_sc = T.tune_decode(A(inner), wps)
    held_sc = T.score_si(A(held), wph, params)
    rec = {"task": "si", "approach": "ensemble:" + "+".join(names), "decode": params,
           "inner": {k: round(v, 4) for k, v in inner_sc.items()},
           "held": {k: round(v, 4) for k, v in held_sc.items()}}
    print(json.dumps(rec), flush=True)
    out.append(rec)


def run_tc(corpus, names, lex, out):
    fit, inner, train, held = splits(corpus)
    A = lambda ids: [corpus[i] for i in ids]
    feats = {}
    for name in names:
        t0 = time.time()
        cfg = TC_APPROACHES[name]
        key = (tuple(cfg.get("layers", T.TC_LAYERS)), cfg.get("use_cls", True))
        if key not in feats:
            feats[key] = [T.tc_dense(A(ids), lex, *key) for ids in (fit, inner, train, held)]
        Dfit, Dinner, Dtrain, Dheld = feats[key]
        cfg = {"seed": HEAD_SEED, **cfg}
        m = T.train_tc(*Dfit, **cfg)
        inner_sc = T.eval_tc(m, A(inner), lex, Dinner[0], Dinner[1])
        m = T.train_tc(*Dtrain, **cfg)
        held_sc = T.eval_tc(m, A(held), lex, Dheld[0], Dheld[1])
        rec = {"task": "tc", "approach": name, "split_by": SPLIT_BY, "seed": HEAD_SEED, "config": TC_APPROACHES[name],
               "inner": {"micro_f1": round(inner_sc["micro_f1"], 4), "macro_f1": round(inner_sc["macro_f1"], 4)},
               "held": {"micro_f1": round(held_sc["micro_f1"], 4), "macro_f1": round(held_sc["macro_f1"], 4),
                        "n": held_sc["n"],
                        "per_class_f1": {c: round(v["f1"], 3) for c, v in held_sc["per_class"].items()}},
               "seconds": round(time.time() - t0, 1)}
        print(json.dumps(rec), flush=True)
        out.append(rec)


def speed(repeat: int = 3, threads: int = 1) -> list[dict]:
    """Warm seconds of detect_techniques on the seed article (~17.7k chars), both variants."""
    import torch

    torch.set_num_threads(threads)
    from claimmap.techniques import detect_techniques, load_model

    seed = ROOT.parent / "shared" / "seed" / "000_c6feb76e32d311d8.txt"
    text = seed.read_text("utf-8")
    out = []
    for fast in (False, True):
        t0 = time.time()
        m = load_model(fast=fast)
        detect_techniques("Warm up: the corrupt elite lied again!", fast=fast)
        load = time.time() - t0
        times = []
        for _ in range(repeat):
            m._encoded.clear()
            t0 = time.time()
            res = detect_techniques(text, fast=fast)
            times.append(time.time() - t0)
        out.append({"task": "speed", "variant": m.variant, "threads": threads, "chars": len(text),
                    "load_and_first_s": round(load, 2), "warm_s": [round(t, 2) for t in times], "n_spans": len(res)})
    return out


class ModelPredictor:
    """evaluate_techniques predictor over a TechniqueModel (artefact path + variant)."""

    def __init__(self, model):
        self.m = model

    def spans(self, text):
        return [(s, e) for s, e, _ in self.m.spans(text)]

    def classify(self, text, spans):
        return [t for t, _ in self.m.classify(text, spans)]


def shipped(args, held, variant) -> dict:
    """Score an artefact through the inference path (claimmap.techniques) on held."""
    import torch

    torch.set_num_threads(1)
    from claimmap.evaluate.techniques import evaluate_techniques
    from claimmap.techniques import ARTEFACT, TechniqueModel

    path = Path(args.model) if args.model else ARTEFACT
    m = TechniqueModel(path, variant=variant)
    root = T.ptc_dir(args.data)
    t0 = time.time()
    res = evaluate_techniques(root / "train-articles", root / "train-task1-SI.labels", root / "train-task2-TC.labels",
                              predictor=ModelPredictor(m), article_ids=held)
    return {"task": "artefact", "model": str(path), "variant": variant, "trained_on": m.meta.get("trained_on"),
            "si": {k: round(v, 4) for k, v in res["si"].items()},
            "tc": {"micro_f1": round(res["tc"]["micro_f1"], 4), "macro_f1": round(res["tc"]["macro_f1"], 4)},
            "seconds": round(time.time() - t0, 1)}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--data")
    ap.add_argument("--si", default="linear,mlp,bilstm,bilstm5,bilstm_l3")
    ap.add_argument("--tc", default="emb,lex,mlp,cw,mlp_l3")
    ap.add_argument("--ensemble", default="", help="comma-separated SI approaches to average (after --si)")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--threads", type=int, default=1, help="torch threads for --speed")
    ap.add_argument("--shipped", action="store_true")
    ap.add_argument("--model", help="artefact for --shipped (default: the shipped one)")
    ap.add_argument("--variants", default="full,fast", help="artefact variants for --shipped")
    ap.add_argument("--split-by", choices=["random", "id"], default="random", help="held = random 20%% or newest ids")
    ap.add_argument("--overlap", action="store_true", help="train/held overlap of both splits (no encoder)")
    ap.add_argument("--seed", default="0", help="torch seed(s) of the heads, e.g. 0,1,2 (each approach once per seed)")
    args = ap.parse_args(argv)
    global SPLIT_BY, HEAD_SEED
    SPLIT_BY = args.split_by
    out = []
    if args.overlap:
        root = T.ptc_dir(args.data)
        ids = sorted(p.name[len("article"):-4] for p in (root / "train-articles").glob("article*.txt"))
        for by in ("random", "id"):
            train, held = T.split_ids(ids, by=by)
            rec = {"task": "overlap", "split": by, "train": len(train), "held": len(held), **overlap(root, train, held)}
            print(json.dumps(rec), flush=True)
            out.append(rec)
        test = sorted(p.name[len("article"):-4] for p in (root / "test-articles").glob("article*.txt"))
        if test:  # the real new data (no labels): all train articles vs the official test articles
            rec = {"task": "overlap", "split": "all->test", "train": len(ids), "held": len(test),
                   **overlap(root, ids, test, "test-articles")}
            print(json.dumps(rec), flush=True)
            out.append(rec)
    if args.si or args.tc or args.shipped or args.ensemble:
        corpus = T.load_corpus(args.data)
        lex = frozenset(T.lexicon_words())
        fit, inner, _train, held = splits(corpus)
        print(json.dumps({"split_by": SPLIT_BY, "split": {"fit": len(fit), "inner": len(inner), "held": len(held)}, "held_ids": held}))
        for HEAD_SEED in [int(x) for x in args.seed.split(",")]:
            if args.tc:
                run_tc(corpus, [n for n in args.tc.split(",") if n], lex, out)
            if args.si:
                run_si(corpus, [n for n in args.si.split(",") if n], lex, out)
            if args.ensemble:
                run_si_ensemble(corpus, args.ensemble.split(","), out)
        if args.shipped:
            for variant in args.variants.split(","):
                rec = shipped(args, held, variant)
                print(json.dumps(rec), flush=True)
                out.append(rec)
    if args.speed:
        for rec in speed(threads=args.threads):
            print(json.dumps(rec), flush=True)
            out.append(rec)


if __name__ == "__main__":
    main()
