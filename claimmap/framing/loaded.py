"""Loaded language, name-calling, dehumanising language and calls to violence (lexicon-based).

Reads claimmap/data/loaded_language.toml (format in its header) and matches it with spaCy:
single words over their generated inflections (plural, -ed, -ing; irregular ones listed as
``forms``) with a PhraseMatcher on LOWER, phrases with a PhraseMatcher on
LOWER, raw Matcher patterns as given. Calls to violence need a call form: a violent verb right
after "must"/"should"/"need to"/"necessary to"/"let's"/"we will"… (optionally passive: "should be
shot"), a violent verb opening an imperative sentence ("Kill them all!"), or a violent idiom
("death to …"; "with a hot iron" only with a call form in the same or the previous sentence).
Negated calls ("we must not kill") and narration ("those who killed") are not flagged.

A learned persuasion-technique model is planned; this is the lexicon baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from claimmap import datafiles
from claimmap.errors import DataError

CATEGORIES = ("loaded_language", "name_calling", "dehumanising", "violence")

_NEG = {"not", "n't", "never", "no", "nt", "’t"}
_OBJ_POS = {"PRON", "PROPN", "NOUN", "DET", "NUM", "ADJ"}


@dataclass
class Hit:
    category: str
    start: int  # region-relative char offsets
    end: int


def _inflections(word: str, verb: bool = False) -> set[str]:
    """Lower-cased inflected forms: plurals (and -ed/-ing/-s when ``verb``)."""
    w = word.lower()
    out = {w, w + "es" if w.endswith(("s", "x", "ch", "sh")) else w + "s"}
    if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        out.add(w[:-1] + "ies")
    if w.endswith("ouse"):
        out.add(w[:-4] + "ice")
    if verb:
        if w.endswith("e"):
            out |= {w + "d", w[:-1] + "ing"}
        else:
            out |= {w + "ed", w + "ing"}
            if len(w) <= 4 and w[-1] in "bdgmnprt" and w[-2] in "aeiou" and w[-3:-2] not in ("a", "e", "i", "o", "u", ""):
                out |= {w + w[-1] + "ed", w + w[-1] + "ing"}  # stab -> stabbed, stabbing
    for p in list(out):
        if "-" in p:
            out.add(p.replace("-", ""))
    return out


@dataclass
class LoadedLexicon:
    words: dict[str, list[tuple[str, list[str], list[str]]]] = field(default_factory=dict)
    phrases: dict[str, list[str]] = field(default_factory=dict)
    patterns: dict[str, list] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    verbs: list[str] = field(default_factory=list)
    particles: dict[str, list[str]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    idioms: list[tuple[str, bool]] = field(default_factory=list)


@lru_cache(maxsize=1)
def load() -> LoadedLexicon:
    """The shipped loaded-language lexicon, cached."""
    data = datafiles.shipped("loaded_language.toml", "loaded-language lexicon")
    lex = LoadedLexicon()
    try:
        for cat, spec in data.get("categories", {}).items():
            if cat not in CATEGORIES:
                raise DataError(f"loaded_language.toml: unknown category {cat!r} (one of {CATEGORIES})")
            lex.labels[cat] = spec.get("label", cat)
            entries = [(w, [], []) for w in spec.get("words", [])]
            entries += [(e["text"], list(e.get("forms", [])), [x.lower() for x in e.get("not_after", [])])
                        for e in spec.get("entries", [])]
            lex.words[cat] = entries
            lex.phrases[cat] = list(spec.get("phrases", []))
            lex.patterns[cat] = list(spec.get("patterns", []))
        v = data.get("violence", {})
        lex.labels["violence"] = v.get("label", "call to violence")
        lex.verbs = [x.lower() for x in v.get("verbs", [])]
        lex.particles = {k.lower(): [p.lower() for p in ps] for k, ps in v.get("particles", {}).items()}
        lex.calls = list(v.get("calls", []))
        lex.idioms = [(i["text"], bool(i.get("needs_call", True))) for i in v.get("idioms", [])]
    except (KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"loaded_language.toml is malformed: {exc.__class__.__name__}: {exc}") from None
    return lex


class LoadedMatcher:
    def __init__(self, lex: LoadedLexicon):
        from spacy.matcher import Matcher, PhraseMatcher

        from claimmap import nlp
        from claimmap.framing.lexicon import variants

        pipe = nlp.load()
        self.lex = lex
        self.words = PhraseMatcher(pipe.vocab, attr="LOWER")  # words in all generated inflections
        self.phrases = PhraseMatcher(pipe.vocab, attr="LOWER")
        self.patterns = Matcher(pipe.vocab)  # raw token patterns from the lexicon, if any
        self.not_after: dict[str, list[str]] = {}
        for cat, entries in lex.words.items():
            for n, (word, forms, not_after) in enumerate(entries):
                key = f"{cat}|w{n}"
                self.not_after[key] = not_after
                surface = set()
                for w in [word, *forms]:  # "neo-Nazi" -> neo-nazis, neo nazis, neonazis, ...
                    for f in _inflections(w) if " " not in w else {w.lower()}:
                        surface |= variants(f)
                self.words.add(key, [pipe.make_doc(f) for f in sorted(surface)])
            phrases = set()
            for p in lex.phrases.get(cat, []):
                phrases |= variants(p)
            if phrases:
                self.phrases.add(cat, [pipe.make_doc(p) for p in sorted(phrases)])
            if lex.patterns.get(cat):
                self.patterns.add(f"{cat}|p", lex.patterns[cat])
        # violence
        self.calls = PhraseMatcher(pipe.vocab, attr="LOWER")
        calls = set()
        for c in lex.calls:
            calls |= variants(c)
        self.calls.add("call", [pipe.make_doc(c) for c in sorted(calls)])
        self.idioms = PhraseMatcher(pipe.vocab, attr="LOWER")
        for i, (idiom, _) in enumerate(lex.idioms):
            self.idioms.add(f"idiom{i}", [pipe.make_doc(v) for v in sorted(variants(idiom))])
        verbs = set(lex.verbs) | set(lex.particles)
        self.verb_forms = set()
        for v in verbs:
            self.verb_forms |= _inflections(v, verb=True)
        self.verb_forms |= {"shot", "hung", "burnt", "slain", "slew", "crushed", "killed", "smashed", "blown", "taken", "finished", "gassed"}
        self.verbs = verbs

    # -- words and phrases --------------------------------------------------------------------
    def find(self, sdoc) -> list[Hit]:
        hits: list[Hit] = []
        vocab = sdoc.vocab
        found = list(self.words(sdoc))
        if len(self.patterns):
            found += self.patterns(sdoc)
        for mid, s, e in found:
            key = vocab.strings[mid]
            cat = key.split("|")[0]
            bad = self.not_after.get(key) or []
            if bad and s > 0:
                prev = sdoc[s - 1]
                prev2 = sdoc[s - 2] if s > 1 else None
                if prev.lower_ in bad or (prev.text == "-" and prev2 is not None and prev2.lower_ in bad):
                    continue
                if any(prev.lower_ == b + "-" or prev.lower_.startswith(b + "-") for b in bad):
                    continue
            hits.append(Hit(cat, sdoc[s].idx, _end(sdoc, e)))
        for mid, s, e in self.phrases(sdoc):
            hits.append(Hit(vocab.strings[mid], sdoc[s].idx, _end(sdoc, e)))
        hits.extend(self._violence(sdoc))
        # one hit per (category, span); drop a hit inside a longer one of the same category
        hits = sorted({(h.category, h.start, h.end) for h in hits}, key=lambda h: (h[1], -(h[2] - h[1])))
        out: list[Hit] = []
        for cat, a, b in hits:
            if any(o.category == cat and o.start <= a and b <= o.end for o in out):
                continue
            out.append(Hit(cat, a, b))
        return sorted(out, key=lambda h: (h.start, h.end, h.category))

    # -- calls to violence --------------------------------------------------------------------
    def _is_violent_at(self, sdoc, i: int) -> int | None:
        """If token i is a violent verb (with its particle when required), the end token index."""
        tok = sdoc[i]
        lemma, low = tok.lemma_.lower(), tok.lower_
        if tok.pos_ in ("NOUN", "PROPN") and tok.tag_ not in ("VB", "VBP", "VBN"):
            if low not in self.verb_forms or tok.pos_ == "PROPN":
                return None
        base = lemma if lemma in self.verbs else next((v for v in self.verbs if low in _inflections(v, verb=True)), None)
        if base is None and low in self.verb_forms:
            base = {"shot": "shoot", "hung": "hang", "burnt": "burn", "slain": "slay", "blown": "blow",
                    "taken": "take"}.get(low, low)
        if base is None:
            return None
        if base in self.lex.particles:
            for j in range(i + 1, min(len(sdoc), i + 5)):
                if sdoc[j].lower_ in self.lex.particles[base]:
                    return j + 1
                if sdoc[j].is_punct:
                    break
            return None
        return i + 1

    def _violence(self, sdoc) -> list[Hit]:
        hits: list[Hit] = []
        call_spans = [(s, e) for _, s, e in self.calls(sdoc)]
        for s, e in call_spans:
            j = e
            # optional: "them"/"us" after "let", an adverb, "be" (passive), "not" (negation -> skip)
            negated = False
            for _ in range(3):
                if j >= len(sdoc):
                    break
                t = sdoc[j]
                if t.lower_ in _NEG:
                    negated = True
                    j += 1
                elif t.lower_ in ("be", "get", "all", "simply", "just", "really", "finally", "them", "us",
                                  "also", "only", "ruthlessly", "completely", "physically") or t.pos_ == "ADV":
                    j += 1
                else:
                    break
            if negated or j >= len(sdoc):
                continue
            end = self._is_violent_at(sdoc, j)
            if end is not None:
                hits.append(Hit("violence", sdoc[s].idx, _end(sdoc, end)))
        # imperative: a sentence opening with a violent verb in base form followed by an object
        for tok in sdoc:
            if not tok.is_sent_start or tok.tag_ != "VB":
                continue
            end = self._is_violent_at(sdoc, tok.i)
            if end is None:
                continue
            nxt = sdoc[end] if end < len(sdoc) else None
            if nxt is not None and (nxt.pos_ in _OBJ_POS or nxt.lower_ in ("them", "him", "her", "everyone", "all")):
                hits.append(Hit("violence", tok.idx, _end(sdoc, end)))
        # idioms
        sent_of = {}
        sid = -1
        for tok in sdoc:
            if tok.is_sent_start:
                sid += 1
            sent_of[tok.i] = sid
        call_sents = {sent_of[s] for s, _ in call_spans}
        for mid, s, e in self.idioms(sdoc):
            idx = int(sdoc.vocab.strings[mid][5:])
            _, needs_call = self.lex.idioms[idx]
            if needs_call and not ({sent_of[s], sent_of[s] - 1} & call_sents):
                continue
            hits.append(Hit("violence", sdoc[s].idx, _end(sdoc, e)))
        return hits


def _end(sdoc, e: int) -> int:
    t = sdoc[e - 1]
    return t.idx + len(t.text)


@lru_cache(maxsize=1)
def matcher() -> LoadedMatcher:
    return LoadedMatcher(load())
