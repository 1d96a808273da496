"""Hedged reports: evidence that relays a claim without asserting it.

A page that repeats a claim with "reportedly", "according to", "sources say", a modal ("may",
"could") or as a question ("Did X do Y?") supports that the claim was *said*; it is not a
confirmation that it *is so*, however many outlets relay it. The cue list is data
(``hedging`` in claimmap/data/stance_cues.toml).
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    from claimmap import datafiles

    cues = datafiles.shipped("stance_cues.toml", "stance cue list").get("hedging", [])
    alts = sorted({c.strip().lower() for c in cues if c.strip()}, key=len, reverse=True)
    # a cue ending in punctuation ("report:") needs no word boundary after it
    parts = [re.escape(c) + (r"\b" if c[-1].isalnum() else "") for c in alts]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + ")", re.IGNORECASE)


def is_question(text: str) -> bool:
    """Is ``text`` put as a question ("Was the recording a hoax?")?"""
    return (text or "").strip().rstrip("\"'”’)").endswith("?")


def hedged(text: str) -> bool:
    """Does ``text`` relay its content with a hedge (a cue word, or a question)?"""
    t = (text or "").strip()
    if not t:
        return False
    if is_question(t):
        return True
    return _pattern().search(t) is not None
