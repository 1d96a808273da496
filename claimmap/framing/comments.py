"""Reader comments: loaded language, name-calling, dehumanising language, calls to violence, and
whose contested vocabulary each comment uses.

These flags are lexicon-based (claimmap/data/loaded_language.toml and contested_terms.toml with
a few spaCy rules, see ``claimmap.framing.loaded``); they find wording, not intent or target. A
learned persuasion-technique model comes later.

``comment_flags(doc, zones) -> list[dict]``, one per comment zone, in text order::

    {"zone": id, "flags": [subset of loaded_language, name_calling, dehumanising, violence],
     "terms": [{"text", "start", "end", "category"}], "side": side | None,
     "contested": [{"text", "start", "end", "side", "voice", "scare_quoted"}]}

``side`` is the side whose contested vocabulary the commenter uses in their own voice (at least
60% of the points, scored as in ``alignment``), else None; ``contested`` lists those terms.

``comments_summary(per_comment) -> dict``::

    {"n_comments": n, "flagged": {flag: [zone ids]}, "sides": {side: n}, "summary": str}
"""

from __future__ import annotations

from collections import Counter

from claimmap.framing import _text
from claimmap.framing import lexicon as _lexicon
from claimmap.framing.lexicon import NEUTRAL
from claimmap.framing.loaded import CATEGORIES
from claimmap.framing.loaded import matcher as _loaded_matcher
from claimmap.framing.terms import TermMark, find_terms
from claimmap.model import Document, Zone

#: a comment's side is the one with the most points when it has at least this share of them
SIDE_SHARE = 0.6

_PLURAL = {"loaded_language": "loaded language", "name_calling": "name-calling",
           "dehumanising": "dehumanising language", "violence": "calls to violence"}


def comment_flags(doc: Document, zones: list[Zone], marks: list[TermMark] | None = None) -> list[dict]:
    """Flags for each comment zone (see module doc). ``marks`` (from ``find_terms``) is computed
    when not given; only the commenter's own-voice terms decide the comment's side."""
    comments = [z for z in zones if z.kind == "comment" and z.end > z.start]
    if not comments:
        return []
    if marks is None:
        marks = find_terms(doc, zones, [])
    lm = _loaded_matcher()
    by_zone: dict[str | None, list] = {}
    for r in _text.regions(doc, zones):
        by_zone.setdefault(r.zone_id, []).append(r)
    out = []
    for z in sorted(comments, key=lambda z: z.start):
        terms = [{"text": doc.text[r.start + h.start:r.start + h.end], "start": r.start + h.start,
                  "end": r.start + h.end, "category": h.category}
                 for r in by_zone.get(z.id, []) for h in lm.find(r.sdoc)]
        flags = [c for c in CATEGORIES if any(t["category"] == c for t in terms)]
        mine = [m for m in marks if m.zone == z.id]
        out.append({"zone": z.id, "flags": flags, "terms": terms, "side": _side(mine),
                    "contested": [{"text": m.text, "start": m.start, "end": m.end, "side": m.side,
                                   "voice": m.voice, "scare_quoted": m.scare_quoted} for m in mine]})
    return out


def _side(marks: list[TermMark]) -> str | None:
    points: Counter = Counter()
    lex = _lexicon.load()
    for m in marks:
        if m.voice != "narrator" or m.side == NEUTRAL:
            continue
        if m.scare_quoted:
            others = lex.concept_sides(m.conflict, m.concept) - {m.side}
            for o in others:
                points[o] += m.weight / len(others)
        else:
            points[m.side] += m.weight
    total = sum(points.values())
    if not total:
        return None
    (top, n), *rest = points.most_common()
    if n / total >= SIDE_SHARE and (not rest or n > rest[0][1]):
        return top
    return None


def comments_summary(per_comment: list[dict]) -> dict:
    """Counts over ``comment_flags`` output, with a one-sentence summary."""
    n = len(per_comment)
    flagged = {c: [p["zone"] for p in per_comment if c in p["flags"]] for c in CATEGORIES}
    sides = Counter(p["side"] for p in per_comment if p.get("side"))
    if not n:
        summary = "No reader comments."
    else:
        parts = [f"{_PLURAL.get(c, c)} in {len(ids)}" for c, ids in flagged.items() if ids]
        any_flag = sum(1 for p in per_comment if p["flags"])
        summary = (f"Of {n} comment{'s' if n != 1 else ''}, {any_flag} use flagged language"
                   + (f" ({', '.join(parts)})" if parts else "") + ".")
        if sides:
            lex = _lexicon.load()
            summary += " Contested vocabulary: " + ", ".join(
                f"{k} follow{'s' if k == 1 else ''} the {lex.side_label(s)}" for s, k in sides.most_common()) + "."
        summary += " (Lexicon-based flags.)"
    return {"n_comments": n, "flagged": flagged, "sides": dict(sides), "summary": summary}
