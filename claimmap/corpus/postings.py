"""Exact BM25 top-k for large SQLite corpora: a postings copy of the sentences' terms.

FTS5 ranks every match of a query with ``bm25()``; at a million sentences a claim of ordinary
words matches most of the corpus (about 1.5M postings for a 12-word query in
``bench/bench_corpus_query.py``) and ranking them all costs ~100 ms. This module keeps a
derived, memory-mapped copy of the same terms beside the database and answers the top k with
the MaxScore strategy: terms are processed rarest (highest possible contribution) first into a
score accumulator; as soon as the k-th best partial score exceeds the most that the terms not
yet processed could add together, no sentence they alone match can enter the top k, so those
(common) terms are only looked up for the few candidates that can still change rank. The
result is the exact BM25 top k (FTS5's formula and parameters: k1 = 1.2, b = 0.75,
idf = max(log((N - n + 0.5) / (n + 0.5)), 1e-6)) over every query term, optionally restricted
to a range of days, with ties broken by sentence id.

Files (``<db>.post.*``): ``rows.npy`` (int32 row of each posting, grouped by term, ascending
within a term), ``w.npy`` (float32 BM25 term-frequency part of each posting), ``tf.npy``
(uint16 term frequency of each posting), ``dl.npy`` (int32 tokens per row),
``ptr.npy`` (int64 offsets of each term's postings), ``max.npy`` (float32 largest ``w`` per
term), ``ids.npy`` (int64 sentence id per row, ascending), ``days.npy`` (int32 day ordinal per
row, -1 unknown: in every window) and ``json`` (n, max_id, avgdl and the terms, written last). Like the vector
mirror they are derived data: written to temporary files and renamed, used only when the
metadata matches the database (sentence count and last id) and the arrays their sizes. When
sentences were only added since (the copy is a prefix of the table), only the new ones are
tokenised and merged in (the weights are recomputed for the new average length); otherwise
the copy is rebuilt from the ``sentences`` table.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from claimmap.corpus.ann import _write_atomic

K1, B = 1.2, 0.75
CHUNK = 50_000
_ARRAYS = ("rows", "w", "ptr", "max", "ids", "days", "tf", "dl")


def idf(n: int, df: int | np.ndarray):
    """FTS5's idf: log((N - n + 0.5) / (n + 0.5)), at least 1e-6."""
    x = np.log((n - np.asarray(df, dtype=np.float64) + 0.5) / (np.asarray(df) + 0.5))
    return np.maximum(x, 1e-6)


class PostingsIndex:
    """BM25 postings of ``n`` sentences (rows in sentence-id order)."""

    def __init__(self, arrays: dict[str, np.ndarray], terms: list[str], avgdl: float):
        self.rows, self.w, self.ptr = arrays["rows"], arrays["w"], arrays["ptr"]
        self.max, self.ids, self.days = arrays["max"], arrays["ids"], arrays["days"]
        self.tf, self.dl = arrays["tf"], arrays["dl"]
        self.terms = {t: i for i, t in enumerate(terms)}
        self.avgdl = float(avgdl)
        #: postings the last ``search`` scanned (the rest were looked up for candidates only)
        self.last_scanned = 0
        self._local = threading.local()

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def max_id(self) -> int:
        return int(self.ids[-1]) if len(self.ids) else 0

    # -- building -----------------------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[tuple[int, int, str]], tokens: Callable[[str], list[str]],
              base: Path | None = None, prior: PostingsIndex | None = None) -> PostingsIndex:
        """From (sentence id ascending, day ordinal or -1, text), appended to the sentences of
        ``prior`` when given (every id above its ``max_id``: only the new sentences are
        tokenised); persisted beside ``base`` (the database path) when given and writable."""
        vocab: dict[str, int] = dict(prior.terms) if prior is not None else {}
        keys: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        ids: list[int] = []
        days: list[int] = []
        lens: list[int] = []
        flat: list[str] = []
        chunk_lens: list[int] = []
        done = 0
        if prior is not None and len(prior):
            tf_old = np.asarray(prior.tf)
            term_old = np.repeat(np.arange(len(prior.terms), dtype=np.int64), np.diff(prior.ptr))
            keys.append((term_old << 32) | np.asarray(prior.rows, dtype=np.int64))
            counts.append(tf_old)
            done = len(prior)

        def flush() -> None:
            nonlocal done
            if not chunk_lens:
                return
            for t in set(flat).difference(vocab):  # new terms get the next ids
                vocab[t] = len(vocab)
            tids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
            rowno = np.repeat(np.arange(done, done + len(chunk_lens), dtype=np.int64),
                              chunk_lens)
            key, tf = np.unique((tids << 32) | rowno, return_counts=True)  # (term, row) pairs
            keys.append(key)
            counts.append(tf)
            done += len(chunk_lens)
            flat.clear()
            chunk_lens.clear()

        for sid, day, text in rows:
            toks = tokens(text or "")
            ids.append(int(sid))
            days.append(int(day))
            lens.append(len(toks))
            chunk_lens.append(len(toks))
            flat.extend(toks)
            if len(chunk_lens) >= CHUNK:
                flush()
        flush()
        if prior is not None and len(prior):
            if ids and ids[0] <= prior.max_id:
                raise ValueError("appended sentences must come after the prior index's")
            ids_a = np.concatenate((np.asarray(prior.ids), np.asarray(ids, dtype=np.int64)))
            days_a = np.concatenate((np.asarray(prior.days), np.asarray(days, dtype=np.int32)))
            dl_a = np.concatenate((np.asarray(prior.dl), np.asarray(lens, dtype=np.int32)))
        else:
            ids_a = np.asarray(ids, dtype=np.int64)
            days_a = np.asarray(days, dtype=np.int32)
            dl_a = np.asarray(lens, dtype=np.int32)
        key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        tf_i = np.minimum(np.concatenate(counts), 65535).astype(np.uint16) if counts \
            else np.zeros(0, dtype=np.uint16)
        order = np.argsort(key, kind="stable")  # by term, then row
        key, tf_i = key[order], tf_i[order]
        tf = tf_i.astype(np.float32)
        term = (key >> 32).astype(np.int64)
        row = (key & 0xFFFFFFFF).astype(np.int32)
        dl = dl_a.astype(np.float32)
        avgdl = float(dl.mean()) if len(dl) and dl.sum() > 0 else 1.0
        w = tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl[row] / avgdl)) if len(row) else tf
        ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(term, minlength=len(vocab)), out=ptr[1:])
        mx = np.zeros(len(vocab), dtype=np.float32)
        nonempty = np.flatnonzero(np.diff(ptr) > 0)
        if len(nonempty):
            mx[nonempty] = np.maximum.reduceat(w, ptr[nonempty])
        arrays = {"rows": row, "w": w.astype(np.float32), "ptr": ptr, "max": mx, "ids": ids_a,
                  "days": days_a, "tf": tf_i, "dl": dl_a}
        terms = [""] * len(vocab)
        for t, i in vocab.items():
            terms[i] = t
        index = cls(arrays, terms, avgdl)
        if base is not None:
            index._persist(base)
        return index

    @staticmethod
    def paths(base: Path) -> dict[str, Path]:
        out = {a: base.with_name(f"{base.name}.post.{a}.npy") for a in _ARRAYS}
        out["json"] = base.with_name(f"{base.name}.post.json")
        return out

    def _persist(self, base: Path) -> None:
        paths = self.paths(base)
        arrays = {"rows": self.rows, "w": self.w, "ptr": self.ptr, "max": self.max,
                  "ids": self.ids, "days": self.days, "tf": self.tf, "dl": self.dl}
        for name, arr in arrays.items():
            if not _write_atomic(paths[name], lambda fh, arr=arr: np.save(fh, arr)):
                return  # read-only location: search from memory
        meta = {"n": len(self), "max_id": self.max_id, "avgdl": self.avgdl,
                "terms": sorted(self.terms, key=self.terms.__getitem__)}  # by term id
        _write_atomic(paths["json"], lambda fh: fh.write(json.dumps(meta).encode()))

    @classmethod
    def load(cls, base: Path, n: int | None = None, max_id: int | None = None
             ) -> PostingsIndex | None:
        """The persisted copy when it describes ``n`` sentences ending at ``max_id`` (any
        consistent copy when they are None), else None."""
        paths = cls.paths(base)
        try:
            meta = json.loads(paths["json"].read_text("utf-8"))
            n = meta.get("n") if n is None else n
            max_id = meta.get("max_id") if max_id is None else max_id
            if meta.get("n") != n or meta.get("max_id") != max_id:
                return None
            arrays = {a: np.load(paths[a], mmap_mode="r") for a in _ARRAYS}
            terms = list(meta["terms"])
            avgdl = float(meta["avgdl"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        v = len(terms)
        ok = (len(arrays["ids"]) == len(arrays["days"]) == len(arrays["dl"]) == n
              and len(arrays["tf"]) == len(arrays["rows"])
              and arrays["ptr"].shape == (v + 1,) and arrays["max"].shape == (v,)
              and len(arrays["rows"]) == len(arrays["w"]) == (int(arrays["ptr"][-1]) if v else 0)
              and (n == 0 or int(arrays["ids"][-1]) == max_id) and avgdl > 0)
        return cls(arrays, terms, avgdl) if ok else None

    # -- search -------------------------------------------------------------------------------
    def _buffers(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """A zeroed score accumulator and row flags, reused by this thread's searches (a fresh
        4 MB array per query at 1M rows costs more in page faults than clearing one)."""
        bufs = getattr(self._local, "bufs", None)
        if bufs is None or len(bufs[0]) != n:
            bufs = self._local.bufs = (np.zeros(n, dtype=np.float32), np.zeros(n, dtype=bool))
        else:
            bufs[0].fill(0)
            bufs[1].fill(False)
        return bufs

    def _postings(self, t: int, inwin: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, w) of term ``t``, only rows inside the window when there is one."""
        a, b = int(self.ptr[t]), int(self.ptr[t + 1])
        r, w = np.asarray(self.rows[a:b]), np.asarray(self.w[a:b])
        self.last_scanned += b - a
        if inwin is not None:
            keep = inwin[r]
            r, w = r[keep], w[keep]
        return r, w

    def search(self, terms: list[str], k: int, day_lo: int | None = None,
               day_hi: int | None = None) -> list[tuple[int, float]]:
        """(sentence id, BM25) of the best ``k`` rows holding any of ``terms`` (and dated
        within [day_lo, day_hi] when either is given, or undated: a row without a day is in
        every window), best first, ties by sentence id."""
        n = len(self)
        tids = sorted({self.terms[t] for t in terms if t in self.terms})
        if k <= 0 or n == 0 or not tids:
            return []
        tids_a = np.asarray(tids, dtype=np.int64)
        df = self.ptr[tids_a + 1] - self.ptr[tids_a]
        weight = idf(n, df)
        ub = weight * self.max[tids_a]
        order = np.argsort(-ub, kind="stable")  # largest possible contribution first
        inwin = None
        if day_lo is not None or day_hi is not None:
            days = np.asarray(self.days)
            inwin = days >= (day_lo if day_lo is not None else 0)
            if day_hi is not None:
                inwin &= days <= day_hi
            inwin |= days < 0
        acc, inbest = self._buffers(n)
        best = np.zeros(0, dtype=np.int64)  # rows of the k best partial scores so far
        margin = 1 + 1e-5  # float32 sums: compare bounds with some slack, never too little
        rest = float(ub.sum())
        theta = 0.0
        done = 0
        self.last_scanned = 0
        for j in order:
            r, w = self._postings(tids_a[j], inwin)
            acc[r] += np.float32(weight[j]) * w  # rows are unique within a term
            rest -= float(ub[j])
            done += 1
            # the k best can change only among the previous k best and the rows just scored
            pool = np.concatenate((best, r[~inbest[r]]))
            if len(pool) > k:
                pool = pool[np.argpartition(-acc[pool], k - 1)[:k]]
            inbest[best] = False
            best = pool
            inbest[best] = True
            if len(best) == k:
                theta = float(acc[best].min())
                if done < len(order) and theta > rest * margin + 1e-6:
                    break  # nothing matched only by the remaining terms can reach the top k
        if done == len(order):
            cand = np.flatnonzero(acc >= np.float32(theta / margin)) if len(best) == k \
                else np.flatnonzero(acc > 0)
            score = acc[cand].astype(np.float64)
        else:
            # rows that can still rank; the remaining (common) terms are scanned when that is
            # cheaper than looking them up for these rows
            cand = np.flatnonzero(acc >= np.float32((theta - rest * margin) / margin))
            extra = np.zeros(len(cand), dtype=np.float64)
            for j in order[done:]:
                t = tids_a[j]
                a, b = int(self.ptr[t]), int(self.ptr[t + 1])
                if b - a <= 2 * len(cand):
                    r, w = self._postings(t, inwin)
                    acc[r] += np.float32(weight[j]) * w
                else:
                    rows = self.rows[a:b]
                    pos = np.minimum(np.searchsorted(rows, cand), b - a - 1)
                    hit = np.asarray(rows[pos]) == cand
                    if hit.any():
                        extra[hit] += weight[j] * np.asarray(self.w[a + pos[hit]],
                                                             dtype=np.float64)
                rest -= float(ub[j])
                # drop the rows that can no longer reach the k-th best (a lower bound)
                cur = acc[cand] + extra
                if len(cur) > k:
                    theta = max(theta, float(np.partition(cur, len(cur) - k)[len(cur) - k]))
                keep = cur + rest * margin + 1e-6 >= theta / margin
                cand, extra = cand[keep], extra[keep]
            score = acc[cand].astype(np.float64) + extra
        if len(cand) == 0:
            return []
        sids = np.asarray(self.ids)[cand]
        kk = min(k, len(cand))
        top = np.argpartition(-score, kk - 1)[:kk] if kk < len(cand) else np.arange(len(cand))
        # ties at the cut: every row scoring like the k-th competes on sentence id
        cut = score[top].min()
        top = np.union1d(top, np.flatnonzero(score == cut))
        top = top[np.lexsort((sids[top], -score[top]))][:kk]
        return [(int(sids[i]), float(score[i])) for i in top]
