"""Self-contained HTML report: zones shaded, statements highlighted, disputes listed.

One file, no external resources and no script; a strict Content-Security-Policy in a meta tag.
Every piece of article text goes through Jinja2 autoescaping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from claimmap.model import Report

ZONE_LABELS = {
    "header": "Header", "body": "Article body", "disclaimer": "Publisher disclaimer",
    "comment": "Reader comment", "boilerplate": "Page chrome", "related": "Related links",
}


@dataclass
class Segment:
    text: str
    classes: list[str] = field(default_factory=list)
    title: str = ""
    anchor: str | None = None


@dataclass
class ZoneView:
    id: str
    kind: str
    label: str
    parent: str | None
    depth: int
    segments: list[Segment]
    flags: list[str]
    side: str | None


def _segments(text: str, start: int, end: int, marks: list[tuple[int, int, str, str]],
              anchors: dict[int, str]) -> list[Segment]:
    """Cut text[start:end] at every mark boundary; each piece carries the marks covering it."""
    cuts = {start, end}
    for s, e, _, _ in marks:
        if s < end and e > start:
            cuts.add(max(s, start))
            cuts.add(min(e, end))
    cuts.update(a for a in anchors if start <= a < end)
    points = sorted(cuts)
    out: list[Segment] = []
    for a, b in zip(points, points[1:]):
        if a == b:
            continue
        covering = [(cls, title) for s, e, cls, title in marks if s <= a and b <= e]
        out.append(Segment(
            text=text[a:b],
            classes=sorted({c for c, _ in covering}),
            title=" · ".join(dict.fromkeys(t for _, t in covering if t)),
            anchor=anchors.get(a),
        ))
    return out


def build_view(report: "Report") -> dict:
    text = report.document.text
    marks: list[tuple[int, int, str, str]] = []
    anchors: dict[int, str] = {}
    for st in report.statements:
        who = st.speaker.canonical if st.speaker else "narrator"
        side = (st.speaker.side if st.speaker else None) or "unknown side"
        label = f"{st.id}: {who} ({side}) — {st.polarity}, {st.kind}"
        marks.append((st.content.start, st.content.end, f"content pol-{st.polarity}", label))
        if st.speaker is not None and st.speaker.end > st.speaker.start:
            marks.append((st.speaker.start, st.speaker.end, "speaker", f"speaker: {who} ({side})"))
        if st.cue is not None and st.cue.end > st.cue.start:
            marks.append((st.cue.start, st.cue.end, "cue", f"cue: {st.cue.lemma}"))
        first = min([st.content.start] + ([st.speaker.start] if st.speaker else []) + ([st.cue.start] if st.cue else []))
        anchors.setdefault(first, f"st-{st.id}")
    for t in report.extras.get("framing", {}).get("terms", []):
        cls = "term scare" if t.get("scare_quoted") else "term"
        marks.append((t["start"], t["end"], cls, f"contested term ({t.get('side') or '?'}, {t.get('voice')})"))
        anchors.setdefault(t["start"], f"term-{t['start']}")
    for t in report.extras.get("techniques", []):
        marks.append((t["start"], t["end"], "technique", f"technique: {t['technique']} ({t['score']:.2f})"))
    for c in report.extras.get("comments", []):
        for t in c.get("terms", []):
            marks.append((t["start"], t["end"], "flagged", t.get("category", "")))

    depth: dict[str, int] = {}
    zones = []
    for z in report.zones:
        d = depth.get(z.parent, -1) + 1 if z.parent else 0
        depth[z.id] = d
        zones.append(ZoneView(z.id, z.kind, ZONE_LABELS.get(z.kind, z.kind), z.parent, d,
                              _segments(text, z.start, z.end, marks, anchors), z.flags or [], z.side))
    by_id = {s.id: s for s in report.statements}
    disputes = [
        {"id": d.id, "proposition": d.proposition, "similarity": d.similarity,
         "a": by_id.get(d.statements[0]), "b": by_id.get(d.statements[1])}
        for d in report.disputes
    ]
    article = {z.id for z in report.zones if z.kind in ("header", "body")}
    ranked = sorted(report.statements, key=lambda st: (
        st.zone not in article,                       # the article's claims before the comments'
        -(st.checkworthiness if st.checkworthiness is not None else -1.0),
        st.content.start))
    return {"zones": zones, "disputes": disputes, "statements": ranked}


def render_html(report: "Report") -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("claimmap.report", "templates"),
        autoescape=True,  # article text is untrusted: escape everything, always
        trim_blocks=True, lstrip_blocks=True,
    )
    tpl = env.get_template("report.html.j2")
    data = report.to_dict()
    return tpl.render(report=report, data=data, view=build_view(report), zone_labels=ZONE_LABELS)
