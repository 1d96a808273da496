"""REST API and web UI (FastAPI TestClient): every endpoint, every error shape, the token,
the body limit, the report round trip and the exports. Traffic only to 127.0.0.1."""

from __future__ import annotations

import ipaddress
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web app needs fastapi (pip install fastapi uvicorn)")
from fastapi.testclient import TestClient  # noqa: E402

from claimmap.api import create_app  # noqa: E402
from claimmap.report.claimreview import UNVERIFIED  # noqa: E402
from claimmap.report.json import validate  # noqa: E402

EXAMPLE = resources.files("claimmap.data.examples").joinpath("harbour_talks.txt").read_text("utf-8")
WORDPRESS = (Path(__file__).parent / "fixtures" / "wordpress.html").read_text("utf-8")
GERMAN = ("Der Hafen von Haldby wurde am Montag geschlossen, teilte die Behörde mit. "
          "Die Ministerin bestritt, dass das Projekt teurer geworden sei.\n") * 3
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


def assert_error(r, status, code):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["error"] == code and body["status"] == status
    assert isinstance(body["message"], str) and body["message"] and "Traceback" not in r.text
    return body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/article":
            body, status = WORDPRESS.encode(), 200
        else:
            body, status = b"not here", 404
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8" if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return tmp_path_factory.mktemp("api") / "claimmap.db"


@pytest.fixture(scope="module")
def client(db):
    # loopback allowed for this app only, so the URL test can use the local server; no configured
    # corpus (its default corpus.db beside the report db starts absent: no corroboration)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CLAIMMAP_CORPUS_DB", raising=False)
        app = create_app(db_path=db, allow_private=LOOPBACK, token="", warm=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def example(client):
    r = client.post("/api/analyze", json={"text": EXAMPLE})
    assert r.status_code == 201, r.text
    return r


def report_location(c, r, timeout: float = 180.0) -> str:
    """The report page a form post leads to: straight there (a quick analysis), or through its
    job's progress page (/jobs/{id}), followed here until the job ends."""
    assert r.status_code == 303, r.text
    loc = r.headers["location"]
    if loc.startswith("/jobs/"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = c.get("/api" + loc).json()
            assert job["stage"] != "failed", job
            if job["stage"] == "done":
                return job["page_url"]
            time.sleep(0.3)
        raise AssertionError(f"job {loc} did not finish")
    return loc


# ----------------------------------------------------------------------------- analyze
def test_health(client):
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_analyze_text_is_the_cli_json_plus_an_id(example):
    data = example.json()
    assert example.headers["location"] == f"/api/reports/{data['id']}"
    assert len(data["id"]) >= 10
    body = {k: v for k, v in data.items() if k != "id"}
    validate(body)
    assert body["statements"] and body["disputes"]
    from claimmap.pipeline import analyze_text

    expected = json.loads(analyze_text(EXAMPLE).to_json())
    assert body == expected


def test_analyze_html(client):
    r = client.post("/api/analyze", json={"html": WORDPRESS})
    assert r.status_code == 201, r.text
    assert r.json()["document"]["media_type"] == "html"


def test_analyze_url_from_local_server(client, server):
    r = client.post("/api/analyze", json={"url": server + "/article"})
    assert r.status_code == 201, r.text
    assert r.json()["document"]["url"] == server + "/article"


def test_url_http_error_is_502(client, server):
    body = assert_error(client.post("/api/analyze", json={"url": server + "/missing"}), 502, "fetch_failed")
    assert "HTTP 404" in body["message"]


@pytest.mark.parametrize("payload", [{}, {"text": "a", "url": "http://example.org/"},
                                     {"text": None}, {"text": "x", "html": "<p>x</p>"}])
def test_exactly_one_input(client, payload):
    body = assert_error(client.post("/api/analyze", json=payload), 422, "invalid_request")
    assert "exactly one of url, text or html" in body["message"]


def test_unknown_field_and_wrong_types(client):
    assert_error(client.post("/api/analyze", json={"txt": "hello"}), 422, "invalid_request")
    assert_error(client.post("/api/analyze", json={"text": 42}), 422, "invalid_request")
    assert_error(client.post("/api/analyze", json=["text"]), 422, "invalid_request")


def test_malformed_json_is_400(client):
    assert_error(client.post("/api/analyze", content=b'{"text": ', headers={"content-type": "application/json"}),
                 400, "malformed_json")


@pytest.mark.parametrize("text, status, code, fragment", [
    ("", 422, "invalid_input", "empty"),
    ("   \n ", 422, "invalid_input", "empty"),
    (GERMAN, 422, "unsupported_language", "'de'"),
])
def test_unusable_articles(client, text, status, code, fragment):
    body = assert_error(client.post("/api/analyze", json={"text": text}), status, code)
    assert fragment in body["message"]


def test_bad_url_is_400(client):
    assert_error(client.post("/api/analyze", json={"url": "not a url"}), 400, "blocked_url")
    assert_error(client.post("/api/analyze", json={"url": "javascript:alert(1)"}), 400, "blocked_url")


def test_bug_is_a_generic_500(client, monkeypatch):
    import claimmap.api.app as app_mod

    def boom(*a, **k):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(app_mod, "_analyze", boom)
    body = assert_error(client.post("/api/analyze", json={"text": "whatever"}), 500, "internal_error")
    assert "secret" not in json.dumps(body)


# ----------------------------------------------------------------------------- reports by id
def test_report_round_trip(client, example):
    data = example.json()
    r = client.get(f"/api/reports/{data['id']}")
    assert r.status_code == 200 and r.json() == data
    r = client.get(f"/api/reports/{data['id']}?format=json")
    assert r.json() == data


def test_report_persists_across_app_instances(db, example):
    other = create_app(db_path=db, warm=False)
    with TestClient(other) as c:
        assert c.get(f"/api/reports/{example.json()['id']}").json() == example.json()


def test_report_claimreview(client, example):
    data = example.json()
    r = client.get(f"/api/reports/{data['id']}?format=claimreview")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    doc = r.json()
    assert doc["@context"] == "https://schema.org"
    items = doc["@graph"]
    from claimmap.report.claimreview import publishable

    kinds = {z["id"]: z["kind"] for z in data["zones"]}
    published = publishable(data)   # article claims by named speakers (tests/test_claimreview.py)
    assert items and len(items) == len(published) < len(data["statements"])
    assert all(kinds[st["zone"]] in ("header", "body") and st["speaker"] for st in published)
    for item, st in zip(items, published):
        assert item["@type"] == "ClaimReview"
        assert item["claimReviewed"] == st["content"]["text"]
        claim = item["itemReviewed"]
        assert claim["@type"] == "Claim"
        assert claim["author"]["@type"] in ("Person", "Organization") and claim["author"]["name"]
        if st["speaker"]:
            assert claim["author"]["name"] == st["speaker"]["canonical"]
        assert claim["appearance"][0]["@type"] == "CreativeWork"
        assert item["reviewRating"]["alternateName"] == UNVERIFIED
        assert "Unverified" in item["reviewRating"]["alternateName"]
        assert item["citation"] == []
        assert item["url"].endswith(f"/reports/{data['id']}#claim-{st['id']}")


def _verdict_report(**extra):
    return {"document": {"url": "https://news.example/a", "title": "T", "copy_of": "https://orig.example/story",
                         "copy_of_outlet": "orig_news"},
            "zones": [{"id": "z1", "kind": "body"}, {"id": "z2", "kind": "comment"}],
            "statements": [{"id": "s1", "zone": "z1", "content": {"text": "the cable was cut"},
                            "speaker": {"canonical": "Anna Roskova", "text": "Roskova"}},
                           {"id": "s2", "zone": "z1", "content": {"text": "storms broke it"}, "speaker": None},
                           {"id": "s3", "zone": "z1", "content": {"text": "the port reopened"},
                            "speaker": {"canonical": "Port Authority", "text": "the port authority"}},
                           {"id": "s4", "zone": "z2", "content": {"text": "a comment"},
                            "speaker": {"canonical": "Norland", "text": "Norland"}}],
            "verdicts": [
                {"statement": "s1", "said": "corroborated", "so": "claimant_side_only", "claimant_keys": ["state:velmark"],
                 "evidence": [{"url": "https://b.example/x", "family": "state:velmark", "stance": "agree"},
                              {"url": "https://c.example/y", "family": "owner:c", "stance": "discuss"},
                              {"url": "https://b.example/x", "family": "state:velmark", "stance": "agree"},
                              {"url": "javascript:alert(1)", "family": "owner:d", "stance": "discuss"}]},
                {"statement": "s2", "said": None, "so": "contradicted", "evidence": []},
            ], **extra}


@pytest.mark.parametrize("so, rating", [
    ("corroborated", "Corroborated by independent sources"), ("contradicted", "Contradicted"),
    ("disputed", "Disputed"), ("claimant_side_only", "Only the claimant's side confirms"),
    ("unverified", "Unverified")])
def test_claimreview_rating_from_so_verdict(so, rating):
    from claimmap.report.claimreview import RATINGS, to_claimreview

    data = _verdict_report()
    data["verdicts"][0]["so"] = so
    item = to_claimreview(data)["@graph"][0]
    assert item["reviewRating"]["alternateName"] == rating == RATINGS[so]
    assert "Was it said? Corroborated by independent sources" in item["reviewRating"]["ratingExplanation"]


def test_claimreview_uses_verdicts_and_article_url():
    from claimmap.report.claimreview import to_claimreview

    # s2 (the narrator) and s4 (a comment) are not published
    s1, s3 = to_claimreview(_verdict_report())["@graph"]
    assert s1["reviewRating"]["alternateName"] == "Only the claimant's side confirms"
    expl = s1["reviewRating"]["ratingExplanation"]
    assert "only outlets on the speaker's side repeat it" in expl           # so, in words
    assert "report that it was said" in expl                                 # said, in words
    assert "4 items from 3 outlet families" in expl
    assert s1["citation"] == ["https://b.example/x", "https://c.example/y"]  # deduplicated, no javascript:
    assert s1["itemReviewed"]["appearance"][0]["url"] == "https://news.example/a"
    assert s1["itemReviewed"]["appearance"][1] == {"@type": "CreativeWork", "url": "https://orig.example/story"}
    assert s1["itemReviewed"]["author"] == {"@type": "Person", "name": "Anna Roskova"}
    # corroboration ran but did not check this statement
    assert s3["reviewRating"]["alternateName"] == "Unverified"
    assert s3["reviewRating"]["ratingExplanation"].startswith("Not checked")
    # no verdicts at all: the old explanation
    data = _verdict_report()
    del data["verdicts"]
    item = to_claimreview(data)["@graph"][0]
    assert item["reviewRating"] == {"@type": "Rating", "alternateName": UNVERIFIED,
                                    "ratingExplanation": "No corroboration was run: no corpus of other coverage was searched."}


def test_report_html_download(client, example):
    rid = example.json()["id"]
    r = client.get(f"/api/reports/{rid}?format=html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-disposition"] == f'attachment; filename="claimmap-{rid}.html"'
    assert "<!doctype html>" in r.text and "Velmark" in r.text


def test_unknown_report_and_format(client, example):
    assert_error(client.get("/api/reports/nosuchreport"), 404, "not_found")
    assert_error(client.get("/api/reports/..%2F..%2Fetc%2Fpasswd"), 404, "not_found")
    assert_error(client.get(f"/api/reports/{example.json()['id']}?format=xml"), 422, "invalid_request")


# ----------------------------------------------------------------------------- corpus
CABLE = ("Norland navy divers cut the harbour cable on Monday, officials in Haldby said. "
         "The ministry said repairs to the line would take at least a month.")
STORM = ("Storm damage broke the undersea cable near Haldby last week, the Norland government said on Tuesday. "
         "Engineers are still assessing the damage.")


def test_corpus_add_stats_search(client, monkeypatch):
    """The corpus endpoints use the real corpus store (corpus.db beside the report db)."""
    monkeypatch.setenv("CLAIMMAP_EMBEDDER", "hashing")  # fast, no model
    before = client.get("/api/corpus/stats").json()
    assert before["store"] == "sqlite"
    r = client.post("/api/corpus/documents", json={"text": CABLE, "title": "Cable cut", "url": "https://a.example/1",
                                                   "site": "a.example", "published": "2026-03-10"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert isinstance(body["id"], int) and body["added"] is True and body["sentences"] == 2 and body["embedded"]
    again = client.post("/api/corpus/documents", json={"text": CABLE})   # same body text: nothing changes
    assert again.status_code == 200 and again.json()["id"] == body["id"] and again.json()["added"] is False
    assert client.post("/api/corpus/documents", json={"text": STORM, "site": "b.example"}).status_code == 201
    stats = client.get("/api/corpus/stats").json()
    assert stats["documents"] == before["documents"] + 2 and stats["sentences"] >= 4 and stats["reports"] >= 0
    assert stats["corroborates"] == "on request"     # the default corpus, not a configured one
    res = client.get("/api/corpus/search", params={"q": "harbour cable"}).json()
    top = res["results"][0]
    assert top["title"] == "Cable cut" and top["outlet"] == "a.example" and top["url"] == "https://a.example/1"
    assert "[harbour] [cable]" in top["snippet"] and top["published"] == "2026-03-10"
    assert {h["id"] for h in client.get("/api/corpus/search", params={"q": "cable"}).json()["results"]} >= {
        body["id"], body["id"] + 1}
    window = client.get("/api/corpus/search", params={"q": "cable", "date_from": "2026-03-01"}).json()
    # the undated STORM document is a candidate in every window (issue 14 item 5)
    assert {h["id"] for h in window["results"]} == {body["id"], body["id"] + 1}
    # FTS5 syntax in the query is not interpreted
    for q in ['cable"', "NEAR(cable", "cable OR", "*", "title:cable", "-"]:
        r = client.get("/api/corpus/search", params={"q": q})
        assert r.status_code == 200, (q, r.text)


def test_corpus_errors(client, monkeypatch):
    monkeypatch.setenv("CLAIMMAP_EMBEDDER", "hashing")  # fast, no model
    assert_error(client.post("/api/corpus/documents", json={"title": "no text"}), 422, "invalid_request")
    assert_error(client.post("/api/corpus/documents", json={"text": ""}), 422, "invalid_request")
    assert_error(client.post("/api/corpus/documents", json={"text": CABLE, "published": "last week"}),
                 422, "invalid_request")
    # non-English coverage is stored with its language, not refused (issue 14 item 10)
    r = client.post("/api/corpus/documents", json={"text": GERMAN})
    assert r.status_code == 201, r.text
    assert r.json()["language"] == "de" and r.json()["statements"] == 0 and r.json()["sentences"] >= 2
    assert_error(client.get("/api/corpus/search"), 422, "invalid_request")
    assert_error(client.get("/api/corpus/search", params={"q": "x", "limit": 0}), 422, "invalid_request")
    assert_error(client.get("/api/corpus/search", params={"q": "x", "date_from": "March"}), 422, "invalid_request")


def test_corpus_absent_is_empty_and_corroborate_needs_one(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIMMAP_CORPUS_DB", raising=False)
    with TestClient(create_app(db_path=tmp_path / "t.db", warm=False)) as c:
        stats = c.get("/api/corpus/stats").json()
        assert stats["documents"] == 0 and stats["corroborates"] == "no corpus yet"
        assert c.get("/api/corpus/search", params={"q": "cable"}).json() == {"query": "cable", "count": 0, "results": []}
        assert not (tmp_path / "corpus.db").exists()           # reading never creates the corpus
        assert c.get("/api/health").json()["corpus"] == {"available": False, "corroborates_by_default": False}
        body = assert_error(c.post("/api/analyze", json={"text": EXAMPLE, "corroborate": True}), 422, "no_corpus")
        assert "no corpus" in body["message"]
        assert 'name="corroborate"' not in c.get("/").text      # no checkbox without a corpus
        r = c.post("/analyze", data={"text": EXAMPLE, "corroborate": ["0", "1"]})
        assert r.status_code == 422 and "no corpus" in r.text


# ----------------------------------------------------------------------------- corroboration
FX = Path(__file__).parent / "fixtures" / "corroboration"


def _stance(pairs):
    """Stand-in for the stance model (tested in test_corroborate.py): the shape is what matters here."""
    return [{"label": "agree", "probs": {"agree": 1.0}} for _ in pairs]


@pytest.fixture(scope="module")
def corpus_app(tmp_path_factory):
    """An app with a configured corpus (the fixture coverage, added through the API)."""
    from claimmap.outlets.registry import clear_cache

    d = tmp_path_factory.mktemp("corro-api")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLAIMMAP_EMBEDDER", "hashing")
        mp.setenv("CLAIMMAP_OUTLETS", str(FX / "outlets.toml"))
        clear_cache()
        setup = create_app(db_path=d / "setup.db", corpus_db=d / "corpus.db", warm=False)
        with TestClient(setup) as c:
            for line in (FX / "corpus.jsonl").read_text("utf-8").splitlines():
                o = json.loads(line)
                doc = {"text": o["text"], "url": o["url"], "published": o["published"]}
                if o.get("outlet"):
                    doc["site"] = o["outlet"]
                assert c.post("/api/corpus/documents", json=doc).status_code == 201
        app = create_app(db_path=d / "reports.db", corpus_db=d / "corpus.db", warm=False,
                         corroborate_options={"stance": _stance})
        with TestClient(app, raise_server_exceptions=False) as c:
            yield c
    clear_cache()


def test_analyze_corroborates_against_a_configured_corpus(corpus_app):
    c = corpus_app
    assert c.get("/api/corpus/stats").json()["documents"] == 7
    assert c.get("/api/health").json()["corpus"] == {"available": True, "corroborates_by_default": True}
    article = (FX / "article.txt").read_text("utf-8")
    r = c.post("/api/analyze", json={"text": article, "published": "2026-03-10"})   # by default: corroborated
    assert r.status_code == 201, r.text
    data = r.json()
    validate({k: v for k, v in data.items() if k != "id"})
    assert data["document"]["published"] == "2026-03-10"
    assert data["document"]["copy_of"] == "https://vsn.example/2026/03/10/haldby-cable"
    assert data["document"]["copy_of_outlet"] == "velmark_state_news"
    assert data["corroboration_run"]["documents_searched"] == 7
    assert data["corroboration_run"]["window"] == ["2026-03-03", "2026-03-17"]
    ids = {s["id"] for s in data["statements"]}
    assert data["verdicts"] and all(v["statement"] in ids for v in data["verdicts"])
    assert any(v["evidence"] for v in data["verdicts"])
    # the report page and the exports show them
    page = c.get(f"/reports/{data['id']}").text
    assert 'id="copy-of"' in page and 'href="https://vsn.example/2026/03/10/haldby-cable"' in page
    assert "Said?" in page and "So?" in page and "no corpus: corroboration not run" not in page
    cr = c.get(f"/api/reports/{data['id']}?format=claimreview").json()["@graph"]
    assert {i["reviewRating"]["alternateName"] for i in cr} <= {
        "Corroborated by independent sources", "Contradicted", "Disputed", "Only the claimant's side confirms",
        "Unverified"}
    # corroborate=false: plain analysis; the window can be set per request
    plain = c.post("/api/analyze", json={"text": article, "corroborate": False}).json()
    assert "verdicts" not in plain and plain["document"]["copy_of"] is None
    wide = c.post("/api/analyze", json={"text": article, "published": "2026-03-10", "window_days": 400}).json()
    assert wide["corroboration_run"]["window_days"] == 400
    assert_error(c.post("/api/analyze", json={"text": article, "window_days": -1}), 422, "invalid_request")
    assert_error(c.post("/api/analyze", json={"text": article, "published": "yesterday"}), 422, "invalid_request")


def test_ui_form_corroborates(corpus_app):
    c = corpus_app
    index = c.get("/").text
    assert 'name="corroborate" value="1" checked' in index and 'name="published"' in index
    article = (FX / "article.txt").read_text("utf-8")
    r = c.post("/analyze", data={"text": article, "corroborate": ["0", "1"], "published": "2026-03-10"},
               follow_redirects=False)
    rid = report_location(c, r).rsplit("/", 1)[1]
    assert c.get(f"/api/reports/{rid}").json()["verdicts"]
    r = c.post("/analyze", data={"text": article, "corroborate": "0"}, follow_redirects=False)
    assert "verdicts" not in c.get(f"/api/reports/{report_location(c, r).rsplit('/', 1)[1]}").json()
    r = c.post("/analyze", data={"text": article, "published": "10/03/2026"})
    assert r.status_code == 422 and "YYYY-MM-DD" in r.text


def test_auto_corroboration_problem_is_a_warning(corpus_app, monkeypatch):
    """A corpus/model problem does not fail an analysis that did not ask for corroboration."""
    from claimmap.errors import DataError

    def broken(*a, **k):
        raise DataError("stance model 'x' cannot be loaded")

    monkeypatch.setattr("claimmap.corroborate.corroborate", broken)
    r = corpus_app.post("/api/analyze", json={"text": EXAMPLE})
    assert r.status_code == 201 and "verdicts" not in r.json()
    assert any("corroboration not run" in w for w in r.json()["warnings"])
    assert_error(corpus_app.post("/api/analyze", json={"text": EXAMPLE, "corroborate": True}), 500, "server_data_error")


# ----------------------------------------------------------------------------- token, body limit, headers
def test_token(tmp_path):
    app = create_app(db_path=tmp_path / "t.db", token="s3cret-token", warm=False)
    with TestClient(app) as c:
        assert_error(c.get("/api/health"), 401, "unauthorized")
        assert c.get("/api/health").headers["www-authenticate"] == "Bearer"
        assert_error(c.get("/api/health", headers={"Authorization": "Bearer wrong"}), 401, "unauthorized")
        assert_error(c.get("/api/health", headers={"Authorization": "s3cret-token"}), 401, "unauthorized")
        assert_error(c.post("/api/analyze", json={"text": "x"}), 401, "unauthorized")
        assert c.get("/api/health", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        assert c.get("/api/corpus/stats", headers={"Authorization": "bearer s3cret-token"}).status_code == 200
        # the UI asks for the token and refuses a form without it
        assert 'name="token"' in c.get("/").text
        r = c.post("/analyze", data={"text": EXAMPLE, "token": "nope"})
        assert r.status_code == 401 and "access token" in r.text


def test_token_from_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMMAP_API_TOKEN", "from-env")
    with TestClient(create_app(db_path=tmp_path / "t.db", warm=False)) as c:
        assert c.get("/api/health").status_code == 401
        assert c.get("/api/health", headers={"Authorization": "Bearer from-env"}).status_code == 200


def test_no_token_by_default(client):
    assert client.get("/api/health").status_code == 200


def test_body_limit(tmp_path):
    app = create_app(db_path=tmp_path / "t.db", max_body=1000, warm=False)
    with TestClient(app) as c:
        body = assert_error(c.post("/api/analyze", json={"text": "x" * 5000}), 413, "body_too_large")
        assert "1000-byte limit" in body["message"]

        def chunks():  # no Content-Length: the limit is enforced while reading
            yield b'{"text": "'
            for _ in range(10):
                yield b"y" * 500
            yield b'"}'

        assert_error(c.post("/api/analyze", content=chunks(), headers={"content-type": "application/json"}),
                     413, "body_too_large")
        assert_error(c.post("/api/analyze", json={"text": ""}), 422, "invalid_input")  # read and parsed


def test_body_limit_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMMAP_API_MAX_BODY", "50")
    with TestClient(create_app(db_path=tmp_path / "t.db", warm=False)) as c:
        assert_error(c.post("/api/corpus/documents", json={"text": "z" * 100}), 413, "body_too_large")


def test_security_headers(client, example):
    for path in ["/", f"/reports/{example.json()['id']}", "/api/health", "/static/app.css",
                 f"/api/reports/{example.json()['id']}?format=html"]:
        h = client.get(path).headers
        csp = h["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert h["x-content-type-options"] == "nosniff" and h["referrer-policy"] == "no-referrer"


def test_openapi(client):
    spec = client.get("/openapi.json").json()
    for path in ["/api/analyze", "/api/health", "/api/reports/{report_id}", "/api/corpus/documents",
                 "/api/corpus/stats", "/api/corpus/search"]:
        assert path in spec["paths"], path


# ----------------------------------------------------------------------------- web UI
def test_ui_index_and_example(client):
    r = client.get("/")
    assert r.status_code == 200 and '<form method="post" action="/analyze"' in r.text
    assert "onclick" not in r.text and "<style" not in r.text and "style=" not in r.text
    assert "Velmark" in client.get("/?example=1").text


def test_ui_form_to_report_page(client):
    r = client.post("/analyze", data={"text": EXAMPLE, "url": ""}, follow_redirects=False)
    loc = report_location(client, r)
    assert loc.startswith("/reports/")
    page = client.get(loc)
    assert page.status_code == 200
    html = page.text
    assert 'class="content pol-' in html and 'data-st="s' in html          # highlighted statements
    assert 'id="claim-s1"' in html and "no corpus: corroboration not run" in html  # claims + verdict slot
    assert "no evidence" in html and "<svg" in html                          # coverage bar, empty
    assert "no evidence outlets" in html                                     # outlet graph, empty state
    assert 'id="framing"' in html and "Reader comments" in html
    assert "Disputed by" in html
    assert "style=" not in html and "<style" not in html and " on" + "click=" not in html
    rid = loc.rsplit("/", 1)[1]
    assert f"/api/reports/{rid}?format=html" in html


def test_ui_escapes_article_text(client):
    payload = ('Harbour officials said on Monday that <script>window.__pwned=1</script> the ferry '
               'would start in May. <img src=x onerror="document.title=\'pwned\'"> The minister denied it.\n')
    r = client.get(report_location(client, client.post("/analyze", data={"text": payload * 2}, follow_redirects=False)))
    assert r.status_code == 200
    assert "<script>window.__pwned" not in r.text and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in r.text
    assert "<img src=x" not in r.text and "&lt;img src=x onerror=" in r.text


def test_ui_errors_are_pages(client):
    r = client.post("/analyze", data={"text": "", "url": ""})
    assert r.status_code == 422 and "either a link or the article text" in r.text
    r = client.post("/analyze", data={"url": "file:///etc/passwd"})
    assert r.status_code == 400 and "file://" in r.text
    r = client.post("/analyze", data={"text": EXAMPLE}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.get("/reports/nosuchreport")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


def test_cli_claimreview_format(capsys):
    from claimmap.cli import main

    path = str(resources.files("claimmap.data.examples").joinpath("harbour_talks.txt"))
    with pytest.raises(SystemExit) as exc:
        main(["analyze", path, "--format", "claimreview", "--url", "https://news.invalid/harbour"])
    out, err = capsys.readouterr()
    assert exc.value.code == 0, err
    doc = json.loads(out)
    assert doc["@context"] == "https://schema.org" and doc["@graph"]
    assert {i["reviewRating"]["alternateName"] for i in doc["@graph"]} == {UNVERIFIED}
    assert {i["itemReviewed"]["appearance"][0]["url"] for i in doc["@graph"]} == {"https://news.invalid/harbour"}
    for bad in (["--url", "javascript:alert(1)"], ["--url", "file:///etc/passwd"]):
        with pytest.raises(SystemExit) as exc:
            main(["analyze", path, "--format", "claimreview", *bad])
        assert exc.value.code == 2 and "--url" in capsys.readouterr().err


def test_cli_serve_help(capsys):
    from claimmap.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--help"])
    out, _ = capsys.readouterr()
    assert exc.value.code == 0
    for opt in ("--host", "--port", "--db", "--allow-private"):
        assert opt in out


PAYLOAD_TEXT = 'Officials said <script>window.__pwned=1</script> it <img src=x onerror="alert(9)"> happened.'


def test_report_page_with_framing_and_corroboration(client, example):
    """Non-empty states: framing pills, the two-level verdict with its explanation, coverage
    segments, outlet graph, evidence (escaped; a javascript: URL is shown as text, never linked),
    the copy-of line."""
    data = {k: v for k, v in example.json().items() if k != "id"}
    first, second, third = (s["id"] for s in data["statements"][:3])
    data["framing"] = dict(data.get("framing") or {}, narrator_alignment={"norland_government": 0.75},
                           terms=[{"text": "<b>regime</b>", "start": 0, "end": 7, "side": "x", "voice": "narrator",
                                   "scare_quoted": True}], summary="Narrator leans <i>x</i>.")
    data["document"]["copy_of"] = 'https://orig.example/a?b=1&c="><script>alert(5)</script>'
    data["document"]["copy_of_outlet"] = "orig_<b>news</b>"
    keys = ["state:velmark", "speaker:Anna Roskova"]
    data["verdicts"] = [
        {"statement": first, "said": "corroborated", "so": "claimant_side_only", "claimant_keys": keys,
         "counts": {}, "claim": "x", "speaker": "Anna Roskova", "confidence": {"said": 0.8, "so": 0.55},
         "reason": "1 independent family reports <b>Roskova</b> saying it",
         "evidence": [
             {"url": "https://a.example/1", "outlet": "A <Times>", "family": "state:velmark", "stance": "agree",
              "independent": False, "text": PAYLOAD_TEXT, "published": "2026-03-10T09:00:00+00:00",
              "attributed_to": "<i>Roskova</i>", "reports_speaker": False},
             {"url": "https://b.example/2", "outlet": "B News", "family": "state:velmark", "stance": "agree",
              "independent": False, "text": "B says so.", "published": "2026-03-11"},
             {"url": "javascript:alert(1)", "outlet": "C Daily", "family": "owner:c", "stance": "discuss",
              "independent": False, "text": "C reports Roskova saying so.", "published": None, "reports_speaker": True},
             {"url": 'https://d.example/"onmouseover="alert(7)', "outlet": None, "family": "state:norland",
              "stance": "disagree", "independent": True, "text": "D denies it.", "published": "2026-03-12"}]},
        {"statement": second, "said": None, "so": "unverified", "claimant_keys": [], "evidence": []},
    ]
    data["corroboration_run"] = {"window": ["2026-03-03", "2026-03-17"], "window_days": 7, "claims": 2,
                                 "documents_searched": 12}
    rid = client.app.state.reports.save(data, source="text")
    html = client.get(f"/reports/{rid}").text
    assert "Norland government (fictional) 0.75" in html and "&lt;b&gt;regime&lt;/b&gt;" in html  # registry label
    assert "Narrator leans &lt;i&gt;x&lt;/i&gt;." in html
    # no payload survives as markup
    for bad in ("<script>alert", "<script>window", "<img src=x", '"onmouseover=', 'href="javascript:', "<b>news</b>",
                "<i>Roskova</i>", "<Times>"):
        assert bad not in html, bad
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html and "onerror=&#34;alert(9)&#34;" in html
    assert "A &lt;Times&gt;" in html and "quotes &lt;i&gt;Roskova&lt;/i&gt;" in html
    # the verdicts, in words
    claim1 = html.split(f'id="claim-{first}"', 1)[1].split("</details>", 1)[0]
    assert "said: corroborated" in claim1 and "so: claimant&#39;s side only" in claim1
    assert "only outlets on the speaker&#39;s side repeat it" in claim1
    # the verdict's own confidence (per level) and reason, when corroboration gives them
    assert "said 0.80 · so 0.55" in claim1 and "reports &lt;b&gt;Roskova&lt;/b&gt; saying it" in claim1
    assert "outlets independent of the speaker&#39;s side report that it was said" in claim1
    assert "12 corpus documents" in html and "published 2026-03-03 to 2026-03-17" in html
    # evidence: outlet (or host), date, stance, independence, snippet, link only for http(s)
    assert 'href="https://a.example/1"' in claim1 and "2026-03-10" in claim1
    assert "the claimant&#39;s side or quoting it: does not count as independent for so" in claim1
    assert "independent of the claimant: counts for so" in claim1 and "disagrees" in claim1 and ">d.example<" in claim1
    # a report that the speaker said it counts for said, and says so (not "not independent")
    assert "independent of the speaker&#39;s side: counts for said" in claim1
    assert "C Daily" in claim1 and "javascript:alert(1)" in claim1   # shown as text, not linked
    assert "reports the speaker saying it" in claim1
    # coverage: distinct families per (claimant's side / independent, stance)
    assert "claimant&#39;s side · agrees: 1 family" in claim1 and "independent · disagrees: 1 family" in claim1
    assert "independent · reports it: 1 family" in claim1
    # outlet graph: 4 outlets, A and B share a family; claimant's side in orange
    assert html.count("<circle") == 4 and html.count("<line") == 1 and 'fill="#e08a1e"' in html
    # copy of: linked (escaped inside the attribute), with the outlet
    assert 'id="copy-of"' in html and "orig_&lt;b&gt;news&lt;/b&gt;" in html
    assert 'href="https://orig.example/a?b=1&amp;c=&#34;&gt;&lt;script&gt;alert(5)&lt;/script&gt;"' in html
    # the narrator's claim: no said level; a claim corroboration did not check says so
    claim2 = html.split(f'id="claim-{second}"', 1)[1].split("</details>", 1)[0]
    assert "n/a (narrator)" in claim2 and "so: unverified" in claim2 and "does not make it false" in claim2
    claim3 = html.split(f'id="claim-{third}"', 1)[1].split("</details>", 1)[0]
    assert "not checked" in claim3 and "no corpus: corroboration not run" not in html
    cr = client.get(f"/api/reports/{rid}?format=claimreview").json()["@graph"][0]
    assert cr["reviewRating"]["alternateName"] == "Only the claimant's side confirms"
    assert cr["citation"] == ["https://a.example/1", "https://b.example/2", 'https://d.example/"onmouseover="alert(7)']
    # the self-contained download escapes the same payloads
    dl = client.get(f"/api/reports/{rid}?format=html").text
    for bad in ("<script>alert", "<script>window", "<img src=x", '"onmouseover=', 'href="javascript:', "<b>news</b>"):
        assert bad not in dl, bad
    assert "said: corroborated" in dl and 'id="copy-of"' in dl


def test_source_url_beside_pasted_text(client):
    """A source url beside pasted text is kept (never fetched: the host does not exist) and is the
    appearance of every ClaimReview item; it must be http(s), and never goes with url."""
    r = client.post("/api/analyze", json={"text": EXAMPLE, "source_url": "https://news.invalid/harbour-talks"})
    assert r.status_code == 201, r.text
    data = r.json()
    assert data["document"]["url"] == "https://news.invalid/harbour-talks"
    items = client.get(f"/api/reports/{data['id']}?format=claimreview").json()["@graph"]
    assert items and {i["itemReviewed"]["appearance"][0]["url"] for i in items} == {"https://news.invalid/harbour-talks"}
    for bad in ({"text": "x", "source_url": "javascript:alert(1)"}, {"text": "x", "source_url": "ftp://a.example/"},
                {"url": "https://a.example/", "source_url": "https://b.example/"}):
        r = client.post("/api/analyze", json=bad)
        assert r.status_code == 422 and r.json()["error"] == "invalid_request", bad


def test_async_analysis_is_a_job(client):
    """"async": true -> 202 and a job url; the job tells stage, progress and elapsed time, then
    the report id; the report is the one the synchronous call makes."""
    r = client.post("/api/analyze", json={"text": EXAMPLE, "async": True})
    assert r.status_code == 202, r.text
    job = r.json()
    assert r.headers["location"] == f"/api/jobs/{job['id']}"
    assert job["stage"] in ("queued", "analysing") and 0 <= job["elapsed"] < 60 and "stage_text" in job
    seen = {job["stage"]}
    deadline = time.monotonic() + 120
    while job["stage"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(f"/api/jobs/{job['id']}").json()
        seen.add(job["stage"])
        assert job["progress"] is None or 0 <= job["progress"] <= 1
    assert job["stage"] == "done" and job["progress"] == 1.0 and job["report_id"], job
    assert seen <= {"queued", "analysing", "saving", "done"}
    report = client.get(job["report_url"]).json()
    assert report["id"] == job["report_id"] and report["statements"]
    # the job page of a finished job leads to the report; an unknown job is 404
    page = client.get(f"/jobs/{job['id']}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/reports/{job['report_id']}"
    assert_error(client.get("/api/jobs/nope-nope"), 404, "not_found")


def test_async_job_failure_is_reported_like_the_sync_error(client):
    r = client.post("/api/analyze", json={"text": "Das ist ein deutscher Artikel über den Hafen und die Stadt. " * 5,
                                           "async": True})
    assert r.status_code == 202
    job = r.json()
    deadline = time.monotonic() + 60
    while job["stage"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(f"/api/jobs/{job['id']}").json()
    assert job["stage"] == "failed" and job["error"]["status"] == 422
    assert job["error"]["error"] == "unsupported_language"
    page = client.get(f"/jobs/{job['id']}")
    assert page.status_code == 422 and 'id="job-error"' in page.text


def test_job_page_shows_stage_and_elapsed_without_javascript(client, monkeypatch):
    """A slow analysis: the form leads to /jobs/{id}, a page that names the stage and the elapsed
    time and refreshes itself (<noscript> meta refresh), until it leads to the report."""
    import claimmap.api.app as app_module

    monkeypatch.setattr(app_module, "UI_WAIT_SECONDS", 0.0)
    r = client.post("/analyze", data={"text": EXAMPLE}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    page = client.get(r.headers["location"], follow_redirects=False)
    if page.status_code == 200:   # still running
        assert 'id="job-stage"' in page.text and "s elapsed" in page.text
        assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page.text
    assert report_location(client, r).startswith("/reports/")


def test_friendly_error_pages(tmp_path, monkeypatch):
    """413, 422 and 502 in the browser are pages in the app's style (never raw JSON), and no
    message names an environment setting."""
    app = create_app(db_path=tmp_path / "t.db", max_body=2000, allow_private=False, warm=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/analyze", data={"text": "x" * 5000})
        assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
        assert "Too much at once" in r.text and "/static/app.css" in r.text and "CLAIMMAP_" not in r.text
        r = c.post("/analyze", data={"text": "Das ist ein deutscher Artikel über den Hafen und die Stadt. " * 5})
        assert r.status_code == 422 and r.headers["content-type"].startswith("text/html") and 'role="alert"' in r.text
        r = c.get("/reports/abcdefgh?side=" + "x" * 200)
        assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
        assert "This could not be analysed" in r.text or "side" in r.text
        # an unreachable address: 502 in the form, no setting named
        import claimmap.api.app as app_module
        from claimmap.errors import FetchError

        def unreachable(*a, **k):
            raise FetchError("cannot reach https://news.invalid/story: name does not resolve")

        monkeypatch.setattr(app_module, "_analyze", unreachable)
        r = c.post("/analyze", data={"url": "https://news.invalid/story"})
        assert r.status_code == 502 and "cannot reach" in r.text and "CLAIMMAP_" not in r.text
        r = c.post("/api/analyze", json={"text": "x", "corroborate": True})
        assert r.status_code == 422 and "CLAIMMAP_" not in r.json()["message"]
        assert "CLAIMMAP_" not in c.post("/api/analyze", json={"text": "x" * 5000}).json()["message"]
