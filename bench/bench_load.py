"""Load test for the REST API: N concurrent clients POST the shipped example to /api/analyze.

Starts ``claimmap serve``'s app with uvicorn on 127.0.0.1 (a free port, a throwaway database),
runs for a fixed duration, stops by itself, and prints throughput, p50/p95 latency and status
counts as JSON. Loopback only.

    .venv/bin/python bench/bench_load.py --clients 50 --seconds 60
    .venv/bin/python bench/bench_load.py --clients 50 --seconds 60 --mode jobs

``--mode jobs``: each client submits ``{"text", "async": true}`` (202 + a job), polls
``GET /api/jobs/{id}`` every ``--poll`` seconds until the job is done, and submits the next; the
result adds job completion time (submit to done) p50/p95, the status counts of the polls, and
``/api/health`` latency measured by one more client during the run (the server keeps answering
while every worker is busy).
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


async def run_jobs(base: str, clients: int, seconds: float, text: str, timeout: float, poll: float) -> dict:
    import httpx

    completions: list[float] = []
    submit_lat: list[float] = []
    health_lat: list[float] = []
    statuses: Counter = Counter()
    poll_statuses: Counter = Counter()
    stages: Counter = Counter()
    failed: Counter = Counter()
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients + 1, max_keepalive_connections=clients + 1)

    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits, trust_env=False) as client:
        async def worker() -> None:
            while time.monotonic() < stop_at:
                t0 = time.perf_counter()
                try:
                    r = await client.post("/api/analyze", json={"text": text, "async": True})
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1
                    continue
                statuses[str(r.status_code)] += 1
                submit_lat.append(time.perf_counter() - t0)
                if r.status_code != 202:
                    continue
                url = r.headers["location"]
                while True:
                    await asyncio.sleep(poll)
                    try:
                        j = await client.get(url)
                    except httpx.HTTPError as exc:
                        poll_statuses[type(exc).__name__] += 1
                        continue
                    poll_statuses[str(j.status_code)] += 1
                    body = j.json() if j.status_code == 200 else {}
                    stages[body.get("stage", "?")] += 1
                    if body.get("stage") == "done":
                        completions.append(time.perf_counter() - t0)
                        break
                    if body.get("stage") == "failed" or j.status_code != 200:
                        failed[str((body.get("error") or {}).get("error", j.status_code))] += 1
                        break

        async def health() -> None:
            while time.monotonic() < stop_at:
                t0 = time.perf_counter()
                try:
                    r = await client.get("/api/health")
                    poll_statuses["health_" + str(r.status_code)] += 1
                except httpx.HTTPError as exc:
                    poll_statuses["health_" + type(exc).__name__] += 1
                health_lat.append(time.perf_counter() - t0)
                await asyncio.sleep(0.5)

        t0 = time.monotonic()
        await asyncio.gather(health(), *(worker() for _ in range(clients)))
        elapsed = time.monotonic() - t0

    def pct(xs: list[float], p: float) -> float | None:
        qs = sorted(xs)
        return round(qs[min(len(qs) - 1, int(p * len(qs)))], 3) if qs else None

    every = list(statuses.items()) + list(poll_statuses.items())
    return {
        "mode": "jobs", "clients": clients, "duration_s": round(elapsed, 1), "jobs_submitted": sum(
            n for s, n in statuses.items() if s == "202"), "jobs_done": len(completions),
        "jobs_failed": dict(failed), "throughput_jobs_per_s": round(len(completions) / elapsed, 2) if elapsed else 0.0,
        "job_completion_s": {"p50": pct(completions, 0.50), "p95": pct(completions, 0.95),
                             "max": round(max(completions), 3) if completions else None},
        "submit_latency_s": {"p50": pct(submit_lat, 0.50), "p95": pct(submit_lat, 0.95)},
        "health_latency_s": {"p50": pct(health_lat, 0.50), "p95": pct(health_lat, 0.95),
                             "max": round(max(health_lat), 3) if health_lat else None},
        "submit_status_counts": dict(sorted(statuses.items())), "poll_status_counts": dict(sorted(poll_statuses.items())),
        "poll_stages_seen": dict(sorted(stages.items())),
        "server_errors_5xx": sum(n for s, n in every if s.split("_")[-1].isdigit() and s.split("_")[-1].startswith("5")),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=None, help="analyses at once (default: CLAIMMAP_API_WORKERS)")
    ap.add_argument("--timeout", type=float, default=300.0, help="per-request timeout, seconds")
    ap.add_argument("--mode", choices=("sync", "jobs"), default="sync",
                    help="sync: wait for each report (201); jobs: \"async\": true, then poll the job")
    ap.add_argument("--poll", type=float, default=0.5, help="jobs mode: seconds between polls of a job")
    args = ap.parse_args()
    text = resources.files("claimmap.data.examples").joinpath("harbour_talks.txt").read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        server, thread, sock, base = start_server(os.path.join(tmp, "bench.db"), args.workers)
        try:
            if args.mode == "jobs":
                result = asyncio.run(run_jobs(base, args.clients, args.seconds, text, args.timeout, args.poll))
            else:
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
