"""Report -> schema.org ClaimReview JSON-LD, only for claims worth publishing.

One ``ClaimReview`` per *article* claim (header and body statements; never a reader comment's)
made by a *named* speaker: no narrator, pronoun or relative pronoun as an author
(``claimmap.report.claims.named_speaker``), and, where the statements stage gives a
``confidence``, none below its threshold (CLAIMMAP_STATEMENT_THRESHOLD).

Each item reviews the statement's content (``claimReviewed``) as a ``Claim`` made by its speaker
(``itemReviewed.author``: ``Person`` or ``Organization`` from the actors registry's kind, else
spaCy's entity label of the mention) that appears in the analysed article
(``itemReviewed.appearance``: the article's url, from the source or given beside pasted text
with ``analyze --url`` / ``"source_url"``). The reviewing organisation (``author`` and
``publisher``) is the one named by the settings CLAIMMAP_PUBLISHER_NAME / CLAIMMAP_PUBLISHER_URL.

The rating comes from corroboration (``claimmap.corroborate``): the report's ``verdicts`` (in
``report.extras`` or the JSON). ``reviewRating.alternateName`` is the *so*-level verdict (is the
content so?) in words (``RATINGS``: "Corroborated by independent sources", "Contradicted",
"Disputed", "Only the claimant's side confirms", "Unverified"); ``ratingExplanation`` explains it
and the *said*-level verdict (was the statement made?), and ``citation`` lists the http(s) URLs
of the evidence (never another scheme). Without corroboration the rating is
``"Unverified: no corpus evidence"`` and the explanation says that no corroboration was run; a
statement that corroboration did not check is ``Unverified`` and says so.

Accepts a ``Report`` or its JSON dict (``report.to_dict()``, or a stored report).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from claimmap.report.claims import ARTICLE_ZONES, author_type, confident, confidence_threshold, named_speaker

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


def reviewer() -> dict[str, str]:
    """The reviewing organisation, from the settings CLAIMMAP_PUBLISHER_NAME / _URL."""
    from claimmap import config

    org = {"@type": "Organization", "name": config.get("CLAIMMAP_PUBLISHER_NAME").strip()
           or "claimmap (automated claim map, not a human fact-check)"}
    url = config.get("CLAIMMAP_PUBLISHER_URL").strip()
    if url.lower().startswith(("http://", "https://")):
        org["url"] = url
    return org


def _http(url: Any) -> str | None:
    return url.strip() if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")) else None


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
    if isinstance(v.get("reason"), str) and v["reason"].strip():
        parts.append(f"Why: {v['reason'].strip().rstrip('.')}.")
    parts.append(f"Evidence: {len(evidence)} item{'' if len(evidence) == 1 else 's'} from "
                 f"{len(families)} outlet famil{'y' if len(families) == 1 else 'ies'} (each family counts once).")
    return " ".join(parts)


def publishable(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The statements of report JSON ``data`` that ClaimReview publishes: article zones, a
    named speaker, and (when given) a confidence at or above the threshold."""
    kinds = {z.get("id"): z.get("kind") for z in data.get("zones", [])}
    threshold = confidence_threshold()
    return [st for st in data.get("statements", [])
            if kinds.get(st.get("zone")) in ARTICLE_ZONES and named_speaker(st) and confident(st, threshold)]


def to_claimreview(report: Any, *, report_url: str | None = None) -> dict[str, Any]:
    """The JSON-LD document: ``{"@context": "https://schema.org", "@graph": [ClaimReview, …]}``.
    ``report_url``: the page the reviews live on (each item's ``url`` is its claim's anchor)."""
    data = report if isinstance(report, dict) else report.to_dict()
    doc = data.get("document") or {}
    article_url = _http(doc.get("url"))
    verdicts = _verdicts(data)
    today = date.today().isoformat()
    org = reviewer()
    graph = []
    for st in publishable(data):
        speaker = st.get("speaker") or {}
        name = named_speaker(st)
        author = {"@type": author_type(name, speaker.get("text"), (st.get("sentence") or {}).get("text")),
                  "name": name}
        appearance: dict[str, Any] = {"@type": "CreativeWork"}
        if article_url:
            appearance["url"] = article_url
        if doc.get("title"):
            appearance["headline"] = doc["title"]
        if doc.get("published"):
            appearance["datePublished"] = doc["published"]
        appearances = [appearance]
        copy_of = _http(doc.get("copy_of"))
        if copy_of:
            appearances.append({"@type": "CreativeWork", "url": copy_of})  # the story it copies
        claim: dict[str, Any] = {"@type": "Claim", "author": author, "appearance": appearances}
        if copy_of:
            claim["firstAppearance"] = {"@type": "CreativeWork", "url": copy_of}
        if doc.get("published"):
            claim["datePublished"] = doc["published"]
        v = verdicts.get(str(st.get("id"))) if verdicts is not None else None
        evidence = list(dict.fromkeys(
            u for u in (_http((e or {}).get("url")) for e in (v or {}).get("evidence", []) or []
                        if isinstance(e, dict)) if u))
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
            "author": org,
            "publisher": org,
            "itemReviewed": claim,
            "reviewRating": rating,
            "citation": evidence,
        }
        if report_url:
            item["url"] = f"{report_url}#claim-{st.get('id')}"
        graph.append(item)
    return {"@context": "https://schema.org", "@graph": graph}
