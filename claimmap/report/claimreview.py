"""Report -> schema.org ClaimReview JSON-LD: one ``ClaimReview`` per attributed statement.

Each item reviews the statement's content (``claimReviewed``) as a ``Claim`` made by its speaker
(``itemReviewed.author``: a Person or an Organization, from the actors registry's ``kind`` or
the name's wording) that appears in the analysed article (``itemReviewed.appearance``). The
verdict comes from corroboration: ``report.extras["corroboration"]`` (or the same key in the
JSON), a list of ``{"statement": id, "verdict": str, "evidence": [{"url", "outlet", ...}]}`` (only http(s) evidence
URLs are cited).
Without corroboration data the verdict is ``Unverified`` and says why:
``reviewRating.alternateName == "Unverified: no corpus evidence"``.

Accepts a ``Report`` or its JSON dict (``report.to_dict()``, or a stored report).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

UNVERIFIED = "Unverified: no corpus evidence"
REVIEWER = {"@type": "Organization", "name": "claimmap (automated claim map, not a human fact-check)"}

_ORG_WORDS = re.compile(
    r"\b(ministry|ministries|government|navy|army|military|forces|police|agency|office|council|"
    r"committee|commission|authority|authorities|department|company|corporation|inc|ltd|plc|"
    r"group|union|party|bank|court|parliament|kremlin|white house|pentagon|un|nato|eu|"
    r"officials|spokes(?:man|woman|person) for|association|institute|university|newspaper|agency|"
    r"embassy|administration|service|services|coast guard|operator|port)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _actor_kinds() -> dict[str, str]:
    """canonical name (lower-case) -> kind, from the shipped actors registry (best effort)."""
    try:
        import tomllib
        from importlib import resources

        data = tomllib.loads(resources.files("claimmap.data").joinpath("actors.toml").read_text("utf-8"))
    except Exception:  # noqa: BLE001 - the registry is optional for this export
        return {}
    return {str(a.get("canonical", "")).lower(): str(a.get("kind", "")) for a in data.get("actor", [])}


def _author(name: str) -> dict[str, str]:
    kind = _actor_kinds().get(name.lower(), "")
    if kind == "person":
        typ = "Person"
    elif kind in ("organisation", "organization", "state"):
        typ = "Organization"
    else:
        typ = "Organization" if _ORG_WORDS.search(name) else "Person"
    return {"@type": typ, "name": name}


def _corroboration(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    raw = data.get("corroboration")
    items = raw.get("statements", []) if isinstance(raw, dict) else raw or []
    return {str(c.get("statement")): c for c in items if isinstance(c, dict) and c.get("statement")}


def to_claimreview(report: Any, *, report_url: str | None = None) -> dict[str, Any]:
    """The JSON-LD document: ``{"@context": "https://schema.org", "@graph": [ClaimReview, …]}``."""
    data = report if isinstance(report, dict) else report.to_dict()
    doc = data.get("document") or {}
    article_url = doc.get("url")
    corro = _corroboration(data)
    today = date.today().isoformat()
    graph = []
    for st in data.get("statements", []):
        speaker = st.get("speaker") or None
        if speaker:
            author = _author(speaker.get("canonical") or speaker.get("text") or "unknown")
        elif doc.get("authors"):
            author = _author(doc["authors"][0])
        else:
            author = {"@type": "Organization", "name": doc.get("site") or "the article's publisher"}
        appearance: dict[str, Any] = {"@type": "CreativeWork"}
        if article_url:
            appearance["url"] = article_url
        if doc.get("title"):
            appearance["headline"] = doc["title"]
        if doc.get("published"):
            appearance["datePublished"] = doc["published"]
        claim: dict[str, Any] = {"@type": "Claim", "author": author, "appearance": [appearance]}
        if doc.get("published"):
            claim["datePublished"] = doc["published"]
        c = corro.get(str(st.get("id")))
        evidence = [e["url"] for e in (c or {}).get("evidence", []) or []
                    if isinstance(e, dict) and isinstance(e.get("url"), str)
                    and e["url"].lower().startswith(("http://", "https://"))]
        verdict = (c or {}).get("verdict")
        rating = {"@type": "Rating", "alternateName": str(verdict) if verdict else UNVERIFIED}
        if not verdict:
            rating["ratingExplanation"] = "No corroboration was run: no corpus of other coverage was searched."
        item: dict[str, Any] = {
            "@type": "ClaimReview",
            "identifier": st.get("id"),
            "claimReviewed": (st.get("content") or {}).get("text", ""),
            "datePublished": today,
            "author": REVIEWER,
            "itemReviewed": claim,
            "reviewRating": rating,
            "citation": evidence,
        }
        if report_url:
            item["url"] = f"{report_url}#claim-{st.get('id')}"
        graph.append(item)
    return {"@context": "https://schema.org", "@graph": graph}
