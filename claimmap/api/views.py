"""View data for the report page: article segments (reused from ``claimmap.report.html``),
claims with their dispute partners and corroboration verdicts, coverage bars and the outlet graph.

Everything here is plain data; the templates draw the SVG and Jinja2 escapes every string.
Corroboration is read from the report's ``verdicts`` (``claimmap.corroborate``: per claim the
two-level verdict ``said`` / ``so`` and its evidence) and ``document.copy_of`` /
``copy_of_outlet``; without ``verdicts`` every claim says "no corpus: corroboration not run".
"""

from __future__ import annotations

from typing import Any

from claimmap.report.html import (
    NO_CORPUS,
    SAID_TEXT,
    SO_TEXT,
    VERDICT_LABELS,
    ZONE_LABELS,
    build_view,
    copy_view,
    coverage_bar,
    has_verdicts,
    outlet_graph,
    run_view,
)
from claimmap.report.claims import claim_views, comment_views, outlet_label, side_label
from claimmap.report.load import report_from_dict

__all__ = ["NO_CORPUS", "coverage_bar", "outlet_graph", "report_context"]


def _zone(z, report) -> dict[str, Any]:
    """A ZoneView as a dict whose segments also carry the ids of the statements covering them;
    the first piece of each statement's content is a link to its claim (``link``), so every
    highlighted statement is reachable by keyboard and opens without JavaScript too."""
    start = report.zone(z.id).start if report.zone(z.id) else 0
    segments, pos = [], start
    linked: set[str] = set()
    for seg in z.segments:
        a, b = pos, pos + len(seg.text)
        pos = b
        ids = [st.id for st in report.statements
               if st.content.start <= a and b <= st.content.end
               or (st.speaker and st.speaker.start <= a and b <= st.speaker.end)
               or (st.cue and st.cue.start <= a and b <= st.cue.end)]
        link = next((st.id for st in report.statements
                     if st.id not in linked and st.content.start <= a < st.content.end and b <= st.content.end
                     and seg.text.strip()), None)
        if link:
            linked.add(link)
        segments.append({"text": seg.text, "classes": seg.classes, "title": seg.title, "anchor": seg.anchor,
                         "statements": ids, "link": link})
    return {"id": z.id, "kind": z.kind, "label": z.label, "parent": z.parent, "depth": min(z.depth, 6),
            "flags": z.flags, "side": z.side, "side_label": side_label(z.side), "segments": segments}


def report_context(data: dict[str, Any], *, side: str | None = None, polarity: str | None = None,
                   verdict: str | None = None) -> dict[str, Any]:
    """Everything the report page shows. ``side`` / ``polarity`` / ``verdict`` filter the
    article's claims (see ``claimmap.report.claims.claim_views``)."""
    report = report_from_dict(data)
    view = build_view(report)
    claims = claim_views(data, side=side, polarity=polarity, verdict=verdict)
    comments = comment_views(data)
    framing = data.get("framing") or {}
    terms = [dict(t, side_label=side_label(t.get("side"))) for t in framing.get("terms") or []]
    zones = [_zone(z, report) for z in view["zones"]]
    zone_by_id = {z["id"]: z for z in zones}
    comment_claims: dict[str, list[dict[str, Any]]] = {}
    for c in claims["comments"]:
        comment_claims.setdefault(c["zone"], []).append(c)
    for item in comments["entries"]:
        item["zone"] = zone_by_id.get(item["id"])
        item["claims"] = comment_claims.get(item["id"], [])
    doc = data.get("document") or {}
    copy = copy_view(doc)
    if copy and copy.get("outlet"):
        copy["outlet"] = outlet_label(copy["outlet"])
    return {
        "doc": doc, "site_label": outlet_label(doc.get("site")), "data": data, "zones": zones,
        "claims": claims["article"], "claims_total": claims["article_total"],
        "comment_claim_count": len(claims["comments"]), "other_claims": claims["other"],
        "choices": claims["choices"], "filters": claims["filters"], "filtered": claims["filtered"],
        "disputes": data.get("disputes", []), "warnings": data.get("warnings", []),
        "framing": framing, "alignment": sorted(((side_label(k), v) for k, v in
                                                 (framing.get("narrator_alignment") or {}).items()),
                                                key=lambda kv: -kv[1]),
        "scare_terms": [t for t in terms if t.get("scare_quoted")], "terms": terms,
        "comments": comments,
        "article_zones": [z for z in zones if z["kind"] != "comment"],
        "graph": outlet_graph([v for v in data.get("verdicts") or [] if isinstance(v, dict)]),
        "has_corroboration": has_verdicts(data), "no_corpus": NO_CORPUS,
        "copy": copy, "run": run_view(data),
        "said_text": SAID_TEXT, "so_text": SO_TEXT, "verdict_labels": dict(VERDICT_LABELS, not_checked="not checked"),
        "zone_labels": ZONE_LABELS, "side_label": side_label,
    }
