"""Narrator alignment: whose vocabulary the article adopts in its own voice.

``narrator_alignment(marks, zones) -> dict`` reads the contested-term marks of the *body* zones
(all marks when there are no zones) and returns::

    {
      "scores":   {side: float in [0, 1]},   # per conflict, the scores of its sides sum to 1
      "leaning":  side | None,
      "counts":   {side: {"narrator": n, "quoted": n, "attributed": n, "scare_quoted": n}},
      "evidence": {side: {"narrator": [span], "quoted": [...], "attributed": [...], "scare_quoted": [...]}},
      "conflicts": {conflict id: {"label": str, "sides": {side: label}}},
      "summary":  str,
    }

Score: each narrator-voice term gives its side a point (its lexicon ``weight``); a scare-quoted
or otherwise distanced term (``TermMark.scare_quoted``) gives no point to its side and its weight
to the competing sides of the same concept instead (e.g. "the so-called “special operation”"
counts for the sides whose word is "invasion"). Quoted and attributed terms are the speakers'
words and do not count. A side's score is its share of the points of its conflict.

Lexicon-based; a learned persuasion-technique model comes later.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from claimmap.framing import lexicon as _lexicon
from claimmap.framing.lexicon import NEUTRAL
from claimmap.framing.terms import TermMark
from claimmap.model import Zone

#: a side "leads" when its score is at least this and it has at least LEAN_MIN_POINTS points
LEAN_SCORE = 0.6
LEAN_MIN_POINTS = 2.0


def _span(m: TermMark) -> dict:
    return {"text": m.text, "start": m.start, "end": m.end, "zone": m.zone}


def narrator_alignment(marks: list[TermMark], zones: list[Zone]) -> dict:
    """Alignment of the body's narrator with the sides of each conflict (see module doc)."""
    lex = _lexicon.load()
    body_ids = {z.id for z in zones if z.kind == "body"}
    body = [m for m in marks if (m.zone in body_ids if zones else True) and m.side != NEUTRAL]
    return _align(body, lex)


def _align(marks: list[TermMark], lex) -> dict:
    counts: dict[str, dict[str, int]] = {}
    evidence: dict[str, dict[str, list]] = {}
    points: dict[str, float] = defaultdict(float)
    for m in marks:
        bucket = "scare_quoted" if m.scare_quoted else m.voice
        counts.setdefault(m.side, {"narrator": 0, "quoted": 0, "attributed": 0, "scare_quoted": 0})[bucket] += 1
        evidence.setdefault(m.side, {}).setdefault(bucket, []).append(_span(m))
        if m.voice != "narrator":
            continue
        if not m.scare_quoted:
            points[m.side] += m.weight
            continue
        others = lex.concept_sides(m.conflict, m.concept) - {m.side}
        if not others and m.conflict in lex.conflicts:
            others = set(lex.conflicts[m.conflict].sides) - {m.side}
        for o in others:
            points[o] += m.weight / len(others)
    conflicts = {}
    scores: dict[str, float] = {}
    for cid in dict.fromkeys(m.conflict for m in marks):
        c = lex.conflicts.get(cid)
        sides = list(c.sides) if c else sorted({m.side for m in marks if m.conflict == cid})
        conflicts[cid] = {"label": c.label if c else cid, "sides": {s: lex.side_label(s) for s in sides}}
        total = sum(points[s] for s in sides)
        for s in sides:
            scores[s] = round(points[s] / total, 3) if total else 0.0
    leaning = None
    ranked = sorted(((scores[s], points[s], s) for s in scores), reverse=True)
    if ranked:
        top_score, top_points, top = ranked[0]
        runner = ranked[1][0] if len(ranked) > 1 else 0.0
        if top_score >= LEAN_SCORE and top_points >= LEAN_MIN_POINTS and top_score > runner:
            leaning = top
    return {
        "scores": scores,
        "leaning": leaning,
        "counts": counts,
        "evidence": evidence,
        "conflicts": conflicts,
        "summary": _summary(marks, scores, leaning, lex),
    }


def _listing(marks: list[TermMark], limit: int = 6) -> str:
    by_term: Counter = Counter()
    shown: dict[str, str] = {}
    for m in marks:
        key = m.term or m.text.lower()
        by_term[key] += 1
        shown.setdefault(key, m.text)
    parts = [f"“{shown[k]}”" + (f" ×{n}" if n > 1 else "") for k, n in by_term.most_common(limit)]
    if len(by_term) > limit:
        parts.append("…")
    return ", ".join(parts)


def _summary(marks: list[TermMark], scores: dict[str, float], leaning: str | None, lex) -> str:
    own = [m for m in marks if m.voice == "narrator" and not m.scare_quoted]
    distanced = [m for m in marks if m.voice == "narrator" and m.scare_quoted]
    others = [m for m in marks if m.voice != "narrator"]
    if not marks:
        return "No contested terms from the lexicon appear in the article body."
    label = lex.side_label
    sents = []
    if leaning:
        mine = [m for m in own if m.side == leaning]
        sents.append(
            f"The narrator adopts the vocabulary of the {label(leaning)} (score {scores[leaning]:.2f}): "
            f"{len(mine)} of {len(own)} contested terms in its own voice are that side's "
            f"({_listing(mine)})."
        )
        rest = [m for m in own if m.side != leaning]
        if rest:
            sents.append(f"It also uses {_listing(rest)} in its own voice.")
    elif own or distanced:
        per_side = Counter(m.side for m in own)
        desc = "; ".join(f"the {label(s)}'s {n} ({_listing([m for m in own if m.side == s], 3)})"
                         for s, n in per_side.most_common())
        sents.append(f"The narrator mixes vocabularies or uses too few contested terms to lean: {desc or 'none in its own voice'}.")
    else:
        sents.append("The narrator uses no contested terms in its own voice.")
    if distanced:
        sides = dict.fromkeys(m.side for m in distanced)
        for s in sides:
            ms = [m for m in distanced if m.side == s]
            shown = list(dict.fromkeys(
                (f"{m.distancing} “{m.text}”" if m.distancing and m.distancing != "quotes" else f"“{m.text}” in scare quotes")
                for m in ms))
            sents.append(f"It distances itself from the {label(s)}'s terms: {', '.join(shown[:6])}.")
    if others:
        for s in dict.fromkeys(m.side for m in others):
            ms = [m for m in others if m.side == s]
            only = "" if any(m.side == s for m in own) else " only"
            sents.append(f"The {label(s)}'s terms appear{only} in quotations or attributed speech ({_listing(ms)}).")
    return " ".join(sents)
