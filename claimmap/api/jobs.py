"""Analyses as jobs, with progress: ``POST /api/analyze`` with ``"async": true`` answers 202 and
a job url at once; ``GET /api/jobs/{id}`` tells the stage, an estimated progress and the elapsed
time, then the report's id. The web form uses the same jobs and shows their progress on
``/jobs/{id}`` (a page that refreshes itself without JavaScript, and is updated live with it).

Stages: ``queued`` (waiting for a free analysis worker: the runner's limiter has not admitted
the job's task yet), ``analysing`` (in a worker: reading, statements, framing, and corroboration
when it was asked for), ``saving``, then ``done`` (with ``report_id``) or ``failed`` (with the
error as the synchronous call would have answered it). ``progress`` is an estimate: 0 while
queued, then the elapsed share of the recent median analysis time (capped at 0.95 until the job
ends), 1 when done.

Jobs live in this process's memory (a server restart forgets them; the reports they made stay
in the report store), finished ones for ``KEEP_SECONDS``, at most ``MAX_JOBS``.
"""

from __future__ import annotations

import asyncio
import secrets
import statistics
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

KEEP_SECONDS = 3600
MAX_JOBS = 2000
STAGES = ("queued", "analysing", "saving", "done", "failed")
STAGE_TEXT = {"queued": "waiting for a free analysis worker", "analysing": "reading the article and mapping its claims",
              "corroborating": "mapping the claims and checking them against the corpus",
              "saving": "saving the report", "done": "done", "failed": "failed"}


@dataclass
class Job:
    id: str
    corroborate: bool = False
    stage: str = "queued"
    created: float = field(default_factory=time.monotonic)
    started: float | None = None       # when a worker took it
    finished: float | None = None
    report_id: str | None = None
    error: dict[str, Any] | None = None
    task: asyncio.Task | None = None


class JobStore:
    """Running and recent jobs; ``submit`` starts one as an asyncio task of the server's loop."""

    def __init__(self, limiter) -> None:
        self.limiter = limiter
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._durations: deque[float] = deque(maxlen=50)

    # -------------------------------------------------------------- lifecycle
    def submit(self, work: Callable[[Callable[[str], None]], Awaitable[str]], *, corroborate: bool,
               classify: Callable[[BaseException], dict[str, Any] | None]) -> Job:
        """Start ``work(on_stage)`` (a coroutine returning the report id). ``classify`` turns an
        exception into the error body the synchronous call would answer (None: a bug)."""
        self._prune()
        job = Job(id=secrets.token_urlsafe(9), corroborate=corroborate)
        try:
            stats = self.limiter.statistics()
            free = stats.borrowed_tokens < stats.total_tokens and not stats.tasks_waiting
        except Exception:  # noqa: BLE001
            free = False
        if free:  # a worker is free: the job starts now (and its duration teaches the estimate)
            job.stage, job.started = "analysing", job.created

        def on_stage(stage: str) -> None:
            if stage == "saving" and job.started is None:
                job.started = time.monotonic()
            job.stage = stage

        async def run() -> None:
            try:
                job.report_id = await work(on_stage)
                job.stage = "done"
                if free:
                    self._durations.append(time.monotonic() - job.created)
            except asyncio.CancelledError:
                job.stage, job.error = "failed", {"error": "cancelled", "status": 503,
                                                  "message": "the server stopped before the analysis ended"}
                raise
            except Exception as exc:  # noqa: BLE001 - reported through the job, as the sync call would
                job.stage = "failed"
                job.error = classify(exc) or {"error": "internal_error", "status": 500,
                                              "message": "internal error; it has been logged"}
            finally:
                job.finished = time.monotonic()

        self._jobs[job.id] = job
        job.task = asyncio.get_running_loop().create_task(run(), name=f"claimmap-job-{job.id}")
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def _prune(self) -> None:
        now = time.monotonic()
        for jid in [j.id for j in self._jobs.values() if j.finished is not None and now - j.finished > KEEP_SECONDS]:
            del self._jobs[jid]
        while len(self._jobs) >= MAX_JOBS:
            oldest = next((j for j in self._jobs.values() if j.finished is not None), None)
            if oldest is None:
                break
            del self._jobs[oldest.id]

    # -------------------------------------------------------------- state
    def _running(self, job: Job) -> bool:
        """Whether the runner's limiter has admitted the job's task (a worker has it)."""
        if job.task is None:
            return False
        try:
            borrowers = self.limiter.statistics().borrowers
        except Exception:  # noqa: BLE001
            return False
        return job.task in borrowers

    def _ahead(self, job: Job) -> int:
        """Queued jobs submitted before this one."""
        return sum(1 for j in self._jobs.values() if j.created < job.created and j.stage == "queued")

    def expected_seconds(self) -> float | None:
        return statistics.median(self._durations) if self._durations else None

    def view(self, job: Job) -> dict[str, Any]:
        """The job as ``GET /api/jobs/{id}`` answers it."""
        now = time.monotonic()
        if job.stage == "queued" and self._running(job):
            job.stage, job.started = "analysing", now
        elif job.stage == "analysing" and job.started is None:
            job.started = now
        end = job.finished or now
        out: dict[str, Any] = {"id": job.id, "stage": job.stage, "elapsed": round(end - job.created, 1)}
        stage = "corroborating" if job.stage == "analysing" and job.corroborate else job.stage
        out["stage_text"] = STAGE_TEXT.get(stage, stage)
        if job.stage == "queued":
            out["progress"] = 0.0
            out["queue_position"] = self._ahead(job) + 1
        elif job.stage in ("done", "failed"):
            out["progress"] = 1.0
        else:
            expected = self.expected_seconds()
            ran = now - (job.started or now)
            out["progress"] = round(min(0.95, ran / expected), 2) if expected else None
            if expected:
                out["expected_seconds"] = round(expected, 1)
        if job.report_id:
            out["report_id"] = job.report_id
            out["report_url"] = f"/api/reports/{job.report_id}"
            out["page_url"] = f"/reports/{job.report_id}"
        if job.error:
            out["error"] = job.error
        return out

    async def wait(self, job: Job, seconds: float) -> None:
        """Wait up to ``seconds`` for the job to end (never cancels it)."""
        if job.task is None or job.task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(job.task), timeout=seconds)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - the job records its own outcome
            pass
