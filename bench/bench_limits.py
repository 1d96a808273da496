"""Bounded work (issue 16): how fast, and in how much memory, each pathological input ends.

Makes every input on the fly in a temp folder (nothing from the web, nothing kept):

- ``analyze`` and ``corpus add`` of 5 MB of short lines (200,000 lines),
- ``corpus add`` of a .warc.gz that inflates to 1 GiB of zeros (about 1 MB on disk),
- ``corpus add`` of a truncated .warc.gz,
- a ``claimmap serve`` with worker processes (CLAIMMAP_API_ISOLATION=process, one worker,
  budget ``--budget`` s): a 9 MB paste, an analysis over the budget (with /api/health polled
  throughout), then SIGTERM during an analysis.

Each CLI case reports exit code, seconds and the child's peak resident memory (MiB), and the
first line of stderr. Prints one JSON object.

    .venv/bin/python bench/bench_limits.py [--budget 10]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def short_lines(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    words = ("the port minister said talks will resume on monday according to officials who "
             "denied any deal was reached").split()
    return "".join(" ".join(rng.choice(words) for _ in range(rng.randint(2, 5))).capitalize() + ".\n"
                   for _ in range(n))


def bomb_warc(inflated: int) -> bytes:
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bomb.example/\r\n"
            b"Content-Type: application/http; msgtype=response\r\n"
            + f"Content-Length: {inflated + 45}\r\n\r\n".encode()
            + b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
    return gzip.compress(head) + gzip.compress(b"\0" * (1 << 20), 9) * (inflated >> 20)


def small_warc() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    w = WARCWriter(out, gzip=True)
    body = b"<html><body><article><p>" + b"The minister said the quay opens in June. " * 40 + b"</p></article></body></html>"
    for i in range(3):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(f"https://a.example/{i}", "response",
                                            payload=io.BytesIO(body.replace(b"June", str(i).encode())),
                                            http_headers=headers))
    return out.getvalue()


def run_cli(args: list[str], env: dict | None = None) -> dict:
    """One ``python -m claimmap`` run in a fresh child (its own peak RSS via wait4)."""
    t = time.monotonic()
    p = subprocess.Popen([sys.executable, "-m", "claimmap", *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=ROOT, env={**os.environ, **(env or {})})
    out, err = p.communicate(timeout=600)
    secs = time.monotonic() - t
    # ru_maxrss of the children is a high-water mark over all of them: each case is measured
    # in a child process of its own (see main), so this is that case's peak
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"exit": p.returncode, "seconds": round(secs, 2), "peak_mib": round(peak),
            "stderr": err.decode(errors="replace").strip().splitlines()[:1]}


def case(name: str, tmp: str) -> dict:
    d = Path(tmp)
    if name == "analyze_5mb_short_lines":
        (d / "lines.txt").write_text(short_lines(200_000))
        return run_cli(["analyze", str(d / "lines.txt"), "-f", "json"])
    if name == "corpus_add_5mb_short_lines":
        (d / "lines.txt").write_text(short_lines(200_000))
        return run_cli(["corpus", "add", str(d / "lines.txt"), "--db", str(d / "c.db"), "--no-embed"])
    if name == "corpus_add_gzip_bomb_1gib":
        (d / "bomb.warc.gz").write_bytes(bomb_warc(1 << 30))
        r = run_cli(["corpus", "add", str(d / "bomb.warc.gz"), "--db", str(d / "c.db"), "--no-embed"])
        r["file_bytes"] = (d / "bomb.warc.gz").stat().st_size
        return r
    if name == "corpus_add_truncated_warc":
        blob = small_warc()
        (d / "cut.warc.gz").write_bytes(blob[:-10])  # inside the last record's gzip member
        return run_cli(["corpus", "add", str(d / "cut.warc.gz"), "--db", str(d / "c.db"), "--no-embed"])
    raise SystemExit(f"unknown case {name}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_cases(budget: int) -> dict:
    import httpx

    tmp = tempfile.mkdtemp(prefix="claimmap-limits-")
    port = free_port()
    env = {**os.environ, "CLAIMMAP_API_ISOLATION": "process", "CLAIMMAP_API_WORKERS": "1",
           "CLAIMMAP_ANALYSIS_TIMEOUT": str(budget), "CLAIMMAP_API_TOKEN": ""}
    env.pop("CLAIMMAP_CORPUS_DB", None)
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "claimmap", "serve", "--port", str(port), "--db",
                             str(Path(tmp) / "r.db")], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    out: dict = {"startup_seconds": round(time.monotonic() - t0, 1)}
    health: list[float] = []
    stop = threading.Event()

    def probe():
        with httpx.Client(base_url=base, timeout=10) as c:
            while not stop.is_set():
                t = time.monotonic()
                try:
                    c.get("/api/health")
                    health.append(time.monotonic() - t)
                except httpx.HTTPError:
                    health.append(float("inf"))
                time.sleep(0.1)

    th = threading.Thread(target=probe, daemon=True)
    th.start()
    paste = ("The minister said the port would reopen on Monday. " * 180_000)[:9_000_000]
    t = time.monotonic()
    r = httpx.post(base + "/api/analyze", json={"text": paste}, timeout=120)
    out["paste_9mb"] = {"status": r.status_code, "error": r.json().get("error"),
                        "seconds": round(time.monotonic() - t, 2)}
    t = time.monotonic()
    r = httpx.post(base + "/api/analyze", json={"text": short_lines(8000)}, timeout=300)
    out["over_budget"] = {"status": r.status_code, "error": r.json().get("error"),
                          "seconds": round(time.monotonic() - t, 2), "budget": budget}
    stop.set()
    th.join()
    out["health_during"] = {"requests": len(health), "max_seconds": round(max(health), 3)}

    def long_request():
        try:
            httpx.post(base + "/api/analyze", json={"text": short_lines(8000)}, timeout=120)
        except httpx.HTTPError:
            pass

    threading.Thread(target=long_request, daemon=True).start()
    time.sleep(2)
    t = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    out["sigterm_to_exit_seconds"] = round(time.monotonic() - t, 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=int, default=10, help="CLAIMMAP_ANALYSIS_TIMEOUT of the test server")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:  # one CLI case, in a child of its own (so its peak RSS is its own)
        with tempfile.TemporaryDirectory(prefix="claimmap-limits-") as tmp:
            print(json.dumps(case(args.case, tmp)))
        return
    results: dict = {}
    for name in ("analyze_5mb_short_lines", "corpus_add_5mb_short_lines", "corpus_add_gzip_bomb_1gib",
                 "corpus_add_truncated_warc"):
        p = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True, text=True, cwd=ROOT)
        results[name] = json.loads(p.stdout) if p.returncode == 0 else {"failed": p.stderr[-500:]}
    results["server"] = server_cases(args.budget)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
