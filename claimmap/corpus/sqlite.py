"""Embedded corpus backend: one SQLite file (WAL mode) plus a derived vector matrix beside it.

Tables ``documents``, ``sentences``, ``statements``, ``families``, ``seen`` and ``meta``, and
an FTS5 table ``sentences_fts`` (external content over ``sentences.text``) ranked with
``bm25()``. Sentence embeddings are float32 BLOBs in ``sentences.embedding``; for search they are
mirrored into ``<db>.vec.npy`` (unit rows) and ``<db>.vec.idx.npy`` (sentence id, day ordinal),
memory-mapped and rebuilt from the BLOBs whenever they do not match the database (after adds, or
after a crash), so the database is the only source of truth. Vector search is exact (one matrix
product with numpy) below ``EXACT_MAX`` vectors; above it (setting CLAIMMAP_CORPUS_VECTOR_INDEX)
an int8 copy of the matrix (``claimmap.corpus.ann``) picks candidates that are re-scored
exactly. Full-text search ranks with FTS5's ``bm25()`` on small corpora; above ``POSTINGS_MIN``
sentences (setting CLAIMMAP_CORPUS_TEXT_INDEX) a derived postings copy of the sentences' terms
(``claimmap.corpus.postings``, ``<db>.post.*``) returns the exact BM25 top k without scoring
every match.
``hybrid`` runs the vector side in a worker thread beside the text side on large corpora.
"""

from __future__ import annotations

import mmap
import os
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import numpy as np

from claimmap import config
from claimmap.corpus import ann
from claimmap.corpus.postings import PostingsIndex
from claimmap.corpus.store import (
    DateLike,
    DocRecord,
    Hit,
    SentenceRecord,
    StatementRecord,
    StoredDocument,
    day_of,
    dimension_error,
    embedder_mismatch,
    count_rows,
    families_from_rows,
    rrf,
    rrf_ids,
)
from claimmap.errors import ClaimmapError

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, url TEXT, outlet TEXT, published TEXT,
    day TEXT, title TEXT, source TEXT, text TEXT NOT NULL, signature BLOB, family TEXT,
    added TEXT DEFAULT CURRENT_TIMESTAMP, language TEXT);
CREATE INDEX IF NOT EXISTS documents_day ON documents(day);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id), idx INTEGER,
    start INTEGER, "end" INTEGER, text TEXT NOT NULL, embedding BLOB);
CREATE INDEX IF NOT EXISTS sentences_doc ON sentences(doc_id);
CREATE INDEX IF NOT EXISTS sentences_embedded ON sentences(id) WHERE embedding IS NOT NULL;
CREATE TABLE IF NOT EXISTS statements (
    id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id), speaker TEXT,
    canonical TEXT, side TEXT, cue TEXT, content TEXT NOT NULL, kind TEXT, polarity TEXT,
    embedding BLOB);
CREATE INDEX IF NOT EXISTS statements_doc ON statements(doc_id);
CREATE TABLE IF NOT EXISTS families (
    family TEXT NOT NULL, doc_id INTEGER NOT NULL, kind TEXT, origin INTEGER,
    origin_outlet TEXT, reason TEXT, PRIMARY KEY (family, doc_id));
CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, doc_id INTEGER);
CREATE TABLE IF NOT EXISTS doc_credits (doc_id INTEGER PRIMARY KEY, key TEXT, credits TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5(
    text, content='sentences', content_rowid='id');
"""


def default_corpus_path() -> Path:
    """CLAIMMAP_CORPUS_DB, else ``corpus.db`` in the directory of the CLAIMMAP_DB file."""
    raw = config.get("CLAIMMAP_CORPUS_DB").strip()
    if raw:
        return Path(raw).expanduser()
    from claimmap.api.store import default_db_path

    return default_db_path().parent / "corpus.db"


def _fts_query(query: str) -> str:
    words = re.findall(r"\w+", query.lower())
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words))


def _day_ordinal(day: str | None) -> int:
    return date.fromisoformat(day).toordinal() if day else -1


#: below this many vectors search is always exact (results identical to plain numpy)
EXACT_MAX = 50_000
#: int8 candidates re-scored exactly per vector query (at least 4 x k)
RERANK = 400
#: a date window holding more than this share of the rows (undated documents are in every
#: window) is searched with the full int8 scan, masked to the window: gathering that many
#: scattered rows costs more than the contiguous scan
WIDE_WINDOW = 0.25
#: above this many sentences full-text search ranks with the postings copy (exact BM25 top k,
#: ``claimmap.corpus.postings``) instead of FTS5 ranking every match
POSTINGS_MIN = 20_000

_TOKEN = re.compile(r"[^\W_]+")


def _tokens(text: str) -> list[str]:
    """FTS5 unicode61-like tokens: case-folded, diacritics removed, split on non-alphanumerics."""
    if text.isascii():
        return _TOKEN.findall(text.lower())
    folded = unicodedata.normalize("NFKD", text.casefold())
    return _TOKEN.findall("".join(c for c in folded if not unicodedata.combining(c)))


def _append_rows(src: Path, dst: Path, shape: tuple[int, int], rows: np.ndarray) -> None:
    """Write ``dst``: the float32 ``.npy`` matrix ``src`` (``shape``) with ``rows`` after its
    own. The old rows are copied by the kernel (``shutil.copyfile``: 1 s for 1 GB here, against
    4 s through numpy) and the header rewritten in place when the new one has the same length
    (numpy pads headers to 64 bytes, so it nearly always has); else copied through numpy."""
    import io
    import shutil

    fmt = np.lib.format
    new_shape = (shape[0] + len(rows), shape[1])
    header = io.BytesIO()
    fmt.write_array_header_1_0(header, {"descr": fmt.dtype_to_descr(np.dtype(np.float32)),
                                        "fortran_order": False, "shape": new_shape})
    with open(src, "rb") as fh:
        version = fmt.read_magic(fh)
        old_shape, fortran, dtype = (fmt.read_array_header_1_0(fh) if version == (1, 0)
                                     else fmt.read_array_header_2_0(fh))
        offset = fh.tell()
    if (version == (1, 0) and len(header.getvalue()) == offset and tuple(old_shape) == shape
            and not fortran and dtype == np.float32):
        shutil.copyfile(src, dst)
        with open(dst, "r+b") as fh:
            fh.write(header.getvalue())
            fh.seek(offset + shape[0] * shape[1] * 4)
            fh.truncate()
            fh.write(np.ascontiguousarray(rows, dtype=np.float32).tobytes())
        return
    old = np.load(src, mmap_mode="r")
    out = fmt.open_memmap(dst, mode="w+", dtype=np.float32, shape=new_shape)
    for a in range(0, shape[0], 65_536):
        b = min(shape[0], a + 65_536)
        out[a:b] = old[a:b]
    out[shape[0]:] = rows
    out.flush()
    del out


class _WideWindow:
    """The rows of a date window holding more than WIDE_WINDOW of the vectors (the undated
    ones are in every window), as a boolean mask over the rows: searched by the full int8 scan
    with the rows outside it dropped, never gathered and sorted row by row."""

    def __init__(self, mask: np.ndarray, n: int):
        self.mask, self.n = mask, n

    def __len__(self) -> int:
        return self.n

    def rows(self) -> np.ndarray:
        return np.flatnonzero(self.mask)


class _UndatedBlock:
    """The int8 rows of the undated sentences, copied into one contiguous block: a windowed
    query scans it whole (undated documents are in every window) and gathers only the window's
    dated rows, instead of scanning every row of the corpus."""

    def __init__(self, rows: np.ndarray, q: np.ndarray):
        self.rows, self.q = rows, q

    def candidates(self, v: np.ndarray, scale: float, r: int) -> np.ndarray:
        qv = ann._quantize(v, scale)[None, :]
        out = np.empty((len(self.q), 1), dtype=np.float32)
        for a in range(0, len(self.q), ann.CHUNK):
            ann._dots(self.q[a:a + ann.CHUNK], qv, out[a:a + ann.CHUNK])
        return self.rows[ann.top_candidates(out.reshape(-1), r)]


class _SplitWindow:
    """A window's rows as the undated block plus the dated rows in the window (sorted)."""

    def __init__(self, block: _UndatedBlock, dated: np.ndarray):
        self.block, self.dated = block, dated

    def __len__(self) -> int:
        return len(self.block.rows) + len(self.dated)

    def rows(self) -> np.ndarray:
        return np.sort(np.concatenate((self.block.rows, self.dated)))


def _populate(arr: np.ndarray) -> None:
    """Map every page of a memory-mapped array now (MADV_POPULATE_READ, Linux 5.14+; ~50 ms
    per GB from the page cache) instead of one page fault per row at query time."""
    mm = getattr(arr, "_mmap", None)
    if mm is None:
        return
    try:
        mm.madvise(getattr(mmap, "MADV_POPULATE_READ", 22))
    except (OSError, ValueError, AttributeError):  # older kernel or platform: fault on demand
        pass


class SQLiteStore:
    """The default ``Store``. Not shared between threads; open one per process/thread."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(str(self.path), isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA busy_timeout=10000")
            self.conn.executescript(SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise ClaimmapError(f"cannot open corpus database {self.path}: {exc}") from None
        self._in_batch = False
        self._vec_cache: tuple | None = None
        self._ann_cache: tuple | None = None   # (matrix it belongs to, Int8Index or None)
        self._day_cache: tuple | None = None   # (idx it belongs to, row order by day, days)
        self._undated_cache: tuple | None = None  # (int8 index it belongs to, _UndatedBlock)
        self._post_cache: tuple | None = None  # ((count, max id), data_version, index or None)
        self._pool: ThreadPoolExecutor | None = None

    def _migrate(self) -> None:
        """Bring a corpus file written by an older version up to the current tables."""
        cols = {r[1] for r in self.conn.execute("PRAGMA table_info(documents)")}
        if "language" not in cols:  # the documents' language (non-English coverage is kept)
            self.conn.execute("ALTER TABLE documents ADD COLUMN language TEXT")

    # -- transactions -------------------------------------------------------------------------
    @contextmanager
    def batch(self):
        if self._in_batch:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._in_batch = True
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._in_batch = False

    # -- writes ---------------------------------------------------------------------------------
    def embedder(self) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key='embedder'").fetchone()
        return row[0] if row else None

    def set_embedder(self, name: str) -> None:
        with self.batch():
            have = self.embedder()
            if have is None:
                self.conn.execute("INSERT INTO meta VALUES ('embedder', ?)", (str(name),))
            elif have != name:
                raise embedder_mismatch(have, name)

    def _check_dim(self, dim: int) -> None:
        row = self.conn.execute("SELECT value FROM meta WHERE key='dim'").fetchone()
        if row is None:
            self.conn.execute("INSERT INTO meta VALUES ('dim', ?)", (str(dim),))
        elif int(row[0]) != dim:
            raise ClaimmapError(f"embedding size {dim} differs from the corpus's {row[0]} "
                                "(use the same CLAIMMAP_EMBEDDER for one corpus)")

    def add_document(self, doc: DocRecord, sentences: list[SentenceRecord],
                     statements: list[StatementRecord], embeddings: np.ndarray | None = None,
                     signature: bytes | None = None, *,
                     statement_embeddings: np.ndarray | None = None) -> tuple[int, bool]:
        if embeddings is not None and len(embeddings) != len(sentences):
            raise ValueError("embeddings must have one row per sentence")
        if statement_embeddings is not None and len(statement_embeddings) != len(statements):
            raise ValueError("statement_embeddings must have one row per statement")
        with self.batch():
            row = self.conn.execute("SELECT id FROM documents WHERE hash=?", (doc.hash,)).fetchone()
            if row:
                return int(row[0]), False
            for m in (embeddings, statement_embeddings):
                if m is not None and len(m):
                    self._check_dim(int(np.asarray(m).shape[1]))
            cur = self.conn.execute(
                "INSERT INTO documents (hash, url, outlet, published, day, title, source, text,"
                " signature, language) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (doc.hash, doc.url, doc.outlet, doc.published, day_of(doc.published), doc.title,
                 doc.source, doc.text, signature, doc.language))
            doc_id = int(cur.lastrowid)
            emb = None if embeddings is None else np.asarray(embeddings, dtype=np.float32)
            for i, s in enumerate(sentences):
                blob = emb[i].tobytes() if emb is not None else None
                c = self.conn.execute(
                    'INSERT INTO sentences (doc_id, idx, start, "end", text, embedding)'
                    " VALUES (?,?,?,?,?,?)", (doc_id, i, s.start, s.end, s.text, blob))
                self.conn.execute("INSERT INTO sentences_fts (rowid, text) VALUES (?, ?)",
                                  (c.lastrowid, s.text))
            semb = (None if statement_embeddings is None
                    else np.asarray(statement_embeddings, dtype=np.float32))
            self.conn.executemany(
                "INSERT INTO statements (doc_id, speaker, canonical, side, cue, content, kind,"
                " polarity, embedding) VALUES (?,?,?,?,?,?,?,?,?)",
                [(doc_id, st.speaker, st.canonical, st.side, st.cue, st.content, st.kind,
                  st.polarity, semb[i].tobytes() if semb is not None else None)
                 for i, st in enumerate(statements)])
        self._vec_cache = self._post_cache = None
        return doc_id, True

    def add_many(self, items) -> list[tuple[int, bool]]:
        """Bulk load (see ``Store.add_many`` for the item format): ``add_document`` for each
        item inside one ``batch()`` (one transaction, all or nothing)."""
        from claimmap.corpus.store import bulk_item

        out = []
        with self.batch():
            for item in items:
                doc, sents, stmts, emb, sig, semb = bulk_item(item)
                out.append(self.add_document(doc, sents, stmts, emb, sig,
                                             statement_embeddings=semb))
        return out

    def mark_seen(self, key: str, doc_id: int | None) -> None:
        with self.batch():
            self.conn.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (key, doc_id))

    def seen(self, key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM seen WHERE key=?", (key,)).fetchone() is not None

    def set_families(self, families: list[dict]) -> None:
        # a document's ``family`` column: its syndication family first, else owner/state
        family_of: dict[int, str] = {}
        with self.batch():
            self.conn.execute("DELETE FROM families")
            for f in sorted(families, key=lambda f: f.get("kind") != "syndication"):
                origin = int(f["origin"]) if f.get("origin") is not None else None
                self.conn.executemany(
                    "INSERT OR REPLACE INTO families VALUES (?,?,?,?,?,?)",
                    [(f["id"], int(m), f.get("kind"), origin, f.get("origin_outlet"),
                      f.get("reason")) for m in f["members"]])
                for m in f["members"]:
                    family_of.setdefault(int(m), f["id"])
            # only the rows whose family changed: an update rewrites the row, body text and all
            now = dict(self.conn.execute("SELECT id, family FROM documents WHERE family IS NOT NULL"))
            self.conn.executemany("UPDATE documents SET family=NULL WHERE id=?",
                                  [(d,) for d in now if d not in family_of])
            self.conn.executemany("UPDATE documents SET family=? WHERE id=?",
                                  [(fam, d) for d, fam in family_of.items() if now.get(d) != fam])

    # -- reads ----------------------------------------------------------------------------------
    def has_document(self, hash: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE hash=?", (hash,)).fetchone() is not None

    def get_document(self, doc_id: int) -> StoredDocument | None:
        row = self.conn.execute(
            "SELECT id, hash, text, url, outlet, published, title, source, family, language"
            " FROM documents WHERE id=?", (doc_id,)).fetchone()
        if row is None:
            return None
        d = StoredDocument(*row)
        d.sentences = [SentenceRecord(t, s, e) for t, s, e in self.conn.execute(
            'SELECT text, start, "end" FROM sentences WHERE doc_id=? ORDER BY idx', (doc_id,))]
        d.statements = [StatementRecord(*r) for r in self.conn.execute(
            "SELECT content, speaker, canonical, side, cue, kind, polarity FROM statements"
            " WHERE doc_id=? ORDER BY id", (doc_id,))]
        return d

    def _window(self, date_from: DateLike, date_to: DateLike) -> tuple[str, list]:
        sql, args = "", []
        lo, hi = day_of(date_from), day_of(date_to)
        if date_from is not None and lo is None or date_to is not None and hi is None:
            raise ClaimmapError("date window: use ISO dates (YYYY-MM-DD)")
        # an undated document is a candidate in every window (``Candidate.undated`` says so)
        if lo and hi:
            sql, args = " AND (d.day IS NULL OR d.day BETWEEN ? AND ?)", [lo, hi]
        elif lo:
            sql, args = " AND (d.day IS NULL OR d.day >= ?)", [lo]
        elif hi:
            sql, args = " AND (d.day IS NULL OR d.day <= ?)", [hi]
        return sql, args

    def search_text(self, query: str, k: int = 10, date_from: DateLike = None,
                    date_to: DateLike = None) -> list[Hit]:
        q = _fts_query(query)
        if not q:
            return []
        scored = self._text_scored(query, k, date_from, date_to)
        if scored is not None:
            return self._hits(scored)
        wsql, wargs = self._window(date_from, date_to)
        if not wsql:  # rank inside FTS5 first, join only the top k
            rows = self.conn.execute(
                "SELECT s.id, s.doc_id, s.text, f.r, d.url, d.published FROM"
                " (SELECT rowid, rank AS r FROM sentences_fts WHERE sentences_fts MATCH ?"
                "  ORDER BY rank LIMIT ?) f"
                " JOIN sentences s ON s.id = f.rowid JOIN documents d ON d.id = s.doc_id"
                " ORDER BY f.r, s.id", (q, int(k))).fetchall()
            return [Hit(i, d, t, -float(r), u, p) for i, d, t, r, u, p in rows]
        rows = self.conn.execute(
            "SELECT s.id, s.doc_id, s.text, bm25(sentences_fts) AS r, d.url, d.published"
            " FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid"
            " JOIN documents d ON d.id = s.doc_id"
            f" WHERE sentences_fts MATCH ?{wsql} ORDER BY r, s.id LIMIT ?",
            [q, *wargs, int(k)]).fetchall()
        return [Hit(i, d, t, -float(r), u, p) for i, d, t, r, u, p in rows]

    def _text_scored(self, query: str, k: int, date_from: DateLike,
                     date_to: DateLike) -> list[tuple[int, float]] | None:
        """(sentence id, BM25) best first from the postings copy, or None when FTS5 serves the
        text search (a small corpus, or the setting)."""
        self._window(date_from, date_to)  # validates
        index = self._postings()
        if index is None:
            return None
        if not _fts_query(query):
            return []
        lo, hi = day_of(date_from), day_of(date_to)
        return index.search(_tokens(query), int(k), _day_ordinal(lo) if lo else None,
                            _day_ordinal(hi) if hi else None)

    def _text_mode(self, n: int) -> str:
        mode = config.get("CLAIMMAP_CORPUS_TEXT_INDEX").strip().lower() or "auto"
        if mode not in ("auto", "fts5", "postings"):
            raise ClaimmapError(f"CLAIMMAP_CORPUS_TEXT_INDEX={mode!r}: use auto, fts5 or postings")
        if mode == "fts5" or (mode == "auto" and n <= POSTINGS_MIN):
            return "fts5"
        return "postings"

    def _postings(self) -> PostingsIndex | None:
        """The BM25 postings copy of the sentences when the text index setting wants one: cached
        until the next commit, else the persisted one when it matches, else rebuilt."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        cache = self._post_cache
        if cache and cache[1] == version:
            return cache[2]
        n, mx = self.conn.execute("SELECT count(*), coalesce(max(id), 0) FROM sentences").fetchone()
        if self._text_mode(n) == "fts5":
            self._post_cache = ((n, mx), version, None)
            return None
        if cache and cache[0] == (n, mx) and cache[2] is not None:
            self._post_cache = (cache[0], version, cache[2])
            return cache[2]
        index = PostingsIndex.load(self.path, n, mx)
        if index is None:
            # sentences only added since the persisted copy (a prefix of the table): merge the
            # new ones in; anything else (none, a crash, deletions): rebuild
            prior = PostingsIndex.load(self.path)
            if prior is not None and not (prior.max_id <= mx and self.conn.execute(
                    "SELECT count(*) FROM sentences WHERE id <= ?", (prior.max_id,)
            ).fetchone()[0] == len(prior)):
                prior = None
            after = prior.max_id if prior is not None else -1
            ordinals: dict[str | None, int] = {}

            def rows():
                for sid, day, text in self.conn.execute(  # streamed
                        "SELECT s.id, d.day, s.text FROM sentences s"
                        " JOIN documents d ON d.id = s.doc_id WHERE s.id > ? ORDER BY s.id",
                        (after,)):
                    if day not in ordinals:
                        ordinals[day] = _day_ordinal(day)
                    yield sid, ordinals[day], text

            index = PostingsIndex.build(rows(), _tokens, self.path, prior=prior)
        self._post_cache = ((n, mx), version, index)
        return index

    # vectors
    def _vec_key(self) -> tuple[int, int]:
        n, mx = self.conn.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM sentences INDEXED BY sentences_embedded"
            " WHERE embedding IS NOT NULL"
        ).fetchone()
        return int(n), int(mx)

    def _vec_paths(self) -> tuple[Path, Path]:
        return (self.path.with_name(self.path.name + ".vec.npy"),
                self.path.with_name(self.path.name + ".vec.idx.npy"))

    def _vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(matrix of unit rows, idx array of (sentence id, day ordinal)), memory-mapped."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if self._vec_cache and self._vec_cache[3] == version:
            return self._vec_cache[1], self._vec_cache[2]  # nobody committed since
        key = self._vec_key()
        if self._vec_cache and self._vec_cache[0] == key:
            self._vec_cache = (*self._vec_cache[:3], version)
            return self._vec_cache[1], self._vec_cache[2]
        mpath, ipath = self._vec_paths()
        mat = idx = None
        try:
            idx = np.load(ipath, mmap_mode="r")
            mat = np.load(mpath, mmap_mode="r")
        except (OSError, ValueError):
            mat = idx = None
        if mat is None or not (len(idx) == key[0] == len(mat)
                               and (key[0] == 0 or int(idx[-1, 0]) == key[1])):
            found = self._extend_vectors(mpath, ipath, key, mat, idx) if mat is not None else None
            mat, idx = found or self._rebuild_vectors(mpath, ipath)
        self._vec_cache = (key, mat, idx, version)
        return mat, idx

    def _vector_rows(self, after: int, n: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
        """(unit rows, idx rows) of at most ``n`` embedded sentences with an id above
        ``after``, by id; streamed, the BLOBs are never all in memory at once."""
        rows = self.conn.execute(
            "SELECT s.id, d.day, s.embedding FROM sentences s JOIN documents d ON d.id = s.doc_id"
            " WHERE s.embedding IS NOT NULL AND s.id > ? ORDER BY s.id", (after,))
        mat = np.zeros((n, dim), dtype=np.float32)
        idx = np.zeros((n, 2), dtype=np.int64)
        ordinals: dict[str | None, int] = {}
        i = 0
        for sid, day, blob in rows:
            if i == n:  # pragma: no cover - only if a writer slipped in (not in one transaction)
                break
            mat[i] = np.frombuffer(blob, dtype=np.float32)
            if day not in ordinals:
                ordinals[day] = _day_ordinal(day)
            idx[i] = (sid, ordinals[day])
            i += 1
        mat, idx = mat[:i], idx[:i]
        norms = np.linalg.norm(mat, axis=1, keepdims=True)
        mat /= np.where(norms == 0, 1, norms)
        return mat, idx

    def _extend_vectors(self, mpath: Path, ipath: Path, key: tuple[int, int], old_mat: np.ndarray,
                        old_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The mirror with the sentences embedded since it was written appended, when it holds
        exactly the embedded sentences up to its last id (only additions since: the common
        case after ``corpus add``); None otherwise (rebuild). At 1M sentences an append
        copies the file (about a second) where a rebuild reads every vector from the database
        (12 s)."""
        n_old = len(old_idx)
        if not n_old or len(old_mat) != n_old or n_old >= key[0] or old_idx.shape[1:] != (2,):
            return None
        last = int(old_idx[-1, 0])
        before = self.conn.execute(
            "SELECT count(*) FROM sentences INDEXED BY sentences_embedded"
            " WHERE embedding IS NOT NULL AND id <= ?", (last,)).fetchone()[0]
        if before != n_old:
            return None
        new_mat, new_idx = self._vector_rows(last, key[0] - n_old, old_mat.shape[1])
        if n_old + len(new_idx) != key[0]:  # pragma: no cover - a writer slipped in
            return None
        idx = np.concatenate([np.asarray(old_idx), new_idx])
        tmp = mpath.with_name(mpath.name + f".{os.getpid()}.tmp")
        try:
            _append_rows(mpath, tmp, old_mat.shape, new_mat)
            os.replace(tmp, mpath)
            # the index file last: until it is replaced the pair does not match (rebuilt)
            itmp = ipath.with_name(ipath.name + f".{os.getpid()}.tmp")
            with open(itmp, "wb") as fh:
                np.save(fh, idx)
            os.replace(itmp, ipath)
            return np.load(mpath, mmap_mode="r"), np.load(ipath, mmap_mode="r")
        except OSError:  # read-only location: search from memory
            try:
                tmp.unlink()
            except OSError:
                pass
            return np.concatenate([np.asarray(old_mat), new_mat]), idx

    def _rebuild_vectors(self, mpath: Path, ipath: Path) -> tuple[np.ndarray, np.ndarray]:
        row = self.conn.execute("SELECT value FROM meta WHERE key='dim'").fetchone()
        dim = int(row[0]) if row else 0
        mat, idx = self._vector_rows(-1, self._vec_key()[0], dim)
        for path, arr in ((mpath, mat), (ipath, idx)):
            tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
            try:
                with open(tmp, "wb") as fh:
                    np.save(fh, arr)
                os.replace(tmp, path)
            except OSError:  # read-only location: search from memory
                pass
        return mat, idx

    def _hits(self, scored: list[tuple[int, float]]) -> list[Hit]:
        if not scored:
            return []
        ids = [s for s, _ in scored]
        rows = {r[0]: r for r in self.conn.execute(
            "SELECT s.id, s.doc_id, s.text, d.url, d.published FROM sentences s"
            f" JOIN documents d ON d.id = s.doc_id WHERE s.id IN ({','.join('?' * len(ids))})",
            ids)}
        return [Hit(s, rows[s][1], rows[s][2], sc, rows[s][3], rows[s][4]) for s, sc in scored
                if s in rows]

    def _vector_mode(self, n: int) -> str:
        mode = config.get("CLAIMMAP_CORPUS_VECTOR_INDEX").strip().lower() or "auto"
        if mode not in ("auto", "exact", "int8"):
            raise ClaimmapError(f"CLAIMMAP_CORPUS_VECTOR_INDEX={mode!r}: use auto, exact or int8")
        if mode == "exact" or not ann.available() or (mode == "auto" and n < EXACT_MAX):
            return "exact"
        return "int8"

    def _int8(self, mat: np.ndarray, idx: np.ndarray) -> ann.Int8Index:
        """The int8 copy of ``mat``: cached, else the persisted one when it matches, else built
        (and persisted) from ``mat``."""
        if self._ann_cache and self._ann_cache[0] is mat:
            return self._ann_cache[1]
        mpath = self._vec_paths()[0]
        index = ann.Int8Index.load(mat, idx, mpath)
        if index is None:  # sentences only added since: append them
            index = ann.Int8Index.extend(mat, idx, mpath)
        if index is None:
            index = ann.Int8Index.build(mat, idx, mpath)
        _populate(mat)  # the exact re-scoring reads scattered rows: map them all once
        self._ann_cache = (mat, index)
        return index

    def _day_order(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row numbers sorted by day, their days) for date windows on the int8 path."""
        if self._day_cache and self._day_cache[0] is idx:
            return self._day_cache[1], self._day_cache[2]
        days = np.asarray(idx[:, 1])
        order = np.argsort(days, kind="stable")
        self._day_cache = (idx, order, days[order])
        return self._day_cache[1], self._day_cache[2]

    def _undated_block(self, index, rows: np.ndarray) -> _UndatedBlock:
        """The contiguous int8 copy of the undated rows (cached with the index)."""
        if self._undated_cache and self._undated_cache[0] is index:
            return self._undated_cache[1]
        rows = np.sort(rows)
        block = _UndatedBlock(rows, np.ascontiguousarray(index.q[rows]))
        self._undated_cache = (index, block)
        return block

    def _vector_prepare(self, vec: np.ndarray, date_from: DateLike, date_to: DateLike):
        """Everything the vector search needs from the database, so that ``_vector_scored``
        can run in another thread: (matrix, idx, unit query, mode, int8 index, window rows)."""
        self._window(date_from, date_to)  # validates
        mat, idx = self._vectors()
        if len(mat) == 0:
            return None
        v = np.asarray(vec, dtype=np.float32).reshape(-1)
        if v.shape[0] != mat.shape[1]:
            raise dimension_error(v.shape[0], mat.shape[1])
        v = v / (np.linalg.norm(v) or 1.0)
        lo, hi = day_of(date_from), day_of(date_to)
        mode = self._vector_mode(len(mat))
        if mode == "exact":
            return mat, idx, v, mode, None, (lo, hi)
        index = self._int8(mat, idx)
        rows = None
        if lo or hi:
            order, days = self._day_order(idx)
            u = int(np.searchsorted(days, 0, "left"))  # undated rows (day -1) sort first
            a = max(u, int(np.searchsorted(days, _day_ordinal(lo) if lo else 0, "left")))
            b = int(np.searchsorted(days, _day_ordinal(hi), "right")) if hi else len(days)
            n = u + max(0, b - a)
            if u > 4 * RERANK and max(0, b - a) <= WIDE_WINDOW * len(idx):
                rows = _SplitWindow(self._undated_block(index, order[:u]),
                                    np.sort(order[a:max(a, b)]))
            elif n > WIDE_WINDOW * len(idx):
                d = np.asarray(idx[:, 1])
                inwin = d < 0
                if lo and hi:
                    inwin |= (d >= _day_ordinal(lo)) & (d <= _day_ordinal(hi))
                elif lo:
                    inwin |= d >= _day_ordinal(lo)
                else:
                    inwin |= d <= _day_ordinal(hi)
                rows = _WideWindow(inwin, n)
            else:
                rows = np.sort(np.concatenate((order[:u], order[a:max(a, b)])))
        return mat, idx, v, mode, index, rows

    @staticmethod
    def _vector_scored(prep, k: int, scan=None) -> list[tuple[int, float]]:
        """(sentence id, cosine) best first; no database access (thread-safe). ``scan``: the
        int8 full scan of the query, already started (``_start_scan``)."""
        if prep is None:
            return []
        mat, idx, v, mode, index, rows = prep
        k = int(k)
        if mode == "exact":
            lo, hi = rows
            scores = mat @ v
            if lo or hi:
                days = np.asarray(idx[:, 1])
                mask = np.ones(len(days), dtype=bool)
                if lo:
                    mask &= days >= _day_ordinal(lo)
                if hi:
                    mask &= days <= _day_ordinal(hi)
                scores = np.where(mask | (days < 0), scores, -np.inf)  # undated: always in
            k = min(k, len(scores))
            if k <= 0:
                return []
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.lexsort((np.asarray(idx[top, 0]), -scores[top]))]
            return [(int(idx[i, 0]), float(scores[i])) for i in top if np.isfinite(scores[i])]
        # int8 candidates, re-scored exactly against the float32 rows
        if k <= 0 or (rows is not None and len(rows) == 0):
            return []
        r = max(RERANK, 4 * k)
        if rows is not None and len(rows) <= 4 * r:
            cand = rows.rows() if isinstance(rows, (_WideWindow, _SplitWindow)) else rows
        elif isinstance(rows, _SplitWindow):
            dated = rows.dated
            if len(dated) > 4 * r:
                dated = index.candidates(v, r, dated)
            cand = np.concatenate((rows.block.candidates(v, index.scale, r), dated))
        elif isinstance(rows, _WideWindow):
            full = scan.result() if scan is not None else index.scores(v)  # a fresh array
            full[~rows.mask] = -np.inf
            cand = ann.top_candidates(full, r)
            cand = cand[np.isfinite(full[cand])]
        else:
            cand = index.candidates(v, r, rows, scan)
        cand = np.sort(cand)
        exact = np.asarray(mat[cand]) @ v
        ids = np.asarray(idx[cand, 0])
        k = min(k, len(cand))
        top = np.argpartition(-exact, k - 1)[:k]
        top = top[np.lexsort((ids[top], -exact[top]))]
        return [(int(ids[i]), float(exact[i])) for i in top]

    @staticmethod
    def _start_scan(prep, k: int):
        """For a hybrid query that needs the full int8 scan: the scan, started with the pool
        threads that leave a CPU to the text search (it joins the scan when done), else None."""
        if prep is None or prep[3] == "exact" or k <= 0:
            return None
        _mat, idx, v, _mode, index, rows = prep
        if rows is not None:
            if not isinstance(rows, _WideWindow) or len(rows) <= 4 * max(RERANK, 4 * k):
                return None  # a narrow window: only its rows are scored
        elif index.uses_bits(rows):
            return None
        return index.start_scan(v, helpers=max(0, ann._cpus() - 2))

    def search_vector(self, vec: np.ndarray, k: int = 10, date_from: DateLike = None,
                      date_to: DateLike = None) -> list[Hit]:
        return self._hits(self._vector_scored(self._vector_prepare(vec, date_from, date_to), k))

    def vector_index_info(self) -> dict:
        """Which vector search the store uses now, and the size of its data (for benchmarks)."""
        mat, idx = self._vectors()
        mode = self._vector_mode(len(mat))
        info = {"mode": mode, "vectors": len(mat), "exact_max": EXACT_MAX, "rerank": RERANK}
        if mode == "int8":
            info["int8_bytes"] = int(self._int8(mat, idx).q.nbytes)
        return info

    def hybrid(self, query: str, vec: np.ndarray | None, k: int = 10, date_from: DateLike = None,
               date_to: DateLike = None) -> list[Hit]:
        depth = max(4 * int(k), 50)
        if vec is None:
            return rrf([self.search_text(query, depth, date_from, date_to)], int(k))
        prep = self._vector_prepare(vec, date_from, date_to)

        def text_side() -> list[Hit] | list[tuple[int, float]]:
            scored = self._text_scored(query, depth, date_from, date_to)
            return self.search_text(query, depth, date_from, date_to) if scored is None else scored

        if prep is not None and prep[3] != "exact":  # large corpus: both sides at once
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="claimmap-vec")
            scan = self._start_scan(prep, depth)
            fut = self._pool.submit(self._vector_scored, prep, depth, scan)
            try:
                text = text_side()
            finally:
                if scan is not None:
                    scan.work()  # text done: help with the rest of the vector scan
                scored = fut.result()
        else:
            text = text_side()
            scored = self._vector_scored(prep, depth)
        if text and isinstance(text[0], Hit):
            return rrf([text, self._hits(scored)], int(k))
        # both sides as ids: fuse, then read only the k rows returned (at 1M sentences each
        # row read is a random page of the database; uncached, 100 of them took ~10 ms)
        fused = rrf_ids([[s for s, _ in text], [s for s, _ in scored]], int(k))
        hits = self._hits(fused)
        if len(hits) == len(fused):
            return hits
        # a ranked id without its row (not expected: the derived indexes follow the tables):
        # fuse what the rows hold, as search_text and search_vector would return them
        return rrf([self._hits(text), self._hits(scored)], int(k))

    def stats(self) -> dict[str, int]:
        return count_rows(self.conn)

    def signatures(self) -> Iterator[tuple]:
        yield from self.conn.execute(
            "SELECT id, signature, text, url, outlet, published FROM documents ORDER BY id")

    def family_inputs(self, credits_key: str) -> Iterator[tuple]:
        yield from self.conn.execute(
            "SELECT d.id, d.signature, CASE WHEN c.key = ?1 THEN c.credits END, d.url, d.outlet,"
            " d.published, CASE WHEN d.signature IS NULL OR c.key IS NOT ?1 THEN d.text END"
            " FROM documents d LEFT JOIN doc_credits c ON c.doc_id = d.id ORDER BY d.id",
            (credits_key,))

    def set_family_inputs(self, rows) -> None:
        rows = [(int(d), sig, credits, key) for d, sig, credits, key in rows]
        with self.batch():
            self.conn.executemany("INSERT OR REPLACE INTO doc_credits VALUES (?, ?, ?)",
                                  [(d, key, credits) for d, _sig, credits, key in rows])
            self.conn.executemany("UPDATE documents SET signature=? WHERE id=?",
                                  [(sig, d) for d, sig, _c, _k in rows if sig is not None])

    def families(self) -> list[dict]:
        return families_from_rows(self.conn.execute(
            "SELECT family, doc_id, kind, origin, origin_outlet, reason FROM families"
            " ORDER BY family, doc_id"))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        try:
            self.conn.close()
        except sqlite3.Error:  # pragma: no cover
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
