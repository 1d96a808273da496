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
    verdict_views,
)
from claimmap.report.load import report_from_dict

__all__ = ["NO_CORPUS", "coverage_bar", "outlet_graph", "report_context"]


def _zone(z, report) -> dict[str, Any]:
    """A ZoneView as a dict whose segments also carry the ids of the statements covering them."""
    start = report.zone(z.id).start if report.zone(z.id) else 0
    segments, pos = [], start
    for seg in z.segments:
        a, b = pos, pos + len(seg.text)
        pos = b
        ids = [st.id for st in report.statements
               if st.content.start <= a and b <= st.content.end
               or (st.speaker and st.speaker.start <= a and b <= st.speaker.end)
               or (st.cue and st.cue.start <= a and b <= st.cue.end)]
        segments.append({"text": seg.text, "classes": seg.classes, "title": seg.title, "anchor": seg.anchor,
                         "statements": ids})
    return {"id": z.id, "kind": z.kind, "label": z.label, "parent": z.parent, "depth": min(z.depth, 6),
            "flags": z.flags, "side": z.side, "segments": segments}


def report_context(data: dict[str, Any]) -> dict[str, Any]:
    report = report_from_dict(data)
    view = build_view(report)
    by_id = {s["id"]: s for s in data.get("statements", [])}
    partners: dict[str, list[dict[str, Any]]] = {}
    for d in data.get("disputes", []):
        ids = d.get("statements") or []
        for me, other in ((ids[0], ids[1]), (ids[1], ids[0])) if len(ids) == 2 else ():
            o = by_id.get(other) or {}
            who = (o.get("speaker") or {}).get("canonical") or "narrator"
            partners.setdefault(me, []).append({"dispute": d.get("id"), "statement": other, "speaker": who,
                                                "polarity": o.get("polarity"), "proposition": d.get("proposition")})
    verdicts = verdict_views(data)
    claims = []
    for st in data.get("statements", []):
        sp = st.get("speaker") or {}
        claims.append({
            "id": st["id"], "zone": st.get("zone"), "content": (st.get("content") or {}).get("text", ""),
            "sentence": (st.get("sentence") or {}).get("text"),
            "speaker": sp.get("canonical") or "narrator", "mention": sp.get("text"),
            "side": sp.get("side"), "polarity": st.get("polarity"), "kind": st.get("kind"),
            "cue": (st.get("cue") or {}).get("lemma"), "disputes": partners.get(st["id"], []),
            "verdict": verdicts.get(str(st["id"])),
        })
    framing = data.get("framing") or {}
    terms = framing.get("terms") or []
    zones = [_zone(z, report) for z in view["zones"]]
    return {
        "doc": data.get("document") or {}, "data": data, "zones": zones, "claims": claims,
        "disputes": data.get("disputes", []), "warnings": data.get("warnings", []),
        "framing": framing, "alignment": sorted((framing.get("narrator_alignment") or {}).items(),
                                                key=lambda kv: -kv[1]),
        "scare_terms": [t for t in terms if t.get("scare_quoted")], "terms": terms,
        "comments_summary": data.get("comments_summary"),
        "flagged_comments": [c for c in data.get("comments", []) if c.get("flags")],
        "comment_zones": [z for z in zones if z["kind"] == "comment"],
        "article_zones": [z for z in zones if z["kind"] != "comment"],
        "graph": outlet_graph([v for v in data.get("verdicts") or [] if isinstance(v, dict)]),
        "has_corroboration": has_verdicts(data), "no_corpus": NO_CORPUS,
        "copy": copy_view(data.get("document") or {}), "run": run_view(data),
        "said_text": SAID_TEXT, "so_text": SO_TEXT, "verdict_labels": VERDICT_LABELS,
        "zone_labels": ZONE_LABELS,
    }
