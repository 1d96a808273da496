"""The contested-terms lexicon (claimmap/data/contested_terms.toml) and its spaCy matchers.

Format (any conflict, any language; see the header of the shipped file)::

    [distancing]  en = ["so-called", "self-proclaimed", ...]
    [[conflict]]  id, label, sides = [{id, label}]
    [[set]]       conflict, concept, sources = [...]
      [[set.terms]]  text, side, lang = "en", forms = [...], patterns = [[{LEMMA = ...}]],
                     exclude = [...], weight = 1.0, sources = [...], note

Extra lexicons are appended with the setting CLAIMMAP_TERMS (os.pathsep-separated TOML files):
their sets are added, conflicts and sides merged by id. Terms are matched with a spaCy
PhraseMatcher on LOWER (text + forms, with ’/' and hyphen/space variants generated) and a
Matcher for the token patterns (LEMMA etc. for inflections).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from claimmap import datafiles
from claimmap import config
from claimmap.errors import DataError

NEUTRAL = "neutral"


@dataclass
class Term:
    text: str
    side: str
    concept: str
    conflict: str
    lang: str = "en"
    forms: list[str] = field(default_factory=list)
    patterns: list[list[dict]] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    weight: float = 1.0
    sources: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class TermSet:
    conflict: str
    concept: str
    sources: list[str]
    terms: list[Term]


@dataclass
class Conflict:
    id: str
    label: str
    sides: dict[str, str] = field(default_factory=dict)  # side id -> label


@dataclass
class TermsLexicon:
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    sets: list[TermSet] = field(default_factory=list)
    distancing: dict[str, list[str]] = field(default_factory=dict)  # lang -> markers

    @property
    def terms(self) -> list[Term]:
        return [t for s in self.sets for t in s.terms]

    def side_label(self, side: str | None) -> str:
        if not side:
            return "no side"
        for c in self.conflicts.values():
            if side in c.sides:
                return c.sides[side]
        return side.replace("_", " ")

    def conflict_of(self, side: str) -> str | None:
        for c in self.conflicts.values():
            if side in c.sides:
                return c.id
        return None

    def concept_sides(self, conflict: str, concept: str) -> set[str]:
        return {t.side for s in self.sets if s.conflict == conflict and s.concept == concept
                for t in s.terms if t.side != NEUTRAL}


def _read(data: dict, lex: TermsLexicon, origin: str) -> None:
    try:
        for lang, markers in (data.get("distancing") or {}).items():
            have = lex.distancing.setdefault(lang, [])
            have.extend(m for m in markers if m not in have)
        for c in data.get("conflict", []):
            conflict = lex.conflicts.setdefault(c["id"], Conflict(id=c["id"], label=c.get("label", c["id"])))
            if c.get("label"):
                conflict.label = c["label"]
            for s in c.get("sides", []):
                conflict.sides[s["id"]] = s.get("label", s["id"])
        for s in data.get("set", []):
            cid, concept = s["conflict"], s["concept"]
            if cid not in lex.conflicts:
                raise DataError(f"contested-terms lexicon {origin}: set {concept!r} names unknown conflict {cid!r}")
            sides = lex.conflicts[cid].sides
            terms = []
            for t in s.get("terms", []):
                if t["side"] != NEUTRAL and t["side"] not in sides:
                    raise DataError(f"contested-terms lexicon {origin}: term {t['text']!r} has side "
                                    f"{t['side']!r}, not a side of conflict {cid!r}")
                terms.append(Term(
                    text=t["text"], side=t["side"], concept=concept, conflict=cid,
                    lang=t.get("lang", s.get("lang", "en")), forms=list(t.get("forms", [])),
                    patterns=list(t.get("patterns", [])), exclude=list(t.get("exclude", [])),
                    weight=float(t.get("weight", 1.0)), sources=list(t.get("sources", [])),
                    note=t.get("note", ""),
                ))
            lex.sets.append(TermSet(conflict=cid, concept=concept, sources=list(s.get("sources", [])), terms=terms))
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"contested-terms lexicon {origin} is malformed: {exc.__class__.__name__}: {exc}") from None


@lru_cache(maxsize=8)
def _load(extra: str) -> TermsLexicon:
    lex = TermsLexicon()
    for origin, data in datafiles.layered("contested_terms.toml", extra, "contested-terms lexicon"):
        _read(data, lex, origin)
    return lex


def load() -> TermsLexicon:
    """The contested-terms lexicon (shipped + CLAIMMAP_TERMS), cached."""
    return _load(config.get("CLAIMMAP_TERMS"))


# --- matching -------------------------------------------------------------------------------

def variants(phrase: str) -> set[str]:
    """A phrase and its typographic variants: ’/' apostrophes, hyphen/space/closed compounds."""
    out = {phrase}
    for p in list(out):
        if "'" in p or "’" in p:
            out |= {p.replace("’", "'"), p.replace("'", "’")}
    for p in list(out):
        if "-" in p:
            out |= {p.replace("-", " "), p.replace("-", "")}
    return out


class TermMatcher:
    """spaCy matchers for the terms of one language. ``find(sdoc)`` yields
    ``(term_index, start_char, end_char)`` with the longest match per concept kept."""

    def __init__(self, lex: TermsLexicon, lang: str):
        from spacy.matcher import Matcher, PhraseMatcher

        from claimmap import nlp

        pipe = nlp.load()
        self.terms = [t for t in lex.terms if t.lang == lang]
        self.phrases = PhraseMatcher(pipe.vocab, attr="LOWER")
        self.tokens = Matcher(pipe.vocab)
        for i, term in enumerate(self.terms):
            key = f"term{i}"
            phrases = set()
            for p in [term.text, *term.forms]:
                phrases |= variants(p)
            self.phrases.add(key, [pipe.make_doc(p) for p in sorted(phrases)])
            if term.patterns:
                try:
                    self.tokens.add(key, term.patterns)
                except Exception as exc:  # spaCy raises ValueError/MatchPatternError subclasses
                    raise DataError(f"contested term {term.text!r}: bad spaCy pattern: {exc}") from None
        self._excl = [[_phrase_re(x) for x in t.exclude] for t in self.terms]

    def find(self, sdoc) -> list[tuple[int, int, int]]:
        vocab = sdoc.vocab
        found = []
        found_ids = list(self.phrases(sdoc))
        if len(self.tokens):
            found_ids += self.tokens(sdoc)
        for match_id, s, e in found_ids:
            idx = int(vocab.strings[match_id][4:])
            found.append((idx, sdoc[s].idx, sdoc[e - 1].idx + len(sdoc[e - 1].text)))
        text = sdoc.text if found else ""  # rebuilt from the tokens on every access: only when needed
        kept = []
        for idx, a, b in found:
            if any(_inside(rx, text, a, b) for rx in self._excl[idx]):
                continue
            kept.append((idx, a, b))
        # longest match per concept; overlapping matches of different concepts both stay
        kept.sort(key=lambda m: (m[1], -(m[2] - m[1])))
        out: list[tuple[int, int, int]] = []
        for idx, a, b in kept:
            concept = (self.terms[idx].conflict, self.terms[idx].concept)
            clash = False
            for j, (oidx, oa, ob) in enumerate(out):
                if oa < b and a < ob and (self.terms[oidx].conflict, self.terms[oidx].concept) == concept:
                    clash = True
                    if (b - a) > (ob - oa):
                        out[j] = (idx, a, b)
                    break
            if not clash:
                out.append((idx, a, b))
        return sorted(set(out), key=lambda m: (m[1], m[2]))


def _phrase_re(phrase: str) -> re.Pattern:
    words = phrase.replace("’", "'").split()
    body = r"\s+".join(re.escape(w).replace("'", "['’]") for w in words)
    return re.compile(r"(?<!\w)" + body + r"(?!\w)", re.I)


def _inside(rx: re.Pattern, text: str, a: int, b: int) -> bool:
    lo = max(0, a - 60)
    for m in rx.finditer(text, lo, min(len(text), b + 60)):
        if m.start() <= a and b <= m.end():
            return True
    return False


@lru_cache(maxsize=16)
def _matcher(extra: str, lang: str) -> TermMatcher:
    return TermMatcher(_load(extra), lang)


def matcher(lang: str = "en") -> TermMatcher:
    return _matcher(config.get("CLAIMMAP_TERMS"), lang)
