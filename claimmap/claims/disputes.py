"""Disputes: pairs of statements in which one party denies or rejects what another asserts.

A pair qualifies when
- the polarities are opposed (``deny`` against ``assert``/``accuse``; ``reject`` against any
  assertion, accusation, proposal, appeal or promise),
- the speakers are on different sides (an unknown side counts as the speaker's own identity),
- the asserting statement is reported speech (a narrated action such as "X threw its support
  behind Y" is not a claim anyone can deny), or an accusation, which is a speech act even
  without a content clause ("X blamed a Y air strike for the blast");
- and the contents are about the same thing: lemma overlap of content words, helped by
  closeness in the text (a denial usually follows the claim it answers). A denial whose content
  is only an anaphor ("denied it", "rejected that explanation") is paired with the nearest
  preceding opposed statement; one that names whose account it rejects ("rejected Norland's
  account as a lie") only with that party's statements; a denial of responsibility ("denied
  responsibility", "denied any involvement") only with an accusation.

Speakers need not be in the actors registry: an unregistered speaker is its own party.

Each dispute names the asserting statement first, the denying one second, and the disputed
proposition (the asserted content).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimmap.model import Dispute, Sentence, Statement

OPPOSED: dict[str, frozenset[str]] = {
    "deny": frozenset({"assert", "accuse"}),
    "reject": frozenset({"assert", "accuse", "propose", "appeal", "promise"}),
}

# Words that carry no topic. Kept tiny and generic on purpose; spaCy's stop list does the rest.
_ANAPHORS = {"it", "this", "that", "these", "those", "claim", "claims", "accusation", "accusations",
             "allegation", "allegations", "report", "reports", "explanation", "charge", "charges",
             "statement", "statements", "suggestion", "idea", "proposal", "version", "story",
             "account", "accounts", "responsibility", "involvement", "role", "blame", "part",
             "assertion", "assertions", "narrative", "figure", "figures", "description"}
# a denial whose content starts with one of these denies having done what it is accused of
_RESPONSIBILITY = {"responsibility", "involvement", "any", "blame", "culpability", "guilt"}
_POSSESSIVE_ANAPHOR = re.compile(r"^\s*(?:the\s+)?(?P<owner>\w[\w.\- ]{0,60}?)['’]s?\s+(?:own\s+|latest\s+|new\s+)?"
                                 r"(?P<noun>[a-z]+)\b")


@dataclass(frozen=True)
class DisputeSettings:
    threshold: float = 0.4       # minimum combined score
    weight_overlap: float = 0.65
    weight_proximity: float = 0.35
    max_sentence_gap: int = 3    # beyond this, proximity adds nothing
    second_match: float = 0.8    # score a denial's second pairing needs


def _side_key(st: Statement) -> str:
    if st.speaker is None:
        return "unknown"
    return st.speaker.side or f"actor:{st.speaker.canonical.lower()}"


def _content_lemmas(texts: list[str]) -> tuple[list[set[str]], list[set[str]]]:
    """Content lemmas of each text, and the subset that are names (proper nouns)."""
    from claimmap import nlp

    model = nlp.load()
    out: list[set[str]] = []
    names: list[set[str]] = []
    for doc in model.pipe(texts, disable=[p for p in ("parser", "ner") if p in model.pipe_names]):
        toks = [t for t in doc if t.is_alpha and not t.is_stop and t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}]
        out.append({t.lemma_.lower() for t in toks})
        names.append({t.lemma_.lower() for t in toks if t.pos_ == "PROPN"})
    return out, names


def _sentence_index(sentences: list[Sentence], offset: int) -> int:
    for i, s in enumerate(sentences):
        if s.start <= offset < s.end:
            return i
    # no sentence list (or offset between sentences): fall back to a position-based estimate
    return -1


_DETERMINERS = {"it", "this", "that", "these", "those", "such", "the", "its", "their", "his", "her"}
_COMPLEMENT = {"of", "that", "about", "on", "against", "by"}


def _is_anaphoric(lemmas: set[str], text: str) -> bool:
    """Content that only points back ("it", "that explanation", "the accusation as absurd"),
    as opposed to content that states what is denied ("the allegation of X", "shelling Y")."""
    words = re.findall(r"[a-z]+", text.lower())
    if not words or not lemmas - _ANAPHORS:
        return True
    if words[0] in {"it", "this", "that", "these", "those"} and (len(words) == 1 or words[1] in {"as", "outright"}):
        return True
    return (len(words) >= 2 and words[0] in _DETERMINERS and words[1] in _ANAPHORS
            and (len(words) == 2 or words[2] not in _COMPLEMENT))


def _topic_text(st: Statement) -> str:
    """What a statement is about: its content; for a narrated accusation, whose content is only
    the accused ("blamed a Norland air strike"), the rest of its sentence too ("… for the blast")."""
    if st.kind == "narrated" and st.polarity == "accuse" and st.sentence is not None and st.cue is not None:
        rest = st.sentence.text[max(0, st.cue.end - st.sentence.start):]
        return f"{st.content.text} {rest}"
    return st.content.text


def _owner(den: Statement) -> str | None:
    """"Norland's account as a lie" -> "Norland": the party whose statement is rejected."""
    m = _POSSESSIVE_ANAPHOR.match(den.content.text)
    if m and m.group("noun") in _ANAPHORS:
        return m.group("owner").strip()
    return None


def _spoken_by(st: Statement, owner: str) -> bool:
    """Whether ``owner`` (a name in a denial) is ``st``'s speaker or the speaker's party."""
    if st.speaker is None:
        return False
    o = owner.lower()
    if o in (st.speaker.canonical.lower(), st.speaker.text.lower()) or o in st.speaker.text.lower().split():
        return True
    from claimmap.statements import actors

    actor = actors.load().by_alias(owner)
    return actor is not None and st.speaker.side is not None and actor.side == st.speaker.side


#: what a refusal to act ("refused to leave", "declined to comment") can answer
REFUSAL_OPPOSES = frozenset({"appeal", "propose", "promise"})


def _refused_act(den: Statement) -> bool:
    """A rejection whose content is an act the speaker will not do ("to leave the camp")."""
    return den.content.text.lstrip(" \"“‘'").lower().startswith("to ")


def _words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2}


def _a_document(st: Statement) -> bool:
    """The speaker is a document left unresolved ("the statement", "a letter"): no party to
    set against another."""
    if st.speaker is None:
        return False
    from claimmap.statements import cues

    name = (st.speaker.canonical or st.speaker.text or "").lower().strip()
    name = re.sub(r"^(?:the|a|an|this|that|its|their|his|her)\s+", "", name)
    return name in cues.load().message_nouns


def _same_party(a: Statement, b: Statement) -> bool:
    """One speaker's name is part of how the other is introduced: "White House Press Secretary
    Stephanie Grisham" and "the White House" speak for one party, not against each other."""
    if a.speaker is None or b.speaker is None:
        return False
    for x, y in ((a.speaker, b.speaker), (b.speaker, a.speaker)):
        name = _words(x.canonical or x.text)
        intro = _words(" ".join(p for p in (y.text, y.canonical, getattr(y.phrase, "text", None) or "") if p))
        if name and name <= intro:
            return True
    return False


def _responsibility_denial(den: Statement) -> bool:
    words = re.findall(r"[a-z]+", den.content.text.lower())
    return bool(words) and words[0] in _RESPONSIBILITY and (words[0] != "any" or (len(words) > 1 and words[1] in _ANAPHORS))


def find_disputes(statements: list[Statement], sentences: list[Sentence] | None = None,
                  settings: DisputeSettings | None = None) -> list[Dispute]:
    """Pair opposed statements of different sides, best-scoring pairs first."""
    settings = settings or DisputeSettings()
    sentences = sentences or []
    if not statements:
        return []
    lemmas, names = _content_lemmas([_topic_text(s) for s in statements])
    sent_idx = [_sentence_index(sentences, s.content.start if s.sentence is None else s.sentence.start)
                for s in statements]

    candidates: list[tuple[float, int, int]] = []
    for j, den in enumerate(statements):
        opposed = OPPOSED.get(den.polarity)
        if not opposed:
            continue
        anaphoric = _is_anaphoric(lemmas[j], den.content.text)
        owner = _owner(den)
        responsibility = den.polarity == "deny" and _responsibility_denial(den)
        if owner or responsibility:
            anaphoric = True
        if den.polarity == "reject" and _refused_act(den):
            opposed = REFUSAL_OPPOSES  # "refused to leave the camp" answers a request, not a claim
        for i, asr in enumerate(statements):
            if i == j or asr.polarity not in opposed or asr.zone != den.zone:
                continue
            if _same_party(asr, den):  # "White House Press Secretary Stephanie Grisham" / "the White House"
                continue
            if _a_document(asr) or _a_document(den):  # "the statement said": whose, unresolved
                continue
            if asr.kind == "narrated" and asr.polarity != "accuse":
                continue
            if owner and not _spoken_by(asr, owner):
                continue
            if responsibility and asr.polarity != "accuse":
                continue
            # "X rejected statements by Y that Z": the nested report is exactly what is disputed;
            # but a denial nested inside an assertion ("Y said X denied Z") is Y's report, not a dispute
            if _side_key(asr) == _side_key(den) or den.parent == asr.id:
                continue
            gap = abs(sent_idx[j] - sent_idx[i]) if sent_idx[i] >= 0 and sent_idx[j] >= 0 else \
                (0 if abs(asr.content.start - den.content.start) < 400 else settings.max_sentence_gap + 1)
            proximity = 1.0 if gap <= 1 else max(0.0, 1 - (gap - 1) / settings.max_sentence_gap)
            if anaphoric:
                # "denied it": only the nearest preceding opposed statement can be meant
                if asr.content.start > den.content.start or gap > 2:
                    continue
                overlap = 1.0
            else:
                a, d = lemmas[i], lemmas[j]
                if not a or not d:
                    continue
                shared = a & d
                # names alone ("Hong Kong") are the topic; a dispute shares what is said of it
                if not shared - (names[i] | names[j]):
                    continue
                overlap = len(shared) / min(len(a), len(d))
            score = settings.weight_overlap * overlap + settings.weight_proximity * proximity
            if score >= settings.threshold:
                candidates.append((score, i, j))

    candidates.sort(key=lambda c: (-c[0], c[2], c[1]))
    disputes: list[Dispute] = []
    paired: set[int] = set()  # denials already answered by their best match
    for score, i, j in candidates:
        # a denial gets its best match; a second one only if it is as strong as a near-restatement
        if j in paired and (score < settings.second_match or _is_anaphoric(lemmas[j], statements[j].content.text)):
            continue
        paired.add(j)
        asr, den = statements[i], statements[j]
        disputes.append(Dispute(
            id="", statements=[asr.id, den.id], proposition=asr.content.text,
            similarity=round(score, 3),
            sides=[asr.speaker.side if asr.speaker else None, den.speaker.side if den.speaker else None],
        ))
    order = {s.id: k for k, s in enumerate(statements)}
    disputes.sort(key=lambda d: (order[d.statements[0]], order[d.statements[1]]))
    for k, d in enumerate(disputes, 1):
        d.id = f"d{k}"
    return disputes
