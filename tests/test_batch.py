"""``claimmap batch`` (Spark) and ``claimmap corpus load``: the batch output equals what
``claimmap corpus add`` stores for the same inputs (documents, sentences, statements,
embeddings, signatures, errors, families), loading is idempotent, and the Spark family
computation equals ``group_families``.

Every article text here is fictional and written for these tests (invented places, people and
events), or one of the corpus fixtures in tests/fixtures/corpus (also written for the tests).
Runs on the session ``spark`` fixture (tests/conftest.py: local[2]); skipped with the reason
where pyspark or Java is missing. Embeddings: the hashing embedder.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from claimmap.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
ROOT = Path(__file__).resolve().parents[1]

pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed (pip install -r requirements.txt)")


def _story(title: str, *paras: str) -> str:
    return title + "\n\n" + "\n\n".join(paras) + "\n"


DAM_WIRE = (
    "The regional water board in the fictional Lower Marren district said on Tuesday that the "
    "old Tolby dam would be drained over the summer so engineers could inspect cracks found in "
    "its spillway during the spring floods.",
    "Board chair Hedda Lund said the inspection was a precaution and that no homes downstream "
    "were at risk. \"We would rather lose one season of boating than take a chance,\" she said.",
    "Farmers in the valley accused the board of ignoring their warnings about the spillway for "
    "three years. The board denied that it had received any formal complaint before March.",
    "The reservoir supplies irrigation water to about two hundred farms, and the board promised "
    "to pump water from the river to the largest of them while the dam is empty.",
)

EXTRA = [
    {"url": "https://apnews.com/article/marren-dam-inspection", "published": "2024-06-04T15:00:00Z",
     "text": _story("Marren dam to be drained for inspection", *DAM_WIRE)},
    {"url": "https://riverside-notes.example/2024/06/dam", "published": "2024-06-04",
     "text": _story("Tolby dam will be emptied", *DAM_WIRE[:3], DAM_WIRE[3]
                    + " Readers can send us their photos of the reservoir.")},
    {"url": "https://harbour-watch.example/news/quay-tariffs", "published": "2024-06-05",
     "text": _story("Quay tariffs rise",
                    "KESSEL, June 5 (Reuters) - The Kessel port authority said on Wednesday it "
                    "would raise berth tariffs for cruise ships by a fifth next year to pay for "
                    "a new breakwater.",
                    "Port director Jonas Vail said the increase was modest compared with other "
                    "harbours in the region. Cruise operators said they had not been consulted.")},
    {"url": "https://tass.com/world/1800001", "published": "2024-06-06",
     "text": _story("Delegation visits Marren",
                    "A trade delegation arrived in the Lower Marren district on Thursday to "
                    "discuss grain shipments through the river port, the regional "
                    "administration said.",
                    "Deputy governor Pavel Orsk said the talks covered storage capacity and "
                    "rail links. He denied reports that the port would be closed to foreign "
                    "vessels.")},
    {"url": "https://ria.ru/20240606/marren-grain.html", "published": "2024-06-06",
     "text": _story("Grain terminal expands",
                    "The operator of the grain terminal in the fictional town of Sorvik said "
                    "on Thursday that a second silo would be finished by October.",
                    "Terminal manager Olga Brenn said the silo would double the terminal's "
                    "capacity. Local residents complained about dust from the conveyor belts.")},
    {"url": "https://www.rt.com/news/600001-sorvik-ferry/", "published": "2024-06-07",
     "text": _story("Sorvik ferry returns",
                    "A restored paddle steamer returned to the Sorvik lake ferry route on "
                    "Friday after ten years in a museum dock, its owners said.",
                    "Captain Ivar Holt said the steamer would carry up to sixty passengers. "
                    "Critics accused the town of spending too much on a tourist attraction.")},
    {"url": "https://www.bild.de/news/marren-festival-1", "published": "2024-06-08",
     "text": _story("Marren festival cancelled",
                    "Organisers of the Marren summer music festival said on Saturday that this "
                    "year's event was cancelled because the meadow had not dried out after the "
                    "floods.",
                    "Festival director Lene Kast said ticket holders would get their money back "
                    "within a month. Local hoteliers warned that the cancellation would cost "
                    "them most of their summer bookings.")},
    {"url": "https://www.politico.eu/article/marren-subsidies", "published": "2024-06-09",
     "text": _story("Flood subsidies debated",
                    "Regional lawmakers in Lower Marren clashed on Sunday over how to share "
                    "flood relief money between farmers and town businesses.",
                    "Councillor Arne Wikstrom accused the governing group of favouring its own "
                    "districts. The group rejected the claim and said the formula followed the "
                    "damage reports.")},
    # written for this test: a German report, stored with its language and rule-split sentences
    {"url": "https://kessel-bote.example/2024/06/10/faehre", "published": "2024-06-10",
     "text": _story("Neue Fähre für Kessel",
                    "Die Reederei Bluewake hat am Montag eine neue Fähre für die Strecke nach "
                    "Kessel in Dienst gestellt. Das Schiff bietet Platz für zweihundert "
                    "Fahrgäste und vierzig Autos.",
                    "Der Bürgermeister sagte, die Verbindung werde im Winter häufiger fahren. "
                    "Anwohner kritisierten den höheren Preis der Tickets.")},
    "not json at all",
    {"url": "https://example.org/nobody", "title": "no body"},
    {"url": "https://example.org/blank", "text": "   "},
]

WARC_PAGES = [
    ("https://island-daily.example/news/ferry-fares", "200 OK", "text/html; charset=utf-8",
     b"<html><head><title>Ferry fares frozen</title>"
     b"<meta property=\"article:published_time\" content=\"2024-07-01\"></head><body><article>"
     b"<h1>Ferry fares frozen</h1><p>Bluewake Ferries said on Monday that it would freeze fares "
     b"on the Kessel island routes until the end of the year, after complaints from residents.</p>"
     b"<p>Island councillor Petra Novak said the freeze was welcome but did not go far enough. "
     b"The operator denied that it had raised fares twice in one year.</p></article></body></html>"),
    ("https://island-daily.example/news/gone", "404 Not Found", "text/html; charset=utf-8",
     b"<html><body>gone</body></html>"),
    ("https://veridan-courier.example/ferry-storm-copy", "200 OK", "text/html; charset=utf-8",
     (FIXTURES / "ferry_storm.html").read_bytes()),  # the same body as the folder's file
    ("https://kessel-radio.example/notes/lighthouse-fund", "200 OK", "text/plain; charset=utf-8",
     _story("Lighthouse fund reaches target",
            "A volunteer group on Kessel Point said on Tuesday it had raised enough money to "
            "repaint the old lighthouse tower before the autumn storms.",
            "Group secretary Nils Farrow said the maritime office had promised to match every "
            "donation. He rejected claims that the tower was unsafe for visitors.").encode()),
]


def _write_warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url, status, ctype, body in WARC_PAGES:
            w.write_record(w.create_warc_record(url, "request",
                                                payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                http_headers=headers))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """A folder (the corpus fixtures + JSONL with bad lines, an empty and a binary file, a
    repeated body, a hidden file, a subfolder), a WARC and a missing path."""
    pytest.importorskip("warcio")
    base = tmp_path_factory.mktemp("batch_in")
    src = base / "src"
    shutil.copytree(FIXTURES, src)
    (src / "extra.jsonl").write_text(
        "\n".join(e if isinstance(e, str) else json.dumps(e) for e in EXTRA) + "\n\n")
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.html").write_bytes(b"\x00\x01\x02\x03" * 200)
    (src / "quay_copy.txt").write_text((FIXTURES / "quay_budget.txt").read_text() + "\n\n")
    (src / ".hidden.txt").write_text("never read")
    (src / "notes.md").write_text("not an input suffix")
    (src / "more").mkdir()
    (src / "more" / "school_lunches_again.txt").write_text(
        (FIXTURES / "school_lunches.txt").read_text())
    warc = base / "crawl.warc.gz"
    _write_warc(warc)
    return [str(src), str(warc), str(base / "missing")]


@pytest.fixture(scope="module")
def hashing():
    mp = pytest.MonkeyPatch()
    mp.setenv("CLAIMMAP_EMBEDDER", "hashing")
    mp.delenv("CLAIMMAP_OUTLETS", raising=False)
    yield
    mp.undo()


@pytest.fixture(scope="module")
def batch_out(spark, inputs, hashing, tmp_path_factory):
    from claimmap.batch.job import run_batch

    out = tmp_path_factory.mktemp("batch_out") / "tables"
    result = run_batch(inputs, str(out), spark=spark)
    return out, result


@pytest.fixture(scope="module")
def reference(inputs, hashing, tmp_path_factory):
    """``corpus add`` of the same inputs into SQLite."""
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.ingest import ingest
    from claimmap.corpus.sqlite import SQLiteStore

    db = tmp_path_factory.mktemp("ref") / "ref.db"
    with SQLiteStore(db) as store:
        res = ingest(store, inputs, embedder=get_embedder("hashing"), batch_size=5)
    return db, res


def _table(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / name).to_pylist()


def _blob(vec) -> bytes | None:
    """An embedding as the store keeps it (float32 bytes; None when there is none)."""
    return None if vec is None else np.asarray(vec, dtype=np.float32).tobytes()


def dump(db: Path) -> dict:
    """Everything a store holds, keyed by body hash (not by id)."""
    con = sqlite3.connect(db)
    try:
        h = dict(con.execute("SELECT id, hash FROM documents"))
        docs = {r[0]: r[1:] for r in con.execute(
            "SELECT hash, url, outlet, published, day, title, source, text, signature, language"
            " FROM documents")}
        sents = {}
        for doc_id, idx, start, end, text, emb in con.execute(
                'SELECT doc_id, idx, start, "end", text, embedding FROM sentences ORDER BY doc_id, idx'):
            sents.setdefault(h[doc_id], []).append((idx, start, end, text, emb))
        stmts = {}
        for row in con.execute("SELECT doc_id, speaker, canonical, side, cue, content, kind, polarity,"
                               " embedding FROM statements ORDER BY doc_id, id"):
            stmts.setdefault(h[row[0]], []).append(row[1:])
        fams = {}
        for fam, doc_id, kind, origin, oo, reason in con.execute(
                "SELECT family, doc_id, kind, origin, origin_outlet, reason FROM families"):
            fid = "syndication:" + h[int(fam.split(":")[1])] if kind == "syndication" else fam
            f = fams.setdefault(fid, {"kind": kind, "members": set(), "origin": h.get(origin),
                                      "origin_outlet": oo, "reason": reason})
            f["members"].add(h[doc_id])
        doc_family = {h[i]: f for i, f in con.execute("SELECT id, family FROM documents")}
        doc_family = {k: ("syndication:" + h[int(v.split(":")[1])] if v and v.startswith("syndication:")
                          else v) for k, v in doc_family.items()}
        seen = {k for (k,) in con.execute("SELECT key FROM seen WHERE doc_id IS NOT NULL")}
        return {"documents": docs, "sentences": sents, "statements": stmts, "families": fams,
                "doc_family": doc_family, "seen": seen}
    finally:
        con.close()


def run_cli(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


# --------------------------------------------------------------------------------------------
# batch output vs corpus add
# --------------------------------------------------------------------------------------------


def test_tables_days_and_manifest(batch_out, reference):
    out, result = batch_out
    _, ref = reference
    for t in ("documents", "sentences", "statements", "signatures", "families", "errors"):
        assert (out / t).is_dir(), t
    days = sorted(p.name for p in (out / "documents").iterdir() if p.name.startswith("day="))
    assert "day=unknown" in days and "day=2024-06-04" in days and "day=2024-07-01" in days
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["documents"] == result.documents == ref.added
    assert result.duplicates == ref.skipped == 3  # quay copy, school lunches again, WARC ferry
    assert result.errors == ref.failed
    assert result.records == result.documents + result.duplicates + result.errors
    assert manifest["embedder"] == "hashing" and manifest["dim"] == 256
    assert manifest["families_params"]["threshold"] == 0.5


def test_documents_sentences_statements_equal_corpus_add(batch_out, reference):
    out, _ = batch_out
    db, _ = reference
    ref = dump(db)
    docs = _table(out, "documents")
    sigs = {r["hash"]: r["signature"] for r in _table(out, "signatures")}
    got = {d["hash"]: (d["url"], d["outlet"], d["published"],
                       None if d["day"] == "unknown" else d["day"], d["title"], d["source"],
                       d["text"], sigs[d["hash"]], d["language"]) for d in docs}
    assert got == ref["documents"]
    # the language travels with each document (a non-English one is stored, not refused)
    assert {v[-1] for v in got.values()} == {"en", "de"}

    sents: dict = {}
    for s in sorted(_table(out, "sentences"), key=lambda s: (s["doc_hash"], s["idx"])):
        sents.setdefault(s["doc_hash"], []).append(
            (s["idx"], s["start"], s["end"], s["text"], _blob(s["embedding"])))
    assert sents == ref["sentences"]
    stmts: dict = {}
    for s in sorted(_table(out, "statements"), key=lambda s: (s["doc_hash"], s["idx"])):
        stmts.setdefault(s["doc_hash"], []).append(
            (s["speaker"], s["canonical"], s["side"], s["cue"], s["content"], s["kind"],
             s["polarity"], _blob(s["embedding"])))
    assert stmts == ref["statements"]
    assert sum(len(v) for v in stmts.values()) > 20


def test_errors_table_equals_corpus_add_errors(batch_out, reference):
    out, _ = batch_out
    _, ref = reference
    rows = _table(out, "errors")
    assert sorted((r["source"], r["error"]) for r in rows) == sorted(ref.errors)
    msgs = " | ".join(r["error"] for r in rows)
    for expected in ("input is empty", "binary", "not JSON", "neither 'html' nor 'text'",
                     "HTTP status 404", "no such file or folder"):
        assert expected in msgs


def test_families_equal_corpus_add(batch_out, reference):
    out, _ = batch_out
    db, _ = reference
    ref = dump(db)["families"]
    fams: dict = {}
    for r in _table(out, "families"):
        f = fams.setdefault(r["family"], {"kind": r["kind"], "members": set(), "origin": r["origin"],
                                          "origin_outlet": r["origin_outlet"], "reason": r["reason"]})
        f["members"].add(r["doc_hash"])
    assert fams == ref
    kinds = sorted(f["kind"] for f in fams.values())
    assert kinds.count("syndication") == 3 and "state" in kinds and "owner" in kinds
    assert any(f["reason"] == "credited to reuters" for f in fams.values())
    assert any(f["origin_outlet"] == "ap" and len(f["members"]) == 2 for f in fams.values())


def test_load_equals_corpus_add_and_is_idempotent(batch_out, reference, tmp_path, capsys):
    out, _ = batch_out
    ref_db, _ = reference
    db = tmp_path / "loaded.db"
    code, text, err = run_cli(["corpus", "load", str(out), "--db", str(db), "--batch", "4"], capsys)
    assert code in (0, None), err
    assert "families:" in text and "(batch)" in text
    first = dump(db)
    ref = dump(ref_db)
    for k in ("documents", "sentences", "statements", "families", "doc_family", "seen"):
        assert first[k] == ref[k], k

    code, text, _ = run_cli(["corpus", "load", str(out), "--db", str(db), "-f", "json"], capsys)
    summary = json.loads(text)
    assert summary["added"] == 0 and summary["skipped"] == summary["documents"]
    assert dump(db) == first

    # the stored families are what `corpus families` recomputes on the loaded store
    con = sqlite3.connect(db)
    before = sorted(con.execute("SELECT * FROM families"))
    con.close()
    code, _, _ = run_cli(["corpus", "families", "--db", str(db), "-f", "json"], capsys)
    con = sqlite3.connect(db)
    assert sorted(con.execute("SELECT * FROM families")) == before
    con.close()


def test_load_into_postgres_equals_sqlite(batch_out, reference):
    """The same load into the PostgreSQL store (add_many = COPY); needs the test server."""
    import os
    import uuid

    url = os.environ.get("CLAIMMAP_TEST_POSTGRES_URL", "").strip()
    if not url:
        pytest.skip("CLAIMMAP_TEST_POSTGRES_URL is not set (no PostgreSQL server; "
                    "`bash scripts/postgres.sh start` prints a URL)")
    psycopg = pytest.importorskip("psycopg")
    from claimmap.batch.load import load_batch
    from claimmap.corpus.postgres import PostgresStore
    from claimmap.corpus.sqlite import SQLiteStore

    out, _ = batch_out
    ref_db, _ = reference
    with SQLiteStore(ref_db) as ref:
        want_stats = ref.stats()
    want_fams = dump(ref_db)["families"]
    schema = "claimmap_batch_" + uuid.uuid4().hex[:12]
    store = PostgresStore(url, schema=schema)
    try:
        first = load_batch(out, store, batch_size=4)
        assert first.added == want_stats["documents"] and first.families_source == "batch"

        def state():
            h = {d: store.get_document(d).hash for d, *_ in store.signatures()}
            fams = {}
            for f in store.families():
                fid = ("syndication:" + h[int(f["id"].split(":")[1])] if f["kind"] == "syndication"
                       else f["id"])
                fams[fid] = {"kind": f["kind"], "members": {h[int(m)] for m in f["members"]},
                             "origin": h.get(f["origin"]), "origin_outlet": f["origin_outlet"],
                             "reason": f["reason"]}
            return store.stats(), fams

        stats, fams = state()
        assert stats == want_stats and fams == want_fams
        again = load_batch(out, store, batch_size=4)
        assert again.added == 0 and state() == (stats, fams)
    finally:
        store.close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_load_into_a_store_with_other_documents_recomputes_families(batch_out, tmp_path, capsys,
                                                                    hashing):
    out, _ = batch_out
    db = tmp_path / "mixed.db"
    other = tmp_path / "other.txt"
    other.write_text(_story("Marren dam drained", *DAM_WIRE,  # a third copy of the wire story
                            "The board will publish the inspection report in September."))
    assert run_cli(["corpus", "add", str(other), "--db", str(db)], capsys)[0] == 0
    code, text, err = run_cli(["corpus", "load", str(out), "--db", str(db)], capsys)
    assert code in (0, None), err
    assert "(recomputed)" in text
    fams = dump(db)["families"]
    wire = [f for f in fams.values() if f["origin_outlet"] == "ap"]
    assert len(wire) == 1 and len(wire[0]["members"]) == 3


def test_process_is_the_corpus_add_pipeline_for_one_record(reference, hashing):
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.ingest import Processed, RawRecord, process
    from claimmap.errors import ClaimmapError

    db, _ = reference
    line = (json.dumps(EXTRA[0]) + "\n").encode()
    p = process(RawRecord("feed.jsonl:1", "jsonl", line), embedder=get_embedder("hashing"))
    assert isinstance(p, Processed) and p.record.source == "feed.jsonl:1"
    doc, sents, stmts, emb, sig, semb = p  # the add_many tuple order
    ref = dump(db)
    assert ref["documents"][doc.hash][6:8] == (doc.text, sig)
    assert [(s.text, e.tobytes()) for s, e in zip(sents, emb, strict=True)] == [
        (t, b) for _i, _s, _e, t, b in ref["sentences"][doc.hash]]
    assert len(stmts) == len(ref["statements"][doc.hash])
    assert [_blob(v) for v in (semb if semb is not None else [None] * len(stmts))] == [
        r[-1] for r in ref["statements"][doc.hash]]
    with pytest.raises(ClaimmapError, match="HTTP status 404"):
        process(RawRecord("x.warc#2 u", "error", error="HTTP status 404 in the WARC record"))


# --------------------------------------------------------------------------------------------
# the CLI, --no-embed, inputs batch mode does not read
# --------------------------------------------------------------------------------------------


def test_cli_batch_no_embed_and_unfetched_inputs(spark, tmp_path, capsys, hashing):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_text(json.dumps(EXTRA[3]) + "\n" + json.dumps(EXTRA[4]) + "\n")
    (src / "urls.txt").write_text("https://example.org/a\nhttps://example.org/b\n")
    (src / "feed.rss").write_text("<rss/>")
    out = tmp_path / "out"
    code, text, err = run_cli(["batch", str(src), "https://example.org/page", "--output", str(out),
                               "--no-embed", "-f", "json"], capsys)
    assert code in (0, None), err
    res = json.loads(text)
    assert res["documents"] == 2 and res["errors"] == 3 and res["embedder"] is None
    assert all("not read by 'claimmap batch'" in e["error"] for e in res["error_samples"])
    assert all(r["embedding"] is None for r in _table(out, "sentences"))
    db = tmp_path / "c.db"
    assert run_cli(["corpus", "load", str(out), "--db", str(db)], capsys)[0] in (0, None)
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM sentences WHERE embedding IS NOT NULL").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    con.close()
    # the same inputs again: nothing new for corpus add either (keys marked seen)
    code, text, _ = run_cli(["corpus", "add", str(src / "a.jsonl"), "--db", str(db), "--no-embed"], capsys)
    assert "added 0, skipped 2" in text


def test_help_does_not_import_pyspark():
    code = ("import sys; from claimmap.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "import claimmap.batch\n"
            "assert 'pyspark' not in sys.modules, 'pyspark imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "batch" in proc.stdout


def test_load_refuses_a_folder_that_is_no_batch_output(tmp_path, capsys):
    code, _, err = run_cli(["corpus", "load", str(tmp_path), "--db", str(tmp_path / "c.db")], capsys)
    assert code == 1 and "not a claimmap batch output" in err


# --------------------------------------------------------------------------------------------
# the Spark family computation itself
# --------------------------------------------------------------------------------------------


def _words(rng: random.Random, n: int) -> list[str]:
    vocab = [a + b for a in ("ka", "lo", "mi", "ne", "pu", "ra", "si", "to", "ve", "zu")
             for b in ("ran", "mel", "dot", "sik", "par", "lun", "bex", "fir", "gol", "wet")]
    return [rng.choice(vocab) for _ in range(n)]


def _family_inputs():
    rng = random.Random(7)
    base = _words(rng, 300)
    chain = [" ".join(base[i * 35:i * 35 + 120]) for i in range(5)]  # each ~ its neighbours only
    wire = " ".join(_words(rng, 150))
    own = " ".join(_words(rng, 120))
    docs = [
        # (url, outlet hint, published, text)
        ("https://a.example/1", None, "2024-03-02", chain[0]),
        ("https://www.reuters.com/x", None, "2024-03-02T10:00:00Z", chain[1]),
        ("https://b.example/3", None, "2024-03-01", chain[2]),
        ("https://c.example/4", None, None, chain[3]),
        ("https://d.example/5", None, "2024-03-02", chain[4]),
        ("https://blog.example/a", None, "2024-03-05", "CITY, March 5 (AP) - " + wire),
        ("https://other.example/b", None, "2024-03-05", "Source: AP\n\n" + wire + " more words here"),
        ("https://apnews.com/article/x", None, "2024-03-06", wire),
        ("https://harbour.example/c", None, "2024-03-07",
         "KESSEL, March 7 (Reuters) - " + " ".join(_words(rng, 80))),
        ("https://tass.com/a", None, "2024-03-08", " ".join(_words(rng, 90))),
        ("https://ria.ru/b", None, "2024-03-08", " ".join(_words(rng, 90))),
        (None, "rt", "2024-03-09", " ".join(_words(rng, 90))),
        ("https://www.bild.de/x", None, "2024-03-09", " ".join(_words(rng, 90))),
        ("https://www.politico.eu/y", None, "2024-03-10", " ".join(_words(rng, 90))),
        ("https://same-site.example/1", None, "2024-03-11", own),
        ("https://same-site.example/2", None, "2024-03-11", own + " updated"),
        (None, None, None, " ".join(_words(rng, 60))),
        ("https://lonely.example/z", None, "2024-03-12", ""),
        ("https://e.example/x", "my-own-outlet", "not a date", " ".join(_words(rng, 70))),
        ("https://f.example/x", "my-own-outlet", "2024-03-13", " ".join(_words(rng, 70))),
    ]
    return docs


def test_spark_families_equal_group_families(spark):
    from claimmap.batch.families import FAMILY_COLUMNS, compute_families, copy_credit, family_outlet
    from claimmap.outlets import load_registry
    from claimmap.outlets.families import FamilyInput, group_families
    from claimmap.outlets.minhash import Signature

    registry = load_registry()
    docs = _family_inputs()
    items, rows = [], []
    for i, (url, hint, published, text) in enumerate(docs):
        did = f"d{i:02d}"
        outlet = family_outlet(registry, hint, url)
        sig = Signature.from_text(text)
        items.append(FamilyInput(did, text, url=url, outlet=hint, published=published))
        rows.append((i * 1000, did, url, outlet, published, copy_credit(registry, text, outlet),
                     bytearray(sig.to_bytes()), sig.size))
    expected = group_families(items, registry)
    df = spark.createDataFrame(rows, "ord long, hash string, url string, outlet string, "
                                     "published string, credited string, signature binary, "
                                     "sig_size int")
    got: dict = {}
    for r in compute_families(df).collect():
        f = got.setdefault(r.family, {"id": r.family, "kind": r.kind, "members": [],
                                      "origin": r.origin, "origin_outlet": r.origin_outlet,
                                      "key": r.key, "reason": r.reason, "rows": []})
        f["rows"].append((r.ord, r.doc_hash, r.outlet))
        assert set(r.asDict()) == set(FAMILY_COLUMNS)
    for f in got.values():
        rows_ = sorted(f.pop("rows"))
        f["members"] = [d for _, d, _ in rows_]
        f["outlets"] = [o for _, _, o in rows_]
    want = {f.id: {"id": f.id, "kind": f.kind, "members": f.members, "origin": f.origin,
                   "origin_outlet": f.origin_outlet, "key": f.key, "reason": f.reason,
                   "outlets": f.outlets} for f in expected}
    assert got == want
    kinds = sorted(f["kind"] for f in want.values())
    assert kinds == ["owner", "owner", "state", "syndication", "syndication", "syndication",
                     "syndication"]
    chain = next(f for f in want.values() if "d00" in f["members"])
    assert chain["members"] == ["d00", "d01", "d02", "d03", "d04"]  # connected only as a chain


def test_connected_components_matches_union_find(spark):
    from claimmap.batch.families import connected_components

    rng = random.Random(3)
    edges = [(rng.randrange(60), rng.randrange(60)) for _ in range(45)]
    edges += [(100 + i, 101 + i) for i in range(12)]  # a long path: several rounds
    parent: dict[int, int] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    df = spark.createDataFrame(edges, "src long, dst long")
    got = {r.node: r.comp for r in connected_components(df).collect()}
    assert got == {n: find(n) for n in parent}
