"""``read_source``: a path, ``-`` (stdin) or an http(s) URL -> Document."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from claimmap import config
from claimmap.errors import BlockedURLError, InputError, InputTooLargeError
from claimmap.model import Document
from claimmap.sources.decode import from_bytes
from claimmap.sources.fetch import check_url, fetch_url

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")


def _read_stdin(limit: int) -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # e.g. replaced by a StringIO in tests
        raw = sys.stdin.read(limit + 1)
        return raw.encode("utf-8") if isinstance(raw, str) else raw
    return stream.read(limit + 1)


def read_source(source: str, *, stdin: bytes | None = None) -> Document:
    """Read ``source``: ``"-"`` (stdin bytes, given or read), an http(s) URL, or a local file path."""
    limit = config.get_int("CLAIMMAP_MAX_BYTES")
    if source == "-":
        data = stdin if stdin is not None else _read_stdin(limit)
        return from_bytes(data)
    m = _SCHEME_RE.match(source)
    if m:
        scheme = m.group(1).lower()
        if scheme in ("http", "https"):
            data, final_url, content_type = fetch_url(source)
            return from_bytes(data, url=final_url, content_type=content_type)
        check_url(source)  # raises BlockedURLError with the standard message
        raise BlockedURLError(f"refusing to read {source!r}: only http:// and https:// URLs are allowed")
    path = Path(source).expanduser()
    try:
        if not path.exists():
            raise InputError(f"no such file: {source}")
        if path.is_dir():
            raise InputError(f"{source} is a directory, not a file")
        size = path.stat().st_size
        if size > limit:
            raise InputTooLargeError(
                f"{source} is {size} bytes, over the {limit}-byte limit"
            )
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except PermissionError:
        raise InputError(f"cannot read {source}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{source} is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
    return from_bytes(data, filename=str(path))
