"""Load test for the REST API: N concurrent clients POST the shipped example to /api/analyze.

Starts ``claimmap serve``'s app with uvicorn on 127.0.0.1 (a free port, a throwaway database),
runs for a fixed duration, stops by itself, and prints throughput, p50/p95 latency and status
counts as JSON. Loopback only.

    .venv/bin/python bench/bench_load.py --clients 50 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from importlib import resources


def start_server(db: str, workers: int | None):
    import uvicorn

    from claimmap.api import create_app

    app = create_app(db_path=db, allow_private=False, token="", workers=workers)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", backlog=256))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 180
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    if not server.started:
        sys.exit("server did not start")
    return server, thread, sock, f"http://127.0.0.1:{sock.getsockname()[1]}"


async def run_load(base: str, clients: int, seconds: float, text: str, timeout: float) -> dict:
    import httpx

    latencies: list[float] = []
    statuses: Counter = Counter()
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits, trust_env=False) as client:
        async def worker() -> None:
            while time.monotonic() < stop_at:  # bounded: no new request after the deadline
                t0 = time.perf_counter()
                try:
                    r = await client.post("/api/analyze", json={"text": text})
                    statuses[str(r.status_code)] += 1
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1
                latencies.append(time.perf_counter() - t0)

        t0 = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.monotonic() - t0

    ok = statuses.get("201", 0)
    qs = sorted(latencies)

    def pct(p: float) -> float:
        return round(qs[min(len(qs) - 1, int(p * len(qs)))], 3) if qs else float("nan")

    return {
        "clients": clients, "duration_s": round(elapsed, 1), "requests": len(latencies), "ok": ok,
        "throughput_rps": round(ok / elapsed, 2) if elapsed else 0.0,
        "latency_s": {"p50": pct(0.50), "p95": pct(0.95), "max": round(qs[-1], 3) if qs else None,
                      "mean": round(statistics.fmean(qs), 3) if qs else None},
        "status_counts": dict(sorted(statuses.items())),
        "server_errors_5xx": sum(n for s, n in statuses.items() if s.isdigit() and s.startswith("5")),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=None, help="analyses at once (default: CLAIMMAP_API_WORKERS)")
    ap.add_argument("--timeout", type=float, default=300.0, help="per-request timeout, seconds")
    args = ap.parse_args()
    text = resources.files("claimmap.data.examples").joinpath("harbour_talks.txt").read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        server, thread, sock, base = start_server(os.path.join(tmp, "bench.db"), args.workers)
        try:
            result = asyncio.run(run_load(base, args.clients, args.seconds, text, args.timeout))
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            sock.close()
    result["cpu_count"] = os.cpu_count()
    result["input_chars"] = len(text)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
