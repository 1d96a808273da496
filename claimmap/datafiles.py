"""Reading the TOML data files (lexicons, registries): shipped ones from the package, user ones
from paths named by a setting. One place for the error messages, so every data file fails the
same clear way (``DataError`` naming the file)."""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from typing import Any

from claimmap.errors import DataError


def shipped(name: str, what: str) -> dict[str, Any]:
    """Parse ``claimmap/data/<name>``; ``what`` names the file in errors ("cue lexicon")."""
    try:
        return tomllib.loads(resources.files("claimmap").joinpath(f"data/{name}").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"shipped {what} ({name}) is missing or malformed: {exc}") from None


def user(path: str, what: str) -> dict[str, Any]:
    """Parse a user's TOML file."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise DataError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{what} {path} is not valid TOML: {exc}") from None


def layered(name: str, extra: str, what: str) -> list[tuple[str, dict[str, Any]]]:
    """The shipped file then each user file in ``extra`` (``os.pathsep``-separated, as a setting
    holds them): ``[(origin, data), …]`` in merge order, later entries overriding earlier ones."""
    out = [(name, shipped(name, what))]
    out.extend((p, user(p, what)) for p in filter(None, extra.split(os.pathsep)))
    return out
