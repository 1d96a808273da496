"""Report -> schema.org ClaimReview JSON-LD: one ``ClaimReview`` per attributed statement.

Each item reviews the statement's content (``claimReviewed``) as a ``Claim`` made by its speaker
(``itemReviewed.author``: a Person or an Organization, from the actors registry's ``kind`` or
the name's wording) that appears in the analysed article (``itemReviewed.appearance``).

The rating comes from corroboration (``claimmap.corroborate``): the report's ``verdicts`` (in
``report.extras`` or the JSON). ``reviewRating.alternateName`` is the *so*-level verdict (is the
content so?) in words (``RATINGS``: "Corroborated by independent sources", "Contradicted",
"Disputed", "Only the claimant's side confirms", "Unverified"); ``ratingExplanation`` explains it
and the *said*-level verdict (was the statement made?), and ``citation`` lists the http(s) URLs
of the evidence (never another scheme). Without corroboration the rating is
``"Unverified: no corpus evidence"`` and the explanation says that no corroboration was run; a
statement that corroboration did not check (a comment, a narrated sentence below the
check-worthiness bar) is ``Unverified`` and says so.

Accepts a ``Report`` or its JSON dict (``report.to_dict()``, or a stored report).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

UNVERIFIED = "Unverified: no corpus evidence"
NOT_RUN = "No corroboration was run: no corpus of other coverage was searched."
#: so-level verdict -> reviewRating.alternateName
RATINGS = {
    "corroborated": "Corroborated by independent sources",
    "contradicted": "Contradicted",
    "disputed": "Disputed",
    "claimant_side_only": "Only the claimant's side confirms",
    "unverified": "Unverified",
}
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


def _verdicts(data: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """statement id -> verdict, or None when corroboration did not run (no ``verdicts`` key)."""
    raw = data.get("verdicts")
    if not isinstance(raw, list):
        return None
    return {str(v.get("statement")): v for v in raw if isinstance(v, dict) and v.get("statement")}


def _explanation(v: dict[str, Any]) -> str:
    from claimmap.report.html import SAID_TEXT, SO_TEXT

    so = v.get("so") if v.get("so") in SO_TEXT else "unverified"
    said = v.get("said")
    parts = [f"Is it so? {RATINGS[so]}: {SO_TEXT[so]}."]
    if said is None:
        parts.append("Was it said? Not applicable: the article states it in its own voice.")
    elif said in SAID_TEXT:
        parts.append(f"Was it said? {RATINGS[said]}: {SAID_TEXT[said]}.")
    evidence = [e for e in v.get("evidence") or [] if isinstance(e, dict)]
    families = {str(e.get("family")) for e in evidence if e.get("family")}
    parts.append(f"Evidence: {len(evidence)} item{'' if len(evidence) == 1 else 's'} from "
                 f"{len(families)} outlet famil{'y' if len(families) == 1 else 'ies'} (each family counts once).")
    return " ".join(parts)


def to_claimreview(report: Any, *, report_url: str | None = None) -> dict[str, Any]:
    """The JSON-LD document: ``{"@context": "https://schema.org", "@graph": [ClaimReview, …]}``."""
    data = report if isinstance(report, dict) else report.to_dict()
    doc = data.get("document") or {}
    article_url = doc.get("url")
    verdicts = _verdicts(data)
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
        appearances = [appearance]
        copy_of = doc.get("copy_of")
        if isinstance(copy_of, str) and copy_of.strip().lower().startswith(("http://", "https://")):
            appearances.append({"@type": "CreativeWork", "url": copy_of.strip()})  # the story it copies
        claim: dict[str, Any] = {"@type": "Claim", "author": author, "appearance": appearances}
        if doc.get("published"):
            claim["datePublished"] = doc["published"]
        v = verdicts.get(str(st.get("id"))) if verdicts is not None else None
        evidence = list(dict.fromkeys(
            e["url"].strip() for e in (v or {}).get("evidence", []) or []
            if isinstance(e, dict) and isinstance(e.get("url"), str)
            and e["url"].strip().lower().startswith(("http://", "https://"))))
        if verdicts is None:
            rating = {"@type": "Rating", "alternateName": UNVERIFIED, "ratingExplanation": NOT_RUN}
        elif v is None:
            rating = {"@type": "Rating", "alternateName": RATINGS["unverified"],
                      "ratingExplanation": "Not checked: corroboration covers the article's attributed "
                                           "claims and its most check-worthy narrated ones."}
        else:
            so = v.get("so") if v.get("so") in RATINGS else "unverified"
            rating = {"@type": "Rating", "alternateName": RATINGS[so], "ratingExplanation": _explanation(v)}
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
