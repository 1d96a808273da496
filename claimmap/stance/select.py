"""Evidence selection for the stance cross-encoder: pure Python, no spaCy, so the training
script (on any machine) and inference pick exactly the same sentences.

``select(claim, body, k)`` keeps the ``k`` body sentences sharing the most content words with
the claim, in their original order (ties: earlier first). A sentence is a run of text ended by
sentence-final punctuation before whitespace and an opening capital/quote, or by a line break.
"""

from __future__ import annotations

import re

# Small, fixed English stopword list (function words only): part of the model's definition,
# since the trained artefact saw inputs built with it.
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most
my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves said says say also would one two new its it's
""".split())

_SENT_BREAK = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\s*\n+\s*")
_WORD = re.compile(r"[a-z0-9]+")


def sentences(body: str) -> list[str]:
    return [s.strip() for s in _SENT_BREAK.split(body or "") if s and s.strip()]


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def overlap(claim: str, text: str) -> int:
    """Number of content words ``text`` shares with ``claim``."""
    return len(content_words(claim) & content_words(text))


def select(claim: str, body: str, k: int = 5) -> str:
    sents = sentences(body)
    if len(sents) <= k:
        return " ".join(sents)
    cw = content_words(claim)
    scored = sorted(range(len(sents)), key=lambda i: (-len(cw & content_words(sents[i])), i))[:k]
    return " ".join(sents[i] for i in sorted(scored))
