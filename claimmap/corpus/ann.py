"""Approximate vector search for the SQLite corpus: an int8 copy of the unit-row matrix.

``SQLiteStore`` mirrors its float32 sentence embeddings into ``<db>.vec.npy`` (unit rows, the
exact path). For large corpora this module keeps a quantised copy beside it,
``<db>.vec.i8.npy`` (one int8 row per vector: ``round(x * scale)``, a quarter of the bytes) with
``<db>.vec.i8.json`` ({n, max_id, dim, scale, mean}) (and, when ``BITS_MIN`` is reached,
``<db>.vec.i8.bits.npy``: sign bits of the rows less the mean; off by default). A query scans
the int8 rows with numkong's SIMD
dot products (``cdist``, in chunks shared by up to 4 threads), keeps the best ``rerank`` candidates and re-scores them exactly
against the float32 mirror, so every returned score is the exact cosine and a result differs
from exact search only where a true top-k row is not among the int8 candidates (measured:
recall@50 = 1.0 at 1M sentences with 400 candidates, bench/RESULTS-corpus-query.md).

Like the float32 mirror the copy is derived data: it is written to a temporary file, fsynced
and renamed, its metadata file last, and on load it is used only when its metadata matches the
float32 mirror (count, last sentence id, dimension) and spot-checked rows re-quantise to the
stored bytes. When sentences were only added since, the new rows are appended with the stored
scale if none exceeds it (``Int8Index.extend``: the bytes a rebuild would write); anything else
(a crash midway, a new peak, other changes) rebuilds it from the mirror.

Without numkong (an optional dependency) the store stays on exact search.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

try:  # SIMD int8 dot products; optional
    import numkong as _nk
except ImportError:  # pragma: no cover - exercised only where numkong is missing
    _nk = None

CHUNK = 65_536
#: a full int8 scan of at least this many rows is cut into chunks (of about ``CHUNK`` rows, at
#: most ``MAX_PARTS``) that up to 4 threads take in turn (``Scan``)
SPLIT_MIN = 100_000
MAX_PARTS = 64
#: above this many rows a query would first rank the rows by Hamming distance between sign bits
#: (centred on the mean vector; a 32nd of the float32 bytes) and scan only the best
#: ``BITS_CANDIDATES`` with int8. Off: with numkong 7.8 the Hamming pass over 48 MB took ~60%
#: of the full int8 scan's time, and with the selection and gather the two-stage path was no
#: faster at 1M rows while its recall@50 fell to 0.94 (bench/RESULTS-corpus-query.md); the
#: tests force it on small corpora so it stays correct.
BITS_MIN = 2**62
BITS_CANDIDATES = 20_000


def available() -> bool:
    return _nk is not None


def _quantize(rows: np.ndarray, scale: float) -> np.ndarray:
    return np.clip(np.rint(np.asarray(rows, dtype=np.float32) * scale), -127, 127).astype(np.int8)


def _write_atomic(path: Path, write) -> bool:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return True
    except OSError:  # read-only location: keep it in memory only
        try:
            tmp.unlink()
        except OSError:
            pass
        return False


class Int8Index:
    """int8 rows of a unit-row float32 matrix (same row order) and their scale."""

    def __init__(self, q: np.ndarray, scale: float, bits: np.ndarray | None = None,
                 mean: np.ndarray | None = None):
        self.q = q
        self.scale = float(scale)
        self.bits = bits
        self.mean = mean

    def __len__(self) -> int:
        return len(self.q)

    @staticmethod
    def paths(mat_path: Path) -> tuple[Path, Path]:
        base = mat_path.name.removesuffix(".npy")
        return (mat_path.with_name(base + ".i8.npy"), mat_path.with_name(base + ".i8.json"),
                mat_path.with_name(base + ".i8.bits.npy"))

    @classmethod
    def build(cls, mat: np.ndarray, idx: np.ndarray, mat_path: Path | None) -> Int8Index:
        n, dim = mat.shape
        peak = 0.0
        for a in range(0, n, CHUNK):
            peak = max(peak, float(np.abs(np.asarray(mat[a:a + CHUNK])).max(initial=0.0)))
        scale = 127.0 / (peak or 1.0)
        q = np.empty((n, dim), dtype=np.int8)
        mean = np.zeros(dim, dtype=np.float64)
        for a in range(0, n, CHUNK):
            chunk = np.asarray(mat[a:a + CHUNK], dtype=np.float32)
            q[a:a + CHUNK] = _quantize(chunk, scale)
            mean += chunk.sum(axis=0)
        mean = (mean / max(n, 1)).astype(np.float32)
        bits = None
        if n >= BITS_MIN:
            bits = np.empty((n, (dim + 7) // 8), dtype=np.uint8)
            for a in range(0, n, CHUNK):
                bits[a:a + CHUNK] = np.packbits(np.asarray(mat[a:a + CHUNK]) > mean, axis=1)
        if mat_path is not None:
            qpath, jpath, bpath = cls.paths(mat_path)
            meta = {"n": n, "dim": dim, "scale": scale, "max_id": int(idx[-1, 0]) if n else 0,
                    "bits": bits is not None, "mean": [float(x) for x in mean]}
            ok = _write_atomic(qpath, lambda fh: np.save(fh, q))
            if ok and bits is not None:
                ok = _write_atomic(bpath, lambda fh: np.save(fh, bits))
            if ok and _write_atomic(jpath, lambda fh: fh.write(json.dumps(meta).encode())):
                try:
                    q = np.load(qpath, mmap_mode="r")
                    if bits is not None:
                        bits = np.load(bpath, mmap_mode="r")
                except (OSError, ValueError):  # pragma: no cover
                    pass
        return cls(q, scale, bits, mean)

    @classmethod
    def load(cls, mat: np.ndarray, idx: np.ndarray, mat_path: Path) -> Int8Index | None:
        """The persisted copy when it matches ``mat`` exactly, else None."""
        qpath, jpath, bpath = cls.paths(mat_path)
        try:
            meta = json.loads(jpath.read_text("utf-8"))
            q = np.load(qpath, mmap_mode="r")
            bits = np.load(bpath, mmap_mode="r") if meta.get("bits") else None
            mean = np.asarray(meta["mean"], dtype=np.float32)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        n = len(mat)
        if (q.dtype != np.int8 or q.shape != mat.shape or meta.get("n") != n
                or meta.get("dim") != mat.shape[1]
                or meta.get("max_id") != (int(idx[-1, 0]) if n else 0)):
            return None
        scale = float(meta.get("scale", 0.0))
        if scale <= 0 or mean.shape != (mat.shape[1],) or (n >= BITS_MIN) != (bits is not None):
            return None
        if bits is not None and (bits.dtype != np.uint8 or bits.shape != (n, (mat.shape[1] + 7) // 8)):
            return None
        for r in {0, n // 3, (2 * n) // 3, n - 1} if n else ():
            if not np.array_equal(_quantize(mat[r], scale), q[r]):
                return None
            if bits is not None and not np.array_equal(
                    np.packbits(np.asarray(mat[r]) > mean), bits[r]):
                return None
        return cls(q, scale, bits, mean)

    @classmethod
    def extend(cls, mat: np.ndarray, idx: np.ndarray, mat_path: Path) -> Int8Index | None:
        """The persisted copy with ``mat``'s rows after it appended, when ``mat`` only grew
        since (the copy's last id sits at its own position in ``idx``, spot-checked rows match)
        and the new rows fit its scale, so that the result is the bytes a rebuild would write;
        else None. At 1M rows an append copies 256 MB instead of re-quantising 1 GB."""
        qpath, jpath, _bpath = cls.paths(mat_path)
        try:
            meta = json.loads(jpath.read_text("utf-8"))
            old = np.load(qpath, mmap_mode="r")
            scale = float(meta["scale"])
            mean = np.asarray(meta["mean"], dtype=np.float64)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        n_old, (n, dim) = len(old), mat.shape
        if (meta.get("bits") or old.dtype != np.int8 or meta.get("n") != n_old or not 0 < n_old < n
                or old.shape[1:] != (dim,) or meta.get("dim") != dim or scale <= 0
                or meta.get("max_id") != int(idx[n_old - 1, 0]) or mean.shape != (dim,)
                or n >= BITS_MIN):
            return None
        for r in {0, n_old // 3, (2 * n_old) // 3, n_old - 1}:
            if not np.array_equal(_quantize(mat[r], scale), old[r]):
                return None
        new = np.asarray(mat[n_old:], dtype=np.float32)
        if float(np.abs(new).max(initial=0.0)) * scale > 127.0 * (1 - 1e-6):
            return None  # a new peak: the scale changes, rebuild
        q = np.empty((n, dim), dtype=np.int8)
        for a in range(0, n_old, CHUNK):
            q[a:min(n_old, a + CHUNK)] = old[a:min(n_old, a + CHUNK)]
        q[n_old:] = _quantize(new, scale)
        mean = ((mean * n_old + new.sum(axis=0, dtype=np.float64)) / n).astype(np.float32)
        meta = {"n": n, "dim": dim, "scale": scale, "max_id": int(idx[-1, 0]), "bits": False,
                "mean": [float(x) for x in mean]}
        if (_write_atomic(qpath, lambda fh: np.save(fh, q))
                and _write_atomic(jpath, lambda fh: fh.write(json.dumps(meta).encode()))):
            try:
                q = np.load(qpath, mmap_mode="r")
            except (OSError, ValueError):  # pragma: no cover
                pass
        return cls(q, scale, None, mean)

    def uses_bits(self, rows: np.ndarray | None = None) -> bool:
        return rows is None and self.bits is not None and len(self.q) > 4 * BITS_CANDIDATES

    def candidates(self, v: np.ndarray, r: int, rows: np.ndarray | None = None,
                   scan: Scan | None = None) -> np.ndarray:
        """Row numbers of (at least) the ``r`` best int8 scores among all rows or ``rows``;
        on large indexes the int8 scan covers only the best rows by sign-bit Hamming distance.
        ``scan``: the full scan of ``v`` already started with ``start_scan`` (other threads may
        be helping with it)."""
        if self.uses_bits(rows):
            qb = np.packbits(np.asarray(v, dtype=np.float32) > self.mean)[None, :]
            ham = np.asarray(_nk.hammings_packed(self.bits, _nk.hammings_pack(qb))).reshape(-1)
            rows = np.sort(top_candidates(-ham.astype(np.int32), BITS_CANDIDATES))
        scores = scan.result() if scan is not None and rows is None else self.scores(v, rows)
        cand = top_candidates(scores, r)
        return cand if rows is None else rows[cand]

    def start_scan(self, v: np.ndarray, helpers: int | None = None) -> Scan:
        """A full scan of ``v`` in chunks, with ``helpers`` threads of the shared pool taking
        chunks now (default: one fewer than the CPUs); any thread can help with ``work()``."""
        n = len(self.q)
        parts = 1 if n < SPLIT_MIN else min(MAX_PARTS, max(2, -(-n // CHUNK)))
        scan = Scan(self.q, _quantize(v, self.scale)[None, :], parts)
        helpers = _cpus() - 1 if helpers is None else helpers
        for _ in range(min(helpers, parts - 1)):
            _scan_pool().submit(scan.work)
        return scan

    def scores(self, v: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Dot products of the quantised query with every row (or ``rows``), as float32 (exact
        integers while dim x 127² < 2²⁴, i.e. up to 1,040 dimensions). A full scan of a large
        index is shared between this thread and the pool's (numkong releases the GIL)."""
        if rows is None:
            return self.start_scan(v).result()
        qv = _quantize(v, self.scale)[None, :]
        out = np.empty((len(rows), 1), dtype=np.float32)
        for a in range(0, len(rows), CHUNK):
            _dots(np.ascontiguousarray(self.q[rows[a:a + CHUNK]]), qv, out[a:a + CHUNK])
        return out.reshape(-1)


class Scan:
    """One full int8 scan cut into chunks that threads take in turn: the scanning thread and
    the pool's, and in a hybrid query the thread that ran the text search once it is done, so
    a slow or busy thread never holds the others up and the CPUs are never oversubscribed."""

    def __init__(self, q: np.ndarray, qv: np.ndarray, parts: int):
        n = len(q)
        self.q, self.qv = q, qv
        self.out = np.empty((n, 1), dtype=np.float32)
        self.bounds = [n * i // parts for i in range(parts + 1)]
        self._next = itertools.count()  # next() is atomic under the GIL
        self._lock = threading.Lock()
        self._left = parts
        self._done = threading.Event()
        self._error: BaseException | None = None
        if parts == 0:
            self._done.set()

    def work(self) -> None:
        """Scan chunks until none is left to take."""
        parts = len(self.bounds) - 1
        while (i := next(self._next)) < parts:
            a, b = self.bounds[i], self.bounds[i + 1]
            try:
                _dots(self.q[a:b], self.qv, self.out[a:b])
            except BaseException as exc:  # noqa: BLE001 - re-raised by result()
                self._error = exc
            with self._lock:
                self._left -= 1
                if self._left == 0:
                    self._done.set()

    def result(self) -> np.ndarray:
        """Help until every chunk is taken, wait for the ones other threads are on, and return
        the scores (one per row)."""
        self.work()
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self.out.reshape(-1)


def _dots(q: np.ndarray, qv: np.ndarray, out: np.ndarray) -> None:
    if len(q):
        _nk.cdist(q, qv, metric="dot", out=out)


def _cpus() -> int:
    return max(1, min(4, os.cpu_count() or 1))


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _scan_pool() -> ThreadPoolExecutor:
    """Threads shared by every index's split scans (created on first use)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max(1, _cpus() - 1), thread_name_prefix="claimmap-scan")
        return _POOL


def top_candidates(scores: np.ndarray, r: int) -> np.ndarray:
    """Positions of (at least) the ``r`` highest scores, unordered. Samples the scores to pick a
    threshold (one pass instead of a full partition); falls back to argpartition when the
    sample misjudges."""
    n = len(scores)
    if n <= r:
        return np.arange(n)
    if n > 32 * r:
        step = max(1, n // (16 * r))
        sample = scores[::step]
        m = min(len(sample), int(np.ceil(2 * r * len(sample) / n)) + 1)
        t = np.partition(sample, len(sample) - m)[len(sample) - m]
        cand = np.flatnonzero(scores >= t)
        if r <= len(cand) <= 16 * r:
            return cand
    return np.argpartition(-scores, r - 1)[:r]
