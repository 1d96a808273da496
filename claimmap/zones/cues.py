"""Zoning vocabulary: the phrases that mark disclaimers, site chrome, header markers, related-link
lists and comment headings, read from ``claimmap/data/disclaimer_cues.toml``.

Both zoners (HTML and plain text) use :func:`load_cues`; the file is read once per process.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

from claimmap.errors import DataError

CUES_PATH = Path(__file__).resolve().parent.parent / "data" / "disclaimer_cues.toml"


@functools.lru_cache(maxsize=None)
def load_cues(path: str | None = None) -> dict[str, dict[str, Any]]:
    """Return the parsed cue file: ``{section: {key: [phrase, ...]}}``.

    Phrases are returned as written; use :func:`cue_list` for normalised (lower-cased, stripped)
    tuples. Raises :class:`DataError` when the file is missing or malformed.
    """
    p = Path(path) if path else CUES_PATH
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise DataError(f"cue file not found: {p}") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"cue file {p} is malformed: {exc}") from None
    for section, body in data.items():
        if not isinstance(body, dict):
            raise DataError(f"cue file {p}: [{section}] must be a table")
        for key, value in body.items():
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise DataError(f"cue file {p}: [{section}] {key} must be a list of strings")
    return data


@functools.lru_cache(maxsize=None)
def cue_list(section: str, key: str, path: str | None = None) -> tuple[str, ...]:
    """Phrases of ``[section] key``, lower-cased and whitespace-normalised, longest first
    (so that "related posts" is tried before "related"). Missing section/key gives ``()``."""
    values = load_cues(path).get(section, {}).get(key, [])
    seen: dict[str, None] = {}
    for v in values:
        n = " ".join(v.lower().split())
        if n:
            seen.setdefault(n, None)
    return tuple(sorted(seen, key=len, reverse=True))
