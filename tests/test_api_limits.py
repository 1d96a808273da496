"""The web app under bounded work (issue 16), with analyses in worker processes
(CLAIMMAP_API_ISOLATION=process, the default of ``claimmap serve``): a 9 MB paste is refused at
once while /api/health answers, an analysis over its budget is stopped and its worker freed,
SIGTERM during an analysis stops the server within 10 s. One real server (``claimmap serve``)
for the module; the SIGTERM test runs last and stops it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import anyio
import pytest

httpx = pytest.importorskip("httpx")

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 4  # seconds: CLAIMMAP_ANALYSIS_TIMEOUT of the test server


def short_lines(n: int) -> str:
    import random

    rng = random.Random(5)
    words = "the port minister said talks will resume on monday according to officials".split()
    return "".join(" ".join(rng.choice(words) for _ in range(rng.randint(2, 5))).capitalize() + ".\n"
                   for _ in range(n))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    tmp = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "CLAIMMAP_API_ISOLATION": "process", "CLAIMMAP_API_WORKERS": "1",
           "CLAIMMAP_ANALYSIS_TIMEOUT": str(BUDGET), "CLAIMMAP_API_TOKEN": ""}
    env.pop("CLAIMMAP_CORPUS_DB", None)
    log = open(tmp / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "claimmap", "serve", "--port", str(port),
                             "--db", str(tmp / "reports.db")], env=env, cwd=ROOT, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the server did not start: " + (tmp / "server.log").read_text(errors="replace")[-2000:])
        time.sleep(0.3)
    yield proc, base
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)
    log.close()


class HealthProbe:
    """Polls /api/health in a thread; ``worst`` is the slowest answer (None if any failed)."""

    def __init__(self, base: str) -> None:
        self.base, self.times, self.failed = base, [], 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=5) as c:
            while not self._stop.is_set():
                t = time.monotonic()
                try:
                    ok = c.get("/api/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    self.times.append(time.monotonic() - t)
                else:
                    self.failed += 1
                time.sleep(0.1)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)


def test_nine_mb_paste_is_refused_at_once_while_health_answers(server):
    _, base = server
    paste = ("The minister said the port would reopen on Monday. " * 180_000)[:9_000_000]
    with HealthProbe(base) as probe:
        t = time.monotonic()
        r = httpx.post(base + "/api/analyze", json={"text": paste}, timeout=60)
        secs = time.monotonic() - t
        time.sleep(0.5)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "text_too_long"
    assert body["message"] == "the text is too long to analyse: 9000000 characters, limit 200000"
    assert "CLAIMMAP_" not in body["message"]
    assert secs < 10
    assert probe.failed == 0 and probe.times and max(probe.times) < 1.0


def test_analysis_over_the_budget_is_stopped_and_the_worker_freed(server):
    _, base = server
    long_text = short_lines(6000)  # about 125k characters: under the cap, far over 4 s
    with HealthProbe(base) as probe:
        t = time.monotonic()
        r = httpx.post(base + "/api/analyze", json={"text": long_text}, timeout=120)
        secs = time.monotonic() - t
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "analysis_timeout"
    assert r.json()["message"].startswith(f"the analysis ran over its {BUDGET}-second budget and was stopped")
    assert BUDGET - 0.5 < secs < BUDGET + 10
    assert probe.failed == 0 and max(probe.times) < 1.0  # the event loop never waited on it
    # the worker serves again (a short article: the 4 s budget holds on a loaded machine too)
    short = ("The harbour authority said on Monday that the new quay would open in June. "
             "Fishermen denied that the dredging plan had been agreed.")
    r = httpx.post(base + "/api/analyze", json={"text": short}, timeout=120)
    assert r.status_code == 201, r.text


def test_sigterm_during_an_analysis_stops_the_server_within_10_s(server):
    proc, base = server
    answers = []

    def analyse():
        try:
            answers.append(httpx.post(base + "/api/analyze", json={"text": short_lines(6000)}, timeout=60))
        except httpx.HTTPError as exc:
            answers.append(exc)

    th = threading.Thread(target=analyse, daemon=True)
    th.start()
    time.sleep(1.5)  # the analysis is running in the worker
    t = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=15)
    assert time.monotonic() - t < 10
    th.join(15)
    # nothing of the server is left: its worker processes went with it
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True, text=True).stdout
    assert out.strip() == ""


# ----------------------------------------------------------------------------- the runner itself
def _stubborn() -> str:  # runs in a worker: ignores the worker's own timer, as native code would
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    time.sleep(60)
    return "never"


def _quick(x: int) -> int:
    return x * 2


def test_process_runner_kills_a_worker_that_ignores_its_budget_and_replaces_it():
    from functools import partial

    from claimmap.api.workers import ProcessRunner
    from claimmap.limits import AnalysisTimeoutError

    async def main():
        runner = ProcessRunner(1, budget=1, warm=None, grace=0.5)
        await runner.start()
        try:
            first = next(iter(runner._all)).process
            t = time.monotonic()
            with pytest.raises(AnalysisTimeoutError, match="1-second budget"):
                await runner.run(_stubborn)
            assert time.monotonic() - t < 15  # budget 1 s + grace 0.5 s, on a loaded machine
            first.join(5)
            assert not first.is_alive()  # killed, not left running
            assert await runner.run(partial(_quick, 21)) == 42  # a fresh worker took its place
        finally:
            runner.stop()

    anyio.run(main)
