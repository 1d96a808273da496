"""Non-English coverage in the corpus: stored, not refused.

The analysis (zones → statements → disputes) is English-only; the corpus is not. A document in
another language (``claimmap.pipeline.detect_language``) is kept by ``corpus add`` and the API's
corpus endpoint with its language, its body zones, its sentences (``split_sentences``, a
rule-based splitter that needs no English parser) and their embeddings, and is full-text
indexed like any other; it has no stored statements (speakers are found by the English parser
only).

Whether such a document takes part in corroboration depends on the models: the setting
CLAIMMAP_MODEL_LANGUAGES lists the languages the configured embedder and stance model read
(default "en"; "*" for a multilingual pair such as CLAIMMAP_EMBEDDER=hf:…multilingual… and
CLAIMMAP_STANCE_MODEL=hf:…xnli…). ``assessable`` answers per language, and
``not_assessed`` counts the documents among a run's candidates that were not assessed, and
why, for ``corroboration_run``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from claimmap import datafiles

#: sentence-final punctuation, closing quotes/brackets allowed after it
_END = re.compile(r"[.!?…。！？]+[\"'»”’)\]]*(?=\s)|[。！？]+")
_WORD_BEFORE = re.compile(r"(\S+)$")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    data = datafiles.shipped("sentence_split.toml", "sentence splitter abbreviations")
    out = set()
    for words in data.get("abbreviations", {}).values():
        out.update(str(w).casefold().rstrip(".") for w in words)
    return frozenset(out)


def _no_break_after(token: str) -> bool:
    """A period after ``token`` does not end a sentence: an abbreviation, an initial, an
    ordinal number ("25. Februar"), or a dotted abbreviation ("z.B.", "т.е.")."""
    t = token.casefold().lstrip("\"'«“‘([").rstrip(".")
    if not t:
        return False
    if t in _abbreviations():
        return True
    if len(t) == 1 and t.isalpha():
        return True  # an initial: "A. Petrenko"
    if t.isdigit() and len(t) <= 2:
        return True  # an ordinal day or list number: "25. Februar", "3. Liga"
    return "." in t and all(len(p) <= 3 for p in t.split("."))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``: breaks at line breaks between paragraphs
    (a blank line, or a line break after sentence-final punctuation) and after sentence-final
    punctuation followed by a space and a capital letter, digit, quote or dash; never after an
    abbreviation, an initial or a one- or two-digit ordinal."""
    out: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        base, chunk = para.start(), para.group(0)
        start = 0
        for m in _END.finditer(chunk):
            end = m.end()
            rest = chunk[end:].lstrip()
            if not rest:
                break
            first = rest[0]
            if not (first.isupper() or first.isdigit() or first in "\"'«“‘„([-–—¿¡"
                    or not first.isalpha() and not first.isspace() and not first.isascii()):
                continue
            if m.group(0).startswith(".") and len(m.group(0).rstrip("\"'»”’)]")) == 1:
                w = _WORD_BEFORE.search(chunk[start:m.start()])
                if w and _no_break_after(w.group(1)):
                    continue
            _add(out, base, chunk, start, end)
            start = end
        _add(out, base, chunk, start, len(chunk))
    return out


def _add(out: list, base: int, chunk: str, a: int, b: int) -> None:
    seg = chunk[a:b]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg.rstrip())
    if trail > lead:
        out.append((base + a + lead, base + a + trail))


def model_languages() -> frozenset[str] | None:
    """The languages the configured embedder and stance model read (setting
    CLAIMMAP_MODEL_LANGUAGES); None = any ("*")."""
    from claimmap import config

    raw = config.get("CLAIMMAP_MODEL_LANGUAGES").strip().lower() or "en"
    if raw in ("*", "any", "all"):
        return None
    langs = frozenset(x.strip() for x in re.split(r"[,\s]+", raw) if x.strip())
    bad = [x for x in langs if not re.fullmatch(r"[a-z]{2,3}", x)]
    if bad:
        from claimmap.errors import ClaimmapError

        raise ClaimmapError(f"CLAIMMAP_MODEL_LANGUAGES: {', '.join(sorted(bad))} is not a language"
                            " code; use ISO 639-1 codes (en,de,ru) or *")
    return langs


def assessable(language: str | None, languages: frozenset[str] | None = None) -> bool:
    """Can the configured models read a document in ``language``? Unknown language: yes (it
    was analysed as English, or predates language detection)."""
    if not language:
        return True
    langs = model_languages() if languages is None else languages
    return langs is None or language in langs


def not_assessed(docs: Iterable, languages: frozenset[str] | None = None, *,
                 models_offline: str | None = None) -> dict:
    """Which of ``docs`` (objects with ``language``, such as StoredDocument, or language codes)
    the corroboration could not assess: ``{"documents", "languages": {code: n}, "reason"}``.
    A document is left out when its language is outside CLAIMMAP_MODEL_LANGUAGES, or, for a
    non-English one, when ``models_offline`` says the multilingual models could not be loaded
    (that message is then the reason)."""
    langs = model_languages() if languages is None else languages
    count: Counter = Counter()
    for d in docs:
        lang = d if isinstance(d, str) or d is None else getattr(d, "language", None)
        if not lang:
            continue
        if not assessable(lang, langs) or (models_offline and lang != "en"):
            count[lang] += 1
    n = sum(count.values())
    if not n:
        reason = None
    elif models_offline:
        reason = f"the multilingual models are not available ({models_offline})"
    else:
        have = "any language" if langs is None else ", ".join(sorted(langs))
        reason = (f"in {', '.join(sorted(count))}: the configured embedder and stance model read "
                  f"{have} (set CLAIMMAP_EMBEDDER and CLAIMMAP_STANCE_MODEL to multilingual "
                  "models and CLAIMMAP_MODEL_LANGUAGES)")
    return {"documents": n, "languages": dict(sorted(count.items())), "reason": reason}
