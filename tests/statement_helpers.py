"""Helpers shared by the statement tests: run the extractor on one body zone, pick a statement
by its cue."""

from __future__ import annotations

from claimmap.model import Document, Zone
from claimmap.statements import extract


def run(text: str):
    """The statements of ``text`` read as one body zone (nothing remembered for later stages)."""
    return extract(Document(text=text), [Zone("z1", "body", 0, len(text))], remember=False)[1]


def by_cue(statements, cue: str):
    """The first statement whose cue text ends with ``cue`` (fails listing them all if none)."""
    found = [s for s in statements if s.cue is not None and s.cue.text.endswith(cue)]
    assert found, [(s.cue.text if s.cue else None, s.content.text) for s in statements]
    return found[0]
