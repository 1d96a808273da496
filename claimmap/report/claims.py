"""The claims a reader sees first, for the web report, the self-contained HTML and ClaimReview.

- ``claim_views(data)``: the article's claims (header and body statements) ranked by
  check-worthiness, each with its score, a short reason, speaker, side (registry display name),
  polarity, dispute partners and the said / so verdict; the comments' statements apart, in
  reading order, grouped by comment.
- ``comment_views(data)``: every comment with its text, flags, side and statements, and a
  summary computed from those same flags (so it can never disagree with them).
- ``named_speaker(st)`` / ``author_type(...)``: who may be published as a claim's author (no
  pronouns, relative pronouns or "narrator"), typed schema.org ``Person`` or ``Organization``
  from the actors registry, else spaCy's entity label of the mention.
- ``side_label`` / ``outlet_label``: registry display names instead of internal ids.

Everything returned is plain data; templates escape every string.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

ARTICLE_ZONES = ("header", "body")

#: words that never name a claim's author on their own (pronouns, relative pronouns, quantifiers)
PRONOUNS = frozenset("""
i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself it its itself they them their theirs themselves one oneself
who whom whose which that what whoever whomever whatever whichever
this these those there here
anyone anybody everyone everybody someone somebody no-one nobody none noone all both each either
neither some many few several others other another
narrator
""".split()) | {"no one", "every one", "some one"}

POLARITY_TEXT = {"assert": "asserts", "deny": "denies", "accuse": "accuses", "appeal": "appeals",
                 "propose": "proposes", "promise": "promises", "reject": "rejects"}
FLAG_TEXT = {"loaded_language": "loaded language", "name_calling": "name-calling",
             "dehumanising": "dehumanising language", "violence": "call to violence"}
INDEPENDENCE_TEXT = {
    True: "independent of the claimant: counts for so",
    False: "on the claimant's side: does not count as independent",
}
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|hundreds|thousand|"
                     r"thousands|million|millions|billion|billions|percent|half|dozen|dozens)\b", re.I)
_ORG_WORDS = re.compile(
    r"\b(ministry|ministries|government|navy|army|military|forces|police|agency|office|council|"
    r"committee|commission|authority|authorities|department|company|corporation|inc|ltd|plc|"
    r"group|union|party|bank|court|parliament|kremlin|white house|pentagon|nato|eu|un|"
    r"officials|association|institute|university|newspaper|embassy|administration|service|"
    r"services|coast guard|operator|port|republics?|states|countries|west)\b", re.IGNORECASE)


# ----------------------------------------------------------------------------- registries
def _actors():  # the registries cache themselves per setting (CLAIMMAP_ACTORS / _OUTLETS)
    try:
        from claimmap.statements import actors

        return actors.load()
    except Exception:  # noqa: BLE001 - display names are a nicety; ids stay readable enough
        return None


def _outlets():
    try:
        from claimmap.outlets.registry import load_registry

        return load_registry()
    except Exception:  # noqa: BLE001
        return None


def side_label(side: str | None) -> str | None:
    """The actors registry's label for a side id ("russian_government" -> "Russian government")."""
    if not side:
        return None
    reg = _actors()
    label = ((reg.sides.get(side) or {}).get("label") if reg is not None else None)
    return str(label) if label else side.replace("_", " ")


def outlet_label(outlet: str | None) -> str | None:
    """The outlet registry's display name for an outlet id, else the value itself."""
    if not outlet:
        return None
    reg = _outlets()
    o = reg.get(outlet) if reg is not None else None
    return o.name if o is not None and getattr(o, "name", None) else str(outlet)


def family_label(family: str | None) -> str | None:
    """An independence family key in words ("state:russia" -> "outlets of the Russian state",
    "owner:thomson reuters" -> "outlets owned by thomson reuters", "syndication:12" -> "one
    syndicated story (corpus document 12)", "site:example.org" -> "example.org"). Unknown
    shapes come back as they are."""
    if not family:
        return None
    kind, _, rest = str(family).partition(":")
    if not rest:
        return outlet_label(family)
    if kind == "state":
        return f"outlets of the {rest.capitalize()} state"
    if kind == "owner":
        return f"outlets owned by {rest}"
    if kind == "syndication":
        return f"copies of one story (corpus document {rest})"
    if kind == "site":
        return rest
    if kind == "doc":
        return f"corpus document {rest} alone"
    if kind == "speaker":
        return rest
    return str(family)


def set_source_url(report, url: str) -> None:
    """The url a pasted article was published at (given, never fetched): ``document.url``, and
    the outlet from the registry when the text named none."""
    report.document.url = url
    if not report.document.site:
        reg = _outlets()
        outlet = reg.lookup_url(url) if reg is not None else None
        if outlet is not None:
            report.document.site = outlet.id


# ----------------------------------------------------------------------------- speakers
def _norm(name: str) -> str:
    return " ".join(name.lower().replace("’", "'").split()).strip(" .,;:'\"")


def is_pronoun(name: str | None) -> bool:
    """Whether ``name`` is a pronoun, relative pronoun, quantifier or "narrator" (no author)."""
    if not name:
        return True
    n = _norm(name)
    n = re.sub(r"^(even|only|also|and|but)\s+", "", n)
    return n in PRONOUNS or not re.search(r"[a-z]", n)


def named_speaker(st: dict[str, Any]) -> str | None:
    """The name to publish as ``st``'s author, or None when the statement has no named speaker:
    no speaker (the narrator), or a speaker mentioned by a pronoun or relative pronoun. A
    pronoun the reader resolved to a registry actor ("who" -> Vladimir Putin) is published only
    when the statements stage vouches for the reading with a ``confidence`` (checked against
    its threshold by ``confident``); without one, a resolution is not trusted enough to publish."""
    sp = st.get("speaker") or None
    if not sp:
        return None
    canonical, mention = sp.get("canonical") or "", sp.get("text") or ""
    name = canonical or mention
    if is_pronoun(name):
        return None
    if is_pronoun(mention):
        reg = _actors()
        if confidence_of(st) is None or reg is None or canonical not in reg.actors:
            return None
    return name


def confidence_of(st: dict[str, Any]) -> float | None:
    """The statement's reading confidence (0..1) when the statements stage gave one."""
    c = st.get("confidence")
    return float(c) if isinstance(c, (int, float)) and not isinstance(c, bool) else None


def confidence_threshold() -> float | None:
    """The statements stage's confidence threshold (setting CLAIMMAP_STATEMENT_THRESHOLD, where
    declared), or None."""
    from claimmap import config

    if "CLAIMMAP_STATEMENT_THRESHOLD" not in config.SETTINGS:
        return None
    raw = config.get("CLAIMMAP_STATEMENT_THRESHOLD").strip()
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


def confident(st: dict[str, Any], threshold: float | None = None) -> bool:
    """False only when the statement carries a ``confidence`` below the threshold."""
    c = confidence_of(st)
    t = confidence_threshold() if threshold is None else threshold
    return c is None or t is None or c >= t


@lru_cache(maxsize=4096)
def _entity_label(mention: str, sentence: str) -> str | None:
    """spaCy's entity label of ``mention`` inside ``sentence`` (PERSON, ORG, GPE, NORP…), or None."""
    try:
        from claimmap import nlp

        doc = nlp.load()(sentence or mention)
    except Exception:  # noqa: BLE001 - no model: fall back to the wording
        return None
    m = mention.strip()
    best = None
    for ent in doc.ents:
        if ent.text == m or m.endswith(ent.text) or ent.text.endswith(m):
            if best is None or len(ent.text) > len(best.text):
                best = ent
    return best.label_ if best is not None else None


def author_type(name: str, mention: str | None = None, sentence: str | None = None) -> str:
    """schema.org type of a claim's author: the actors registry's kind when it knows the name
    (person -> Person; organisation, state, place -> Organization: a capital speaking is its
    government), else spaCy's entity label of the mention in its sentence (PERSON -> Person;
    ORG, GPE, NORP, FAC, LOC -> Organization), else the wording (institution words ->
    Organization, otherwise Person)."""
    reg = _actors()
    actor = reg.actors.get(name) if reg is not None else None
    if actor is None and reg is not None:
        actor = reg.by_alias(name) or (reg.by_alias(mention) if mention else None)
    if actor is not None:
        return "Person" if actor.kind == "person" else "Organization"
    label = _entity_label(mention or name, sentence or "") if (mention or name) else None
    if label == "PERSON":
        return "Person"
    if label in ("ORG", "GPE", "NORP", "FAC", "LOC"):
        return "Organization"
    return "Organization" if _ORG_WORDS.search(name) else "Person"


# ----------------------------------------------------------------------------- claims
def _band(score: float | None) -> str:
    if score is None:
        return "unscored"
    return "high" if score >= 0.6 else "medium" if score >= 0.35 else "low"


def worth_reason(st: dict[str, Any], *, zone_kind: str | None, disputed: bool) -> str:
    """A short reason for the check-worthiness rank, from what the sentence visibly has (the
    score itself is the model's; these are the cues a checker would look for)."""
    text = (st.get("content") or {}).get("text") or ""
    cues = []
    if _NUMBER.search(text):
        cues.append("a figure")
    if disputed:
        cues.append("disputed in the article")
    pol = st.get("polarity")
    if pol == "accuse":
        cues.append("an accusation")
    elif pol in ("deny", "reject"):
        cues.append("a denial")
    elif pol == "promise":
        cues.append("a promise")
    if named_speaker(st):
        cues.append("a named source")
    if st.get("kind") == "direct":
        cues.append("a direct quote")
    if zone_kind == "header":
        cues.append("in the headline")
    score = st.get("checkworthiness")
    head = f"{_band(score)} check-worthiness"
    return head + (": " + ", ".join(cues) if cues else "")


def _partners(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    by_id = {s["id"]: s for s in data.get("statements", [])}
    out: dict[str, list[dict[str, Any]]] = {}
    for d in data.get("disputes", []):
        ids = d.get("statements") or []
        if len(ids) != 2:
            continue
        for me, other in ((ids[0], ids[1]), (ids[1], ids[0])):
            o = by_id.get(other) or {}
            who = (o.get("speaker") or {}).get("canonical") or "the narrator"
            out.setdefault(me, []).append({"dispute": d.get("id"), "statement": other, "speaker": who,
                                           "polarity": o.get("polarity"), "proposition": d.get("proposition")})
    return out


def _claim(st: dict[str, Any], zone_kind: str | None, partners, verdicts) -> dict[str, Any]:
    sp = st.get("speaker") or {}
    score = st.get("checkworthiness")
    v = verdicts.get(str(st["id"])) if verdicts else None
    mine = partners.get(st["id"], [])
    speaker = sp.get("canonical") or sp.get("text") or "the narrator"
    return {
        "id": st["id"], "zone": st.get("zone"), "zone_kind": zone_kind,
        "content": (st.get("content") or {}).get("text", ""),
        "sentence": (st.get("sentence") or {}).get("text"),
        "speaker": speaker, "mention": sp.get("text"), "named": named_speaker(st) is not None,
        "side": sp.get("side"), "side_label": side_label(sp.get("side")),
        "polarity": st.get("polarity"), "polarity_text": POLARITY_TEXT.get(st.get("polarity"), st.get("polarity")),
        "kind": st.get("kind"), "cue": (st.get("cue") or {}).get("lemma"),
        "score": score, "score_text": f"{score:.2f}" if isinstance(score, (int, float)) else "–",
        "band": _band(score), "reason": worth_reason(st, zone_kind=zone_kind, disputed=bool(mine)),
        "confidence": confidence_of(st),
        "disputes": mine, "verdict": v,
    }


def _verdict_keys(claim: dict[str, Any]) -> set[str]:
    v = claim.get("verdict") or {}
    if not v.get("checked"):
        return {"not_checked"}
    return {k for k in (v.get("said"), v.get("so")) if k}


def claim_views(data: dict[str, Any], *, side: str | None = None, polarity: str | None = None,
                verdict: str | None = None) -> dict[str, Any]:
    """The article's claims ranked by check-worthiness (then reading order) and the comments'
    statements in reading order, each a display dict; ``side`` / ``polarity`` / ``verdict``
    filter the article's claims (``verdict`` matches the said or the so level, or
    ``not_checked``). Also the filter choices present in the article."""
    from claimmap.report.html import verdict_views

    kinds = {z["id"]: z.get("kind") for z in data.get("zones", [])}
    zone_of = {z["id"]: z for z in data.get("zones", [])}
    by_id = {st["id"]: st for st in data.get("statements", [])}
    partners = _partners(data)
    verdicts = verdict_views(data)
    article, comments, other = [], [], []
    threshold = confidence_threshold()
    for st in data.get("statements", []):
        if not confident(st, threshold):
            continue  # a reading the statements stage itself doubts
        kind = kinds.get(st.get("zone"))
        c = _claim(st, kind, partners, verdicts)
        (article if kind in ARTICLE_ZONES else comments if kind == "comment" else other).append(c)
    order = {st["id"]: i for i, st in enumerate(data.get("statements", []))}
    from claimmap.checkworthiness.rank import rank_key

    # check-worthiness weighted by confidence; headline fragments after every full claim
    article.sort(key=lambda c: rank_key(by_id[c["id"]], zone_of.get(c["zone"]), order[c["id"]]))
    for rank, c in enumerate(article, 1):
        c["rank"] = rank
    choices = {
        "side": sorted({(c["side"] or "", c["side_label"] or "unknown side") for c in article}, key=lambda kv: kv[1]),
        "polarity": sorted({c["polarity"] for c in article if c["polarity"]}),
        "verdict": sorted(set().union(*[_verdict_keys(c) for c in article])) if article else [],
    }
    shown = [c for c in article
             if (not side or (c["side"] or "") == ("" if side == "unknown" else side))
             and (not polarity or c["polarity"] == polarity)
             and (not verdict or verdict in _verdict_keys(c))]
    return {"article": shown, "article_total": len(article), "comments": comments, "other": other,
            "choices": choices, "filters": {"side": side or "", "polarity": polarity or "",
                                             "verdict": verdict or ""},
            "filtered": bool(side or polarity or verdict)}


# ----------------------------------------------------------------------------- comments
def comment_views(data: dict[str, Any]) -> dict[str, Any]:
    """Every comment zone with its text, flags (and which detector found each), side and
    statements; and a summary counted from those flags."""
    text = (data.get("document") or {}).get("text") or ""
    info = {c.get("zone"): c for c in data.get("comments", []) or [] if isinstance(c, dict)}
    by_zone: dict[str, list[dict[str, Any]]] = {}
    for st in data.get("statements", []):
        by_zone.setdefault(st.get("zone"), []).append(st)
    items = []
    counts: dict[str, int] = {}
    lexicon_counts: dict[str, int] = {}
    sides: dict[str, int] = {}
    for z in data.get("zones", []):
        if z.get("kind") != "comment":
            continue
        c = info.get(z["id"]) or {}
        flags = list(c.get("flags") or z.get("flags") or [])
        sources = c.get("flag_sources") or {}
        for f in flags:
            counts[f] = counts.get(f, 0) + 1
            if "lexicon" in (sources.get(f) or []):
                lexicon_counts[f] = lexicon_counts.get(f, 0) + 1
        side = c.get("side") or z.get("side")
        if side:
            sides[side] = sides.get(side, 0) + 1
        items.append({
            "id": z["id"], "label": z.get("label"), "parent": z.get("parent"),
            "text": text[z.get("start", 0):z.get("end", 0)].strip(),
            "flags": [{"key": f, "text": FLAG_TEXT.get(f, f.replace("_", " ")),
                       "sources": " and ".join(sources.get(f) or []) or "detector"} for f in flags],
            "side": side, "side_label": side_label(side),
            "statements": [s["id"] for s in by_zone.get(z["id"], [])],
        })
    n = len(items)
    flagged = sum(1 for i in items if i["flags"])
    if not n:
        summary = None
    else:
        parts = [f"Of {n} comment{'' if n == 1 else 's'}, {flagged} {'has' if flagged == 1 else 'have'} at least one flag"]
        if counts:
            parts[0] += " (" + ", ".join(f"{FLAG_TEXT.get(f, f)} in {k}" for f, k in
                                         sorted(counts.items(), key=lambda kv: -kv[1])) + ")"
        summary = parts[0] + "."
        if counts:
            lex = sum(1 for i in items if any("lexicon" in f["sources"] for f in i["flags"]))
            summary += (f" {lex} of the flagged comments have a flag from the cited lexicon; the others only "
                        "from the persuasion-technique model.") if lex < flagged else " Every flag shown has a lexicon match."
        if sides:
            summary += " Contested vocabulary follows " + ", ".join(
                f"the {side_label(s)} in {k}" for s, k in sorted(sides.items(), key=lambda kv: -kv[1])) + "."
    return {"entries": items, "summary": summary, "counts": counts, "flagged": flagged}
