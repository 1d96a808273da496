"""Self-contained HTML report: zones shaded, statements highlighted, disputes listed, and with
corroboration (``verdicts``) the two-level verdict per claim, its evidence, coverage bars by outlet
family and the outlet graph.

One file, no external resources and no script; a strict Content-Security-Policy in a meta tag.
Every piece of article and evidence text goes through Jinja2 autoescaping; only http(s) URLs are
ever linked.

The verdict helpers here (``verdict_views``, ``coverage_bar``, ``outlet_graph``, the plain-language
``SAID_TEXT`` / ``SO_TEXT``) are shared with the web UI (``claimmap.api.views``), the ClaimReview
export and the terminal summary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # pragma: no cover
    from claimmap.model import Report

ZONE_LABELS = {
    "header": "Header", "body": "Article body", "disclaimer": "Publisher disclaimer",
    "comment": "Reader comment", "boilerplate": "Page chrome", "related": "Related links",
}

# ----------------------------------------------------------------------------- verdicts
NO_CORPUS = "no corpus: corroboration not run"
NOT_CHECKED = ("not checked: corroboration covers the article's attributed claims and its most "
               "check-worthy narrated ones")
VERDICT_VALUES = ("corroborated", "contradicted", "disputed", "claimant_side_only", "unverified")
VERDICT_LABELS = {"corroborated": "corroborated", "contradicted": "contradicted", "disputed": "disputed",
                  "claimant_side_only": "claimant's side only", "unverified": "unverified"}
#: "said": was the statement made? (reports that the speaker said it)
SAID_TEXT = {
    "corroborated": "outlets independent of the speaker's side report that it was said",
    "contradicted": "independent coverage reports the speaker denying it",
    "disputed": "independent coverage both reports it and reports the speaker denying it",
    "claimant_side_only": "only outlets on the speaker's side report that it was said",
    "unverified": "no other coverage in the corpus reports the speaker saying it",
    None: "the article's own claim (no speaker to check)",
}
#: "so": is the content so? (sources stating it or contradicting it in their own voice)
SO_TEXT = {
    "corroborated": "independent sources state it too",
    "contradicted": "other sources contradict it",
    "disputed": "independent sources state it and others contradict it",
    "claimant_side_only": "only outlets on the speaker's side repeat it",
    "unverified": "no independent source in the corpus confirms or contradicts it (which does not make it false)",
}
STANCE_TEXT = {"agree": "agrees", "disagree": "disagrees", "discuss": "reports it", "unrelated": "unrelated"}
#: coverage colours: (stance, independent of the claimant) -> fill
STANCE_FILL = {("agree", True): "#2f8f5b", ("agree", False): "#a3d4b6",
               ("disagree", True): "#c9413c", ("disagree", False): "#eba6a3",
               ("discuss", True): "#5b7bb6", ("discuss", False): "#b3c3e0"}
BAR_WIDTH = 220


def safe_url(url: Any) -> str | None:
    """``url`` when it is an http(s) URL (the only kind ever linked), else None."""
    if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def _outlet_name(e: dict[str, Any]) -> str:
    if e.get("outlet"):
        from claimmap.report.claims import outlet_label

        return str(outlet_label(str(e["outlet"])))
    url = e.get("url")
    if isinstance(url, str) and url:
        host = urlsplit(url).hostname if "://" in url else None
        return host or url
    return f"corpus document {e.get('document')}" if e.get("document") is not None else "unknown outlet"


def _verdict_key(value: Any) -> str | None:
    return value if value in VERDICT_VALUES else None


def has_verdicts(data: dict[str, Any]) -> bool:
    """Whether the report carries corroboration output (``verdicts``, even an empty list)."""
    return isinstance(data.get("verdicts"), list)


def coverage_bar(evidence: list[dict[str, Any]], claimant_keys: list[str] | set[str] = ()) -> dict[str, Any]:
    """Evidence -> bar segments (x, width, fill, label) in a BAR_WIDTH box: one segment per
    (claimant's side or independent, stance), as wide as its number of distinct outlet families."""
    keys = set(claimant_keys or ())
    groups: dict[tuple[bool, str], set[str]] = {}
    for e in evidence:
        stance = str(e.get("stance") or "discuss")
        if stance == "unrelated":
            continue
        fam = str(e.get("family") or _outlet_name(e))
        indep = fam not in keys
        groups.setdefault((indep, stance), set()).add(fam)
    total = sum(len(v) for v in groups.values())
    order = {"agree": 0, "discuss": 1, "disagree": 2}
    segments, x = [], 0.0
    for (indep, stance), fams in sorted(groups.items(), key=lambda kv: (not kv[0][0], order.get(kv[0][1], 3), kv[0][1])):
        w = BAR_WIDTH * len(fams) / total if total else 0
        who = "independent" if indep else "claimant's side"
        segments.append({"x": round(x, 2), "w": round(w, 2), "fill": STANCE_FILL.get((stance, indep), "#8a8f98"),
                         "label": f"{who} · {STANCE_TEXT.get(stance, stance)}: "
                                  f"{len(fams)} famil{'y' if len(fams) == 1 else 'ies'}"})
        x += w
    return {"width": BAR_WIDTH, "segments": segments, "families": total}


def outlet_graph(verdicts: list[dict[str, Any]], size: int = 260) -> dict[str, Any]:
    """Evidence outlets as nodes on a circle (claimant-side outlets orange, the others blue); an
    edge joins outlets of the same independence family."""
    outlets: dict[str, dict[str, Any]] = {}
    for v in verdicts:
        keys = set(v.get("claimant_keys") or ())
        for e in v.get("evidence") or []:
            if not isinstance(e, dict) or e.get("stance") == "unrelated":
                continue
            name = _outlet_name(e)
            fam = str(e.get("family") or "")
            node = outlets.setdefault(name, {"family": fam, "claimant": False, "items": 0})
            node["claimant"] = node["claimant"] or (fam in keys)
            node["items"] += 1
    names = sorted(outlets)
    r, cx = size * 0.36, size / 2
    nodes = []
    for i, name in enumerate(names):
        a = 2 * math.pi * i / max(1, len(names)) - math.pi / 2
        o = outlets[name]
        nodes.append({"name": name, "family": o["family"], "claimant": o["claimant"], "items": o["items"],
                      "fill": "#e08a1e" if o["claimant"] else "#3b6fb6",
                      "x": round(cx + r * math.cos(a), 1), "y": round(cx + r * math.sin(a), 1)})
    edges = [{"x1": p["x"], "y1": p["y"], "x2": q["x"], "y2": q["y"]}
             for i, p in enumerate(nodes) for q in nodes[i + 1:] if p["family"] and p["family"] == q["family"]]
    return {"size": size, "nodes": nodes, "edges": edges}


def evidence_view(e: dict[str, Any], claimant_keys: list[str] | set[str] = ()) -> dict[str, Any]:
    """One evidence item, display-ready (every value a plain string or bool; the templates escape).
    ``role``: what the item does for the verdict, in words."""
    stance = str(e.get("stance") or "")
    published = e.get("published")
    family = str(e.get("family") or "")
    if e.get("reports_speaker"):
        role = "reports the speaker saying it (" + (
            "an outlet on the speaker's side" if family in set(claimant_keys or ()) else
            "an outlet outside the speaker's side") + ")"
    elif e.get("attributed_to"):
        role = f"quotes {e['attributed_to']}"
    else:
        role = "in the outlet's own voice"
    from claimmap.report.claims import family_label

    independent = bool(e.get("independent"))
    outside = family not in set(claimant_keys or ())
    if e.get("reports_speaker"):
        # a report that the speaker said it counts for "said" (outside the speaker's side), never for "so"
        independence = ("independent of the speaker's side: counts for said" if outside else
                        "on the speaker's side: counts for said only as the claimant's side")
    elif independent:
        independence = "independent of the claimant: counts for so"
    else:
        independence = "the claimant's side or quoting it: does not count as independent for so"
    return {
        "outlet": _outlet_name(e), "family": str(e.get("family") or ""),
        "family_label": family_label(e.get("family")) or "", "stance": stance,
        "stance_text": STANCE_TEXT.get(stance, stance), "independent": independent,
        "independence_text": independence, "counts_for": "said" if e.get("reports_speaker") else "so",
        "text": str(e.get("text") or ""), "published": str(published)[:10] if published else "",
        "url": str(e.get("url") or ""), "link": safe_url(e.get("url")),
        "attributed_to": e.get("attributed_to"), "reports_speaker": bool(e.get("reports_speaker")),
        "stance_source": e.get("stance_source"), "role": role,
    }


def _confidence_text(c: Any) -> str | None:
    """A verdict's confidence in words: per level ({"said": 0.8, "so": 0.6} -> "said 0.80 · so
    0.60") or one number; None when absent."""
    if isinstance(c, bool):
        return None
    if isinstance(c, (int, float)):
        return f"{c:.2f}"
    if isinstance(c, dict):
        parts = [f"{k} {c[k]:.2f}" for k in ("said", "so") if isinstance(c.get(k), (int, float))]
        return " · ".join(parts) or None
    return None


def verdict_view(v: dict[str, Any] | None, *, corroborated: bool) -> dict[str, Any]:
    """A statement's verdict for display: said/so with their plain-language explanation, the
    evidence, the coverage bar. ``v`` None: not checked (``corroborated``) or no corpus."""
    if v is None:
        return {"checked": False, "empty": NOT_CHECKED if corroborated else NO_CORPUS, "evidence": [],
                "coverage": coverage_bar([]), "said": None, "so": None}
    said, so = _verdict_key(v.get("said")), _verdict_key(v.get("so")) or "unverified"
    evidence = [e for e in v.get("evidence") or [] if isinstance(e, dict)]
    keys = [str(k) for k in v.get("claimant_keys") or []]
    return {
        "checked": True, "empty": None,
        "said": said, "said_label": VERDICT_LABELS.get(said, "n/a") if said else "n/a (narrator)",
        "said_text": SAID_TEXT.get(said, SAID_TEXT["unverified"]) if said or v.get("said") is None else "",
        "so": so, "so_label": VERDICT_LABELS[so], "so_text": SO_TEXT[so],
        "counts": v.get("counts") or {}, "claimant_keys": keys,
        # optional fields of the verdict (a confidence in 0..1 and a one-line reason), shown when present
        "confidence": _confidence_text(v.get("confidence")),
        "reason": str(v["reason"]) if isinstance(v.get("reason"), str) and v.get("reason") else None,
        "evidence": [evidence_view(e, keys) for e in evidence],
        "coverage": coverage_bar(evidence, keys),
    }


def verdict_views(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """statement id -> ``verdict_view`` for every statement of the report JSON ``data``."""
    raw = data.get("verdicts")
    by_id = {str(v.get("statement")): v for v in raw or [] if isinstance(v, dict) and v.get("statement")}
    on = has_verdicts(data)
    return {str(st.get("id")): verdict_view(by_id.get(str(st.get("id"))), corroborated=on)
            for st in data.get("statements", [])}


def copy_view(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The document's syndication origin, when it is a copy: {url, link, outlet}."""
    url, outlet = doc.get("copy_of"), doc.get("copy_of_outlet")
    if not url and not outlet:
        return None
    return {"url": str(url) if url else None, "link": safe_url(url), "outlet": str(outlet) if outlet else None}


def run_view(data: dict[str, Any]) -> str | None:
    """One line on what corroboration searched (``corroboration_run``), or None."""
    run = data.get("corroboration_run")
    if not isinstance(run, dict):
        return None
    parts = [f"{run.get('claims', 0)} claims checked against {run.get('documents_searched', 0)} corpus documents"]
    window = run.get("window") or [None, None]
    if isinstance(window, list) and len(window) == 2 and (window[0] or window[1]):
        parts.append(f"published {window[0] or '…'} to {window[1] or '…'}")
    else:
        parts.append("no date window (the article has no date)")
    return ", ".join(parts)


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
    trusted = [st for st in report.statements if st.trusted]
    for st in trusted:  # a statement below the confidence threshold is not marked in the text
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
    from claimmap.checkworthiness.rank import rank_key

    zone_of = {z.id: z for z in report.zones}
    ranked = sorted(trusted, key=lambda st: rank_key(st, zone_of.get(st.zone), st.content.start))
    below = [st for st in report.statements if not st.trusted]
    # the article's claims, and apart from them what reader comments and page furniture say
    return {"zones": zones, "disputes": disputes,
            "statements": [st for st in ranked if st.zone in article],
            "outside_statements": [st for st in ranked if st.zone not in article],
            "below_threshold": below}


def render_html(report: "Report") -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("claimmap.report", "templates"),
        autoescape=True,  # article text is untrusted: escape everything, always
        trim_blocks=True, lstrip_blocks=True,
    )
    from claimmap.report.claims import side_label

    env.filters["side_label"] = side_label  # registry display names, never internal ids
    tpl = env.get_template("report.html.j2")
    data = report.to_dict()
    verdicts = [v for v in data.get("verdicts") or [] if isinstance(v, dict)]
    copy = copy_view(data.get("document") or {})
    if copy and copy.get("outlet"):
        from claimmap.report.claims import outlet_label

        copy["outlet"] = outlet_label(copy["outlet"])
    return tpl.render(report=report, data=data, view=build_view(report), zone_labels=ZONE_LABELS,
                      verdicts=verdict_views(data), has_verdicts=has_verdicts(data),
                      copy=copy, run=run_view(data),
                      graph=outlet_graph(verdicts), no_corpus=NO_CORPUS,
                      said_text=SAID_TEXT, so_text=SO_TEXT, labels=VERDICT_LABELS,
                      zone_kinds={z.id: ZONE_LABELS.get(z.kind, z.kind) for z in report.zones})
