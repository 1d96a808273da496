"""The versioned JSON contract. ``claimmap/schema/report-1.json`` is the published schema."""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from claimmap.model import Report

SCHEMA_VERSION = "1.1"
SCHEMA_RESOURCE = "report-1.json"


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema every report validates against."""
    return json.loads(resources.files("claimmap.schema").joinpath(SCHEMA_RESOURCE).read_text("utf-8"))


def report_to_dict(report: "Report") -> dict[str, Any]:
    from claimmap import __version__

    doc = report.document.to_dict()
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generator": f"claimmap {__version__}",
        "document": doc,
        "zones": [asdict(z) for z in report.zones],
        "sentences": [asdict(s) for s in report.sentences],
        "statements": [s.to_dict() for s in report.statements],
        "disputes": [asdict(d) for d in report.disputes],
        "sides": _sides_summary(report),
        "warnings": list(report.warnings),
    }
    for key, value in report.extras.items():
        out.setdefault(key, value)
    return out


def _sides_summary(report: "Report") -> dict[str, dict[str, Any]]:
    """Per side: how many statements, by whom, with which polarities."""
    sides: dict[str, dict[str, Any]] = {}
    for st in report.statements:
        if st.speaker is None or not st.speaker.side:
            continue
        entry = sides.setdefault(st.speaker.side, {"statements": 0, "speakers": [], "polarities": {}})
        entry["statements"] += 1
        if st.speaker.canonical not in entry["speakers"]:
            entry["speakers"].append(st.speaker.canonical)
        entry["polarities"][st.polarity] = entry["polarities"].get(st.polarity, 0) + 1
    return sides


def validate(data: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``data`` breaks the published contract."""
    import jsonschema

    jsonschema.validate(data, schema())
