"""View data for the report page: article segments (reused from ``claimmap.report.html``),
claims with their dispute partners and verdicts, coverage bars and the outlet graph.

Everything here is plain data; the templates draw the SVG and Jinja2 escapes every string.
Corroboration (not built yet) is read from ``extras["corroboration"]`` when present: a list of
``{"statement": id, "verdict": str, "evidence": [{"url", "outlet", "family", "side", "stance"}]}``;
without it every claim says "no corpus: corroboration not run".
"""

from __future__ import annotations

import math
from typing import Any

from claimmap.report.load import report_from_dict
from claimmap.report.html import ZONE_LABELS, build_view

NO_CORPUS = "no corpus: corroboration not run"
STANCE_COLOURS = {"support": "#2f8f5b", "supports": "#2f8f5b", "contradict": "#c9413c",
                  "contradicts": "#c9413c", "refute": "#c9413c", "neutral": "#8a8f98", "mention": "#8a8f98"}
BAR_WIDTH = 220


def _corroboration(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    raw = data.get("corroboration")
    items = raw.get("statements", []) if isinstance(raw, dict) else raw or []
    return {str(c.get("statement")): c for c in items if isinstance(c, dict) and c.get("statement")}


def coverage_bar(evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """Families by side and stance -> bar segments (x, width, colour, label) in a BAR_WIDTH box."""
    groups: dict[tuple[str, str], set[str]] = {}
    for e in evidence:
        key = (str(e.get("side") or "unknown side"), str(e.get("stance") or "neutral"))
        groups.setdefault(key, set()).add(str(e.get("family") or e.get("outlet") or e.get("url") or "?"))
    total = sum(len(v) for v in groups.values())
    segments, x = [], 0.0
    for (side, stance), fams in sorted(groups.items()):
        w = BAR_WIDTH * len(fams) / total if total else 0
        segments.append({"x": round(x, 2), "w": round(w, 2), "fill": STANCE_COLOURS.get(stance.lower(), "#5b7bb6"),
                         "label": f"{side} · {stance}: {len(fams)} famil{'y' if len(fams) == 1 else 'ies'}"})
        x += w
    return {"width": BAR_WIDTH, "segments": segments, "families": total}


def outlet_graph(corro: dict[str, dict[str, Any]], size: int = 260) -> dict[str, Any]:
    """Evidence outlets as nodes on a circle; an edge joins outlets of the same family."""
    outlets: dict[str, str] = {}
    for c in corro.values():
        for e in c.get("evidence", []) or []:
            if isinstance(e, dict) and (e.get("outlet") or e.get("url")):
                outlets.setdefault(str(e.get("outlet") or e.get("url")), str(e.get("family") or ""))
    names = sorted(outlets)
    r, cx = size * 0.36, size / 2
    nodes = []
    for i, name in enumerate(names):
        a = 2 * math.pi * i / max(1, len(names)) - math.pi / 2
        nodes.append({"name": name, "family": outlets[name],
                      "x": round(cx + r * math.cos(a), 1), "y": round(cx + r * math.sin(a), 1)})
    edges = [{"x1": p["x"], "y1": p["y"], "x2": q["x"], "y2": q["y"]}
             for i, p in enumerate(nodes) for q in nodes[i + 1:] if p["family"] and p["family"] == q["family"]]
    return {"size": size, "nodes": nodes, "edges": edges}


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
    corro = _corroboration(data)
    claims = []
    for st in data.get("statements", []):
        c = corro.get(st["id"])
        evidence = [e for e in (c or {}).get("evidence", []) or [] if isinstance(e, dict)]
        sp = st.get("speaker") or {}
        claims.append({
            "id": st["id"], "zone": st.get("zone"), "content": (st.get("content") or {}).get("text", ""),
            "sentence": (st.get("sentence") or {}).get("text"),
            "speaker": sp.get("canonical") or "narrator", "mention": sp.get("text"),
            "side": sp.get("side"), "polarity": st.get("polarity"), "kind": st.get("kind"),
            "cue": (st.get("cue") or {}).get("lemma"), "disputes": partners.get(st["id"], []),
            "verdict": (c or {}).get("verdict") if c else None, "evidence": evidence,
            "coverage": coverage_bar(evidence),
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
        "graph": outlet_graph(corro), "has_corroboration": bool(corro), "no_corpus": NO_CORPUS,
        "zone_labels": ZONE_LABELS,
    }
