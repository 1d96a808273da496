"""MinHash signatures of body text and an incremental LSH index over them (datasketch).

Text is normalised (Unicode NFKC, case-folded, quotes/apostrophes/dashes/punctuation removed)
and cut into overlapping word shingles (5 words by default); each shingle is hashed into a
128-permutation MinHash. Signatures serialise to bytes or a list of ints so a store can persist
them and rebuild the index without the texts.

Similarity between two documents is the larger of
  * the estimated Jaccard similarity of their shingle sets, and
  * the estimated containment of the smaller set in the larger one (derived from Jaccard and the
    exact set sizes kept with each signature), used only when the smaller document is at least
    ``min_size_ratio`` of the larger - so an excerpt or a copy wrapped in extra paragraphs still
    counts as a copy, while a short brief that shares one quote with a long feature does not.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

# datasketch (and the scipy it imports, ~0.7 s) is imported on first use, not with claimmap.

NUM_PERM = 128
SHINGLE_SIZE = 5
SEED = 1
SCHEME = "affine32"      # datasketch permutation scheme (pinned: signatures are persisted)
THRESHOLD = 0.5          # similarity at or above which two bodies are copies of one story
LSH_THRESHOLD = 0.3      # candidate retrieval (lower than THRESHOLD: containment cases)
MIN_SIZE_RATIO = 0.2     # smaller/larger shingle-set size for containment to count

_MAGIC = b"CMH2"
_HEADER = struct.Struct("<4sBHHII")  # magic, scheme code, num_perm, shingle_size, seed, set size
_SCHEMES = {"affine32": (1, "<u4"), "affine64": (2, "<u8"), "legacy": (3, "<u4")}
_SCHEME_OF_CODE = {code: name for name, (code, _) in _SCHEMES.items()}

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
})
_WORD_RE = re.compile(r"\w+")


def normalize_text(text: str) -> list[str]:
    """Words of ``text``: NFKC, case-folded, quotes unified, punctuation dropped. Apostrophes
    join ("Russia's" -> "russias") so straight and curly variants shingle the same."""
    t = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).casefold()
    t = t.replace("'", "")
    return [w.replace("_", "") for w in _WORD_RE.findall(t) if w.replace("_", "")]


def shingles(text: str, k: int = SHINGLE_SIZE) -> set[str]:
    words = normalize_text(text)
    if not words:
        return set()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


@dataclass
class Signature:
    """A MinHash signature plus the size of the shingle set it was built from."""

    hashvalues: np.ndarray
    size: int
    num_perm: int = NUM_PERM
    shingle_size: int = SHINGLE_SIZE
    seed: int = SEED
    scheme: str = SCHEME

    @classmethod
    def from_text(cls, text: str, num_perm: int = NUM_PERM, shingle_size: int = SHINGLE_SIZE,
                  seed: int = SEED, scheme: str = SCHEME) -> Signature:
        from datasketch import MinHash

        sh = shingles(text, shingle_size)
        m = MinHash(num_perm=num_perm, seed=seed, scheme=scheme)
        if sh:
            m.update_batch([s.encode("utf-8") for s in sorted(sh)])
        return cls(m.hashvalues.copy(), len(sh), num_perm, shingle_size, seed, scheme)

    @property
    def params(self) -> tuple[int, int, int, str]:
        return (self.num_perm, self.seed, self.shingle_size, self.scheme)

    @property
    def empty(self) -> bool:
        return self.size == 0

    def minhash(self):
        """The datasketch MinHash of this signature: a ``LeanMinHash`` (hash values only; a
        ``MinHash`` would recompute its 128 permutations each time)."""
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.seed, hashvalues=self.hashvalues, scheme=self.scheme)

    def _check(self, other: Signature) -> None:
        if self.params != other.params:
            raise ValueError("signatures built with different MinHash parameters")

    def jaccard(self, other: Signature) -> float:
        self._check(other)
        if self.empty or other.empty:
            return 0.0
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / self.num_perm

    def containment(self, other: Signature) -> float:
        """Estimated |A∩B| / min(|A|, |B|)."""
        j = self.jaccard(other)
        if j <= 0.0:
            return 0.0
        inter = j * (self.size + other.size) / (1.0 + j)
        return min(1.0, inter / min(self.size, other.size))

    def similarity(self, other: Signature, min_size_ratio: float = MIN_SIZE_RATIO) -> float:
        j = self.jaccard(other)
        if j <= 0.0:
            return 0.0
        small, large = sorted((self.size, other.size))
        if large and small / large >= min_size_ratio:
            return max(j, self.containment(other))
        return j

    # -- serialisation -------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """Header (magic, scheme, num_perm, shingle size, seed, set size) + little-endian hashes."""
        code, dtype = _SCHEMES[self.scheme]
        return (_HEADER.pack(_MAGIC, code, self.num_perm, self.shingle_size, self.seed, self.size)
                + np.asarray(self.hashvalues).astype(dtype).tobytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        if len(data) < _HEADER.size:
            raise ValueError("not a claimmap MinHash signature (too short)")
        magic, code, num_perm, k, seed, size = _HEADER.unpack_from(data)
        scheme = _SCHEME_OF_CODE.get(code)
        if magic != _MAGIC or scheme is None:
            raise ValueError("not a claimmap MinHash signature")
        dtype = np.dtype(_SCHEMES[scheme][1])
        if len(data) != _HEADER.size + dtype.itemsize * num_perm:
            raise ValueError("claimmap MinHash signature has the wrong length")
        values = np.frombuffer(data, dtype=dtype, offset=_HEADER.size).astype(dtype.newbyteorder("="))
        return cls(values, size, num_perm, k, seed, scheme)

    def to_list(self) -> list:
        """[scheme, num_perm, shingle_size, seed, size, h1, h2, …] - JSON-friendly."""
        return [self.scheme, self.num_perm, self.shingle_size, self.seed, self.size,
                *(int(v) for v in self.hashvalues)]

    @classmethod
    def from_list(cls, values: Iterable) -> Signature:
        v = list(values)
        if len(v) < 5 or v[0] not in _SCHEMES or len(v) != 5 + v[1]:
            raise ValueError("not a claimmap MinHash signature list")
        dtype = np.dtype(_SCHEMES[v[0]][1]).newbyteorder("=")
        return cls(np.array(v[5:], dtype=dtype), v[4], v[1], v[2], v[3], v[0])


class LSHIndex:
    """Documents added one by one (text or stored signature); ``query`` returns those whose
    similarity (see module doc) reaches ``threshold``, best first."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM,
                 shingle_size: int = SHINGLE_SIZE, seed: int = SEED,
                 lsh_threshold: float = LSH_THRESHOLD, min_size_ratio: float = MIN_SIZE_RATIO,
                 scheme: str = SCHEME):
        self.threshold = threshold
        self.scheme = scheme
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        self.min_size_ratio = min_size_ratio
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=min(lsh_threshold, threshold), num_perm=num_perm)
        self._sigs: dict[str, Signature] = {}
        self._pending: list[str] = []  # added, not yet inserted into the datasketch index

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._sigs

    def signature(self, doc_id: str) -> Signature:
        return self._sigs[doc_id]

    def make_signature(self, text: str) -> Signature:
        return Signature.from_text(text, self.num_perm, self.shingle_size, self.seed, self.scheme)

    def _coerce(self, text: str | None, signature: Signature | bytes | list | None) -> Signature:
        if signature is None:
            if text is None:
                raise ValueError("give text or signature")
            return self.make_signature(text)
        if isinstance(signature, (bytes, bytearray, memoryview)):
            signature = Signature.from_bytes(bytes(signature))
        elif not isinstance(signature, Signature):
            signature = Signature.from_list(signature)
        if signature.params != (self.num_perm, self.seed, self.shingle_size, self.scheme):
            raise ValueError("signature parameters do not match the index")
        return signature

    def add(self, doc_id: str, text: str | None = None, *,
            signature: Signature | bytes | list | None = None) -> Signature:
        """Index a document; returns its signature (persist ``.to_bytes()`` to re-add later)."""
        if doc_id in self._sigs:
            raise ValueError(f"document {doc_id!r} is already indexed")
        sig = self._coerce(text, signature)
        self._sigs[doc_id] = sig
        if not sig.empty:  # inserted when a query needs the index (``pairs`` does not)
            self._pending.append(doc_id)
        return sig

    def _flush(self) -> None:
        for doc_id in self._pending:
            self._lsh.insert(doc_id, self._sigs[doc_id].minhash())
        self._pending.clear()

    def remove(self, doc_id: str) -> None:
        self._flush()
        sig = self._sigs.pop(doc_id)
        if not sig.empty:
            self._lsh.remove(doc_id)

    def query(self, text: str | None = None, *,
              signature: Signature | bytes | list | None = None,
              threshold: float | None = None, exclude: str | None = None) -> list[tuple[str, float]]:
        """(doc_id, similarity) of indexed near-duplicates, most similar first."""
        sig = self._coerce(text, signature)
        if sig.empty:
            return []
        self._flush()
        limit = self.threshold if threshold is None else threshold
        hits = []
        for cand in self._lsh.query(sig.minhash()):
            if cand == exclude:
                continue
            s = sig.similarity(self._sigs[cand], self.min_size_ratio)
            if s >= limit:
                hits.append((cand, s))
        hits.sort(key=lambda h: (-h[1], h[0]))
        return hits

    def similarity(self, a: str, b: str) -> float:
        return self._sigs[a].similarity(self._sigs[b], self.min_size_ratio)

    def pairs(self, threshold: float | None = None) -> list[tuple[str, str, float]]:
        """Every pair of indexed documents that ``query`` would return for one another, as
        (doc_id, doc_id, similarity) in index order: the datasketch index's own banding (its
        ``b`` bands of ``r`` hash values; candidates share one band exactly) done for the whole
        set at once with numpy, then each candidate verified like ``query`` does. One pass
        instead of a query per document (a corpus refresh)."""
        limit = self.threshold if threshold is None else threshold
        ids = [d for d, sig in self._sigs.items() if not sig.empty]
        if len(ids) < 2:
            return []
        hv = np.stack([np.asarray(self._sigs[d].hashvalues, dtype=np.uint64) for d in ids])
        found: list[np.ndarray] = []
        for lo, hi in self._lsh.hashranges:
            band = np.ascontiguousarray(hv[:, lo:hi])
            keys = band.view(np.dtype((np.void, band.itemsize * (hi - lo)))).ravel()
            _, bucket, counts = np.unique(keys, return_inverse=True, return_counts=True)
            shared = np.flatnonzero(counts[bucket] > 1)  # rows whose band another row has
            if not len(shared):
                continue
            order = shared[np.argsort(bucket[shared], kind="stable")]
            cuts = np.flatnonzero(np.diff(bucket[order])) + 1
            for group in np.split(order, cuts):  # each of two or more rows, ascending
                i, j = np.triu_indices(len(group), 1)
                found.append(group[i] * len(ids) + group[j])
        if not found:
            return []
        out = []
        for key in np.unique(np.concatenate(found)).tolist():
            a, b = ids[key // len(ids)], ids[key % len(ids)]
            s = self._sigs[a].similarity(self._sigs[b], self.min_size_ratio)
            if s >= limit:
                out.append((a, b, s))
        return out
