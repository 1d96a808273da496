"""Polarity from what a statement does to another party (data: claimmap/data/polarity.toml).

The cue lexicon gives each statement a first polarity from its cue ("said" -> assert,
"blamed" -> accuse). Blame and responsibility are often carried by the content instead:

* naming it a crime: "called it a massacre", "described the shelling as a war crime" -> accuse;
  naming it false: "called the report a fabrication" -> deny;
* calling another party's claim false: "the ministry's allegations are patently false" -> deny;
* putting an event on a party: "a misfired Velmark rocket had caused the explosion", "Norland
  was responsible for the deaths" -> accuse; "it was not responsible" -> deny;
* judging a decision or a process: "called the inquiry a sham" -> reject; a blaming cue whose
  object is a decision ("condemned the ruling", "denounced the move") -> reject, not accuse;
* the speaker's own speech act in the first person: "We strongly oppose …" -> reject, "I urge
  both sides to …" -> appeal (the verb's polarity in the cue lexicon);
* the content's modality: "X should …", "it is important for X to …" -> appeal; "we will …",
  "we are committed to …" -> promise; "we will not accept …" -> reject;
* a direct quotation right after its speaker's summary ("Grisham accused the Democrats of …",
  then her quote) does what the summary says (``follow``).

Only ``assert`` statements are refined: a cue that already denies, accuses, rejects, appeals,
proposes or promises keeps its polarity. A responsibility predicate accuses only when a party
stands before it (a name, a capitalised word other than the first, or a noun that names a
party such as "the management" or "police": "the storm caused the outage" accuses no one).

Public API: ``refine(statements) -> int`` (in place; the number changed), ``load()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from claimmap import datafiles
from claimmap.errors import DataError
from claimmap.model import POLARITIES, Statement

__all__ = ["refine", "load", "Rules"]


@dataclass
class Rules:
    naming_cues: set[str] = field(default_factory=set)
    accuse_words: list[str] = field(default_factory=list)
    deny_words: list[str] = field(default_factory=list)
    predicates: list[re.Pattern] = field(default_factory=list)
    negated: list[re.Pattern] = field(default_factory=list)
    falsity: list[re.Pattern] = field(default_factory=list)
    agentless: set[str] = field(default_factory=set)
    parties: set[str] = field(default_factory=set)
    reject_words: list[str] = field(default_factory=list)
    object_cues: set[str] = field(default_factory=set)
    object_nouns: set[str] = field(default_factory=set)
    subjects: set[str] = field(default_factory=set)
    adverbs: set[str] = field(default_factory=set)
    modality: dict[str, list[re.Pattern]] = field(default_factory=dict)
    follow: set[str] = field(default_factory=set)
    follow_gap: int = 8
    judgement_accuse: list[str] = field(default_factory=list)
    _judgement_re: re.Pattern | None = None
    _accuse_re: re.Pattern | None = None
    _deny_re: re.Pattern | None = None
    _reject_re: re.Pattern | None = None

    def compile(self) -> "Rules":
        def words_re(ws):
            alts = sorted({w.lower() for w in ws if w.strip()}, key=len, reverse=True)
            return re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a in alts) + r")(?![\w-])") if alts else None

        self._accuse_re = words_re(self.accuse_words)
        self._deny_re = words_re(self.deny_words)
        self._reject_re = words_re(self.reject_words)
        if self.judgement_accuse:
            adj = "|".join(re.escape(w.lower()) for w in sorted(set(self.judgement_accuse), key=len, reverse=True))
            # after a copula, or at the head of a naming cue's "as …" ("the call as improper"),
            # up to three words between ("unusual and inappropriate"), never under a negation
            self._judgement_re = re.compile(
                r"(?:\b(?:is|was|are|were|been|be)\s+|\bas\s+[“\"‘']?)"
                r"(?!not\b|never\b|n't\b)(?:(?!not\b|never\b)[\w’'-]+\s+(?:and\s+|or\s+)?){0,3}?[“\"‘']?"
                rf"(?:{adj})\b(?=[”\"’']?\s*(?:$|[.,;:!?)]|(?:and|or|but|under|in|to|for|because|since|as|and)\b))")
        return self


def _compile(p: str, origin: str) -> re.Pattern:
    try:
        return re.compile(p, re.IGNORECASE)
    except re.error as exc:
        raise DataError(f"{origin}: bad pattern {p!r}: {exc}") from None


@lru_cache(maxsize=8)
def _load(extra: str) -> Rules:
    rules = Rules()
    for origin, data in datafiles.layered("polarity.toml", extra, "polarity rules"):
        naming = data.get("naming") or {}
        rules.naming_cues.update(w.lower() for w in naming.get("cues", []))
        rules.accuse_words += list(naming.get("accuse", []))
        rules.deny_words += list(naming.get("deny", []))
        resp = data.get("responsibility") or {}
        rules.predicates += [_compile(p, origin) for p in resp.get("predicates", [])]
        rules.negated += [_compile(p, origin) for p in resp.get("negated", [])]
        rules.agentless.update(w.lower() for w in resp.get("agentless", []))
        rules.parties.update(w.lower() for w in resp.get("parties", []))
        rules.falsity += [_compile(p, origin) for p in (data.get("falsity") or {}).get("predicates", [])]
        rules.reject_words += list(naming.get("reject", []))
        rules.judgement_accuse += list((data.get("judgement") or {}).get("accuse", []))
        obj = data.get("object") or {}
        rules.object_cues.update(w.lower() for w in obj.get("cues", []))
        rules.object_nouns.update(w.lower() for w in obj.get("nouns", []))
        perf = data.get("performative") or {}
        rules.subjects.update(w.lower() for w in perf.get("subjects", []))
        rules.adverbs.update(w.lower() for w in perf.get("adverbs", []))
        for pol, pats in (data.get("modality") or {}).items():
            if pol not in POLARITIES:
                raise DataError(f"{origin}: [modality] unknown polarity {pol!r}")
            rules.modality.setdefault(pol, []).extend(_compile(p, origin) for p in pats)
        follow = data.get("follow") or {}
        for pol in follow.get("polarities", []):
            if pol not in POLARITIES:
                raise DataError(f"{origin}: [follow] unknown polarity {pol!r}")
            rules.follow.add(pol)
        rules.follow_gap = int(follow.get("gap", rules.follow_gap))
    return rules.compile()


def load(extra: str = "") -> Rules:
    """The polarity rules (the shipped file, then the os.pathsep-separated files ``extra``), cached."""
    return _load(extra)


_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _names_a_party(subject: str, rules: Rules) -> bool:
    """The words before a responsibility predicate name someone: a capitalised word that is not
    just the content's first word, or a first word that is not a determiner/pronoun."""
    words = _WORD.findall(subject)
    if not words:
        return False
    for i, w in enumerate(words):
        if w[:1].isupper() and (i > 0 or w.lower() not in rules.agentless):
            return True
    return any(w.lower() in rules.parties for w in words)


def polarity_of(st: Statement, rules: Rules | None = None) -> str:
    """The refined polarity of one statement (its own when no rule applies)."""
    rules = rules or load()
    text = st.content.text
    low = text.lower()
    lemma = (st.cue.lemma if st.cue else "").lower()
    if st.polarity == "accuse" and lemma in rules.object_cues and _object_is_decision(low, rules):
        return "reject"
    if lemma == "dismiss" and st.polarity == "deny" and not _dismisses_a_claim(low, rules):
        return "assert"  # "dismissed the X-ray as normal" judges a thing; it denies no one
    if st.polarity != "assert":
        return st.polarity
    if lemma in rules.naming_cues:
        for pol, pat in (("deny", rules._deny_re), ("accuse", rules._accuse_re), ("reject", rules._reject_re)):
            if pat is not None and pat.search(low):
                return pol
    if any(pat.search(text) for pat in rules.falsity):
        return "deny"
    if rules._accuse_re is not None and _named_by_copula(low, rules._accuse_re):
        return "accuse"
    if rules._judgement_re is not None and rules._judgement_re.search(low):
        return "accuse"  # "the request was inappropriate", "described the call as improper"
    for pat in rules.negated:
        m = pat.search(text)
        if m and _names_a_party(text[:m.start()], rules) or m and _pronoun_subject(text[:m.start()], rules):
            return "deny"
    for pat in rules.predicates:
        m = pat.search(text)
        if m and _names_a_party(text[:m.start()], rules):
            return "accuse"
    own = _performative(low, rules)
    if own is not None:
        return own
    for pol in ("reject", "promise", "appeal"):
        if any(pat.search(text) for pat in rules.modality.get(pol, ())):
            return pol
    return st.polarity


_COPULA = re.compile(r"\b(?:is|was|are|were|amounts? to|amounted to|constitutes?|constituted)\s+"
                     r"(?:nothing (?:less|short) than\s+|clearly\s+|simply\s+|effectively\s+)?"
                     r"(?:a|an)\s+[“\"‘']?((?:[\w-]+\s+){0,2}[\w-]+(?:\s+[\w-]+){0,2})")


def _named_by_copula(low: str, accuse_re: re.Pattern) -> bool:
    """The content names something a crime or an attack with a copula and an article ("Moscow's
    operation is a “full-scale invasion”", "the shelling was a war crime"): blame, whatever the
    cue. Without the article ("the biggest threat is terrorism") it names no one's act."""
    for m in _COPULA.finditer(low):
        tail = low[m.start(1):m.start(1) + 80]
        hit = accuse_re.search(m.group(1))
        if hit is None:
            continue
        after = tail[hit.end():].lstrip("”\"’' ")
        nxt = after.split(" ", 1)[0] if after else ""
        if not after or after[0] in ".,;:!?)" or nxt in _HEAD_FOLLOWERS:  # the crime word heads it
            return True
    return False


#: words that may follow the head noun of "a war crime against …", "an attack on …"
_HEAD_FOLLOWERS = {"against", "on", "by", "of", "in", "committed", "perpetrated", "carried", "that",
                   "and", "which", "for", "at", "targeting"}


#: words for a claim: what a denial ("dismissed …", "rejected …") must be about to deny something
CLAIM_WORDS = frozenset({"claim", "claims", "allegation", "allegations", "accusation", "accusations",
                         "report", "reports", "charge", "charges", "suggestion", "suggestions", "criticism",
                         "concern", "concerns", "speculation", "rumour", "rumours", "rumor", "rumors", "idea",
                         "notion", "it", "this", "that", "these", "those", "them", "fears", "talk", "story",
                         "stories", "assertion", "assertions", "theory", "theories", "warning", "warnings",
                         "statement", "statements", "account", "version", "narrative", "assessment",
                         "conclusion", "findings"})


def names_a_claim(content: str) -> bool:
    """A word for a claim among the content's first words ("Russia's genocide claim", "it")."""
    return any(w in CLAIM_WORDS for w in _WORD.findall(content.lower())[:6])


def _dismisses_a_claim(low: str, rules: Rules) -> bool:
    """"dismissed the allegations", "dismissed it as nonsense": a denial; "dismissed the scan as
    normal": a judgement of a thing."""
    return names_a_claim(low) or rules._deny_re is not None and bool(rules._deny_re.search(low))


def _object_is_decision(low: str, rules: Rules) -> bool:
    """The content (a blaming cue's object) is a decision: a decision noun among its first words,
    before any verb-like word ("the unilateral move announced …", "a court ruling declaring …")."""
    words = _WORD.findall(low)[:6]
    for w in words:
        if w in rules.object_nouns:
            return True
        if w in {"of", "by", "for", "that", "who", "which", "to"}:
            return False
    return False


def _performative(low: str, rules: Rules) -> str | None:
    """The polarity of the speaker's own first-person speech act opening the content ("we
    strongly oppose …", "i call on …"), from the cue lexicon; None when there is none."""
    words = _WORD.findall(low[:80])
    if not words or words[0] not in rules.subjects:
        return None
    i = 1
    while i < len(words) and words[i] in rules.adverbs:
        i += 1
    if i >= len(words):
        return None
    from claimmap.statements import cues

    lex = cues.load()
    nxt = words[i + 1] if i + 1 < len(words) else None
    pol = lex.verb_polarity(words[i], nxt)
    return pol if pol not in (None, "assert") else None


def follow(statements: list[Statement], text: str, rules: Rules | None = None) -> int:
    """A direct quotation that comes right after its speaker's summary statement (no other words
    between them but quote marks and white space: "Grisham accused the Democrats of …" then
    "“Today's hearing only further exposes …”") takes the summary's polarity when the summary
    accuses, denies, rejects or appeals and the quotation only asserts. Returns how many
    changed."""
    rules = rules or load()
    order = sorted(statements, key=lambda s: (s.content.start, s.content.end))
    n = 0
    for a, b in zip(order, order[1:]):
        if (b.kind != "direct" or b.polarity != "assert" or a.kind == "direct"
                or a.polarity not in rules.follow or a.parent or b.parent
                or a.speaker is None or b.speaker is None
                or not a.speaker.canonical or a.speaker.canonical != b.speaker.canonical):
            continue
        a_end = max(a.content.end, a.cue.end if a.cue else 0, a.speaker.end,
                    a.sentence.end if a.sentence else 0)
        gap = text[a_end:b.content.start] if a_end <= b.content.start else None
        if gap is None or len(gap) > rules.follow_gap or gap.strip(" \t\r\n.“”\"‘’'«»") :
            continue
        b.polarity = a.polarity
        n += 1
    return n


def _pronoun_subject(subject: str, rules: Rules) -> bool:
    """'it was not responsible': the speaker denying its own part (a bare pronoun subject)."""
    words = [w.lower() for w in _WORD.findall(subject)]
    return 0 < len(words) <= 2 and words[-1] in {"it", "we", "they", "he", "she", "i"}


def refine(statements: list[Statement], rules: Rules | None = None, text: str | None = None) -> int:
    """Set each statement's polarity from its content where a rule applies, then (given the
    document ``text``) let quotations take their summary's polarity (``follow``); returns how
    many changed."""
    rules = rules or load()
    n = 0
    for st in statements:
        pol = polarity_of(st, rules)
        if pol != st.polarity:
            st.polarity = pol
            n += 1
    if text is not None:
        n += follow(statements, text, rules)
    return n
