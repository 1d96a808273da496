"""REST API and web UI (FastAPI TestClient): every endpoint, every error shape, the token,
the body limit, the report round trip and the exports. Traffic only to 127.0.0.1."""

from __future__ import annotations

import ipaddress
import json
import threading
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
    # loopback allowed for this app only, so the URL test can use the local server
    app = create_app(db_path=db, allow_private=LOOPBACK, token="", warm=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def example(client):
    r = client.post("/api/analyze", json={"text": EXAMPLE})
    assert r.status_code == 201, r.text
    return r


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
    assert len(items) == len(data["statements"])
    for item, st in zip(items, data["statements"]):
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


def test_claimreview_uses_corroboration_and_article_url():
    from claimmap.report.claimreview import to_claimreview

    data = {"document": {"url": "https://news.example/a", "title": "T"},
            "statements": [{"id": "s1", "content": {"text": "the cable was cut"},
                            "speaker": {"canonical": "Anna Roskova", "text": "Roskova"}}],
            "corroboration": [{"statement": "s1", "verdict": "Supported by 3 outlet families",
                               "evidence": [{"url": "https://b.example/x"}, {"url": "https://c.example/y"}]}]}
    item = to_claimreview(data)["@graph"][0]
    assert item["reviewRating"]["alternateName"] == "Supported by 3 outlet families"
    assert item["citation"] == ["https://b.example/x", "https://c.example/y"]
    assert item["itemReviewed"]["appearance"][0]["url"] == "https://news.example/a"
    assert item["itemReviewed"]["author"] == {"@type": "Person", "name": "Anna Roskova"}


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
def test_corpus_add_stats_search(client):
    before = client.get("/api/corpus/stats").json()
    r = client.post("/api/corpus/documents", json={"text": "Norland navy divers cut the harbour cable, officials said.",
                                                   "title": "Cable cut", "url": "https://a.example/1", "site": "a.example"})
    assert r.status_code == 201 and isinstance(r.json()["id"], int)
    client.post("/api/corpus/documents", json={"text": "Storm damage broke the cable, Norland said.", "site": "b.example"})
    stats = client.get("/api/corpus/stats").json()
    assert stats["documents"] == before["documents"] + 2 and stats["sites"] >= 2 and stats["store"] == "embedded"
    res = client.get("/api/corpus/search", params={"q": "harbour cable"}).json()
    assert res["count"] == 1 and res["results"][0]["title"] == "Cable cut" and "[cable]" in res["results"][0]["snippet"]
    assert client.get("/api/corpus/search", params={"q": "cable"}).json()["count"] == 2
    # FTS5 syntax in the query is not interpreted
    for q in ['cable"', "NEAR(cable", "cable OR", "*", "title:cable", "-"]:
        r = client.get("/api/corpus/search", params={"q": q})
        assert r.status_code == 200, (q, r.text)


def test_corpus_errors(client):
    assert_error(client.post("/api/corpus/documents", json={"title": "no text"}), 422, "invalid_request")
    assert_error(client.post("/api/corpus/documents", json={"text": ""}), 422, "invalid_request")
    assert_error(client.get("/api/corpus/search"), 422, "invalid_request")
    assert_error(client.get("/api/corpus/search", params={"q": "x", "limit": 0}), 422, "invalid_request")


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
        assert c.post("/api/corpus/documents", json={"text": "small"}).status_code == 201


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
    assert r.status_code == 303 and r.headers["location"].startswith("/reports/")
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    html = page.text
    assert 'class="content pol-' in html and 'data-st="s' in html          # highlighted statements
    assert 'id="claim-s1"' in html and "no corpus: corroboration not run" in html  # claims + verdict slot
    assert "no evidence" in html and "<svg" in html                          # coverage bar, empty
    assert "no evidence outlets" in html                                     # outlet graph, empty state
    assert 'id="framing"' in html and "Reader comments" in html
    assert "Disputed by" in html
    assert "style=" not in html and "<style" not in html and " on" + "click=" not in html
    rid = r.headers["location"].rsplit("/", 1)[1]
    assert f"/api/reports/{rid}?format=html" in html


def test_ui_escapes_article_text(client):
    payload = ('Harbour officials said on Monday that <script>window.__pwned=1</script> the ferry '
               'would start in May. <img src=x onerror="document.title=\'pwned\'"> The minister denied it.\n')
    r = client.post("/analyze", data={"text": payload * 2}, follow_redirects=True)
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
        main(["analyze", path, "--format", "claimreview"])
    out, err = capsys.readouterr()
    assert exc.value.code == 0, err
    doc = json.loads(out)
    assert doc["@context"] == "https://schema.org" and doc["@graph"]
    assert {i["reviewRating"]["alternateName"] for i in doc["@graph"]} == {UNVERIFIED}


def test_cli_serve_help(capsys):
    from claimmap.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--help"])
    out, _ = capsys.readouterr()
    assert exc.value.code == 0
    for opt in ("--host", "--port", "--db", "--allow-private"):
        assert opt in out


def test_report_page_with_framing_and_corroboration(client, example):
    """Non-empty states: framing pills, coverage segments, outlet graph, evidence links (escaped;
    a javascript: URL is shown as text, never linked)."""
    data = {k: v for k, v in example.json().items() if k != "id"}
    first, second = data["statements"][0]["id"], data["statements"][1]["id"]
    data["framing"] = dict(data.get("framing") or {}, narrator_alignment={"norland_government": 0.75},
                           terms=[{"text": "<b>regime</b>", "start": 0, "end": 7, "side": "x", "voice": "narrator",
                                   "scare_quoted": True}], summary="Narrator leans <i>x</i>.")
    data["corroboration"] = [
        {"statement": first, "verdict": "Contested <em>across</em> families",
         "evidence": [{"url": "https://a.example/1", "outlet": "A <Times>", "family": "fa", "side": "west", "stance": "support"},
                      {"url": "https://b.example/2", "outlet": "B News", "family": "fa", "side": "west", "stance": "support"},
                      {"url": "javascript:alert(1)", "outlet": "C Daily", "family": "fc", "side": "east", "stance": "contradict"}]},
    ]
    rid = client.app.state.reports.save(data, source="text")
    html = client.get(f"/reports/{rid}").text
    assert "norland_government 0.75" in html and "&lt;b&gt;regime&lt;/b&gt;" in html
    assert "Narrator leans &lt;i&gt;x&lt;/i&gt;." in html
    assert "Contested &lt;em&gt;across&lt;/em&gt; families" in html
    assert "west · support: 1 family" in html and "east · contradict: 1 family" in html
    assert html.count("<circle") == 3 and "<line" in html                 # 3 outlets, A and B share a family
    assert 'href="https://a.example/1"' in html and "A &lt;Times&gt;" in html
    assert 'href="javascript:' not in html
    # the other claims still say plainly that corroboration did not run for them
    claim2 = html.split(f'id="claim-{second}"', 1)[1].split("</details>", 1)[0]
    assert "no corpus: corroboration not run" in claim2
    cr = client.get(f"/api/reports/{rid}?format=claimreview").json()["@graph"][0]
    assert cr["reviewRating"]["alternateName"] == "Contested <em>across</em> families"
    assert cr["citation"] == ["https://a.example/1", "https://b.example/2"]  # no javascript: URL
