"""Polarity from what a statement does to another party (data: claimmap/data/polarity.toml).

The cue lexicon gives each statement a first polarity from its cue ("said" -> assert,
"blamed" -> accuse). Blame and responsibility are often carried by the content instead:

* naming it a crime: "called it a massacre", "described the shelling as a war crime" -> accuse;
  naming it false: "called the report a fabrication" -> deny;
* calling another party's claim false: "the ministry's allegations are patently false" -> deny;
* putting an event on a party: "a misfired Velmark rocket had caused the explosion", "Norland
  was responsible for the deaths" -> accuse; "it was not responsible" -> deny.

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
from claimmap.model import Statement

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
    _accuse_re: re.Pattern | None = None
    _deny_re: re.Pattern | None = None

    def compile(self) -> "Rules":
        def words_re(ws):
            alts = sorted({w.lower() for w in ws if w.strip()}, key=len, reverse=True)
            return re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a in alts) + r")(?![\w-])") if alts else None

        self._accuse_re = words_re(self.accuse_words)
        self._deny_re = words_re(self.deny_words)
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
    if st.polarity != "assert":
        return st.polarity
    text = st.content.text
    low = text.lower()
    lemma = (st.cue.lemma if st.cue else "").lower()
    if lemma in rules.naming_cues:
        if rules._deny_re is not None and rules._deny_re.search(low):
            return "deny"
        if rules._accuse_re is not None and rules._accuse_re.search(low):
            return "accuse"
    if any(pat.search(text) for pat in rules.falsity):
        return "deny"
    for pat in rules.negated:
        m = pat.search(text)
        if m and _names_a_party(text[:m.start()], rules) or m and _pronoun_subject(text[:m.start()], rules):
            return "deny"
    for pat in rules.predicates:
        m = pat.search(text)
        if m and _names_a_party(text[:m.start()], rules):
            return "accuse"
    return st.polarity


def _pronoun_subject(subject: str, rules: Rules) -> bool:
    """'it was not responsible': the speaker denying its own part (a bare pronoun subject)."""
    words = [w.lower() for w in _WORD.findall(subject)]
    return 0 < len(words) <= 2 and words[-1] in {"it", "we", "they", "he", "she", "i"}


def refine(statements: list[Statement], rules: Rules | None = None) -> int:
    """Set each statement's polarity from its content where a rule applies; returns how many
    changed."""
    rules = rules or load()
    n = 0
    for st in statements:
        pol = polarity_of(st, rules)
        if pol != st.polarity:
            st.polarity = pol
            n += 1
    return n
