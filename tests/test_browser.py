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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from claimmap.api import create_app

    app = create_app(db_path=tmp_path_factory.mktemp("ui") / "claimmap.db", allow_private=False, token="")
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
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


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
    assert page.locator("#article span.content").count() >= 5          # statements highlighted
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
    assert evidence.locator("svg.coverage").is_visible()                # the (empty) coverage bar
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
    assert "copy of https://orig.example/story" in page.inner_text("#copy-of")
    claim = page.locator(f"#claim-{first}")
    claim.locator("summary").click()
    evidence = claim.locator(".evidence")
    evidence.wait_for(state="visible")
    text = evidence.inner_text()
    assert "corroborated" in text and "only outlets on the speaker's side repeat it" in text
    assert "<script>window.__pwned = 5;</script>" in text and "not independent" in text
    assert evidence.locator("svg.coverage rect").count() >= 3          # frame + 2 segments
    assert evidence.locator("a[href='https://a.example/1']").count() == 1
    assert page.locator("a[href^='javascript']").count() == 0 and page.locator(".evidence script, .evidence img").count() == 0
    assert page.locator("svg.graph circle").count() == 2
    assert page.evaluate("typeof window.__pwned") == "undefined"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report-verdicts.png"), full_page=True)
    assert page.csp_violations == []
