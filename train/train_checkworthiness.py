"""Train the shipped check-worthiness model (claimmap/data/models/checkworthiness.npz).

    .venv/bin/python train/train_checkworthiness.py [--data DIR] [--out PATH] [--config NAME]

The default config is FINAL (c_balanced_dropout). Needs scikit-learn==1.9.1 and scipy==1.17.1
(requirements.txt; training only, inference is numpy) and the datasets under CLAIMMAP_DATA
(default ../shared/data): clef2019-checkthat-task1/training/*.tsv (19 debates and speeches)
and claimbuster/2.5xNCS_kfold_25ncs.json. Trains on ALL of both. Deterministic: the same data,
code and library versions give the same file. bench/bench_checkworthiness.py imports the
functions here for the leave-one-debate-out cross-validation.

spaCy parses (tags + entities) are cached under /tmp/claimmap-cw-cache/ keyed on the text
and the spaCy model name.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimmap import config
from claimmap.checkworthiness import features as F
from claimmap.checkworthiness import linear
from claimmap.evaluate.checkworthiness import read_clef_dir

CACHE = Path(os.environ.get("CLAIMMAP_CW_CACHE", "/tmp/claimmap-cw-cache"))
DEFAULT_OUT = ROOT / "claimmap" / "data" / "models" / "checkworthiness.npz"


# --------------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class Config:
    """One approach. ``blocks`` picks the feature blocks; the rest are learner settings."""

    name: str
    blocks: tuple[str, ...] = ("text",)           # subset of text, context, dense
    block_scale: tuple[float, float, float] = (1.0, 1.0, 1.0)
    C: float = 1.0
    cb_weight: float = 1.0                        # sample weight of ClaimBuster rows
    class_weight: str | None = None               # None or "balanced"
    heads: tuple[str, ...] = ("lr",)              # lr, lr_balanced, svm (averaged probabilities)
    speaker_dropout: bool = False                 # add CLEF copies without speaker/turn features
    use_claimbuster: bool = True


CONFIGS = {
    "a_tfidf_lr": Config("a_tfidf_lr", blocks=("text",), C=1.0),
    "b_context_lr": Config("b_context_lr", blocks=("text", "context", "dense"), block_scale=(1.0, 0.5, 0.3), C=1.0),
    "b_no_claimbuster": Config("b_no_claimbuster", blocks=("text", "context", "dense"), block_scale=(1.0, 0.5, 0.3),
                               use_claimbuster=False),
    "c_lr_svm": Config("c_lr_svm", blocks=("text", "context", "dense"), block_scale=(1.0, 0.5, 0.3),
                       heads=("lr", "svm")),
    "c_balanced": Config("c_balanced", blocks=("text", "context", "dense"), block_scale=(1.0, 0.5, 0.3),
                         class_weight="balanced"),
    "c_cb_half": Config("c_cb_half", blocks=("text", "context", "dense"), block_scale=(1.0, 0.5, 0.3), cb_weight=0.5),
    "c_spk_dropout": Config("c_spk_dropout", blocks=("text", "context", "dense"), block_scale=(1.0, 0.5, 0.3),
                            speaker_dropout=True),
    "c_balanced_dropout": Config("c_balanced_dropout", blocks=("text", "context", "dense"),
                                 block_scale=(1.0, 0.5, 0.3), class_weight="balanced", speaker_dropout=True),
}
FINAL = "c_balanced_dropout"


# --------------------------------------------------------------------------- data
def data_dir(arg: str | None = None) -> Path:
    raw = arg or config.get("CLAIMMAP_DATA")
    p = Path(raw)
    return p if p.is_absolute() else (ROOT / p).resolve()


def norm_text(s: str) -> str:
    return re.sub(r"\W+", " ", s.lower()).strip()


@dataclass
class Corpus:
    items: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    group: list = field(default_factory=list)     # debate name, or "claimbuster"
    norm: list = field(default_factory=list)


def load_corpus(data: Path, use_claimbuster: bool = True) -> Corpus:
    clef = data / "clef2019-checkthat-task1" / "training"
    cbp = data / "claimbuster" / "2.5xNCS_kfold_25ncs.json"
    if not clef.is_dir() or (use_claimbuster and not cbp.is_file()):
        raise SystemExit(f"datasets not found under {data} (set CLAIMMAP_DATA or --data)")
    c = Corpus()
    for name, rows in read_clef_dir(clef).items():
        items = F.items_from_sequence([r[2] for r in rows], [r[1] for r in rows])
        for it, r in zip(items, rows):
            c.items.append(it)
            c.labels.append(r[3])
            c.group.append(name)
            c.norm.append(norm_text(r[2]))
    if use_claimbuster:
        for rec in json.loads(cbp.read_text(encoding="utf-8")):
            c.items.append(F.Item(text=rec["text"]))
            c.labels.append(int(rec["label"]))
            c.group.append("claimbuster")
            c.norm.append(norm_text(rec["text"]))
    return c


def parses_for(texts: list[str]) -> list[F.Parse]:
    from claimmap import nlp as _nlp

    model = config.get("CLAIMMAP_SPACY_MODEL")
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"parses-{hashlib.sha1(model.encode()).hexdigest()[:8]}.pkl"
    cache: dict = pickle.loads(path.read_bytes()) if path.exists() else {}
    todo = sorted({t for t in texts if t not in cache})
    if todo:
        t0 = time.time()
        for t, p in zip(todo, F.parse_texts(todo, _nlp.load(model))):
            cache[t] = p
        path.write_bytes(pickle.dumps(cache))
        print(f"parsed {len(todo)} sentences in {time.time() - t0:.0f}s", file=sys.stderr)
    return [cache[t] for t in texts]


# --------------------------------------------------------------------------- featurisation
@dataclass
class Raw:
    """Raw counts for every row of a corpus (computed once, sliced per fold)."""

    text: object      # scipy CSR of hashed text n-gram counts
    ctx: object       # scipy CSR of hashed context n-gram counts
    dense: np.ndarray
    dense_nospk: np.ndarray  # the dense block with speaker/turn features blanked


_SPK_FEATS = ("spk_known", "spk_system", "spk_qratio", "spk_share", "turn_known", "turn_log_len",
              "turn_log_idx", "turn_first", "turn_last", "turn_single", "prev_other_speaker_question")


def _counts_csr(counters, dim):
    import scipy.sparse as sp

    indptr, indices, data = [0], [], []
    for c in counters:
        for k in sorted(c):
            indices.append(k)
            data.append(c[k])
        indptr.append(len(indices))
    return sp.csr_matrix((np.asarray(data, np.float64), np.asarray(indices, np.int64), np.asarray(indptr)),
                         shape=(len(counters), dim))


def featurise(corpus: Corpus) -> Raw:
    parses = parses_for([it.text for it in corpus.items])
    text = _counts_csr([F.text_ngrams(it.text) for it in corpus.items], 1 << F.TEXT_BITS)
    ctx = _counts_csr([F.context_ngrams(it.prev, it.next) for it in corpus.items], 1 << F.CONTEXT_BITS)
    dense = np.asarray([F.dense_features(it, p) for it, p in zip(corpus.items, parses)], dtype=np.float64)
    nospk = dense.copy()
    for name in _SPK_FEATS:
        nospk[:, F.DENSE_NAMES.index(name)] = 0.0
    return Raw(text, ctx, dense, nospk)


def idf_of(counts) -> np.ndarray:
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    return np.log((1.0 + n) / (1.0 + df)) + 1.0


def tfidf(counts, idf):
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    x = counts.copy()
    x.data = 1.0 + np.log(x.data)
    x = x @ sp.diags(idf)
    return normalize(x, norm="l2", copy=False)


@dataclass
class Fitted:
    cfg: Config
    idf_text: np.ndarray
    idf_ctx: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    coef: np.ndarray       # (heads, D)
    intercept: np.ndarray  # (heads,)

    @property
    def scale(self):
        s = dict(zip(("text", "context", "dense"), self.cfg.block_scale))
        return np.array([s[b] if b in self.cfg.blocks else 0.0 for b in ("text", "context", "dense")])


def design(raw: Raw, rows: np.ndarray, fitted: Fitted, nospk: bool = False):
    import scipy.sparse as sp

    s = fitted.scale
    xt = tfidf(raw.text[rows], fitted.idf_text) * s[0]
    xc = tfidf(raw.ctx[rows], fitted.idf_ctx) * s[1]
    d = (raw.dense_nospk if nospk else raw.dense)[rows]
    xd = sp.csr_matrix((d - fitted.mean) / fitted.std * s[2])
    return sp.hstack([xt, xc, xd], format="csr")


def fit(raw: Raw, corpus: Corpus, rows: np.ndarray, cfg: Config) -> Fitted:
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    rows = np.asarray(rows)
    idf_t = idf_of(raw.text[rows])
    idf_c = idf_of(raw.ctx[rows])
    d = raw.dense[rows]
    mean, std = d.mean(axis=0), d.std(axis=0)
    std[std < 1e-6] = 1.0
    fitted = Fitted(cfg, idf_t, idf_c, mean, std, np.zeros(0), np.zeros(0))
    X = design(raw, rows, fitted)
    y = np.asarray(corpus.labels)[rows]
    grp = np.asarray(corpus.group)[rows]
    w = np.where(grp == "claimbuster", cfg.cb_weight, 1.0)
    if cfg.speaker_dropout:
        clef = np.flatnonzero(grp != "claimbuster")
        X = sp.vstack([X, design(raw, rows[clef], fitted, nospk=True)], format="csr")
        y = np.concatenate([y, y[clef]])
        w = np.concatenate([np.where(grp == "claimbuster", w, 0.5 * w), 0.5 * w[clef]])
    coefs, ints = [], []
    for head in cfg.heads:
        if head in ("lr", "lr_balanced"):
            cw = "balanced" if head == "lr_balanced" or cfg.class_weight == "balanced" else None
            m = LogisticRegression(C=cfg.C, solver="liblinear", class_weight=cw, max_iter=1000)
            m.fit(X, y, sample_weight=w)
            coefs.append(m.coef_[0])
            ints.append(m.intercept_[0])
        elif head == "svm":
            m = LinearSVC(C=cfg.C * 0.1, class_weight=cfg.class_weight, max_iter=5000, random_state=0)
            m.fit(X, y, sample_weight=w)
            # squash the margin to a probability-like score with a fixed slope (ranking is unchanged)
            coefs.append(m.coef_[0] * 2.0)
            ints.append(m.intercept_[0] * 2.0)
        else:
            raise ValueError(head)
    fitted.coef = np.vstack(coefs)
    fitted.intercept = np.asarray(ints)
    return fitted


def predict(raw: Raw, rows: np.ndarray, fitted: Fitted, nospk: bool = False) -> np.ndarray:
    X = design(raw, np.asarray(rows), fitted, nospk=nospk)
    z = X @ fitted.coef.T + fitted.intercept
    return (1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))).mean(axis=1)


def to_artefact(fitted: Fitted, path: Path, meta: dict) -> None:
    # coef was learnt on blocks multiplied by block_scale; the linear scorer applies the same
    # scale to each block's dot product, so the logits are identical
    linear.save(path, idf_text=fitted.idf_text, idf_ctx=fitted.idf_ctx, mean=fitted.mean, std=fitted.std,
                block_scale=fitted.scale, coef=fitted.coef, intercept=fitted.intercept,
                meta=dict(meta, config=fitted.cfg.__dict__))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="dataset directory (default: setting CLAIMMAP_DATA)")
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--config", default=FINAL, choices=sorted(CONFIGS))
    args = ap.parse_args(argv)
    cfg = CONFIGS[args.config]
    t0 = time.time()
    corpus = load_corpus(data_dir(args.data), cfg.use_claimbuster)
    raw = featurise(corpus)
    fitted = fit(raw, corpus, np.arange(len(corpus.items)), cfg)
    import sklearn

    meta = {"trained_on": "clef2019-checkthat-task1/training (19 files) + claimbuster 2.5xNCS",
            "n_rows": len(corpus.items), "n_positive": int(sum(corpus.labels)),
            "spacy_model": config.get("CLAIMMAP_SPACY_MODEL"), "sklearn": sklearn.__version__}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    to_artefact(fitted, out, meta)
    print(json.dumps({"out": str(out), "bytes": out.stat().st_size, "config": cfg.name,
                      "seconds": round(time.time() - t0, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
