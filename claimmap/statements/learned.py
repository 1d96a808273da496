"""A small learned cue detector: logistic regression over spaCy token features, trained on
PolNeAR train (train/train_attribution.py). It decides which candidate tokens (verbs and cue
nouns) are attribution cues; the rules in attribution.py then find their source and content.

The model is a JSON file of feature weights (claimmap/data/models/cue_lr.json.gz); it needs
nothing but the standard library to load and predict. When the file is absent, the extractor
falls back to the lexicon alone.
"""

from __future__ import annotations

import gzip
import json
import math
from functools import lru_cache
from importlib import resources

MODEL_PATH = "data/models/cue_lr.json.gz"
PRONOUNS_1_2 = {"i", "we", "you", "me", "us"}


def candidate(tok) -> bool:
    """Tokens the model scores: verbs and nouns (cheap pre-filter)."""
    return tok.pos_ in ("VERB", "NOUN") or tok.lower_ == "according"


def features(tok, lex, in_quote: bool) -> list[str]:
    lemma = tok.lemma_.lower()
    pol = lex.verbs.get(lemma) if tok.pos_ != "NOUN" else lex.nouns.get(lemma)
    f = ["b", f"l={lemma}", f"p={tok.pos_}", f"t={tok.tag_}", f"d={tok.dep_}", f"ld={lemma}|{tok.dep_}",
         f"pol={pol}", f"lp={lemma}|{tok.pos_}"]
    if lemma in lex.weak:
        f.append("weak")
    if in_quote:
        f += ["inq", f"inq|pol={pol}", f"inq|l={lemma}"]
    deps = set()
    subj = None
    for ch in tok.children:
        deps.add(ch.dep_)
        if ch.dep_ in ("nsubj", "nsubjpass", "csubj"):
            subj = ch
        if ch.dep_ in ("prt", "prep"):
            f.append(f"lprt={lemma}|{ch.lower_}")
        if ch.dep_ == "mark":
            f.append(f"mark={ch.lower_}")
    for d in deps:
        f.append(f"c={d}")
        if d in ("ccomp", "xcomp", "dobj", "nsubj", "agent", "neg", "parataxis"):
            f.append(f"lc={lemma}|{d}")
    if subj is not None:
        f.append(f"sp={subj.pos_}")
        f.append(f"sent={subj.ent_type_ or '-'}")
        if subj.lower_ in PRONOUNS_1_2:
            f += ["s12", f"s12|q={in_quote}"]
        if subj.i > tok.i:
            f.append("subj_after")
    else:
        f.append("nosubj")
    h = tok.head
    f.append(f"hd={h.lemma_.lower() if h is not tok else 'ROOT'}|{tok.dep_}")
    f.append(f"hp={h.pos_}")
    doc = tok.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    prv = doc[tok.i - 1] if tok.i > 0 else None
    if nxt is not None:
        f.append(f"n={nxt.lower_ if nxt.is_punct or nxt.pos_ in ('ADP', 'SCONJ', 'PART') else nxt.pos_}")
    if prv is not None:
        f.append(f"pv={prv.lower_ if prv.is_punct or prv.pos_ in ('AUX', 'PART', 'ADV') else prv.pos_}")
    if tok.i == tok.sent.start:
        f.append("sent_start")
    return f


class Model:
    def __init__(self, weights: dict[str, float], threshold: float = 0.5, meta: dict | None = None):
        self.w = weights
        self.threshold = threshold
        self.meta = meta or {}

    def prob(self, feats: list[str]) -> float:
        z = sum(self.w.get(x, 0.0) for x in feats)
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def save(self, path: str) -> None:
        data = {"threshold": self.threshold, "meta": self.meta,
                "weights": {k: round(v, 4) for k, v in self.w.items() if abs(v) >= 1e-3}}
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(data, fh, separators=(",", ":"), sort_keys=True)


def read(path: str) -> Model:
    """A model file written by Model.save (used by train/ and bench/ to try other models)."""
    with open(path, "rb") as fh:
        data = json.loads(gzip.decompress(fh.read()).decode("utf-8"))
    return Model(data["weights"], float(data.get("threshold", 0.5)), data.get("meta"))


#: set to a Model (or False for none) to override the shipped model (bench/train tuning)
OVERRIDE: Model | bool | None = None


def load() -> Model | None:
    """The model in use: OVERRIDE when set, else the shipped one (None when absent: rules only)."""
    if OVERRIDE is not None:
        return OVERRIDE or None
    return _shipped()


@lru_cache(maxsize=1)
def _shipped() -> Model | None:
    try:
        raw = resources.files("claimmap").joinpath(MODEL_PATH).read_bytes()
        data = json.loads(gzip.decompress(raw).decode("utf-8"))
        return Model(data["weights"], float(data.get("threshold", 0.5)), data.get("meta"))
    except (OSError, ValueError, KeyError):
        return None
