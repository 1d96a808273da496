"""Bounds on the work one input can cause: analysed text length, wall-clock budget, and
decompression (size of each record and compression ratio).

Why each bound exists (issue 16, "bounded work, everywhere"):

- **Text length** (setting CLAIMMAP_MAX_CHARS). Every stage after reading is at least linear in
  the text (the spaCy parse, the encoder of the technique model) and some are worse (disputes
  compare statements pairwise; parses beyond the shared parse cache are done twice), so a
  text under the 10 MB byte cap could still run for many minutes and take gigabytes. The check
  runs on the decoded text, before any parsing, and its message gives both numbers.
- **Wall-clock budget** (CLAIMMAP_ANALYSIS_TIMEOUT). A thread cannot be stopped in Python, so the
  web app runs analyses in worker processes it can kill (``claimmap.api.workers``). Command-line
  runs (``analyze``, ``corpus add``, ``batch``) are the main thread of their process and get a
  timer signal instead (``time_limit``): the analysis is interrupted at the next Python
  instruction, which in every stage comes within a fraction of a second.
- **Decompression** (CLAIMMAP_MAX_BYTES per record, CLAIMMAP_MAX_RATIO overall). Compressed
  inputs are read as streams through ``BoundedGzipReader``, which never inflates more than it
  is asked for, so a decompression bomb is one error line instead of an out-of-memory kill.
"""

from __future__ import annotations

import io
import signal
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from claimmap import config
from claimmap.errors import ClaimmapError, InputError


class TextTooLongError(InputError):
    """The decoded text is longer than the analysed-length cap."""


class AnalysisTimeoutError(ClaimmapError):
    """The analysis ran over its wall-clock budget and was stopped."""

    exit_code = 6


class CompressedInputError(InputError):
    """A compressed input inflates past a cap (a likely decompression bomb) or is corrupt."""


# ----------------------------------------------------------------------------- text length
def max_chars() -> int:
    return config.get_int("CLAIMMAP_MAX_CHARS")


def check_text_length(n: int, what: str = "the text") -> None:
    """Raise TextTooLongError when ``n`` characters are over the cap (0 = no cap)."""
    limit = max_chars()
    if limit > 0 and n > limit:
        raise TextTooLongError(f"{what} is too long to analyse: {n} characters, limit {limit}")


# ----------------------------------------------------------------------------- time budget
def budget_seconds() -> float:
    """The wall-clock budget of one analysis in seconds (0 = none)."""
    return max(0.0, config.get_float("CLAIMMAP_ANALYSIS_TIMEOUT"))


def timeout_message(seconds: float) -> str:
    return (f"the analysis ran over its {seconds:g}-second budget and was stopped"
            " (a shorter text, or the article without its comments, may fit)")


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Interrupt the block with AnalysisTimeoutError after ``seconds`` (default: the budget
    setting; 0 = no limit). Works in the main thread of a process (a timer signal, SIGALRM);
    elsewhere, or where another timer is already running, it does nothing, so it is safe to
    nest and to call from worker threads."""
    seconds = budget_seconds() if seconds is None else seconds
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise AnalysisTimeoutError(timeout_message(seconds))

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Deadline:
    """A point in time; ``left()`` seconds to it (None = no deadline)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds if seconds and seconds > 0 else None
        self.at = time.monotonic() + self.seconds if self.seconds else None

    def left(self) -> float | None:
        return None if self.at is None else max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at


# ----------------------------------------------------------------------------- decompression
def max_ratio() -> float:
    return config.get_float("CLAIMMAP_MAX_RATIO")


#: below this many inflated bytes the ratio is not checked (a small, very repetitive page is fine)
RATIO_FLOOR = 1 << 20
_CHUNK = 64 * 1024


class BoundedGzipReader(io.RawIOBase):
    """A read-only stream of the inflated bytes of a gzip file (all its members, as ``gzip``
    reads them), inflated only as far as it is read. Raises CompressedInputError when the total
    inflated size passes ``max_total`` or, past ``RATIO_FLOOR`` bytes, when it is more than
    ``ratio`` times the compressed bytes read so far; and when the stream is truncated or
    corrupt. ``label`` (optional) starts each message ("crawl.warc.gz: inflates more …")."""

    def __init__(self, raw: io.BufferedIOBase, *, label: str = "", ratio: float | None = None,
                 max_total: int | None = None) -> None:
        super().__init__()
        self.raw = raw
        self.label = label
        self.ratio = max_ratio() if ratio is None else ratio
        self.max_total = max_total
        self.consumed = 0   # compressed bytes read from ``raw``
        self.produced = 0   # inflated bytes handed out
        self._z = None  # the inflater of the current gzip member (None between members)
        self._pending = b""  # compressed bytes not yet given to the inflater
        self._head = b""  # inflated bytes peeked at, not yet read
        self._eof = False

    def readable(self) -> bool:
        return True

    @property
    def _at(self) -> str:
        return f"{self.label}: " if self.label else ""

    def _check(self) -> None:
        if self.max_total is not None and self.produced > self.max_total:
            raise CompressedInputError(
                f"{self._at}inflates past {self.max_total:,} bytes; refusing it (a decompression bomb?)")
        if self.ratio and self.produced > RATIO_FLOOR and self.produced > self.ratio * max(1, self.consumed):
            raise CompressedInputError(
                f"{self._at}inflates more than {self.ratio:g} times its compressed size "
                f"({self.consumed:,} bytes gave {self.produced:,}); refusing it (a decompression bomb?)")

    def _more(self) -> bytes:
        data = self.raw.read(_CHUNK)
        self.consumed += len(data)
        return data

    def peek(self, n: int = 1) -> bytes:
        """At least ``n`` inflated bytes ahead (fewer at the end), without consuming them."""
        while len(self._head) < n:
            buf = bytearray(max(n - len(self._head), 4096))
            got = self._inflate_into(buf)
            if not got:
                break
            self._head += bytes(buf[:got])
        return self._head

    def readinto(self, b) -> int:
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        return self._inflate_into(b)

    def _inflate_into(self, b) -> int:
        """One step: at most ``len(b)`` inflated bytes into ``b`` (0 at the end). One call never
        both returns data and raises, so a reader keeps what came before a damaged part."""
        want = len(b)
        while want and not self._eof:
            if self._z is None:  # between members: zero padding, the next member, or the end
                self._pending = self._pending.lstrip(b"\0")
                if not self._pending:
                    self._pending = self._more()
                    if not self._pending:
                        self._eof = True
                        break
                    continue
                self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
            if not self._pending:
                self._pending = self._more()
                if not self._pending:
                    raise CompressedInputError(
                        f"{self._at}the gzip data is truncated (it ends inside a compressed member)")
            try:
                out = self._z.decompress(self._pending, want)
            except zlib.error as exc:
                raise CompressedInputError(f"{self._at}corrupt gzip data ({exc})") from None
            if self._z.eof:
                self._pending = self._z.unused_data
                self._z = None
            else:
                self._pending = self._z.unconsumed_tail
            if out:
                n = len(out)
                b[:n] = out
                self.produced += n
                self._check()
                return n
        return 0


def open_maybe_gzip(fh, *, label: str = "", max_total: int | None = None):
    """``fh`` as is, or a BoundedGzipReader when it starts with the gzip magic bytes.
    ``fh`` must be a binary stream; it is peeked, not consumed."""
    buffered = fh if hasattr(fh, "peek") else io.BufferedReader(fh)
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        # unbuffered on purpose: each read returns what one step inflates, so the records
        # before a truncated or corrupt part reach the reader before the error does
        return BoundedGzipReader(buffered, label=label, max_total=max_total)
    return buffered


def read_capped(stream, limit: int, what: str) -> bytes:
    """Read ``stream`` to its end, refusing (InputTooLargeError) past ``limit`` bytes without
    reading more than ``limit + 1``."""
    from claimmap.errors import InputTooLargeError

    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputTooLargeError(f"{what} is over the {limit:,}-byte limit")
    return data
