"""The web UI in a real browser: Chromium (the system package, /usr/bin/chromium) through
Playwright, against ``claimmap serve``'s app on 127.0.0.1. Skips where Chromium or Playwright
is absent (CI installs Chromium from apt in .ci/run; no browser is ever downloaded).

Screenshots go to out/browser/ (ignored by git).
"""

from __future__ import annotations

import socket
import threading
import time
from importlib import resources
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "out" / "browser"
EXAMPLE = resources.files("claimmap.data.examples").joinpath("harbour_talks.txt").read_text("utf-8")

if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium chromium-driver)",
                allow_module_level=True)
pytest.importorskip("uvicorn", reason="the web app needs fastapi and uvicorn")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install playwright)")


def start_server(app):
    """(base url, uvicorn server, thread) of ``app`` on a free loopback port."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # startup loads the NLP pipeline
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    if not server.started:
        pytest.fail("uvicorn did not start")
    return f"http://127.0.0.1:{port}", server, thread, sock


def stop_server(server, thread, sock):
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from claimmap.api import create_app

    app = create_app(db_path=tmp_path_factory.mktemp("ui") / "claimmap.db", allow_private=False, token="")
    url, srv, thread, sock = start_server(app)
    yield url, app
    stop_server(srv, thread, sock)


@pytest.fixture(scope="module")
def base_url(server):
    return server[0]


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.csp_violations = []
    pg.on("console", lambda m: pg.csp_violations.append(m.text) if "Content Security Policy" in m.text else None)
    yield pg
    context.close()


def submit_text(page, base_url, text):
    page.goto(base_url + "/")
    page.fill("#text", text)
    page.click("#submit")
    page.wait_for_url("**/reports/*", timeout=120_000)


def test_paste_example_then_open_a_claim(page, base_url):
    submit_text(page, base_url, EXAMPLE)
    assert page.locator("#article .content").count() >= 5              # statements highlighted
    assert page.locator("#article span.speaker").count() >= 3
    claims = page.locator("details.claim")
    assert claims.count() >= 5
    first = page.locator("details.claim").nth(1)
    summary = first.locator("summary")
    evidence = first.locator(".evidence")
    assert not evidence.is_visible() and summary.get_attribute("aria-expanded") == "false"
    summary.click()
    evidence.wait_for(state="visible")
    playwright_api.expect(summary).to_have_attribute("aria-expanded", "true")
    assert "no corpus: corroboration not run" in evidence.inner_text()
    assert "Disputed by" in evidence.inner_text()
    assert page.locator("#article .active").first.is_visible()          # its statement lit up in the article
    assert evidence.locator("svg.coverage").count() == 0                # no corpus: no empty coverage bar
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report.png"))
    # clicking the claim again closes it
    summary.click()
    evidence.wait_for(state="hidden")
    playwright_api.expect(summary).to_have_attribute("aria-expanded", "false")
    playwright_api.expect(page.locator("#article .active")).to_have_count(0)
    assert page.csp_violations == []


def test_phone_width(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    try:
        submit_text(pg, base_url, EXAMPLE)
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"page scrolls sideways at phone width ({width}px)"
        pg.locator("details.claim summary").first.click()
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / "report-phone.png"))
    finally:
        context.close()


PAYLOAD = (
    "Harbour officials said on Monday that the ferry would start service in May. "
    "<script>window.__pwned = 1; document.title = 'pwned';</script> "
    "The transport minister denied that the project was over budget, "
    "<img src=x onerror=\"window.__pwned = 2; document.title = 'pwned'\"> "
    "and <svg onload=\"window.__pwned = 3\"></svg> the council said "
    "\"<a href=\\\"javascript:window.__pwned=4\\\">click</a>\" was nonsense.\n"
)


def test_script_payloads_are_shown_as_text(page, base_url):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    submit_text(page, base_url, PAYLOAD * 3)
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() != "pwned" and dialogs == []
    text = page.inner_text("#article")
    assert "<script>window.__pwned = 1;" in text and "<img src=x onerror=" in text
    assert page.locator("#article script, #article img, #article svg, #article a[href^='javascript']").count() == 0
    for link in page.locator("details.claim summary").all()[:3]:
        link.click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.csp_violations == []


EVIL_EVIDENCE = ('Divers did it <script>window.__pwned = 5;</script> '
                 '<img src=x onerror="window.__pwned = 6">.')


def test_corroborated_claim_shows_verdict_and_evidence(page, server):
    """A stored report with verdicts (hand-written): the claim panel shows both verdict levels in
    words, the coverage bar and the evidence (payloads shown as text), the header the copy-of line."""
    base_url, app = server
    r = page.request.post(base_url + "/api/analyze", data={"text": EXAMPLE})
    assert r.status == 201
    data = {k: v for k, v in r.json().items() if k != "id"}
    first = data["statements"][0]["id"]
    data["document"]["copy_of"] = "https://orig.example/story"
    data["document"]["copy_of_outlet"] = "orig_news"
    data["verdicts"] = [{
        "statement": first, "said": "corroborated", "so": "claimant_side_only", "claimant_keys": ["state:velmark"],
        "evidence": [
            {"url": "https://a.example/1", "outlet": "a_news", "family": "state:velmark", "stance": "agree",
             "independent": False, "text": EVIL_EVIDENCE, "published": "2026-03-10"},
            {"url": "javascript:window.__pwned=7", "outlet": "b_wire", "family": "owner:b", "stance": "discuss",
             "independent": False, "text": "B reports it was said.", "published": "2026-03-11", "reports_speaker": True}]}]
    data["corroboration_run"] = {"window": ["2026-03-03", "2026-03-17"], "window_days": 7, "claims": 1,
                                 "documents_searched": 2}
    rid = app.state.reports.save(data, source="text")
    page.goto(f"{base_url}/reports/{rid}")
    assert "Copy of orig_news’s story: https://orig.example/story" in page.inner_text("#copy-of")
    claim = page.locator(f"#claim-{first}")
    claim.locator("summary").click()
    evidence = claim.locator(".evidence")
    evidence.wait_for(state="visible")
    text = evidence.inner_text()
    assert "corroborated" in text and "only outlets on the speaker's side repeat it" in text
    assert "<script>window.__pwned = 5;</script>" in text
    assert "does not count as independent for so" in text and "independent of the speaker's side: counts for said" in text
    assert evidence.locator("svg.coverage rect").count() >= 3          # frame + 2 segments
    assert evidence.locator("a[href='https://a.example/1']").count() == 1
    assert page.locator("a[href^='javascript']").count() == 0 and page.locator(".evidence script, .evidence img").count() == 0
    assert page.locator("svg.graph circle").count() == 2
    assert page.evaluate("typeof window.__pwned") == "undefined"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report-verdicts.png"), full_page=True)
    assert page.csp_violations == []


# ----------------------------------------------------------------------------- issue 16: the report a checker reads
def _scores(page):
    return [float(t) for t in page.locator("#claims > details.claim summary .score").all_inner_texts()]


def test_seed_claims_first_and_comments_apart(page, server, seed_text):
    """The seed: the article's claims ranked by check-worthiness in the claims panel, each with its
    score and reason; statements from reader comments only inside the comments section."""
    base_url, app = server
    submit_text(page, base_url, seed_text)
    rid = page.url.rsplit("/", 1)[1].split("?")[0]
    data = page.request.get(f"{base_url}/api/reports/{rid}").json()
    from claimmap.report.claims import confident

    kinds = {z["id"]: z["kind"] for z in data["zones"]}
    shown_st = [s for s in data["statements"] if confident(s)]   # readings below the threshold are left out
    article_ids = {s["id"] for s in shown_st if kinds[s["zone"]] in ("header", "body")}
    comment_ids = {s["id"] for s in shown_st if kinds[s["zone"]] == "comment"}
    assert article_ids and comment_ids
    panel = page.locator("#claims > details.claim")
    shown = {panel.nth(i).get_attribute("data-st") for i in range(panel.count())}
    assert shown == article_ids                                   # every article claim, no comment's
    # ranked: the engine's order (check-worthiness weighted by reading confidence, headline
    # fragments last: claimmap.checkworthiness.rank), which among full claims is the score order
    from claimmap.checkworthiness.rank import is_headline_fragment, priority, rank_key

    zones = {z["id"]: z for z in data["zones"]}
    order = {s["id"]: i for i, s in enumerate(data["statements"])}
    expected = sorted((s for s in data["statements"] if s["id"] in article_ids),
                      key=lambda s: rank_key(s, zones[s["zone"]], order[s["id"]]))
    assert [panel.nth(i).get_attribute("data-st") for i in range(panel.count())] == [s["id"] for s in expected]
    full = [priority(s.get("checkworthiness"), s.get("confidence")) for s in expected
            if not is_headline_fragment(s, zones[s["zone"]])]
    assert full == sorted(full, reverse=True) and len(_scores(page)) == len(article_ids)
    assert page.locator("#claims > details.claim summary .why").first.inner_text().startswith(("high", "medium", "low"))
    in_comments = {e.get_attribute("data-st") for e in page.locator("#comments details.claim").all()}
    assert in_comments == comment_ids
    # every comment shows its text with its flags, and the summary counts what is shown
    cards = page.locator("#comments .comment-card")
    assert cards.count() == sum(1 for k in kinds.values() if k == "comment")
    flagged = sum(1 for i in range(cards.count()) if cards.nth(i).locator(".pill.flag").count())
    assert "have at least one flag" in page.inner_text("#comments-summary")
    assert f", {flagged} " in page.inner_text("#comments-summary")
    # filters: polarity "deny" leaves only denials, still ranked
    page.select_option("form.filters select[name=polarity]", "deny")
    page.wait_for_url("**polarity=deny**")
    assert page.locator("#claims > details.claim").count() >= 1
    assert all("pol-deny" in (c.get_attribute("class") or "") for c in page.locator("#claims > details.claim").all())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "seed-claims.png"))
    assert page.csp_violations == []


def test_docs_render_under_the_csp(page, base_url):
    page.goto(base_url + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/analyze" in paths and "/api/jobs/{job_id}" in paths and "/api/reports/{report_id}" in paths
    assert page.csp_violations == []
    page.goto(base_url + "/redoc")
    page.wait_for_selector("[data-section-id]", timeout=30_000)
    assert "/api/analyze" in page.inner_text("body")
    assert not [v for v in page.csp_violations if "script" in v.lower()]


def test_token_flow_with_the_page_links(browser, tmp_path):
    """Token mode: the report page asks for the token once; then its JSON, ClaimReview and HTML
    download links work with the session cookie (which no script can read); sign-out ends it."""
    from claimmap.api import create_app

    app = create_app(db_path=tmp_path / "t.db", allow_private=False, token="s3cret", warm=False)
    url, srv, thread, sock = start_server(app)
    context = browser.new_context(accept_downloads=True)
    pg = context.new_page()
    try:
        r = pg.request.post(url + "/api/analyze", data={"text": EXAMPLE}, headers={"Authorization": "Bearer s3cret"})
        rid = r.json()["id"]
        pg.goto(f"{url}/reports/{rid}")
        assert pg.locator("#signin-form").is_visible() and "Roskova" not in pg.content()
        pg.fill("#token", "wrong")
        pg.click("#signin")
        assert "not this server's access token" in pg.inner_text("#form-error")
        pg.fill("#token", "s3cret")
        pg.click("#signin")
        pg.wait_for_url(f"**/reports/{rid}")
        assert pg.locator("#claims details.claim").count() >= 5
        assert pg.evaluate("document.cookie") == ""                       # HttpOnly
        cookie = [c for c in context.cookies() if c["name"] == "claimmap_session"][0]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        with pg.expect_download() as dl:
            pg.click(f"a[href='/api/reports/{rid}?format=html']")
        assert dl.value.suggested_filename == f"claimmap-{rid}.html"
        pg.click(f"a[href='/api/reports/{rid}?format=claimreview']")
        # read the page once the navigation the click started has loaded (content() read right
        # after the click could see the page in between: CI once got '')
        pg.wait_for_url(lambda u: u.endswith(f"/api/reports/{rid}?format=claimreview"))
        pg.wait_for_load_state()
        assert '"@context"' in pg.content() and "ClaimReview" in pg.content()
        pg.goto(f"{url}/reports/{rid}")
        pg.click(f"a[href='/api/reports/{rid}']")
        pg.wait_for_url(lambda u: u.endswith(f"/api/reports/{rid}"))
        pg.wait_for_load_state()
        assert '"statements"' in pg.content()
        pg.goto(f"{url}/reports/{rid}")
        pg.click("#signout")
        pg.wait_for_url(url + "/")
        pg.goto(f"{url}/reports/{rid}")
        assert pg.locator("#signin-form").is_visible()
    finally:
        context.close()
        stop_server(srv, thread, sock)


def test_job_progress_page(browser, server, monkeypatch):
    """A slow analysis opens its progress page (stage, elapsed time), with JavaScript and without."""
    import claimmap.api.app as app_module

    base_url, _ = server
    monkeypatch.setattr(app_module, "UI_WAIT_SECONDS", 0.0)
    # a slow analysis, whatever the machine: on a fast one the example finishes before the
    # browser opens its job page, which then (rightly) redirects straight to the report
    analyse = app_module._analysis_job

    def slow(*args, **kwargs):
        time.sleep(4)
        return analyse(*args, **kwargs)

    monkeypatch.setattr(app_module, "_analysis_job", slow)
    for js in (True, False):
        context = browser.new_context(java_script_enabled=js)
        pg = context.new_page()
        try:
            pg.goto(base_url + "/")
            pg.fill("#text", EXAMPLE)
            pg.click("#submit")
            pg.wait_for_url("**/jobs/*", timeout=60_000)
            if "/jobs/" in pg.url and pg.locator("#job-stage").count():
                assert pg.inner_text("#job-stage") and pg.locator("#job-elapsed").count() == 1
                SHOTS.mkdir(parents=True, exist_ok=True)
                pg.screenshot(path=str(SHOTS / f"job-{'js' if js else 'nojs'}.png"))
            pg.wait_for_url("**/reports/*", timeout=120_000)      # followed (fetch) or refreshed (meta)
            assert pg.locator("#claims details.claim").count() >= 5
        finally:
            context.close()


def test_keyboard_and_phone(browser, base_url):
    """Highlighted statements are links reachable with Tab that open their claim with Enter;
    at phone width a skip link leads to the claims, which come before the article."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    try:
        submit_text(pg, base_url, EXAMPLE)
        skip = pg.locator("a.skip")
        assert skip.is_visible() and skip.bounding_box()["y"] < 200
        claims_y = pg.locator("#claims").bounding_box()["y"]
        assert claims_y < pg.locator("#article").bounding_box()["y"] and claims_y < 1200
        pg.keyboard.press("Tab")
        assert pg.evaluate("document.activeElement.className") == "skip"
        pg.keyboard.press("Enter")
        assert pg.url.endswith("#claims")
        # Tab through the page to the first statement link in the article
        for _ in range(400):
            pg.keyboard.press("Tab")
            if pg.evaluate("document.activeElement.matches('#article a.st-link')"):
                break
        else:
            raise AssertionError("no statement in the article is reachable with Tab")
        target = pg.evaluate("document.activeElement.getAttribute('data-open')")
        pg.keyboard.press("Enter")
        claim = pg.locator(f"#claim-{target}")
        playwright_api.expect(claim.locator("summary")).to_have_attribute("aria-expanded", "true")
        assert pg.evaluate("document.activeElement.closest('details') && document.activeElement.closest('details').id") == f"claim-{target}"
        # Enter on a claim's summary closes it again
        pg.keyboard.press("Enter")
        playwright_api.expect(claim.locator("summary")).to_have_attribute("aria-expanded", "false")
    finally:
        context.close()
