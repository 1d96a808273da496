"""Negation that means it: does an evidence sentence negate the predicate a claim asserts?

A bag-of-words rule ("the evidence has 'not' and the claim has not") flips relays: the
claimant's own negative claim ("the strikes pose no threat to civilians"), repeated by its own
media with one more negation elsewhere in the sentence, came out ``disagree``. Here both texts
are parsed and each *predicate* (a verb, or an adjective / noun heading a copular clause) is
read with its polarity: negated by a ``neg`` dependent ("not", "n't", "never"), by a negative
determiner on its object or subject ("poses *no* threat", "*nobody* proposed"), or by being the
complement of a refuting verb ("Kyiv *denied* that it proposed talks"; the verbs are the
``refuting`` cues of claimmap/data/stance_cues.toml). A mismatch is a predicate lemma both texts
share, said of the same subject (a shared subject lemma, or a pronoun on either side), whose
polarity differs. Predicates the texts do not share, or share about other subjects, say nothing.
"""

from __future__ import annotations

from functools import lru_cache

NEG_DETS = frozenset({"no", "none", "nobody", "nothing", "neither", "nor", "never", "without"})
PRED_POS = frozenset({"VERB", "AUX", "ADJ", "NOUN", "PROPN"})
_SKIP_LEMMAS = frozenset({"be", "have", "do", "say", "tell", "state", "add", "according", "report"})


@lru_cache(maxsize=1)
def _refuting_lemmas() -> frozenset[str]:
    from claimmap import datafiles

    cues = datafiles.shipped("stance_cues.toml", "stance cue list").get("refuting", [])
    out = set()
    for c in cues:
        c = c.lower().strip()
        out.add(c)
        for suf in ("ies", "ed", "es", "s", "d"):  # deny <- denies / denied, reject <- rejected
            if c.endswith(suf) and len(c) > len(suf) + 2:
                out.add(c[: -len(suf)] + ("y" if suf == "ies" else ""))
    return frozenset(out)


def _is_predicate(t) -> bool:
    if t.pos_ in ("VERB",) and t.dep_ not in ("amod", "compound"):
        return True
    # adjective or noun heading a copular clause ("the report is false", "it was a success")
    return t.pos_ in PRED_POS and t.dep_ in ("ROOT", "acomp", "attr", "ccomp", "xcomp") and t.pos_ != "VERB"


def _negated(t) -> bool:
    for c in t.children:
        if c.dep_ == "neg" or c.lower_ in ("never", "n't", "not"):
            return True
        if c.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "pobj") and (
                c.lower_ in NEG_DETS or any(d.dep_ == "det" and d.lower_ in NEG_DETS for d in c.children)):
            return True
    return False


def _under_refutation(t) -> bool:
    refuting = _refuting_lemmas()
    for anc in t.ancestors:
        if anc.lemma_.lower() in refuting or anc.lower_ in refuting:
            return True
    return False


PRONOUNS = frozenset({"it", "they", "he", "she", "we", "i", "this", "that", "who", "which"})


def _subjects(t) -> set[str]:
    """Lemmas of the predicate's subject (for a copular adjective/noun, the verb's; for an
    infinitive without one, its governor's): "Russia" in "Russia will not stop"."""
    for head in (t, t.head):
        subs = {c.lemma_.lower() for c in head.children if c.dep_ in ("nsubj", "nsubjpass")}
        if subs:
            return subs
        if head.dep_ not in ("acomp", "attr", "xcomp", "conj", "aux"):
            break
    return set()


def predicates(doc) -> dict[str, tuple[bool, set[str]]]:
    """{predicate lemma: (negated, subject lemmas)} of a parsed text (a lemma negated anywhere
    counts negated)."""
    out: dict[str, tuple[bool, set[str]]] = {}
    for t in doc:
        if not _is_predicate(t):
            continue
        lem = t.lemma_.lower()
        if lem in _SKIP_LEMMAS or lem in _refuting_lemmas() or not lem.isalpha():
            continue
        copular = t.dep_ in ("acomp", "attr") and t.head.lemma_ == "be"
        neg = (_negated(t) or (copular and _negated(t.head))) ^ _under_refutation(t)
        old_neg, old_subj = out.get(lem, (False, set()))
        out[lem] = (old_neg or neg, old_subj | _subjects(t))
    return out


def _same_subject(a: set[str], b: set[str]) -> bool:
    """The two predicates are said of the same thing: a shared subject lemma, or a pronoun on
    either side (resolved by the reader: "Kaldor denied that *it* proposed talks")."""
    return bool(a & b) or bool((a | b) & PRONOUNS)


def negation_mismatch(claim: str, evidence: str) -> bool | None:
    """True: the evidence negates a predicate the claim asserts (or asserts one it negates) of
    the same subject; False: they share a predicate with the same polarity; None: no shared
    predicate of the same subject ("Ukraine asks China to make Russia *stop* the war" says
    nothing of "the offensive will not *stop*": same verb, other subject)."""
    from claimmap.nlp import parse_cached

    c_doc, e_doc = parse_cached([claim, evidence])
    pc, pe = predicates(c_doc), predicates(e_doc)
    shared = [w for w in set(pc) & set(pe) if _same_subject(pc[w][1], pe[w][1])]
    if not shared:
        return None
    return any(pc[w][0] != pe[w][0] for w in shared)
