"""Server corpus backend: PostgreSQL with the pgvector extension (``open_store("postgresql://…")``).

Same tables as the SQLite backend (``documents``, ``sentences``, ``statements``, ``families``,
``seen``, ``meta``), created by versioned migrations: ``schema_version`` holds the versions
applied, ``MIGRATIONS`` the ordered SQL; opening a store applies the missing ones, under an
advisory lock, in one transaction.

Full-text search is a stored generated ``tsvector`` (``english`` configuration) with a GIN
index, ranked with ``ts_rank_cd`` (normalisation 1: divided by 1 + log(sentence length));
common query words (by the planner's statistics) do not widen the set of sentences ranked (see
``search_text``). Sentence embeddings are a ``vector(dim)`` column, added when the first
embedded document fixes the corpus's dimension (kept in ``meta``, like SQLite), with an HNSW
index (``vector_cosine_ops``). Vector search is approximate (HNSW, ``ef_search`` =
max(CLAIMMAP_PG_EF_SEARCH, k)); within a date window it is exact when the window holds at most
EXACT_WINDOW_ROWS sentences, else it uses pgvector ≥ 0.8's iterative index scans, so that the
window still yields k hits. Each sentence carries its document's ``day``, so that windows filter
inside the scans.

Writes that add documents take a transaction-level advisory lock (one writer per schema at a
time: the hash check and the COPY of ``add_many`` cannot race). ``add_many`` loads with binary
COPY; a load of many embedded sentences relative to the corpus drops the HNSW index and builds it
again at the end (faster than inserting into it row by row; readers wait for that transaction).

psycopg 3 is imported lazily (``pip install 'psycopg[binary]'``). Not shared between threads:
open one store per thread, like SQLiteStore.
"""

from __future__ import annotations

import re
import struct
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from claimmap import config
from claimmap.corpus.store import (
    BulkItem,
    DateLike,
    DocRecord,
    Hit,
    SentenceRecord,
    StatementRecord,
    StoredDocument,
    bulk_item,
    day_of,
    dimension_error,
    embedder_mismatch,
    count_rows,
    families_from_rows,
    rrf,
)
from claimmap.errors import ClaimmapError

#: ordered schema migrations: MIGRATIONS[i] brings a corpus to version i + 1. Append only.
MIGRATIONS: list[str] = [
    # 1: documents, sentences, statements, families, seen, meta
    """
    CREATE TABLE meta (key text PRIMARY KEY, value text);
    CREATE TABLE documents (
        id bigserial PRIMARY KEY, hash text NOT NULL UNIQUE, url text, outlet text,
        published text, day date, title text, source text, text text NOT NULL,
        signature bytea, family text, added timestamptz DEFAULT now());
    CREATE INDEX documents_day ON documents (day);
    CREATE TABLE sentences (
        id bigserial PRIMARY KEY, doc_id bigint NOT NULL REFERENCES documents (id), idx int,
        start int, "end" int, text text NOT NULL, day date);
    CREATE INDEX sentences_doc ON sentences (doc_id);
    CREATE INDEX sentences_day ON sentences (day);
    CREATE TABLE statements (
        id bigserial PRIMARY KEY, doc_id bigint NOT NULL REFERENCES documents (id),
        speaker text, canonical text, side text, cue text, content text NOT NULL, kind text,
        polarity text);
    CREATE INDEX statements_doc ON statements (doc_id);
    CREATE TABLE families (
        family text NOT NULL, doc_id bigint NOT NULL, kind text, origin bigint,
        origin_outlet text, reason text, PRIMARY KEY (family, doc_id));
    CREATE TABLE seen (key text PRIMARY KEY, doc_id bigint);
    """,
    # 2: full-text search over sentences
    """
    ALTER TABLE sentences ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED;
    CREATE INDEX sentences_tsv ON sentences USING gin (tsv);
    """,
    # 3: credit lines detected per document (refresh_families reuses them)
    """
    CREATE TABLE doc_credits (doc_id bigint PRIMARY KEY, key text, credits text);
    """,
    # 4: each document's language (non-English coverage is stored, not refused)
    """
    ALTER TABLE documents ADD COLUMN IF NOT EXISTS language text;
    """,
]

#: search_vector is exact (no HNSW) in a date window of at most this many sentences
EXACT_WINDOW_ROWS = 50_000
#: search_text: a query word in more than this fraction of the sentences is "common"
TEXT_COMMON_FREQ = 0.01
#: search_text ranks about this many sentences at most when it can (see its doc)
TEXT_CANDIDATES = 3_000
#: search_text re-reads the lexeme statistics after this many seconds
TEXT_STATS_TTL = 300.0
#: HNSW indexes ``vector`` columns of at most this many dimensions (pgvector's limit)
HNSW_MAX_DIM = 2000
#: add_many drops and rebuilds the HNSW index when it adds at least this many embedded
#: sentences and at least as many as the corpus already holds
REBUILD_MIN_ROWS = 50_000

_DOC_COLS = ("id", "hash", "url", "outlet", "published", "day", "title", "source", "text",
             "signature", "language")
_DOC_TYPES = ("int8", "text", "text", "text", "text", "date", "text", "text", "text", "bytea",
              "text")


def redact(url: str) -> str:
    """The URL without its password (for messages)."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    except ValueError:
        return re.sub(r"://([^:/@]*):[^@/]*@", r"://\1:***@", url)


def _one_line(exc: BaseException) -> str:
    return "; ".join(x.strip() for x in str(exc).splitlines() if x.strip()) or type(exc).__name__


def _or_query(lexemes: list[str]) -> str:
    """A tsquery (text form, already normalised lexemes) matching any of ``lexemes``."""
    return " | ".join("'" + x.replace("\\", "\\\\").replace("'", "''") + "'" for x in lexemes)


def _txt(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL characters."""
    return value.replace("\x00", "\ufffd") if value and "\x00" in value else value


def _as_date(day: str | None) -> date | None:
    return date.fromisoformat(day) if day else None


class _Vec(bytes):
    """A pgvector value already in its binary wire format (see ``_vec_rows``)."""


def _vec_rows(mat) -> list[_Vec] | None:
    """pgvector binary format of each row: uint16 dim, uint16 0, dim big-endian float4."""
    if mat is None:
        return None
    a = np.asarray(mat, dtype=np.float32)
    if a.ndim != 2:
        raise ValueError("embeddings must be a 2-D matrix")
    if a.size and not np.isfinite(a).all():
        raise ValueError("embeddings contain NaN or infinity")
    head = struct.pack(">HH", a.shape[1], 0)
    be = a.astype(">f4")
    return [_Vec(head + be[i].tobytes()) for i in range(len(be))]


class PostgresStore:
    """``Store`` on a PostgreSQL server with pgvector. ``url``: a libpq URL
    (``postgresql://user:password@host:port/dbname?sslmode=…``); ``schema``: keep the corpus in
    that schema (created when missing) instead of the connection's default (``public``)."""

    def __init__(self, url: str, *, schema: str | None = None, connect_timeout: int = 10):
        self.url = url
        self.schema = schema
        where = redact(url)
        try:
            import psycopg
        except ImportError:
            raise ClaimmapError(f"the PostgreSQL corpus store needs psycopg 3 (pip install "
                                f"'psycopg[binary]') to open {where}") from None
        self._psycopg = psycopg
        kwargs = {} if "connect_timeout" in url else {"connect_timeout": connect_timeout}
        try:
            self.conn = psycopg.connect(url, autocommit=True, **kwargs)
        except psycopg.Error as exc:
            raise ClaimmapError(f"cannot connect to PostgreSQL at {where}: {_one_line(exc)}") from None
        except Exception as exc:  # noqa: BLE001 - e.g. a malformed URL (ProgrammingError, ValueError)
            raise ClaimmapError(f"cannot open PostgreSQL store {where}: {_one_line(exc)}") from None
        self._in_batch = False
        self._dim: int | None = None
        self._ef: int | None = None
        self._freqs: tuple[float, dict[str, float]] | None = None
        try:
            self._setup()
        except ClaimmapError:
            self.conn.close()
            raise
        except psycopg.Error as exc:
            self.conn.close()
            raise ClaimmapError(f"cannot open the corpus in PostgreSQL at {where}: {_one_line(exc)}") from None

    # -- set-up -------------------------------------------------------------------------------
    def _setup(self) -> None:
        psycopg = self._psycopg
        c = self.conn
        with c.transaction():
            c.execute("SELECT pg_advisory_xact_lock(hashtext('claimmap corpus set-up'))")
            ext = c.execute("SELECT extnamespace::regnamespace::text, extversion FROM pg_extension"
                            " WHERE extname = 'vector'").fetchone()
            if ext is None:
                try:
                    with c.transaction():
                        c.execute("CREATE EXTENSION IF NOT EXISTS vector")
                except psycopg.Error as exc:
                    raise ClaimmapError(
                        f"PostgreSQL at {redact(self.url)} lacks the pgvector extension and it "
                        f"cannot be created ({_one_line(exc)}): install pgvector on the server "
                        "and run CREATE EXTENSION vector as a superuser") from None
                ext = c.execute("SELECT extnamespace::regnamespace::text, extversion"
                                " FROM pg_extension WHERE extname = 'vector'").fetchone()
            ext_schema, self.vector_version = ext
            if self.schema:
                c.execute(psycopg.sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    psycopg.sql.Identifier(self.schema)))
                path = [self.schema, ext_schema]
            else:
                path = list(c.execute("SELECT current_schemas(false)").fetchone()[0])
                if not path:
                    raise ClaimmapError(f"PostgreSQL at {redact(self.url)}: no schema to create "
                                        "the corpus in (search_path is empty)")
                if ext_schema not in path:
                    path.append(ext_schema)
            c.execute("SELECT set_config('search_path', %s, false)",
                      (", ".join(psycopg.sql.Identifier(p).as_string(c) for p in path),))
            c.execute("SELECT pg_advisory_xact_lock(hashtext('claimmap corpus ' || current_schema()))")
            c.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                      " version int PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())")
            have = c.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
            if have > len(MIGRATIONS):
                raise ClaimmapError(f"the corpus in {redact(self.url)} has schema version {have}, "
                                    f"newer than this claimmap's {len(MIGRATIONS)}: upgrade claimmap")
            for version in range(have + 1, len(MIGRATIONS) + 1):
                c.execute(MIGRATIONS[version - 1])
                c.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
        self.schema_name = c.execute("SELECT current_schema()").fetchone()[0]
        # the HNSW index, schema-qualified: another corpus's in a later search_path schema
        # must never be taken for it
        self._index = psycopg.sql.Identifier(self.schema_name, "sentences_embedding").as_string(c)
        info = psycopg.types.TypeInfo.fetch(c, "vector")
        if info is None:  # pragma: no cover - the extension exists at this point
            raise ClaimmapError("pgvector's type 'vector' is not visible")
        self._vector_oid = info.oid

        class VecDumper(psycopg.adapt.Dumper):
            format = psycopg.pq.Format.BINARY
            oid = info.oid

            def dump(self, obj):
                return obj

        c.adapters.register_dumper(_Vec, VecDumper)
        if self._vector_at_least(0, 8):  # filtered (date window) HNSW scans go on until k rows
            c.execute("SET hnsw.iterative_scan = relaxed_order")

    def _vector_at_least(self, major: int, minor: int) -> bool:
        parts = [int(x) for x in re.findall(r"\d+", self.vector_version)[:2]] + [0, 0]
        return tuple(parts[:2]) >= (major, minor)

    def schema_version(self) -> int:
        return int(self.conn.execute("SELECT max(version) FROM schema_version").fetchone()[0])

    # -- transactions -------------------------------------------------------------------------
    @contextmanager
    def batch(self):
        if self._in_batch:
            yield
            return
        self._in_batch = True
        try:
            with self.conn.transaction():
                yield
        finally:
            self._in_batch = False
            self._dim = None  # a rolled-back batch may have undone the dimension

    @contextmanager
    def _write(self):
        """A write: its own transaction, or a savepoint inside an open batch (so that one failed
        item does not abort the batch), holding the schema's writer lock."""
        try:
            with self.conn.transaction() if self._in_batch else self.batch():
                self.conn.execute("SELECT pg_advisory_xact_lock("
                                  "hashtext('claimmap corpus write ' || current_schema()))")
                yield
        except BaseException:
            self._dim = None  # the rollback may have undone a dimension set in it
            raise

    # -- writes -------------------------------------------------------------------------------
    def embedder(self) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'embedder'").fetchone()
        return row[0] if row else None

    def set_embedder(self, name: str) -> None:
        with self._write():
            self.conn.execute("INSERT INTO meta VALUES ('embedder', %s) ON CONFLICT DO NOTHING",
                              (str(name),))
            have = self.embedder()
            if have != name:
                raise embedder_mismatch(have, name)

    def _get_dim(self) -> int | None:
        if self._dim is None:
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'dim'").fetchone()
            self._dim = int(row[0]) if row else None
        return self._dim

    def _ensure_dim(self, dim: int) -> None:
        """Fix the corpus's embedding size (first time: add the vector columns and the index).
        Called under the writer lock (a cached size is final: only a rollback of our own
        transaction undoes one, and that clears the cache)."""
        have = self._get_dim()
        if have is None:
            if not 1 <= dim <= 16000:
                raise ClaimmapError(f"embedding size {dim} is outside pgvector's 1..16000")
            c = self.conn
            c.execute("INSERT INTO meta VALUES ('dim', %s)", (str(dim),))
            c.execute(f"ALTER TABLE sentences ADD COLUMN embedding vector({dim})")
            c.execute(f"ALTER TABLE statements ADD COLUMN embedding vector({dim})")
            deferred = c.execute("SELECT 1 FROM meta WHERE key = 'hnsw_deferred'").fetchone()
            if dim <= HNSW_MAX_DIM and not deferred:
                c.execute("CREATE INDEX sentences_embedding ON sentences"
                          " USING hnsw (embedding vector_cosine_ops)")
            self._dim = dim
        elif have != dim:
            raise ClaimmapError(f"embedding size {dim} differs from the corpus's {have} "
                                "(use the same CLAIMMAP_EMBEDDER for one corpus)")

    @staticmethod
    def _check(doc: DocRecord, sentences, statements, embeddings, statement_embeddings):
        if embeddings is not None and len(embeddings) != len(sentences):
            raise ValueError("embeddings must have one row per sentence")
        if statement_embeddings is not None and len(statement_embeddings) != len(statements):
            raise ValueError("statement_embeddings must have one row per statement")

    def _dims_of(self, *mats) -> None:
        dims = {int(np.shape(m)[1]) for m in mats if m is not None and len(m)}
        for dim in sorted(dims, key=lambda d: d != self._dim):
            self._ensure_dim(dim)  # a second size raises

    def add_document(self, doc: DocRecord, sentences: list[SentenceRecord],
                     statements: list[StatementRecord], embeddings: np.ndarray | None = None,
                     signature: bytes | None = None, *,
                     statement_embeddings: np.ndarray | None = None) -> tuple[int, bool]:
        self._check(doc, sentences, statements, embeddings, statement_embeddings)
        emb, semb = _vec_rows(embeddings), _vec_rows(statement_embeddings)
        c = self.conn
        with self._write():
            row = c.execute("SELECT id FROM documents WHERE hash = %s", (doc.hash,)).fetchone()
            if row:
                return int(row[0]), False
            self._dims_of(embeddings, statement_embeddings)
            day = _as_date(day_of(doc.published))
            doc_id = int(c.execute(
                "INSERT INTO documents (hash, url, outlet, published, day, title, source, text,"
                " signature, language) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " RETURNING id",
                (doc.hash, _txt(doc.url), _txt(doc.outlet), _txt(doc.published), day,
                 _txt(doc.title), _txt(doc.source), _txt(doc.text), signature,
                 _txt(doc.language))).fetchone()[0])
            if sentences:
                cols = 'doc_id, idx, start, "end", text, day' + (", embedding" if emb else "")
                ph = "%s, %s, %s, %s, %s, %s" + (", %b" if emb else "")
                with c.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO sentences ({cols}) VALUES ({ph})",
                        [(doc_id, i, s.start, s.end, _txt(s.text), day) + ((emb[i],) if emb else ())
                         for i, s in enumerate(sentences)])
            if statements:
                cols = "doc_id, speaker, canonical, side, cue, content, kind, polarity" + (
                    ", embedding" if semb else "")
                ph = ", ".join(["%s"] * 8) + (", %b" if semb else "")
                with c.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO statements ({cols}) VALUES ({ph})",
                        [(doc_id, _txt(st.speaker), _txt(st.canonical), _txt(st.side), _txt(st.cue),
                          _txt(st.content), _txt(st.kind), _txt(st.polarity))
                         + ((semb[i],) if semb else ()) for i, st in enumerate(statements)])
        return doc_id, True

    def add_many(self, items: Iterable[BulkItem], *,
                 rebuild_index: bool | None = None) -> list[tuple[int, bool]]:
        """Bulk load with binary COPY, in one transaction (see ``Store.add_many`` for the item
        format and the result). Hashes already stored, or repeated in ``items``, are skipped.
        ``rebuild_index``: drop the HNSW index before the COPY and build it again after (None:
        when the load adds at least REBUILD_MIN_ROWS embedded sentences and at least as many
        as the corpus holds). A load split over many calls is faster with
        ``drop_vector_index()`` before the first and ``build_vector_index()`` after the last;
        without the index (dropped), add_many does not create it."""
        rows = [bulk_item(it) for it in items]
        for doc, sents, stmts, emb, _sig, semb in rows:
            self._check(doc, sents, stmts, emb, semb)
        if not rows:
            return []
        c = self.conn
        out: list[tuple[int, bool] | None] = [None] * len(rows)
        with self._write():
            hashes = list(dict.fromkeys(r[0].hash for r in rows))
            existing: dict[str, int] = {}
            for start in range(0, len(hashes), 10_000):
                existing.update(c.execute("SELECT hash, id FROM documents WHERE hash = ANY(%s)",
                                          (hashes[start:start + 10_000],)).fetchall())
            new: list[int] = []
            first: dict[str, int] = {}
            for i, r in enumerate(rows):
                h = r[0].hash
                if h in existing:
                    out[i] = (existing[h], False)
                elif h in first:
                    out[i] = (-1, False)  # filled in below with the id of the first one
                else:
                    first[h] = i
                    new.append(i)
            if new:
                self._dims_of(*(rows[i][j] for i in new for j in (3, 5)))
                dim = self._get_dim()
                ids = [r[0] for r in c.execute(
                    "SELECT nextval(pg_get_serial_sequence('documents', 'id'))"
                    " FROM generate_series(1, %s)", (len(new),)).fetchall()]
                n_emb = sum(len(rows[i][1]) for i in new if rows[i][3] is not None)
                rebuild = rebuild_index
                if rebuild is None:
                    rebuild = dim is not None and n_emb >= max(REBUILD_MIN_ROWS, self._embedded_estimate())
                has_index = dim is not None and self._has_index()
                if rebuild and has_index:
                    c.execute(f"DROP INDEX {self._index}")
                self._copy_documents(rows, new, ids, dim)
                if rebuild and has_index:
                    c.execute("CREATE INDEX sentences_embedding ON sentences"
                              " USING hnsw (embedding vector_cosine_ops)")
                    c.execute("ANALYZE sentences")
                for i, doc_id in zip(new, ids):
                    out[i] = (int(doc_id), True)
            for i, r in enumerate(rows):
                if out[i] == (-1, False):
                    out[i] = (out[first[r[0].hash]][0], False)
        return out  # type: ignore[return-value]

    def vector_index_info(self) -> dict:
        """Which vector search the store uses now (for benchmarks), like SQLiteStore's."""
        return {"mode": "hnsw" if self._get_dim() is not None and self._has_index() else "exact",
                "dim": self._get_dim(), "sentences_estimate": self._embedded_estimate(),
                "ef_search": config.get_int("CLAIMMAP_PG_EF_SEARCH"),
                "exact_window_rows": EXACT_WINDOW_ROWS, "pgvector": self.vector_version}

    def _has_index(self) -> bool:
        return self.conn.execute("SELECT to_regclass(%s) IS NOT NULL", (self._index,)).fetchone()[0]

    def drop_vector_index(self) -> None:
        """Drop the HNSW index, for a bulk load split over many ``add_many`` calls: drop it,
        load, then ``build_vector_index()`` once (vector search is exact, and slow on a large
        corpus, in between). Recorded in the corpus: no write re-creates the index until
        ``build_vector_index()``, whichever connection makes it."""
        with self._write():
            self.conn.execute(f"DROP INDEX IF EXISTS {self._index}")
            # also when the dimension is not known yet: the first embedded add creates no index
            self.conn.execute("INSERT INTO meta VALUES ('hnsw_deferred', '1') ON CONFLICT DO NOTHING")

    def build_vector_index(self, maintenance_work_mem: str | None = None) -> bool:
        """(Re)create the HNSW index when missing and the dimension is known (True when built).
        ``maintenance_work_mem`` (e.g. "2GB") for this build: the graph should fit in it."""
        with self._write():
            self.conn.execute("DELETE FROM meta WHERE key = 'hnsw_deferred'")
            dim = self._get_dim()
            exists = self._has_index()
            if dim is None or dim > HNSW_MAX_DIM or exists:
                return False
            if maintenance_work_mem:
                self.conn.execute("SELECT set_config('maintenance_work_mem', %s, true)",
                                  (maintenance_work_mem,))
            self.conn.execute("CREATE INDEX sentences_embedding ON sentences"
                              " USING hnsw (embedding vector_cosine_ops)")
            self.conn.execute("ANALYZE sentences")
            return True

    def _embedded_estimate(self) -> int:
        """Sentences in the corpus: the planner's estimate, counted when never estimated."""
        n = self.conn.execute("SELECT reltuples FROM pg_class WHERE oid = 'sentences'::regclass"
                              ).fetchone()[0]
        if n is None or n < 0:
            n = self.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
        return int(n)

    def _copy_documents(self, rows, new: list[int], ids: list[int], dim: int | None) -> None:
        c = self.conn
        with c.cursor() as cur:
            with cur.copy(f"COPY documents ({', '.join(_DOC_COLS)}) FROM STDIN (FORMAT BINARY)") as cp:
                cp.set_types(list(_DOC_TYPES))
                for i, doc_id in zip(new, ids):
                    d, sig = rows[i][0], rows[i][4]
                    cp.write_row((doc_id, d.hash, _txt(d.url), _txt(d.outlet), _txt(d.published),
                                  _as_date(day_of(d.published)), _txt(d.title), _txt(d.source),
                                  _txt(d.text), sig, _txt(d.language)))
            vec = [self._vector_oid] if dim is not None else []
            with cur.copy('COPY sentences (doc_id, idx, start, "end", text, day'
                          + (", embedding" if dim is not None else "")
                          + ") FROM STDIN (FORMAT BINARY)") as cp:
                cp.set_types(["int8", "int4", "int4", "int4", "text", "date"] + vec)
                for i, doc_id in zip(new, ids):
                    d, sents, emb = rows[i][0], rows[i][1], _vec_rows(rows[i][3])
                    day = _as_date(day_of(d.published))
                    for j, s in enumerate(sents):
                        row = (doc_id, j, s.start, s.end, _txt(s.text), day)
                        if dim is not None:
                            row += (emb[j] if emb else None,)
                        cp.write_row(row)
            with cur.copy("COPY statements (doc_id, speaker, canonical, side, cue, content, kind,"
                          " polarity" + (", embedding" if dim is not None else "")
                          + ") FROM STDIN (FORMAT BINARY)") as cp:
                cp.set_types(["int8"] + ["text"] * 7 + vec)
                for i, doc_id in zip(new, ids):
                    stmts, semb = rows[i][2], _vec_rows(rows[i][5])
                    for j, st in enumerate(stmts):
                        row = (doc_id, _txt(st.speaker), _txt(st.canonical), _txt(st.side),
                               _txt(st.cue), _txt(st.content), _txt(st.kind), _txt(st.polarity))
                        if dim is not None:
                            row += (semb[j] if semb else None,)
                        cp.write_row(row)

    def mark_seen(self, key: str, doc_id: int | None) -> None:
        with self.batch():
            self.conn.execute("INSERT INTO seen VALUES (%s, %s) ON CONFLICT DO NOTHING",
                              (key, doc_id))

    def seen(self, key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM seen WHERE key = %s", (key,)).fetchone() is not None

    def set_families(self, families: list[dict]) -> None:
        c = self.conn
        with self.batch():
            c.execute("DELETE FROM families")
            c.execute("UPDATE documents SET family = NULL WHERE family IS NOT NULL")
            # a document's ``family`` column: its syndication family first, else owner/state
            fam_rows, doc_rows = [], []
            for f in sorted(families, key=lambda f: f.get("kind") != "syndication"):
                for m in f["members"]:
                    fam_rows.append((f["id"], int(m), f.get("kind"),
                                     int(f["origin"]) if f.get("origin") is not None else None,
                                     f.get("origin_outlet"), f.get("reason")))
                    doc_rows.append((f["id"], int(m)))
            with c.cursor() as cur:
                if fam_rows:
                    cur.executemany(
                        "INSERT INTO families VALUES (%s, %s, %s, %s, %s, %s)"
                        " ON CONFLICT (family, doc_id) DO UPDATE SET kind = excluded.kind,"
                        " origin = excluded.origin, origin_outlet = excluded.origin_outlet,"
                        " reason = excluded.reason", fam_rows)
                    cur.executemany("UPDATE documents SET family = %s WHERE id = %s"
                                    " AND family IS NULL", doc_rows)

    # -- reads --------------------------------------------------------------------------------
    def has_document(self, hash: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE hash = %s",
                                 (hash,)).fetchone() is not None

    def get_document(self, doc_id: int) -> StoredDocument | None:
        c = self.conn
        row = c.execute(
            "SELECT id, hash, text, url, outlet, published, title, source, family, language"
            " FROM documents WHERE id = %s", (int(doc_id),)).fetchone()
        if row is None:
            return None
        d = StoredDocument(*row)
        d.sentences = [SentenceRecord(t, s, e) for t, s, e in c.execute(
            'SELECT text, start, "end" FROM sentences WHERE doc_id = %s ORDER BY idx, id',
            (int(doc_id),))]
        d.statements = [StatementRecord(*r) for r in c.execute(
            "SELECT content, speaker, canonical, side, cue, kind, polarity FROM statements"
            " WHERE doc_id = %s ORDER BY id", (int(doc_id),))]
        return d

    @staticmethod
    def _window(date_from: DateLike, date_to: DateLike) -> tuple[str, list]:
        lo, hi = day_of(date_from), day_of(date_to)
        if date_from is not None and lo is None or date_to is not None and hi is None:
            raise ClaimmapError("date window: use ISO dates (YYYY-MM-DD)")
        # an undated document is a candidate in every window (``Candidate.undated`` says so)
        sql, args = "", []
        if lo and hi:
            sql, args = " AND (s.day IS NULL OR s.day BETWEEN %s AND %s)", [
                date.fromisoformat(lo), date.fromisoformat(hi)]
        elif lo:
            sql, args = " AND (s.day IS NULL OR s.day >= %s)", [date.fromisoformat(lo)]
        elif hi:
            sql, args = " AND (s.day IS NULL OR s.day <= %s)", [date.fromisoformat(hi)]
        return sql, args

    def _lexeme_freqs(self) -> dict[str, float]:
        """Fraction of sentences holding each frequent lexeme, from the planner's statistics on
        ``sentences.tsv`` (ANALYZE / autovacuum); re-read every TEXT_STATS_TTL seconds."""
        return self._text_stats()[1]

    def _text_stats(self) -> tuple[int, dict[str, float]]:
        """(estimated sentences, {lexeme: fraction of sentences}) from the planner's statistics."""
        now = time.monotonic()
        if self._freqs is None or now - self._freqs[0] > TEXT_STATS_TTL:
            row = self.conn.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
                " WHERE schemaname = current_schema() AND tablename = 'sentences'"
                " AND attname = 'tsv'").fetchone()
            freqs = dict(zip(row[0], row[1])) if row and row[0] else {}
            n = self.conn.execute("SELECT reltuples FROM pg_class WHERE oid = 'sentences'::regclass"
                                  ).fetchone()[0]
            self._freqs = (now, (max(0, int(n or 0)), freqs))
        return self._freqs[1]

    def search_text(self, query: str, k: int = 10, date_from: DateLike = None,
                    date_to: DateLike = None) -> list[Hit]:
        """Full-text search: an OR of the query's words (english stemming), ranked by
        ``ts_rank_cd`` (normalisation 1; higher = better), ties by sentence id. Query syntax is
        never interpreted. Speed: when some query words are common (in more than
        TEXT_COMMON_FREQ of the sentences, by the planner's statistics) and others are not, only
        sentences holding one of the rarer words are ranked (by all the words): the rarest
        words, as many as fit about TEXT_CANDIDATES sentences (at least one); when that gives
        fewer than k hits, 8 times as many sentences, and so on, then all the words."""
        wsql, wargs = self._window(date_from, date_to)
        words = re.findall(r"\w+", query.lower())
        if not words or int(k) <= 0:
            return []
        lexemes = self.conn.execute(
            "SELECT ARRAY(SELECT lexeme FROM unnest(to_tsvector('english', %s)) ORDER BY lexeme)",
            (" ".join(dict.fromkeys(words)),)).fetchone()[0]
        if not lexemes:  # only stop words
            return []
        full = _or_query(lexemes)
        n, freqs = self._text_stats()
        floor = min(freqs.values()) / 2 if freqs else 0.0  # a lexeme not listed is rarer
        order = sorted(lexemes, key=lambda x: (freqs.get(x, floor), x))

        def tiers():  # the rarest words fitting a budget of sentences, budget ×8 each time
            budget = TEXT_CANDIDATES
            while True:
                chosen, total = [], 0.0
                for x in order:
                    f = freqs.get(x, floor)
                    if f > TEXT_COMMON_FREQ or (chosen and (total + f) * n > budget):
                        break
                    chosen.append(x)
                    total += f
                yield chosen
                if (not chosen or len(chosen) == len(order)
                        or freqs.get(order[len(chosen)], floor) > TEXT_COMMON_FREQ):
                    return
                budget *= 8

        tried = 0
        for chosen in tiers():
            if tried < len(chosen) < len(lexemes):
                hits = self._text_hits(_or_query(chosen), full, int(k), wsql, wargs)
                if len(hits) >= int(k):
                    return hits
                tried = len(chosen)
        return self._text_hits(full, full, int(k), wsql, wargs)

    def _text_hits(self, match: str, rank: str, k: int, wsql: str, wargs: list) -> list[Hit]:
        rows = self.conn.execute(
            "SELECT s.id, s.doc_id, s.text, f.r, d.url, d.published FROM"
            " (SELECT s.id, ts_rank_cd(s.tsv, %s::tsquery, 1) AS r FROM sentences s"
            f"  WHERE s.tsv @@ %s::tsquery{wsql} ORDER BY r DESC, s.id LIMIT %s) f"
            " JOIN sentences s ON s.id = f.id JOIN documents d ON d.id = s.doc_id"
            " ORDER BY f.r DESC, s.id", [rank, match, *wargs, k]).fetchall()
        return [Hit(i, d, t, float(r), u, p) for i, d, t, r, u, p in rows]

    def _set_ef(self, k: int) -> None:
        ef = max(config.get_int("CLAIMMAP_PG_EF_SEARCH"), int(k))
        if ef != self._ef:
            self.conn.execute(f"SET hnsw.ef_search = {min(ef, 1000)}")
            self._ef = ef

    def search_vector(self, vec: np.ndarray, k: int = 10, date_from: DateLike = None,
                      date_to: DateLike = None) -> list[Hit]:
        """Cosine similarity (higher = better), ties by sentence id: approximate nearest
        neighbours through the HNSW index; exact when a date window holds at most
        EXACT_WINDOW_ROWS sentences."""
        wsql, wargs = self._window(date_from, date_to)
        dim = self._get_dim()
        if dim is None or int(k) <= 0:
            return []
        v = np.asarray(vec, dtype=np.float32).reshape(-1)
        if v.shape[0] != dim:
            raise dimension_error(v.shape[0], dim)
        if not np.isfinite(v).all():
            raise ClaimmapError("query vector contains NaN or infinity")
        if not np.any(v):  # a zero vector has no direction: every similarity is 0
            rows = self.conn.execute(
                "SELECT s.id, s.doc_id, s.text, 0.0, d.url, d.published FROM sentences s"
                " JOIN documents d ON d.id = s.doc_id"
                f" WHERE s.embedding IS NOT NULL{wsql} ORDER BY s.id LIMIT %s",
                [*wargs, int(k)]).fetchall()
            return [Hit(i, d, t, float(sc), u, p) for i, d, t, sc, u, p in rows]
        q = _vec_rows(v[None, :])[0]
        self._set_ef(k)
        order = "s.embedding <=> %b"
        if wsql and self.conn.execute(  # a small window: exact (the "+ 0" keeps HNSW out)
                f"SELECT count(*) <= %s FROM (SELECT 1 FROM sentences s WHERE true{wsql}"
                " LIMIT %s) w", [EXACT_WINDOW_ROWS, *wargs, EXACT_WINDOW_ROWS + 1]).fetchone()[0]:
            order = "(s.embedding <=> %b) + 0"
        rows = self.conn.execute(
            "WITH nn AS MATERIALIZED (SELECT s.id, s.embedding <=> %b AS dist FROM sentences s"
            f"  WHERE s.embedding IS NOT NULL{wsql} ORDER BY {order} LIMIT %s)"
            " SELECT s.id, s.doc_id, s.text, 1 - nn.dist, d.url, d.published FROM nn"
            " JOIN sentences s ON s.id = nn.id JOIN documents d ON d.id = s.doc_id"
            " WHERE nn.dist <> 'NaN'::float8 ORDER BY nn.dist, s.id", [q, *wargs, q, int(k)]).fetchall()
        return [Hit(i, d, t, float(sc), u, p) for i, d, t, sc, u, p in rows]

    def hybrid(self, query: str, vec: np.ndarray | None, k: int = 10, date_from: DateLike = None,
               date_to: DateLike = None) -> list[Hit]:
        depth = max(4 * int(k), 50)
        lists = [self.search_text(query, depth, date_from, date_to)]
        if vec is not None:
            lists.append(self.search_vector(vec, depth, date_from, date_to))
        return rrf(lists, int(k))

    def stats(self) -> dict[str, int]:
        return count_rows(self.conn)

    def family_inputs(self, credits_key: str) -> Iterator[tuple]:
        last = 0
        while True:  # keyset pages, as signatures()
            rows = self.conn.execute(
                "SELECT d.id, d.signature, CASE WHEN c.key = %(k)s THEN c.credits END, d.url,"
                " d.outlet, d.published, CASE WHEN d.signature IS NULL"
                " OR c.key IS DISTINCT FROM %(k)s THEN d.text END"
                " FROM documents d LEFT JOIN doc_credits c ON c.doc_id = d.id"
                " WHERE d.id > %(last)s ORDER BY d.id LIMIT 1000",
                {"k": credits_key, "last": last}).fetchall()
            if not rows:
                return
            for r in rows:
                yield (int(r[0]), bytes(r[1]) if r[1] is not None else None, *r[2:])
            last = int(rows[-1][0])

    def set_family_inputs(self, rows) -> None:
        rows = [(int(d), sig, credits, key) for d, sig, credits, key in rows]
        with self.batch():
            with self.conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO doc_credits VALUES (%s, %s, %s) ON CONFLICT (doc_id)"
                    " DO UPDATE SET key = EXCLUDED.key, credits = EXCLUDED.credits",
                    [(d, key, credits) for d, _sig, credits, key in rows])
                cur.executemany("UPDATE documents SET signature = %s WHERE id = %s",
                                [(sig, d) for d, sig, _c, _k in rows if sig is not None])

    def signatures(self) -> Iterator[tuple]:
        last = 0
        while True:  # keyset pages: no transaction or server cursor held between yields
            rows = self.conn.execute(
                "SELECT id, signature, text, url, outlet, published FROM documents"
                " WHERE id > %s ORDER BY id LIMIT 1000", (last,)).fetchall()
            if not rows:
                return
            for r in rows:
                yield (int(r[0]), bytes(r[1]) if r[1] is not None else None, *r[2:])
            last = rows[-1][0]

    def families(self) -> list[dict]:
        return families_from_rows(self.conn.execute(
            "SELECT family, doc_id, kind, origin, origin_outlet, reason FROM families"
            ' ORDER BY family COLLATE "C", doc_id'))

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001, S110  # pragma: no cover - closing is best effort
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
