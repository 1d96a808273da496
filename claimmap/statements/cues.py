"""The cue lexicon: reporting verbs and nouns with their polarity (claimmap/data/cues.toml).

Extra lexicons in the same format are merged over the shipped one with the setting
CLAIMMAP_CUES (os.pathsep-separated paths); a lemma listed later wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from claimmap import datafiles
from claimmap import config
from claimmap.errors import DataError
from claimmap.model import POLARITIES


@dataclass
class Lexicon:
    verbs: dict[str, str] = field(default_factory=dict)      # lemma -> polarity
    phrasal: dict[str, str] = field(default_factory=dict)    # "call on" -> polarity
    nouns: dict[str, str] = field(default_factory=dict)      # lemma -> polarity
    weak: set[str] = field(default_factory=set)               # verbs that need a clause
    never: set[str] = field(default_factory=set)              # verbs the learned detector may not add
    nonspeech: set[str] = field(default_factory=set)          # intentions/acts: never a usable statement
    negation: dict[str, str] = field(default_factory=dict)   # polarity or lemma -> polarity
    # [attribution]: closed word lists the extractor reads (see cues.toml)
    addressee_verbs: set[str] = field(default_factory=set)   # "told reporters", "urged X"
    chain_verbs: set[str] = field(default_factory=set)       # "continued to portray"
    message_nouns: set[str] = field(default_factory=set)     # "released a statement saying"
    raising_verbs: set[str] = field(default_factory=set)     # "X seems to …": X is not a speaker
    aux_adverbs: set[str] = field(default_factory=set)       # "has also said", "had repeatedly denied"
    issue_verbs: set[str] = field(default_factory=set)       # "X issued a statement": X sent it
    org_nouns: set[str] = field(default_factory=set)         # "the company said": an organisation named before

    def verb_polarity(self, lemma: str, particle: str | None = None) -> str | None:
        if particle:
            pol = self.phrasal.get(f"{lemma} {particle}")
            if pol:
                return pol
        return self.verbs.get(lemma)

    def negated(self, lemma: str, polarity: str) -> str:
        return self.negation.get(lemma) or self.negation.get(polarity) or polarity


#: the closed word lists of [attribution]
ATTRIBUTION_KEYS = ("addressee_verbs", "chain_verbs", "message_nouns", "raising_verbs", "aux_adverbs",
                    "issue_verbs", "org_nouns")


def _read(data: dict, lex: Lexicon, origin: str) -> None:
    def check(pol: str) -> str:
        if pol not in POLARITIES:
            raise DataError(f"{origin}: unknown polarity {pol!r} (one of {', '.join(POLARITIES)})")
        return pol

    for pol, lemmas in (data.get("verbs") or {}).items():
        check(pol)
        for lemma in lemmas:
            if " " in lemma:
                lex.phrasal[lemma.lower()] = pol
            else:
                lex.verbs[lemma.lower()] = pol
    for phrase, pol in (data.get("phrasal") or {}).items():
        lex.phrasal[phrase.lower()] = check(pol)
    for pol, lemmas in (data.get("nouns") or {}).items():
        check(pol)
        for lemma in lemmas:
            lex.nouns[lemma.lower()] = pol
    lex.weak.update(w.lower() for w in (data.get("weak") or {}).get("verbs", []))
    lex.never.update(w.lower() for w in (data.get("never") or {}).get("verbs", []))
    lex.nonspeech.update(w.lower() for w in (data.get("nonspeech") or {}).get("verbs", []))
    for key, pol in (data.get("negation") or {}).items():
        lex.negation[key.lower()] = check(pol)
    attribution = data.get("attribution") or {}
    for key in ATTRIBUTION_KEYS:
        words = attribution.get(key, [])
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise DataError(f"{origin}: [attribution] {key} must be a list of words")
        getattr(lex, key).update(w.lower() for w in words)
    unknown = set(attribution) - set(ATTRIBUTION_KEYS)
    if unknown:
        raise DataError(f"{origin}: [attribution] unknown key(s) {', '.join(sorted(unknown))}")


@lru_cache(maxsize=8)
def _load(extra: str) -> Lexicon:
    lex = Lexicon()
    for origin, data in datafiles.layered("cues.toml", extra, "cue lexicon"):
        _read(data, lex, origin)
    return lex


def load() -> Lexicon:
    """The cue lexicon (shipped + CLAIMMAP_CUES), cached."""
    return _load(config.get("CLAIMMAP_CUES"))
