"""Where the web app runs analyses: worker processes it can stop, or threads.

A Python thread cannot be stopped from outside, so an analysis that runs long (a huge paste, a
pathological page) would hold its thread, its memory and one of the server's slots until it
ends, and would keep the server from stopping. ``ProcessRunner`` (setting
CLAIMMAP_API_ISOLATION=process, the default) therefore runs each analysis in one of
CLAIMMAP_API_WORKERS spawned worker processes, each loaded and warmed once:

- the worker sets a timer on itself at the budget (CLAIMMAP_ANALYSIS_TIMEOUT; the analysis is
  interrupted at its next Python instruction and answered with AnalysisTimeoutError, and the
  worker goes on serving);
- the server waits at most the budget plus ``GRACE`` seconds; a worker that has not answered by
  then (stuck in native code) is killed and replaced, and the request gets the same error;
- a request cancelled while its analysis runs (the server shutting down) kills its worker;
  ``stop`` kills every worker, so SIGTERM stops the server within uvicorn's graceful-shutdown
  timeout whatever the workers are doing.

The event loop never waits on a worker itself: the wait runs in a thread that is abandoned on
cancellation, so ``/api/health`` and every other request keep answering.

``ThreadRunner`` (CLAIMMAP_API_ISOLATION=thread) runs jobs in the server's thread pool, as
before: no hard stop. It is for the test suite (which patches functions in-process) and for
embedding ``create_app`` where processes cannot be spawned.

A job is any picklable callable (``functools.partial`` of a module-level function) returning a
picklable value; a ``ClaimmapError`` it raises reaches the caller as itself.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import anyio

from claimmap.errors import ClaimmapError
from claimmap.limits import AnalysisTimeoutError, timeout_message

log = logging.getLogger("claimmap.api")

#: seconds the server waits past the budget for a worker's own timer before killing it
GRACE = 5.0
#: seconds a new worker may take to load its models before it is given up
START_TIMEOUT = 300.0


class WorkerCrashedError(ClaimmapError):
    """A worker process died during an analysis (killed for memory, or a crash)."""


# ----------------------------------------------------------------------------- the worker side
def _worker_main(conn, warm: Callable[[], None] | None, budget: float) -> None:  # pragma: no cover - child
    """Loop of one worker process: warm up, then run jobs until told to stop (None) or orphaned."""
    from claimmap.limits import time_limit

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which stops us
    if warm is not None:
        try:
            warm()
        except Exception:  # noqa: BLE001 - a failed warm-up shows on the first analysis
            log.exception("worker warm-up failed")
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            with time_limit(budget):
                result = job()
            reply = ("ok", result)
        except ClaimmapError as exc:
            reply = ("error", exc)
        except MemoryError:
            reply = ("error", WorkerCrashedError("the analysis ran out of memory"))
        except Exception as exc:  # noqa: BLE001 - a bug: reported to the server, which logs it
            import traceback

            reply = ("bug", f"{exc.__class__.__name__}: {exc}\n{traceback.format_exc()}")
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - an unpicklable result or error
            conn.send(("bug", f"cannot send the result back: {exc.__class__.__name__}: {exc}"))


# ----------------------------------------------------------------------------- the server side
class _Worker:
    def __init__(self, ctx, warm, budget: float) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child, warm, budget), daemon=True,
                                   name="claimmap-analysis")
        self.process.start()
        child.close()
        self.ready = False
        self.started = time.monotonic()

    def wait_ready(self, timeout: float) -> None:
        """Block until the worker has loaded its models (runs in a thread)."""
        if self.ready:
            return
        if not self.conn.poll(timeout):
            raise WorkerCrashedError(f"an analysis worker did not start within {timeout:g} s")
        try:
            kind, _ = self.conn.recv()
        except (EOFError, OSError):
            raise WorkerCrashedError("an analysis worker stopped while starting") from None
        self.ready = kind == "ready"

    def kill(self) -> None:
        try:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)
        except Exception:  # noqa: BLE001 - already gone
            pass
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001
            pass


class ProcessRunner:
    """``size`` worker processes; ``budget`` seconds per job (0 = none); ``warm`` is run once in
    each new worker (a picklable, module-level callable)."""

    isolation = "process"

    def __init__(self, size: int, budget: float, warm: Callable[[], None] | None = None,
                 grace: float = GRACE) -> None:
        self.size = max(1, size)
        self.budget = budget
        self.grace = grace
        self.warm = warm
        self.limiter = anyio.CapacityLimiter(self.size)
        self._ctx = mp.get_context("spawn")  # never fork a server holding threads and models
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._stopped = False

    # -------------------------------------------------------------- lifecycle
    def _spawn(self) -> _Worker:
        w = _Worker(self._ctx, self.warm, self.budget)
        with self._lock:
            self._all.add(w)
        return w

    async def start(self, wait: bool = True) -> None:
        """Start the workers; ``wait``: until each has loaded its models."""
        workers = await anyio.to_thread.run_sync(lambda: [self._spawn() for _ in range(self.size)])
        if wait:
            for w in workers:
                await anyio.to_thread.run_sync(w.wait_ready, START_TIMEOUT, abandon_on_cancel=True)
        with self._lock:
            self._idle.extend(workers)

    def stop(self) -> None:
        """Kill every worker now (the server is stopping; running analyses are abandoned)."""
        self._stopped = True
        with self._lock:
            workers, self._all, self._idle = list(self._all), set(), []
        for w in workers:
            try:
                if w.process.is_alive():
                    w.process.kill()
            except Exception:  # noqa: BLE001
                pass
        for w in workers:
            w.kill()

    def _retire(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
        w.kill()

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                w = self._idle.pop()
                if w.process.is_alive():
                    return w
                self._all.discard(w)
                w.kill()
        return self._spawn()  # none idle and alive (one was killed): a fresh one

    def _give_back(self, w: _Worker) -> None:
        with self._lock:
            if self._stopped:
                w.kill()
            else:
                self._idle.append(w)

    # -------------------------------------------------------------- running jobs
    def _wait(self, w: _Worker, timeout: float | None):
        """(kind, payload) of the worker's answer, or ("timeout", None); in a thread."""
        if not w.conn.poll(timeout):
            return "timeout", None
        try:
            return w.conn.recv()
        except (EOFError, OSError):
            return "died", None

    async def run(self, job: Callable[[], Any]) -> Any:
        if self._stopped:
            raise WorkerCrashedError("the server is stopping")
        async with self.limiter:
            w = self._take()
            done = False
            try:
                await anyio.to_thread.run_sync(w.wait_ready, START_TIMEOUT, abandon_on_cancel=True)
                try:
                    w.conn.send(job)
                except (OSError, EOFError):
                    raise WorkerCrashedError("an analysis worker stopped before the analysis began") from None
                limit = self.budget + self.grace if self.budget > 0 else None
                kind, payload = await anyio.to_thread.run_sync(self._wait, w, limit, abandon_on_cancel=True)
                if kind == "ok":
                    done = True
                    return payload
                if kind == "error":
                    done = True
                    raise payload
                if kind == "bug":
                    done = True
                    log.error("analysis worker: %s", payload)
                    raise RuntimeError(str(payload).splitlines()[0])
                if kind == "timeout":
                    log.warning("analysis over its %g s budget: worker %s killed", self.budget, w.process.pid)
                    raise AnalysisTimeoutError(timeout_message(self.budget))
                code = w.process.exitcode
                raise WorkerCrashedError(
                    "the analysis stopped unexpectedly" + (" (it ran out of memory?)" if code in (-9, 137) else ""))
            finally:
                if done:
                    self._give_back(w)
                else:  # timed out, died, or cancelled (client gone, server stopping): it may still be busy
                    self._retire(w)
                    if not self._stopped:
                        fresh = self._spawn()  # loads its models while the next request waits
                        with self._lock:
                            self._idle.append(fresh)


class ThreadRunner:
    """Jobs in the server's thread pool, ``size`` at a time (no hard stop; see module doc)."""

    isolation = "thread"

    def __init__(self, size: int, warm: Callable[[], None] | None = None) -> None:
        self.limiter = anyio.CapacityLimiter(max(1, size))
        self.warm = warm

    async def start(self, wait: bool = True) -> None:
        if self.warm is not None:
            await anyio.to_thread.run_sync(self.warm)

    def stop(self) -> None:
        pass

    async def run(self, job: Callable[[], Any]) -> Any:
        return await anyio.to_thread.run_sync(job, limiter=self.limiter)
