"""What kind of page a text is, for warnings: several articles in one input, or a page that is
not news at all (a recipe, a product page).

Vocabulary: ``[not_news]`` in ``claimmap/data/disclaimer_cues.toml``. A page is of a genre when
at least ``min_hits`` distinct cues of that genre occur as whole words and one of its
``<genre>_lines`` cues stands alone on a line (a section heading such as "Ingredients", a button
such as "Add to cart"): a news story about a bakery names ingredients, but has no such heading.

Public API: ``page_warnings(text, zones) -> list[str]``, ``not_news(text) -> str | None``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimmap.model import Zone
from claimmap.zones.cues import cue_list

__all__ = ["page_warnings", "not_news", "GENRES"]

GENRES = {"recipe": "a recipe", "product": "a product page"}


def _norm(s: str) -> str:
    return " ".join(s.replace("’", "'").lower().split())


@lru_cache(maxsize=16)
def _genre_re(genre: str) -> re.Pattern | None:
    cues = cue_list("not_news", genre)
    if not cues:
        return None
    return re.compile(r"(?<![\w])(" + "|".join(re.escape(c) for c in cues) + r")(?![\w])")


def not_news(text: str) -> str | None:
    """The genre ("recipe", "product") of a page that is not news, else None."""
    try:
        need = int((cue_list("not_news", "min_hits") or ("4",))[0])
    except ValueError:
        need = 4
    low = _norm(text)
    lines = {_norm(ln).strip(" :|·•-#*") for ln in text.splitlines() if ln.strip()}
    best, best_hits = None, 0
    for genre in GENRES:
        heading = any(c in lines for c in cue_list("not_news", f"{genre}_lines"))
        pat = _genre_re(genre)
        if not heading or pat is None:
            continue
        hits = len({m.group(1) for m in pat.finditer(low)})
        if hits >= need and hits > best_hits:
            best, best_hits = genre, hits
    return best


def page_warnings(text: str, zones: list[Zone]) -> list[str]:
    """Warnings about the page as a whole (empty for one news article)."""
    out = []
    titles = [z for z in zones if z.kind == "header" and z.label == "title"]
    if len(titles) > 1:
        out.append(f"the input looks like {len(titles)} articles in one text (titles at offsets "
                   f"{', '.join(str(z.start) for z in titles)}); statements and disputes are read "
                   "as if they were one article")
    genre = not_news(text)
    if genre:
        out.append(f"the text does not look like a news article (it reads as {GENRES[genre]}); "
                   "lists on it are not read for claims")
    return out
