"""The shipped check-worthiness model: a portable linear scorer stored as a ``.npz``.

The artefact holds the idf of the two hashed n-gram blocks, the mean/std of the dense block,
the weight of each block, and one or more weight vectors (``coef``, one row per head) with
their intercepts. The score of a sentence is the mean over heads of ``sigmoid(coef·x + b)``.
Only numpy is needed to load and apply it (scikit-learn is used at training time only).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from claimmap.checkworthiness import features as F


def tfidf_row(counts: Counter, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of one L2-normalised sublinear TF-IDF row."""
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    val = (1.0 + np.log(tf)) * idf[idx]
    norm = math.sqrt(float(val @ val))
    if norm > 0:
        val = val / norm
    return idx, val


class LinearCheckworthiness:
    """Applies the weights of a trained artefact to :class:`~claimmap.checkworthiness.features.Item`."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict):
        self.meta = meta
        self.idf_text = arrays["idf_text"].astype(np.float64)
        self.idf_ctx = arrays["idf_ctx"].astype(np.float64)
        self.mean = arrays["mean"].astype(np.float64)
        self.std = arrays["std"].astype(np.float64)
        self.scale = arrays["block_scale"].astype(np.float64)  # text, context, dense
        coef = arrays["coef"].astype(np.float64)
        self.intercept = arrays["intercept"].astype(np.float64)
        nt, nc = self.idf_text.shape[0], self.idf_ctx.shape[0]
        self.w_text = coef[:, :nt]
        self.w_ctx = coef[:, nt:nt + nc]
        self.w_dense = coef[:, nt + nc:]
        if self.w_dense.shape[1] != len(F.DENSE_NAMES) or list(meta.get("dense_names", [])) != list(F.DENSE_NAMES):
            raise ValueError("artefact was trained with other dense features than this code computes")
        if meta.get("text_bits") != F.TEXT_BITS or meta.get("context_bits") != F.CONTEXT_BITS:
            raise ValueError("artefact hashing sizes differ from this code's")

    @classmethod
    def load(cls, path: str | Path) -> LinearCheckworthiness:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        meta = json.loads(str(arrays.pop("meta")))
        return cls(arrays, meta)

    def decision(self, items: Sequence[F.Item], parses: Sequence[F.Parse]) -> np.ndarray:
        """Logits, shape (n_items, n_heads)."""
        out = np.zeros((len(items), self.w_text.shape[0]))
        for i, (it, p) in enumerate(zip(items, parses)):
            ti, tv = tfidf_row(F.text_ngrams(it.text), self.idf_text)
            ci, cv = tfidf_row(F.context_ngrams(it.prev, it.next), self.idf_ctx)
            d = (np.asarray(F.dense_features(it, p)) - self.mean) / self.std
            out[i] = (self.scale[0] * (self.w_text[:, ti] @ tv) + self.scale[1] * (self.w_ctx[:, ci] @ cv)
                      + self.scale[2] * (self.w_dense @ d) + self.intercept)
        return out

    def predict(self, items: Sequence[F.Item], parses: Sequence[F.Parse]) -> list[float]:
        z = self.decision(items, parses)
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
        return [float(x) for x in p.mean(axis=1)]


def save(path: str | Path, *, idf_text, idf_ctx, mean, std, block_scale, coef, intercept, meta: dict) -> None:
    meta = dict(meta, dense_names=list(F.DENSE_NAMES), text_bits=F.TEXT_BITS, context_bits=F.CONTEXT_BITS)
    np.savez_compressed(
        path,
        idf_text=np.asarray(idf_text, dtype=np.float32),
        idf_ctx=np.asarray(idf_ctx, dtype=np.float32),
        mean=np.asarray(mean, dtype=np.float32),
        std=np.asarray(std, dtype=np.float32),
        block_scale=np.asarray(block_scale, dtype=np.float32),
        coef=np.asarray(coef, dtype=np.float32),
        intercept=np.asarray(intercept, dtype=np.float32),
        meta=np.array(json.dumps(meta, sort_keys=True)),
    )
