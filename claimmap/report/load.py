"""Stored report JSON -> ``claimmap.model.Report`` (for the HTML report and the report page).

The JSON contract is the source of truth in the store; this rebuilds the dataclasses from it,
keeping only the fields each dataclass declares (fields added later to the JSON are ignored
here) and putting every non-core top-level key back into ``Report.extras``.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from claimmap.model import (
    Cue,
    Dispute,
    Document,
    Report,
    Sentence,
    Span,
    Speaker,
    Statement,
    Zone,
)

_CORE = {"schema_version", "generator", "document", "zones", "sentences", "statements", "disputes",
         "sides", "warnings", "id"}


def _make(cls, data: dict[str, Any] | None):
    if data is None:
        return None
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def _statement(d: dict[str, Any]) -> Statement:
    names = {f.name for f in fields(Statement)}
    kw = {k: v for k, v in d.items() if k in names}
    kw["speaker"] = _make(Speaker, d.get("speaker"))
    if kw["speaker"] is not None and isinstance(kw["speaker"].phrase, dict):
        kw["speaker"].phrase = _make(Span, kw["speaker"].phrase)
    kw["cue"] = _make(Cue, d.get("cue"))
    kw["content"] = _make(Span, d.get("content"))
    kw["sentence"] = _make(Span, d.get("sentence"))
    return Statement(**kw)


def report_from_dict(data: dict[str, Any]) -> Report:
    return Report(
        document=_make(Document, data.get("document") or {"text": ""}),
        zones=[_make(Zone, z) for z in data.get("zones", [])],
        sentences=[_make(Sentence, s) for s in data.get("sentences", [])],
        statements=[_statement(s) for s in data.get("statements", [])],
        disputes=[_make(Dispute, d) for d in data.get("disputes", [])],
        warnings=list(data.get("warnings", [])),
        extras={k: v for k, v in data.items() if k not in _CORE},
    )
