"""PostgreSQL-specific parts of the corpus store: migrations, COPY bulk loads, the HNSW index,
open_store / CLI routing by URL, and the one-line errors. The server tests use
CLAIMMAP_TEST_POSTGRES_URL (skipped when unset); the error tests need no server."""

from __future__ import annotations

import json
import os
import socket
import sys
import uuid

import numpy as np
import pytest

from claimmap.cli import main
from claimmap.corpus.embed import HashingEmbedder
from claimmap.corpus.store import DocRecord, SentenceRecord, StatementRecord, open_store
from claimmap.errors import ClaimmapError

EMB = HashingEmbedder(64)


def postgres_url() -> str:  # as in test_corpus_store.py
    url = os.environ.get("CLAIMMAP_TEST_POSTGRES_URL", "").strip()
    if not url:
        pytest.skip("CLAIMMAP_TEST_POSTGRES_URL is not set (no PostgreSQL server with pgvector; "
                    "`bash scripts/postgres.sh start` prints a URL)")
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]')")
    return url


@pytest.fixture
def pg_schema():
    """(url, a fresh schema name); the schema is dropped after the test."""
    import psycopg

    url = postgres_url()
    schema = "claimmap_test_" + uuid.uuid4().hex[:12]
    yield url, schema
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def pg(pg_schema):
    from claimmap.corpus.postgres import PostgresStore

    url, schema = pg_schema
    s = PostgresStore(url, schema=schema)
    yield s
    s.close()


def _items(n_docs: int, sents_per_doc: int = 5, *, day0: int = 1, embed: bool = True, tag: str = ""):
    out = []
    for d in range(n_docs):
        sents = [f"Document {tag}{d} sentence {j} about harbour number {d * 100 + j}."
                 for j in range(sents_per_doc)]
        out.append((DocRecord(text=" ".join(sents), url=f"https://example.org/{tag}{d}",
                              published=f"2024-01-{(d + day0 - 1) % 28 + 1:02d}"),
                    [SentenceRecord(t) for t in sents],
                    [StatementRecord(content=sents[0], speaker="port")],
                    EMB.encode(sents) if embed else None, b"sig%d" % d,
                    EMB.encode([sents[0]]) if embed else None))
    return out


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    return port


# -- migrations ----------------------------------------------------------------------------------
def test_migrations_are_recorded_and_idempotent_on_reopen(pg):
    from claimmap.corpus.postgres import MIGRATIONS, PostgresStore

    versions = [r[0] for r in pg.conn.execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == list(range(1, len(MIGRATIONS) + 1)) and pg.schema_version() == len(MIGRATIONS)
    doc_id, _ = pg.add_document(DocRecord(text="Kept across reopening."),
                                [SentenceRecord("Kept across reopening.")], [], EMB.encode(["Kept across reopening."]))
    pg.close()
    for _ in range(2):  # reopening applies nothing and keeps the data
        again = PostgresStore(pg.url, schema=pg.schema)
        try:
            assert [r[0] for r in again.conn.execute(
                "SELECT version FROM schema_version ORDER BY version")] == versions
            assert again.get_document(doc_id).text == "Kept across reopening."
            assert again.search_text("reopening", 1)[0].document_id == doc_id
        finally:
            again.close()


def test_missing_migrations_are_applied_in_order(pg):
    from claimmap.corpus.postgres import MIGRATIONS, PostgresStore

    pg.add_document(DocRecord(text="Older corpora get upgraded."),
                    [SentenceRecord("Older corpora get upgraded.")], [])
    # make the corpus look like one written before migration 2 (full-text search)
    pg.conn.execute("DELETE FROM schema_version WHERE version >= 2")
    pg.conn.execute("ALTER TABLE sentences DROP COLUMN tsv")
    pg.conn.execute("DROP TABLE doc_credits")  # migration 3
    pg.conn.execute("ALTER TABLE documents DROP COLUMN language")  # migration 4
    pg.close()
    again = PostgresStore(pg.url, schema=pg.schema)
    try:
        assert again.schema_version() == len(MIGRATIONS)
        assert again.search_text("upgraded", 3)[0].text == "Older corpora get upgraded."
        assert [r[2] for r in again.family_inputs("k")] == [None]  # doc_credits is back
        doc_id = again.search_text("upgraded", 3)[0].document_id
        assert again.get_document(doc_id).language is None  # the language column is back
    finally:
        again.close()


def test_a_newer_schema_is_refused(pg):
    from claimmap.corpus.postgres import PostgresStore

    pg.conn.execute("INSERT INTO schema_version (version) VALUES (999)")
    pg.close()
    with pytest.raises(ClaimmapError, match="schema version 999"):
        PostgresStore(pg.url, schema=pg.schema)


# -- bulk loads ------------------------------------------------------------------------------------
def test_add_many_uses_copy_and_is_idempotent(pg, monkeypatch):
    import psycopg

    statements = []
    real_copy = psycopg.Cursor.copy

    def spy(self, statement, *a, **kw):
        statements.append(str(statement))
        return real_copy(self, statement, *a, **kw)

    monkeypatch.setattr(psycopg.Cursor, "copy", spy)
    items = _items(40)
    got = pg.add_many(items)
    assert all(added for _, added in got) and len({i for i, _ in got}) == 40
    assert [s.split()[1] for s in statements] == ["documents", "sentences", "statements"]
    assert all("FORMAT BINARY" in s for s in statements)
    assert pg.stats() == {"documents": 40, "sentences": 200, "statements": 40, "families": 0}
    # stored as given: ordered sentences, statement fields, day, signature, embeddings
    d = pg.get_document(got[7][0])
    assert [s.text for s in d.sentences] == [s.text for s in items[7][1]]
    assert d.statements[0].speaker == "port" and d.published == "2024-01-08"
    assert {r[0]: r[1] for r in pg.signatures()}[got[7][0]] == b"sig7"
    q = items[7][3][3]
    top = pg.search_vector(q, 1)[0]
    assert top.text == items[7][1][3].text and top.score == pytest.approx(1.0, abs=1e-5)
    assert pg.search_text("harbour 703", 1)[0].text == items[7][1][3].text
    n_stmt_emb = pg.conn.execute("SELECT count(*) FROM statements WHERE embedding IS NOT NULL").fetchone()[0]
    assert n_stmt_emb == 40
    # again, plus new ones: only the new ones are copied
    statements.clear()
    more = pg.add_many(items + _items(3, tag="new"))
    assert more[:40] == [(i, False) for i, _ in got] and all(a for _, a in more[40:])
    assert pg.stats()["documents"] == 43
    statements.clear()
    assert pg.add_many(items) == [(i, False) for i, _ in got] and statements == []


def test_add_many_rebuilds_the_hnsw_index_for_large_loads(pg, monkeypatch):
    from claimmap.corpus import postgres

    index_sql = ("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                 " AND indexname = 'sentences_embedding'")
    pg.add_many(_items(2))  # small: inserted into the index
    oid0 = pg.conn.execute("SELECT 'sentences_embedding'::regclass::oid").fetchone()[0]
    monkeypatch.setattr(postgres, "REBUILD_MIN_ROWS", 50)
    pg.conn.execute("ANALYZE sentences")
    pg.add_many(_items(30, tag="big"))  # 150 embedded sentences >= max(50, 10): rebuilt
    assert "hnsw" in pg.conn.execute(index_sql).fetchone()[0]
    assert "vector_cosine_ops" in pg.conn.execute(index_sql).fetchone()[0]
    oid1 = pg.conn.execute("SELECT 'sentences_embedding'::regclass::oid").fetchone()[0]
    assert oid1 != oid0
    pg.add_many(_items(2, tag="small"), rebuild_index=False)
    assert pg.conn.execute("SELECT 'sentences_embedding'::regclass::oid").fetchone()[0] == oid1
    # the index answers (sequential scans off) and finds every loaded sentence
    pg.conn.execute("SET enable_seqscan = off")
    plan = "\n".join(r[0] for r in pg.conn.execute(
        "EXPLAIN SELECT id FROM sentences ORDER BY embedding <=> %b LIMIT 5",
        (postgres._vec_rows(EMB.encode(["x"]))[0],)))
    assert "sentences_embedding" in plan
    for d in (0, 17, 29):
        text = f"Document big{d} sentence 2 about harbour number {d * 100 + 2}."
        assert pg.search_vector(EMB.encode([text])[0], 1)[0].text == text


def test_bulk_load_with_the_index_dropped(pg):
    exists = "SELECT to_regclass(current_schema() || '.sentences_embedding') IS NOT NULL"
    pg.add_many(_items(1))
    pg.drop_vector_index()
    pg.add_many(_items(5, tag="a"), rebuild_index=None)
    pg.add_many(_items(5, tag="b"), rebuild_index=True)  # no index to rebuild: none is created
    assert not pg.conn.execute(exists).fetchone()[0]
    text = "Document b3 sentence 1 about harbour number 301."
    assert pg.search_vector(EMB.encode([text])[0], 1)[0].text == text  # exact, without index
    assert pg.vector_index_info()["mode"] == "exact"
    assert pg.build_vector_index("64MB") is True and pg.conn.execute(exists).fetchone()[0]
    assert pg.build_vector_index() is False
    assert pg.vector_index_info()["mode"] == "hnsw" and pg.vector_index_info()["dim"] == 64
    assert pg.search_vector(EMB.encode([text])[0], 1)[0].text == text


def test_index_dropped_before_the_dimension_is_known(pg):
    exists = "SELECT to_regclass(current_schema() || '.sentences_embedding') IS NOT NULL"
    pg.drop_vector_index()  # a fresh corpus about to be bulk-loaded
    pg.add_many(_items(3))
    pg.add_document(DocRecord(text="One more."), [SentenceRecord("One more.")], [], EMB.encode(["One more."]))
    assert not pg.conn.execute(exists).fetchone()[0]
    assert pg.build_vector_index() is True and pg.conn.execute(exists).fetchone()[0]


def test_add_many_without_embeddings_then_with(pg):
    got = pg.add_many(_items(3, embed=False))
    assert all(a for _, a in got)
    assert pg.search_vector(EMB.encode(["x"])[0], 3) == []  # no dimension yet
    pg.add_many(_items(3, embed=True, tag="e"))
    hits = pg.search_vector(EMB.encode(["Document e1 sentence 0 about harbour number 100."])[0], 3)
    assert hits[0].text == "Document e1 sentence 0 about harbour number 100."


def test_windowed_vector_search_goes_past_ef_search(pg, monkeypatch):
    """A date window whose matches are far from the query in vector space: the HNSW index scan
    (iterative in pgvector >= 0.8) still returns every match, not the ef_search nearest only;
    a window of few sentences is searched exactly."""
    from claimmap.corpus import postgres

    near = _items(60, 5, day0=1)  # January: close to the query
    rng = np.random.default_rng(0)
    far = []
    for d in range(4):
        sents = [f"June note {d}-{j}." for j in range(3)]
        far.append((DocRecord(text=" ".join(sents), published="2024-06-15"),
                    [SentenceRecord(t) for t in sents], [],
                    rng.standard_normal((3, 64)).astype(np.float32)))
    pg.add_many(near + far)
    if not pg._vector_at_least(0, 8):  # pragma: no cover
        pytest.skip(f"pgvector {pg.vector_version} has no iterative index scans")
    # leave the planner only the HNSW index (it would pick the day index for so few rows)
    pg.conn.execute("DROP INDEX sentences_day")
    pg.conn.execute("ANALYZE")
    pg.conn.execute("SET enable_seqscan = off")
    pg.conn.execute("SET enable_bitmapscan = off")
    q = near[0][3][0]
    from claimmap.corpus.postgres import _vec_rows

    plan = "\n".join(r[0] for r in pg.conn.execute(
        "EXPLAIN SELECT id FROM sentences s WHERE s.day >= '2024-06-01'"
        " ORDER BY s.embedding <=> %b LIMIT 10", (_vec_rows(q[None, :])[0],)))
    assert "sentences_embedding" in plan
    pg.conn.execute("SET hnsw.iterative_scan = off")  # the exact path needs no index scan
    exact = pg.search_vector(q, 10, date_from="2024-06-01", date_to="2024-06-30")
    assert len(exact) == 10 and all(h.published == "2024-06-15" for h in exact)
    pg.conn.execute("SET hnsw.iterative_scan = relaxed_order")
    monkeypatch.setattr(postgres, "EXACT_WINDOW_ROWS", 0)  # from here on, through HNSW
    hits = pg.search_vector(q, 10, date_from="2024-06-01", date_to="2024-06-30")
    assert [h.sentence_id for h in hits] == [h.sentence_id for h in exact]
    assert len(hits) == 10 and all(h.published == "2024-06-15" for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    pg.conn.execute("SET hnsw.iterative_scan = off")  # what the iterative scan saves us from
    assert len(pg.search_vector(q, 10, date_from="2024-06-01", date_to="2024-06-30")) < 10


def test_common_words_do_not_widen_text_search(pg, monkeypatch):
    from claimmap.corpus import postgres

    sents = [f"The harbour report number {i} is filed." for i in range(300)]
    sents[7] = "The harbour report about the zeppelin is filed."
    sents[9] = "The harbour report about two zeppelins is filed."
    pg.add_many([(DocRecord(text=t), [SentenceRecord(t)], []) for t in sents])
    pg.conn.execute("ANALYZE sentences")
    assert pg._lexeme_freqs().get("harbour", 0) > postgres.TEXT_COMMON_FREQ
    ranked = []
    real = pg._text_hits
    monkeypatch.setattr(pg, "_text_hits", lambda m, r, *a: ranked.append(m) or real(m, r, *a))
    hits = pg.search_text("harbour zeppelin", 2)
    assert {h.text for h in hits} == {sents[7], sents[9]} and ranked == ["'zeppelin'"]
    ranked.clear()  # fewer than k among the rarer words: all words, as without statistics
    hits = pg.search_text("harbour zeppelin", 5)
    assert len(hits) == 5 and {sents[7], sents[9]} <= {h.text for h in hits}
    assert ranked == ["'zeppelin'", "'harbour' | 'zeppelin'"]
    assert pg.search_text("the of and", 5) == []  # stop words only
    # several rarer words: the rarest first, then 8x the budget while hits are fewer than k
    extra = ["A zeppelin and a blimp.", "A blimp and a kite.", "One more blimp.",
             "The kite again.", "A kite."]
    pg.add_many([(DocRecord(text=t), [SentenceRecord(t)], []) for t in extra])
    stats = (1000, {"harbour": 0.9, "zeppelin": 0.001, "blimp": 0.002, "kite": 0.003})
    monkeypatch.setattr(pg, "_text_stats", lambda: stats)
    monkeypatch.setattr(postgres, "TEXT_CANDIDATES", 1)
    ranked.clear()
    assert len(pg.search_text("harbour zeppelin blimp kite", 3)) == 3
    assert ranked == ["'zeppelin'"]
    ranked.clear()
    assert len(pg.search_text("harbour zeppelin blimp kite", 6)) == 6
    assert ranked == ["'zeppelin'", "'zeppelin' | 'blimp' | 'kite'"]
    ranked.clear()
    assert len(pg.search_text("harbour zeppelin blimp kite", 20)) == 20
    assert ranked[-1] == "'blimp' | 'harbour' | 'kite' | 'zeppelin'"


def test_text_is_stored_safely(pg):
    weird = "Quotes ' \" and a NUL \x00 and ünïcode; DROP TABLE documents; --"
    doc_id, _ = pg.add_document(DocRecord(text=weird), [SentenceRecord(weird)], [])
    assert pg.get_document(doc_id).text == weird.replace("\x00", "\ufffd")
    assert pg.search_text("drop table", 3)[0].document_id == doc_id
    assert pg.search_text("' | ! & :*", 3) == []  # query syntax is never interpreted


def test_families_order_and_replace(pg):
    ids = [i for i, _ in pg.add_many(_items(4))]
    fams = [{"id": "owner:b", "kind": "owner", "members": ids[1:3], "origin": None,
             "origin_outlet": "b", "reason": "same owner"},
            {"id": "syndication:a", "kind": "syndication", "members": ids[2:4], "origin": ids[2],
             "origin_outlet": None, "reason": "near-duplicate"}]
    pg.set_families(fams)
    got = pg.families()
    assert [f["id"] for f in got] == ["owner:b", "syndication:a"]
    assert pg.get_document(ids[2]).family == "syndication:a"  # syndication wins
    assert pg.get_document(ids[1]).family == "owner:b"
    assert pg.stats()["families"] == 2


# -- open_store and the CLI -----------------------------------------------------------------------
def test_open_store_routes_urls_and_paths(pg_schema, tmp_path, monkeypatch):
    from claimmap.corpus.postgres import PostgresStore
    from claimmap.corpus.sqlite import SQLiteStore

    url, _schema = pg_schema
    with open_store(url) as s:
        assert isinstance(s, PostgresStore)
    with open_store(url.replace("postgresql://", "postgres://", 1)) as s:
        assert isinstance(s, PostgresStore)
    monkeypatch.setenv("CLAIMMAP_CORPUS_DB", url)
    with open_store() as s:
        assert isinstance(s, PostgresStore)
    with open_store(str(tmp_path / "c.db")) as s:
        assert isinstance(s, SQLiteStore)


def test_cli_corpus_commands_take_a_url(tmp_path, capsys, monkeypatch):
    url = postgres_url()
    import psycopg

    # the CLI uses the connection's default schema: keep this test's corpus in its own database

    db = "claimmap_cli_" + uuid.uuid4().hex[:10]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    try:
        from urllib.parse import urlsplit, urlunsplit

        cli_url = urlunsplit(urlsplit(url)._replace(path="/" + db))
        src = tmp_path / "story.txt"
        src.write_text("Harbour row\n\nThe port council said on Monday that the quay would reopen "
                       "in June. Councillor Ana Reyes accused the council of wasting money.\n",
                       encoding="utf-8")
        monkeypatch.setenv("CLAIMMAP_EMBEDDER", "hashing")
        for argv in (["corpus", "add", str(src), "--db", cli_url],
                     ["corpus", "add", str(src), "--db", cli_url]):
            with pytest.raises(SystemExit) as exc:
                main(argv)
            assert exc.value.code == 0, capsys.readouterr()
        out = capsys.readouterr().out
        assert "added 0, skipped 1" in out
        with pytest.raises(SystemExit) as exc:
            main(["corpus", "stats", "--db", cli_url, "--format", "json"])
        assert exc.value.code == 0
        stats = json.loads(capsys.readouterr().out)
        assert stats["documents"] == 1 and stats["sentences"] >= 2
        with pytest.raises(SystemExit) as exc:
            main(["corpus", "families", "--db", cli_url, "--format", "json"])
        assert exc.value.code == 0 and json.loads(capsys.readouterr().out) == {"families": []}
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


# -- errors (no server needed) --------------------------------------------------------------------
def test_unreachable_server_is_one_line_without_password(capsys):
    pytest.importorskip("psycopg")
    url = f"postgresql://alice:s3cret@127.0.0.1:{_free_port()}/corpus?connect_timeout=3"
    with pytest.raises(ClaimmapError) as exc:
        open_store(url)
    msg = str(exc.value)
    assert "cannot connect to PostgreSQL" in msg and "127.0.0.1" in msg and "alice:***@" in msg
    assert "s3cret" not in msg and "\n" not in msg
    with pytest.raises(SystemExit) as ex:
        main(["corpus", "stats", "--db", url])
    err = capsys.readouterr().err
    assert ex.value.code == 1 and err.startswith("claimmap: error: cannot connect")
    assert "s3cret" not in err and err.count("\n") == 1


def test_missing_psycopg_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg -> ImportError
    with pytest.raises(ClaimmapError, match=r"needs psycopg.*postgresql://bob:\*\*\*@db.example/x"):
        open_store("postgresql://bob:pw@db.example/x")


def test_redact():
    from claimmap.corpus.postgres import redact

    assert redact("postgresql://u:p@h:5/d?sslmode=require") == "postgresql://u:***@h:5/d?sslmode=require"
    assert redact("postgresql://u@h/d") == "postgresql://u@h/d"
    assert redact("postgres://h/d") == "postgres://h/d"
