"""The order in which a report lists an article's claims: check-worthiness weighted by how sure
the statements stage is of the reading, with headline fragments after every full claim.

    priority(checkworthiness, confidence)     # 0..1
    is_headline_fragment(statement, zone)     # "Kremlin: Kiev proposed talks", "Talks in Warsaw"
    rank_key(statement_dict, zone_dict, reading_order)   # for sorted()
    rank(report) -> list[Statement]           # the article's statements, best first

Every report (web page, self-contained HTML, terminal summary) sorts with ``rank_key``, so a
headline label whose colon was read as a cue can never top the list however the model scores
it: a headline repeats what the body says with its source, and the body's statement is the
claim to check.

Weights: ``priority = cw * (CONFIDENCE_FLOOR + (1 - CONFIDENCE_FLOOR) * confidence)``; a
statement without a confidence (no confidence model shipped) counts as fully confident, so the
order is then the check-worthiness order.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["priority", "is_headline_fragment", "rank_key", "rank"]

#: share of the check-worthiness a statement keeps at confidence 0
CONFIDENCE_FLOOR = 0.3
#: a header statement with at most this many words and no final punctuation is a fragment
FRAGMENT_WORDS = 8


def priority(checkworthiness: float | None, confidence: float | None = None) -> float:
    """Check-worthiness weighted by confidence, 0..1 (-1 for an unscored statement)."""
    if checkworthiness is None:
        return -1.0
    conf = 1.0 if confidence is None else max(0.0, min(1.0, float(confidence)))
    return float(checkworthiness) * (CONFIDENCE_FLOOR + (1 - CONFIDENCE_FLOOR) * conf)


def _get(obj: Any, name: str, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def is_headline_fragment(st: Any, zone: Any) -> bool:
    """A statement read from a headline label or fragment: in a header zone, and cued by a
    colon ("Kremlin: …"), narrated, or a short content without a final full stop."""
    if zone is None or _get(zone, "kind") != "header":
        return False
    cue = _get(st, "cue") or {}
    cue_text = (_get(cue, "text") or "").strip()
    if cue_text in (":", "-", "–", "—", "|"):
        return True
    if _get(st, "kind") == "narrated":
        return True
    content = _get(_get(st, "content") or {}, "text") or ""
    words = re.findall(r"[^\W\d_][\w'’-]*", content)
    return len(words) <= FRAGMENT_WORDS and not content.rstrip(" \"'”’»)").endswith((".", "!", "?"))


def rank_key(st: Any, zone: Any = None, order: int = 0) -> tuple:
    """Sort key: full claims before headline fragments, then higher priority, then reading order."""
    return (is_headline_fragment(st, zone),
            -priority(_get(st, "checkworthiness"), _get(st, "confidence")), order)


def rank(report) -> list:
    """The article's (header and body) trusted statements of ``report`` (confidence at or above
    CLAIMMAP_STATEMENT_THRESHOLD), best first."""
    zones = {z.id: z for z in report.zones}
    article = [s for s in report.statements if zones.get(s.zone) is not None
               and zones[s.zone].kind in ("header", "body") and getattr(s, "trusted", True)]
    order = {s.id: i for i, s in enumerate(report.statements)}
    return sorted(article, key=lambda s: rank_key(s, zones.get(s.zone), order[s.id]))
