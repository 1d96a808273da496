"""A page's publication day when its metadata has none: read off the URL or the top of the text.

Many pages carry no machine-readable date, but say it anyway: in the URL path
(``/2022/02/25/…``, ``/2022-02-25-…``, ``/20220225/``), on a date line at the top
("Published: 25.02.2022 14:30", "By Anna Smith | Feb. 25, 2022"), or in a dateline
("KYIV, 25 February 2022 (Ukrinform) -"). ``infer_date`` reads those, conservatively: a date
in the text counts only on a short line of its own, after a publication cue ("published",
"updated", "опубликовано"…), or in a dateline, never inside a sentence of the story, where it
is the date of an event ("On 24 February 2022 the troops…"). Month names and cue words are
data (``claimmap/data/months.toml``, several languages). A date after today (plus a day, for
time zones) or before 1990 is refused. Numeric dates are read day first ("25.02.2022",
"25/02/2022"); a slashed date whose day and month could be swapped ("03/04/2022") is refused.

Used at ``corpus add`` and for the analysed article (``claimmap.pipeline``), only when the
source gave no date; documents still without one stay candidates in every date window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from claimmap import datafiles

#: characters of the text's beginning searched for a date line
HEAD_CHARS = 600
#: a line holding a date is a date line when at most this many other words remain on it
DATE_LINE_WORDS = 6
MIN_YEAR = 1990


@dataclass(frozen=True)
class DateGuess:
    day: str    # ISO YYYY-MM-DD
    how: str    # "url", "cue", "date_line" or "dateline"
    text: str   # what it was read from


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, int], tuple[str, ...]]:
    data = datafiles.shipped("months.toml", "month names")
    months: dict[str, int] = {}
    for lang, names in data.get("months", {}).items():
        if len(names) != 12:
            from claimmap.errors import DataError

            raise DataError(f"months.toml: language {lang!r} must list 12 months")
        for i, spellings in enumerate(names, 1):
            for s in spellings:
                months.setdefault(str(s).casefold(), i)
    cues = tuple(str(c).casefold() for c in data.get("cues", {}).get("words", ()))
    return months, cues


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, ...]:
    months, _ = _lexicon()
    alt = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    mon = rf"(?<![^\W\d_])(?P<m>{alt})(?![^\W\d_])\.?"
    year = r"(?P<y>(?:19|20)\d{2})(?!\d)"
    day = r"(?<!\d)(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|\.)?"
    return (
        re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<mo>[01]\d)-(?P<d>[0-3]\d)(?!\d)"),   # ISO
        re.compile(rf"{day}\s*[./](?P<mo>[01]?\d)\s*[./]\s*{year}"),                          # 25.02.2022
        re.compile(rf"{day}\s+(?:of\s+|de\s+)?{mon},?\s+(?:de\s+|del\s+)?{year}", re.I),  # 25 Feb 2022
        re.compile(rf"{mon}\s+{day},?\s+{year}", re.I),                                  # Feb 25, 2022
    )


_URL_DATE = (
    re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})[/_-](?P<mo>[01]?\d)[/_-](?P<d>[0-3]?\d)(?![\d])"),
    re.compile(r"(?<![\w])(?P<y>(?:19|20)\d{2})(?P<mo>[01]\d)(?P<d>[0-3]\d)(?![\d])"),
)
_TIME = re.compile(r"\b\d{1,2}[:.h]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?|\b(?:UTC|GMT|[A-Z]{2,4}T)\b"
                   r"|[+-]\d{2}:?\d{2}\b", re.I)
_WORD = re.compile(r"[^\W\d_]{2,}")
_DATELINE = re.compile(r"^\s*[^\W\d_][\w .'’()/-]{1,48},\s*$")


def _valid(y: int, m: int, d: int, today: date) -> str | None:
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    if day.year < MIN_YEAR or day > today + timedelta(days=1):
        return None
    return day.isoformat()


def date_from_url(url: str | None, today: date | None = None) -> str | None:
    """The day a URL's path carries (``/2022/02/25/``, ``/2022-02-25-slug``, ``/20220225/``)."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    today = today or date.today()
    for rx in _URL_DATE:
        for m in rx.finditer(path):
            got = _valid(int(m["y"]), int(m["mo"]), int(m["d"]), today)
            if got:
                return got
    return None


def _match_day(m: re.Match, today: date) -> str | None:
    months, _ = _lexicon()
    gd = m.groupdict()
    y, d = int(gd["y"]), int(gd["d"])
    if gd.get("m"):
        mo = months.get(gd["m"].casefold().rstrip("."))
        if mo is None:
            return None
    else:
        mo = int(gd["mo"])
        if "/" in m.group(0) and d <= 12 and mo <= 12 and d != mo:
            return None  # 03/04/2022: day-first or month-first cannot be told
    return _valid(y, mo, d, today)


def _cue_before(prefix: str, cues: tuple[str, ...]) -> bool:
    p = re.sub(r"[\s:|•·,–—-]+$", "", prefix.casefold())
    p = re.sub(r"\s+(?:on|le|am|el|il|em|at)$", "", p)
    return any(p.endswith(c) and (len(p) == len(c) or not p[-len(c) - 1].isalnum()) for c in cues)


def date_from_text(text: str, today: date | None = None, head: int = HEAD_CHARS) -> DateGuess | None:
    """The first publication date at the top of ``text`` (see module doc), else None."""
    if not text:
        return None
    today = today or date.today()
    _, cues = _lexicon()
    top = text[:head]
    found: list[tuple[int, DateGuess]] = []
    for rx in _patterns():
        for m in rx.finditer(top):
            day = _match_day(m, today)
            if day is None:
                continue
            ls = top.rfind("\n", 0, m.start()) + 1
            le = top.find("\n", m.end())
            le = len(top) if le < 0 else le
            prefix, suffix = top[ls:m.start()], top[m.end():le]
            if _cue_before(prefix, cues):
                how = "cue"
            elif _DATELINE.match(prefix) and re.match(r"\s*(?:\(|[-–—/]|$)", suffix):
                how = "dateline"
            elif le == len(top) and le < len(text):
                continue  # the line goes on past the window: not known to be short
            elif len(_WORD.findall(_TIME.sub(" ", prefix + " " + suffix))) <= DATE_LINE_WORDS:
                how = "date_line"
            else:
                continue
            found.append((m.start(), DateGuess(day, how, m.group(0))))
    return min(found, key=lambda x: x[0])[1] if found else None


def infer_date(text: str, url: str | None = None, today: date | None = None) -> DateGuess | None:
    """The page's publication day from its URL, else from the top of its text; None when it
    carries none that can be trusted."""
    day = date_from_url(url, today)
    if day:
        return DateGuess(day, "url", url or "")
    return date_from_text(text, today)
