"""Faster steps for two of spaCy's rule components, with the same annotations.

**Attribute ruler** (same matches, same order).

The attribute ruler of ``en_core_web_sm`` maps tags to coarse parts of speech and morphology
and fixes lemmas through 179 Matcher patterns, each of one or two tokens testing TAG, LOWER,
DEP or IS_SPACE (equal, IN, NOT_IN, REGEX). spaCy's Matcher evaluates every pattern at every
token, which took 13% of the whole parse of real news pages. ``install(nlp)`` replaces only the
ruler's ``match`` step with an index on the first token's LOWER / TAG / IS_SPACE value, then
checks each candidate pattern fully; ``set_annotations`` (what the matches do) stays spaCy's.
The matches are the same tuples in the same order (``tests/test_nlp_fast.py`` compares them
with spaCy's on every token of the shipped examples and the fixture corpora). A ruler with any
pattern this cannot express (operators, other attributes) is left untouched.

**Lemmatizer** (rule mode). spaCy's rule lemmatizer computes a lemma from the token's text,
coarse part of speech and morphology, caching only some of the outcomes, and sets it through a
Python ``Token`` per token (about a tenth of the parse of a news page). ``install(nlp)`` makes
the lemmatizer look each (ORTH, POS, MORPH) up in its own memo (filled by spaCy's
``lemmatize``, the same function of those three values spaCy caches by) and write the lemmas
with one ``Doc.from_array``. Other modes (lookup, a user's subclass overriding ``lemmatize``)
keep spaCy's step.
"""

from __future__ import annotations

import re
from collections import defaultdict

_ATTRS = {"TAG": "tag_", "LOWER": "lower_", "DEP": "dep_", "IS_SPACE": "is_space"}


def _predicate(attr: str, value):
    """(slot, test) for one token condition, or None when unsupported."""
    if attr not in _ATTRS:
        return None
    slot = list(_ATTRS).index(attr)
    if isinstance(value, (str, bool)):
        return slot, ("eq", value)
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op == "IN" and isinstance(arg, list):
            return slot, ("in", frozenset(arg))
        if op == "NOT_IN" and isinstance(arg, list):
            return slot, ("not_in", frozenset(arg))
        if op == "REGEX" and isinstance(arg, str):
            return slot, ("re", re.compile(arg))
    return None


def _ok(test, v) -> bool:
    kind, arg = test
    if kind == "eq":
        return v == arg
    if kind == "in":
        return v in arg
    if kind == "not_in":
        return v not in arg
    return arg.search(v) is not None


class FastMatch:
    """``AttributeRuler.match`` over an index of the patterns' first tokens."""

    def __init__(self, ruler):
        self.entries = []  # (attr index, match id, [[(slot, test), ...] per token])
        strings = ruler.vocab.strings
        for i in range(len(ruler.attrs)):
            key = strings[str(i)]
            got = ruler.matcher.get(key)
            if got is None:
                raise ValueError("attribute ruler key without patterns")
            for pattern in got[1]:
                toks = []
                for spec in pattern:
                    preds = [_predicate(a, v) for a, v in spec.items()]
                    if not spec or any(p is None for p in preds):
                        raise ValueError(f"unsupported attribute ruler pattern: {pattern}")
                    toks.append(preds)
                self.entries.append((i, key, toks))
        self.index: dict = defaultdict(list)
        self.always: list = []
        for e, (_i, _key, toks) in enumerate(self.entries):
            first = dict(toks[0])
            anchored = False
            for slot in (1, 0, 3):  # LOWER, TAG, IS_SPACE equal or IN: index on the value
                test = first.get(slot)
                if test and test[0] == "eq":
                    self.index[(slot, test[1])].append(e)
                    anchored = True
                elif test and test[0] == "in":
                    for v in test[1]:
                        self.index[(slot, v)].append(e)
                    anchored = True
                if anchored:
                    break
            if not anchored:
                self.always.append(e)
        self._cache: dict = {}
        # first-token values that can start a multi-token pattern: (tag, lower, is_space) keys
        self._multi_first = _MultiFirst(self)

    def _candidates(self, vals, multi: bool) -> list[int]:
        cand = self.always + self.index.get((1, vals[1]), []) + self.index.get((0, vals[0]), []) \
            + self.index.get((3, vals[3]), [])
        return [e for e in cand if (len(self.entries[e][2]) > 1) == multi]

    def _single(self, vals) -> tuple:
        """(attr index, match id) of every one-token pattern matching a token with ``vals``."""
        hit = self._cache.get(vals)
        if hit is None:
            hit = tuple((self.entries[e][0], self.entries[e][1]) for e in self._candidates(vals, False)
                        if all(_ok(test, vals[slot]) for slot, test in self.entries[e][2][0]))
            if len(self._cache) < 200_000:
                self._cache[vals] = hit
        return hit

    def __call__(self, doc):
        rows = [(t.tag_, t.lower_, t.dep_, t.is_space) for t in doc]
        n = len(rows)
        found = set()
        for s, vals in enumerate(rows):
            for i, key in self._single(vals):
                found.add((i, key, s, s + 1))
            if s + 1 < n and (vals[0], vals[1], vals[3]) in self._multi_first:
                for e in self._candidates(vals, True):
                    i, key, toks = self.entries[e]
                    end = s + len(toks)
                    if end <= n and all(_ok(test, rows[s + j][slot])
                                        for j, preds in enumerate(toks) for slot, test in preds):
                        found.add((i, key, s, end))
        return sorted(found)


class _MultiFirst:
    """``(tag, lower, is_space) in self``: could a multi-token pattern start at such a token?"""

    def __init__(self, fm: FastMatch):
        self.fm = fm
        self.any = any(len(fm.entries[e][2]) > 1 for e in fm.always)

    def __contains__(self, key) -> bool:
        tag, lower, space = key
        if self.any:
            return True
        idx = self.fm.index
        return any(len(self.fm.entries[e][2]) > 1
                   for k in ((1, lower), (0, tag), (3, space)) for e in idx.get(k, ()))


def _memo_lemmatize(self, doc):
    """``Lemmatizer.__call__`` with a memo of lemmas by (ORTH, POS, MORPH)."""
    from spacy.attrs import LEMMA, MORPH, ORTH, POS

    if not self._validated:
        self._validate_tables()
    arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
    if not len(arr):
        return doc
    memo = self.__dict__.setdefault("_claimmap_lemmas", {})
    strings = self.vocab.strings
    lemmas = arr[:, 3].copy()
    overwrite = self.overwrite
    for i, (orth, pos, morph, lemma) in enumerate(arr.tolist()):
        if not overwrite and lemma != 0:
            continue
        key = (orth, pos, morph)
        h = memo.get(key)
        if h is None:
            h = strings.add(self.lemmatize(doc[i])[0])
            if len(memo) < 500_000:
                memo[key] = h
        lemmas[i] = h
    doc.from_array([LEMMA], lemmas.reshape(-1, 1))
    return doc


_FAST_CLASSES: dict = {}


class _IndexList(list):
    """A lemma index (a list of words in spaCy's tables) with set membership: spaCy's rule
    lemmatizer tests ``form in index`` against lists of up to 57k words."""

    def __init__(self, items):
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item) -> bool:
        return item in self._members


def _index_sets(lem) -> None:
    table = lem.lookups.get_table("lemma_index", {}) if lem.lookups is not None else {}
    for key in list(table):
        if type(table[key]) is list:
            table[key] = _IndexList(table[key])


def install_lemmatizer(nlp) -> bool:
    """Give a rule-mode ``lemmatizer`` the memo step; False when it keeps spaCy's."""
    if "lemmatizer" not in nlp.pipe_names:
        return False
    lem = nlp.get_pipe("lemmatizer")
    cls = type(lem)
    if getattr(cls, "_claimmap_fast", False):
        return True
    from spacy.pipeline import Lemmatizer

    # only spaCy's own rule lemmatizers: a subclass with its own lemmatize/__call__ may depend on
    # more than (ORTH, POS, MORPH)
    if not isinstance(lem, Lemmatizer) or getattr(lem, "mode", None) != "rule" \
            or getattr(lem.lemmatize, "__func__", None) is not Lemmatizer.rule_lemmatize \
            or cls.rule_lemmatize is not Lemmatizer.rule_lemmatize or cls.__call__ is not Lemmatizer.__call__ \
            or cls.__module__.split(".")[0] != "spacy":
        return False
    _index_sets(lem)
    fast = _FAST_CLASSES.get(cls)
    if fast is None:
        fast = _FAST_CLASSES[cls] = type("Fast" + cls.__name__, (cls,),
                                         {"__call__": _memo_lemmatize, "_claimmap_fast": True})
    lem.__class__ = fast
    return True


def install(nlp) -> bool:
    """Swap the attribute ruler's match step for ``FastMatch`` and give the lemmatizer its memo;
    False when the ruler keeps spaCy's step."""
    install_lemmatizer(nlp)
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    try:
        ruler.match = FastMatch(ruler)
    except (ValueError, KeyError, TypeError):
        return False
    return True
