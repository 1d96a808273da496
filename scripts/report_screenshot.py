"""Take docs/report.png: the report page of the shipped example, corroborated against the demo
coverage corpus (claimmap/data/examples/coverage, fictional), in headless Chromium.

    .venv/bin/python scripts/report_screenshot.py [--out docs/report.png] [--chromium /usr/bin/chromium]

Starts the app on 127.0.0.1 (a free port, throwaway databases), analyses the example through the
API as published at its (fictional) address, opens the top claim and saves a 1280 px wide shot.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from importlib import resources
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/report.png")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--height", type=int, default=1100)
    args = ap.parse_args()

    import uvicorn
    from playwright.sync_api import sync_playwright

    from claimmap.api import create_app
    from claimmap.demo import ARTICLE_URL, PUBLISHED, build_coverage, use_demo_outlets

    text = resources.files("claimmap.data.examples").joinpath("harbour_talks.txt").read_text("utf-8")
    with tempfile.TemporaryDirectory(prefix="claimmap-shot-") as tmp:
        use_demo_outlets()
        corpus = Path(tmp) / "coverage.db"
        build_coverage(corpus)
        app = create_app(db_path=Path(tmp) / "reports.db", corpus_db=corpus, allow_private=False, token="",
                         warm=False, isolation="thread")
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.1)
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium,
                                            args=["--headless", "--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1280, "height": args.height})
                r = page.request.post(base + "/api/analyze", timeout=300_000, data={
                    "text": text, "source_url": ARTICLE_URL, "published": PUBLISHED, "corroborate": True})
                assert r.status == 201, r.text()
                page.goto(f"{base}/reports/{r.json()['id']}")
                page.locator("#claims > details.claim summary").first.click()
                page.wait_for_timeout(300)
                Path(args.out).parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=args.out)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
