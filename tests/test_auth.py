"""Token mode end to end (claimmap.api.auth): with CLAIMMAP_API_TOKEN set, every report page,
job page and download needs the token; the browser enters it once and keeps an HttpOnly,
SameSite=Strict session cookie, with which the page's own links work; sign-out ends it."""

from __future__ import annotations

import time
from importlib import resources

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from claimmap.api import auth, create_app  # noqa: E402

TOKEN = "s3cret-token"
EXAMPLE = resources.files("claimmap.data.examples").joinpath("harbour_talks.txt").read_text("utf-8")
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(db_path=tmp_path_factory.mktemp("auth") / "t.db", token=TOKEN, warm=False)


@pytest.fixture(scope="module")
def report_id(app):
    with TestClient(app) as c:
        r = c.post("/api/analyze", json={"text": EXAMPLE}, headers=BEARER)
        assert r.status_code == 201, r.text
        return r.json()["id"]


def _links(rid):
    return [f"/reports/{rid}", f"/api/reports/{rid}", f"/api/reports/{rid}?format=claimreview",
            f"/api/reports/{rid}?format=html", f"/reports/{rid}?polarity=deny"]


def test_every_report_page_and_download_needs_the_token(app, report_id):
    with TestClient(app) as c:
        for path in _links(report_id):
            r = c.get(path)
            assert r.status_code == 401, path
            assert "Harbour" not in r.text and "Roskova" not in r.text, path   # nothing of the report leaks
        page = c.get(f"/reports/{report_id}")
        assert 'action="/signin"' in page.text and f'value="/reports/{report_id}"' in page.text
        # the form, the docs and the static files stay open
        assert c.get("/").status_code == 200 and c.get("/docs").status_code == 200
        assert c.get("/static/app.css").status_code == 200
        # a header still works for every link
        assert all(c.get(p, headers=BEARER).status_code == 200 for p in _links(report_id))


def test_sign_in_once_then_links_work_then_sign_out(app, report_id):
    with TestClient(app) as c:
        r = c.post("/signin", data={"token": "wrong", "next": f"/reports/{report_id}"}, follow_redirects=False)
        assert r.status_code == 401 and auth.COOKIE not in r.headers.get("set-cookie", "")
        r = c.post("/signin", data={"token": TOKEN, "next": f"/reports/{report_id}"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/reports/{report_id}"
        cookie = r.headers["set-cookie"]
        assert cookie.startswith(auth.COOKIE + "=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert TOKEN not in cookie
        page = c.get(f"/reports/{report_id}")
        assert page.status_code == 200 and 'id="signout"' in page.text
        for path in _links(report_id):
            assert c.get(path).status_code == 200, path
        # the cookie reads; it never writes through the API (a POST there needs the header)
        assert c.post("/api/analyze", json={"text": EXAMPLE}).status_code == 401
        # the form no longer asks for the token
        assert 'name="token"' not in c.get("/").text
        r = c.post("/signout", follow_redirects=False)
        assert r.status_code == 303 and auth.COOKIE in r.headers["set-cookie"]
        assert c.get(f"/reports/{report_id}").status_code == 401


def test_token_typed_in_the_analyze_form_starts_a_session(app):
    with TestClient(app) as c:
        r = c.post("/analyze", data={"text": EXAMPLE, "token": TOKEN}, follow_redirects=False)
        assert r.status_code == 303 and auth.COOKIE in r.headers.get("set-cookie", "")
        assert c.get(r.headers["location"]).status_code == 200
        assert c.get(r.headers["location"].replace("/reports/", "/api/reports/") + "?format=html").status_code == 200


def test_forged_expired_and_cross_site(app, report_id):
    with TestClient(app) as c:
        c.cookies.set(auth.COOKIE, f"{int(time.time())}.{'0' * 64}")
        assert c.get(f"/reports/{report_id}").status_code == 401
        c.cookies.set(auth.COOKIE, auth.new_session(TOKEN, now=time.time() - auth.SESSION_SECONDS - 5))
        assert c.get(f"/reports/{report_id}").status_code == 401
        c.cookies.set(auth.COOKIE, auth.new_session("another-token"))
        assert c.get(f"/reports/{report_id}").status_code == 401
        c.cookies.clear()
        r = c.post("/signin", data={"token": TOKEN}, headers={"Origin": "https://evil.example"}, follow_redirects=False)
        assert r.status_code == 403 and auth.COOKIE not in r.headers.get("set-cookie", "")


def test_next_is_same_site_only():
    assert auth.safe_next("/reports/abc?x=1") == "/reports/abc?x=1"
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""):
        assert auth.safe_next(bad) == "/"


def test_jobs_need_the_token_and_the_page_polls_with_the_cookie(app):
    with TestClient(app) as c:
        assert c.post("/api/analyze", json={"text": EXAMPLE, "async": True}).status_code == 401
        r = c.post("/api/analyze", json={"text": EXAMPLE, "async": True}, headers=BEARER)
        assert r.status_code == 202
        job_url = r.headers["location"]
        assert c.get(job_url).status_code == 401 and c.get(job_url.replace("/api", "")).status_code == 401
        c.post("/signin", data={"token": TOKEN}, follow_redirects=False)
        assert c.get(job_url).status_code == 200                     # what the progress page's script reads
        deadline = time.monotonic() + 120
        while c.get(job_url).json()["stage"] not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.2)
        page = c.get(job_url.replace("/api", ""), follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/reports/")
