"""Evidence in context: the denial in the sentence after "X said …".

News copy puts a counterparty's answer right after the claim it answers, often without
repeating it: "Peskov said Kyiv had proposed talks. *Ukraine's presidential office rejected
the claim.*" / "*He denied it.*" Such a sentence shares no word with the claim, so retrieval
and the relevance gate never see it on its own. ``denials_near`` reads the sentences that
follow an evidence sentence in its document and returns the ones that deny or reject what it
reports: a stored statement of polarity deny / reject, or a sentence with a refuting verb
(the ``refuting`` cues) whose object points back ("it", "the claim", "the report", "these
allegations") or that shares content words with the claim. The denier is the stored
statement's speaker; a pronoun is resolved to the nearest named speaker before it in the
document (the way a reader does), never left as "He".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimmap.corpus.store import StatementRecord, StoredDocument
from claimmap.corroborate.retrieve import carried_statement

#: how many sentences after the evidence sentence are read
FOLLOWING = 2
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "who", "which", "that", "this",
                      "these", "those", "one", "someone"})
_ANAPHOR = re.compile(r"\b(?:it|this|that|these|those|the (?:claim|claims|report|reports|allegation|allegations|"
                      r"accusation|accusations|statement|statements|assertion|remarks?|comments?|story|"
                      r"account|version|suggestion|idea))\b", re.IGNORECASE)


@dataclass
class Denial:
    text: str                  # the denying sentence
    speaker: str | None        # who denies (resolved; None when no one can be named)
    side: str | None           # the denier's side, when the stored statement has one
    polarity: str              # deny / reject
    source: str                # "statement" (a stored statement) or "cue" (a refuting verb)


def _refuting_verbs() -> tuple[str, ...]:
    from claimmap.corroborate import _cues

    return tuple(w for w in _cues().get("refuting", ()) if " " not in w)


def _named(st: StatementRecord | None) -> str | None:
    if st is None:
        return None
    name = (st.canonical or st.speaker or "").strip()
    if not name or name.casefold() in PRONOUNS or st.kind == "narrated":
        return None
    return name


def same_person(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = a.casefold().split(), b.casefold().split()
    return a == b or (a[-1] == b[-1] and len(a[-1]) > 2)


def _mentioned(doc: StoredDocument, upto: int, exclude: str | None) -> str | None:
    """The last person or organisation named in the two sentences before ``upto`` who is not
    ``exclude`` (the reader's antecedent of "He denied it": the one the claim is about)."""
    from claimmap.nlp import parse_cached

    texts = [doc.sentences[j].text for j in range(max(0, upto - 2), upto)]
    for sdoc in reversed(parse_cached(texts) if texts else []):
        for ent in reversed(list(sdoc.ents)):
            if ent.label_ in ("PERSON", "ORG") and not same_person(ent.text, exclude):
                return ent.text
    return None


def _resolve(doc: StoredDocument, upto: int, exclude: str | None) -> tuple[str | None, str | None]:
    """Who a pronoun before sentence ``upto`` names: a person or organisation named just
    before it other than ``exclude``, else the nearest other named speaker of a stored
    statement."""
    try:
        name = _mentioned(doc, upto, exclude)
    except Exception:  # noqa: BLE001  no parser: stored speakers only
        name = None
    if name:
        return name, None
    for j in range(upto - 1, -1, -1):
        st = carried_statement(doc.sentences[j].text, doc.statements)
        name = _named(st)
        if name and not same_person(name, exclude):
            return name, st.side
    return None, None


def denials_near(doc: StoredDocument, sentence: str, claim_words: set[str], *,
                 claim_speaker: str | None = None) -> list[Denial]:
    """Denials of what ``sentence`` reports in the sentences right after it in ``doc``."""
    from claimmap.stance.select import content_words

    sents = [s.text for s in doc.sentences]
    try:
        i = sents.index(sentence)
    except ValueError:
        return []
    verbs = _refuting_verbs()
    verb_re = re.compile(r"\b(?:" + "|".join(map(re.escape, verbs)) + r")\b", re.IGNORECASE) if verbs else None
    out = []
    for j in range(i + 1, min(len(sents), i + 1 + FOLLOWING)):
        text = sents[j]
        st = carried_statement(text, doc.statements)
        if st is None:
            # a statement whose cue or speaker sits in this sentence ("He denied it.")
            st = next((s for s in doc.statements if s.polarity in ("deny", "reject")
                       and s.content and s.content.strip() and s.content.strip() in text), None)
        by_statement = st is not None and st.polarity in ("deny", "reject")
        by_cue = verb_re is not None and verb_re.search(text) is not None
        if not (by_statement or by_cue):
            continue
        points_back = _ANAPHOR.search(text) is not None or len(claim_words & content_words(text)) >= 2
        if not points_back:
            continue
        name, side = _named(st), (st.side if st is not None else None)
        pronoun = st is None or (st.speaker or "").strip().casefold() in PRONOUNS
        if name is None or (pronoun and same_person(name, claim_speaker)):
            # "He denied it" right after the claimant's words answers the claimant: the denier
            # is someone else named there, never the claimant denying his own claim
            name, side = _resolve(doc, j, claim_speaker)
        out.append(Denial(text, name, side, st.polarity if by_statement else "deny",
                          "statement" if by_statement else "cue"))
        break  # the first answer is the answer
    return out
