"""Sides only in context: a conflict's sides go to speakers only when the article is about it.

The resolver (``claimmap.statements.resolve``) names each speaker from the actors registry; this
stage decides, per article, whether the registry's side applies:

1. **The article is about the conflict.** A conflict is in context when its title and body
   mention its own actors (sides with ``context = true``; not outside parties such as Western
   governments, which any story may name) and its vocabulary (``[[conflict]] vocabulary``) at
   least ``min_evidence`` times; ambiguous names ("Washington", "Moscow") are not evidence.
   Outside parties (``context = false``: "Western governments") and speakers named only by an
   ambiguous name or a short description ("the commission") get their side only in such an
   article: a US Senate story or a university study gets no side of the Russia–Ukraine war.
   A conflict is in context only when, besides ``min_evidence``, two of its sides are each
   named twice or its vocabulary occurs twice: "Ukraine" throughout an impeachment story is
   not the war. A party's own actor (the Kremlin, Lavrov) keeps its side in an article about
   no registered conflict, but not in one about another conflict (Russia's foreign ministry on
   Israeli settlements).
2. **The registered name is the speaker, not a modifier.** The name must end the mention, or be
   followed only by words such as "officials" or "spokesman" (``[mentions] heads``): "the U.S.
   Supreme Court", "Washington Post reporters" and "Moscow State University researchers" are
   other speakers, who get their own name and no side.
3. **Ambiguous names need the right entity.** A name listed as ``ambiguous`` ("US", "White
   House", "Washington") counts only when written as listed (case included: "us" is a pronoun),
   as the whole mention, when NER does not tag it as a person, and when no person of the article
   bears it ("Denzel Washington … Washington said" is the actor, not the United States).
4. **One entity, one side.** A pronoun or relative speaker ("he", "who") follows the verdict on
   its antecedent's name; all statements of one canonical speaker end with the same side.

Public API: ``apply(text, zones, statements, registry, ents)`` (in place; ``ents`` are the
article's named entities as ``(start, end, label)`` in text offsets) and
``conflicts_in_context(text, zones, registry) -> dict[conflict id, evidence count]``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimmap.model import Statement, Zone
from claimmap.statements.actors import Registry, norm
from claimmap.statements.resolve import GROUP_PRONOUNS, PERSON_PRONOUNS, SELF_PRONOUNS, unknown_canonical

__all__ = ["apply", "conflicts_in_context"]

#: zones whose text shows what the article is about
CONTEXT_ZONES = ("header", "body")
_RELATIVES = {"who", "which", "that", "whom", "whose"}
_PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS | SELF_PRONOUNS | _RELATIVES
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})
_LEADING = {"the", "a", "an"}


def _normtext(text: str) -> str:
    """The normalisation ``Registry.find_all`` matches on (quotes and whitespace unified, lower)."""
    return " ".join(text.translate(_QUOTES).split()).lower()


@lru_cache(maxsize=8)
def _vocab_re(words: tuple[str, ...]) -> re.Pattern | None:
    if not words:
        return None
    alts = sorted({_normtext(w) for w in words if w.strip()}, key=len, reverse=True)
    return re.compile(r"(?<![\w])(" + "|".join(re.escape(a) for a in alts) + r")(?![\w])")


def _alias_hits(reg: Registry, normed: str):
    """(start, end, alias, actor) for every registered name in already-normalised text."""
    if reg._alias_re is None:
        return []
    return [(m.start(), m.end(), m.group(1), reg.actors[reg._alias_map[m.group(1)]])
            for m in reg._alias_re.finditer(normed)]


def conflicts_in_context(text: str, zones: list[Zone], reg: Registry) -> dict[str, int]:
    """Evidence per conflict in the article's title and body: mentions of its own actors
    (unambiguous names of sides that establish context) plus its vocabulary. Only conflicts
    that reach their ``min_evidence`` are returned."""
    article = _normtext("\n".join(text[z.start:z.end] for z in zones if z.kind in CONTEXT_ZONES))
    if not article:
        return {}
    counts: dict[str, int] = {}
    by_side: dict[str, int] = {}
    vocab: dict[str, int] = {}
    for _s, _e, alias, actor in _alias_hits(reg, article):
        if not actor.side or reg.is_ambiguous(actor, norm(alias)):
            continue
        if not (reg.sides.get(actor.side) or {}).get("context", True):
            continue
        c = reg.conflict_of(actor.side)
        counts[c] = counts.get(c, 0) + 1
        by_side[actor.side] = by_side.get(actor.side, 0) + 1
    for cid, conflict in reg.conflicts.items():
        pat = _vocab_re(tuple(conflict.vocabulary))
        if pat is not None:
            n = sum(1 for _ in pat.finditer(article))
            if n:
                counts[cid] = counts.get(cid, 0) + n
                vocab[cid] = n
    out = {}
    for cid, n in counts.items():
        need = reg.conflicts[cid].min_evidence if cid in reg.conflicts else 3
        # about the conflict, not just about one of its parties: two of its sides named at
        # least twice each, or its own vocabulary at least twice ("Ukraine" alone throughout an
        # impeachment story is not the war)
        parties = sum(1 for side, k in by_side.items() if k >= 2 and reg.conflict_of(side) == cid)
        if n >= need and (parties >= 2 or vocab.get(cid, 0) >= 2):
            out[cid] = n
    return out


def _head_words(reg: Registry) -> set[str]:
    return {w for h in reg.heads for w in h.split()}


def _judge_mention(st: Statement, reg: Registry, heads: set[str], person_names: list[str],
                   ents: list[tuple[int, int, str]]) -> tuple[bool, str | None]:
    """(the registry name stands for the speaker, the speaker's own name when it does not)."""
    sp = st.speaker
    mention = sp.text
    normed = _normtext(mention)
    names = set(sp.canonical.split(" and ")) | {sp.canonical}
    hits = [h for h in _alias_hits(reg, normed) if h[3].canonical in names]
    if not hits:
        # named through a role or an earlier mention; but a person's name never stands for a
        # registered organisation or state ("Megan Baldridge" is not "United States")
        actor = reg.actors.get(sp.canonical)
        if actor is not None and not actor.is_person and norm(mention) not in _PRONOUNS and any(
                a <= sp.start and sp.end <= b and label == "PERSON" for a, b, label in ents):
            return False, None
        return True, None
    s, e, alias, actor = hits[-1]
    trailing = re.sub(r"^'s\b", "", normed[e:].strip()).strip(" ,.;:\"'()[]-")
    words = [w for w in re.split(r"[\s,]+", trailing) if w and w != "and"]
    if any(w not in heads for w in words):
        return False, None
    if not reg.is_ambiguous(actor, norm(alias)):
        return True, None
    # an ambiguous name: the whole mention, written as listed, never a person
    before = [w for w in normed[:s].split() if w not in _LEADING]
    if before or words:
        return False, None
    if not any(re.search(r"(?<![\w])" + re.escape(a.translate(_QUOTES)) + r"(?![\w])", mention.translate(_QUOTES))
               for a in actor.ambiguous):
        return False, None
    if not actor.is_person:
        if any(a < sp.end and sp.start < b and label == "PERSON" for a, b, label in ents):
            return False, None
        bare = " ".join(mention.split()).strip(" ,.;:")
        bare = re.sub(r"^(?i:the)\s+", "", bare)
        for full in person_names:
            if full != bare and full.endswith(" " + bare):
                return False, full
    return True, None


def _named_ambiguously(sp, reg: Registry) -> bool:
    """The speaker's registered actor is named here (or, for a pronoun, was last named) only by
    one of its ambiguous names."""
    actor = reg.actors.get(sp.canonical)
    if actor is None or not actor.ambiguous:
        return False
    hits = [h for h in _alias_hits(reg, _normtext(sp.text)) if h[3] is actor]
    if not hits:
        return norm(sp.text) in _PRONOUNS  # "it" after "Washington said": judged with its name
    return all(reg.is_ambiguous(actor, norm(alias)) for _s, _e, alias, _a in hits)


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[^\W\d_]+", name) if w[0].isupper())


def _metonym(sp, reg: Registry) -> str | None:
    """The name as written when the speaker's registered actor is named only by one of its
    ambiguous names that is another entity's name ("the White House", "Washington", "Brussels"
    for a state or an organisation), not its abbreviation ("US", "U.S.", "USA" for "United
    States"): out of the actor's conflict that name is the speaker's canonical name."""
    actor = reg.actors.get(sp.canonical)
    if actor is None or not actor.ambiguous or actor.is_person or not _named_ambiguously(sp, reg):
        return None
    if norm(sp.text) in _PRONOUNS:
        return None
    name = unknown_canonical(sp.text)
    letters = re.sub(r"[^A-Za-z]", "", name)
    if not name or letters.isupper() and _initials(actor.canonical).startswith(letters[:2]):
        return None  # "US", "U.S.", "USA": the actor itself
    return name


def _generic_role(sp, reg: Registry) -> bool:
    """The speaker was named only by a short description ("the commission", "the Lancet
    Commission" read as the registry's "commission"), not by any registered name: such a role
    identifies the actor only in an article about its conflict. Longer roles ("the Russian
    Foreign Minister") are specific enough anywhere."""
    if sp.canonical not in reg.actors or _alias_hits(reg, _normtext(sp.text)):
        return False
    return len(norm(sp.text).split()) <= 2


def apply(text: str, zones: list[Zone], statements: list[Statement], reg: Registry,
          ents: list[tuple[int, int, str]] | None = None) -> dict[str, int]:
    """Clear or fix sides (and the canonical names of misread speakers) in place; returns the
    conflicts in context with their evidence."""
    ents = sorted(ents or [])
    in_context = conflicts_in_context(text, zones, reg)
    heads = _head_words(reg)
    person_names = list(dict.fromkeys(" ".join(text[a:b].split()) for a, b, label in ents if label == "PERSON"))
    # canonical -> (verdict, replacement canonical) of its latest name-bearing mention
    latest: dict[str, tuple[bool, str | None, bool]] = {}
    from claimmap.statements import cues

    messages = cues.load().message_nouns
    for st in sorted(statements, key=lambda s: (s.speaker.start if s.speaker else -1)):
        sp = st.speaker
        if sp is None or sp.side is None:
            continue
        original = sp.canonical
        if norm(sp.text) in _PRONOUNS or unknown_canonical(sp.text).lower() in messages:
            # a pronoun, or a message speaking for its sender ("the statement said"): as the
            # mention it stands for
            ok, replacement, weak, metonym = latest.get(original, (True, None, False, None))
        else:
            ok, replacement = _judge_mention(st, reg, heads, person_names, ents)
            if not ok:
                replacement = replacement or unknown_canonical(sp.text) or sp.text
            metonym = _metonym(sp, reg)
            weak = metonym is not None or _named_ambiguously(sp, reg) or _generic_role(sp, reg)
            latest[original] = (ok, replacement, weak, metonym)
        if not ok:
            sp.side = None
            sp.canonical = replacement or sp.canonical
        elif reg.conflict_of(sp.side) not in in_context and (
                not (reg.sides.get(sp.side) or {}).get("context", True) or weak or in_context):
            sp.side = None  # (in an article about another conflict, even a party's own actor)
            if metonym:
                # out of the actor's conflict "the White House" is the White House, not the
                # United States of a conflict's sides
                sp.canonical = metonym
    # one entity, one side: a canonical speaker keeps the one side its statements agree on
    sides: dict[str, set[str]] = {}
    for st in statements:
        if st.speaker is not None and st.speaker.side is not None:
            sides.setdefault(st.speaker.canonical, set()).add(st.speaker.side)
    for st in statements:
        sp = st.speaker
        if sp is not None and sp.side is None and len(sides.get(sp.canonical, ())) == 1 \
                and norm(sp.text) not in SELF_PRONOUNS:
            sp.side = next(iter(sides[sp.canonical]))
    return in_context
