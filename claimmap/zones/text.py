"""Plain-text zoner for scraped page dumps, where the article, the site's disclaimer and the
reader comments run together.

``zone_text(doc)`` reads ``doc.text`` line by line and uses only layout and wording cues:

* blank lines separate paragraphs; leading whitespace (tabs expanded) gives indentation;
* the first short line(s) without final punctuation are the title and subtitle, and short status
  lines near the top ("Being updated", "Updated 14:05", bylines, datelines) are header too;
* vocabulary from ``claimmap/data/disclaimer_cues.toml`` (see :mod:`claimmap.zones.cues`) marks
  disclaimers, site chrome, related-link lists and comment-section headings;
* the body is the run of article paragraphs after the header; it ends at the first disclaimer,
  at a comment-section heading, or where a run of indented numbered items that lasts to the end
  of the page begins (numbered lists inside the article stay body);
* in the comment section every line that starts with a marker ("1.", "2)", "•", "-", "*", ">",
  "↳" …) opens a comment; a reply's parent is the nearest preceding comment at a lower
  indentation; unmarked lines at the thread's indentation or deeper continue the current
  comment. Numbers inside comment text ("• 6. Fanatics…", "3. 5. “Since…") are not markers.

Every non-blank line ends up in exactly one zone; zones are sorted and never overlap, and
``text[z.start:z.end]`` is the zone's text with surrounding whitespace trimmed.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from claimmap.model import Document, Zone
from claimmap.zones.cues import cue_list

__all__ = ["zone_text"]

TAB_WIDTH = 4
TITLE_MAX_WORDS = 30
SUBTITLE_MAX_WORDS = 60
RELATED_MAX_WORDS = 25  # a line in a related-links list (a headline) is at most this long
CHROME_MAX_WORDS = 15  # a boilerplate line is at most this long
NAV_MAX_WORDS = 12  # a short line absorbed between two disclaimer paragraphs

_NUM_MARKER = re.compile(r"^(?:(\d{1,3})[.)]|\((\d{1,3})\))(?=\s|$)")
_BULLET_MARKER = re.compile(r"^([•◦▪‣●○■□►▶➤→↳↪⤷*>-])(?=\s|$)")
_FINAL_PUNCT = ".!?…;:,"
_CLOSERS = "\"'”’»)]\u201d\u2019 "
_NORM = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "–": "-", "—": "-"})
_MONTHS = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
)
_DATE = re.compile(
    rf"(?i)\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})\b"
)
_BYLINE = re.compile(r"^by\s+(\S.*)$", re.IGNORECASE)
_AUTHOR_LINE = re.compile(r"^(?P<who>\S.{0,60}?)(?:\s+(?:on|at)\s+.{0,40}?)?\s+"
                          r"(?:says|said|wrote|writes|replied|replies|commented|comments)\s*(?::|\.{2,}|…)?$",
                          re.IGNORECASE)
_HEADING_COUNT = re.compile(r"^(?:(?P<n>\d[\d,.]*k?)\s+)?(?P<h>.*?)(?:\s*[(\[]\s*\d[\d,]*\s*[)\]])?\s*:?$")
_COPYRIGHT = re.compile(r"(?i)(?:©|\(c\)\s*\d{4}|\bcopyright\s+(?:©\s*)?\d{4})")


# --------------------------------------------------------------------------------------------
# lines and units


@dataclass
class _Line:
    idx: int
    start: int  # offset of the first non-blank character
    end: int  # offset after the last non-blank character
    indent: int  # leading whitespace width, tabs expanded
    content: str  # the stripped line
    para: int  # paragraph number (blank-line separated)
    first: bool  # first line of its paragraph

    @property
    def words(self) -> int:
        return len(self.content.split())


@dataclass(eq=False)
class _Unit:
    kind: str
    lines: list[_Line]
    label: str | None = None
    parent: _Unit | None = None
    indent: int = 0
    number: int | None = None
    bullet: bool = False


def _split_lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    para = 0
    prev_blank = True
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")
        stripped = body.strip()
        if not stripped:
            if not prev_blank:
                para += 1
            prev_blank = True
            pos += len(raw)
            continue
        lead = len(body) - len(body.lstrip())
        indent = len(body[:lead].expandtabs(TAB_WIDTH))
        start = pos + lead
        end = start + len(stripped)
        out.append(_Line(len(out), start, end, indent, stripped, para, prev_blank))
        prev_blank = False
        pos += len(raw)
    return out


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    paras: list[list[_Line]] = []
    for ln in lines:
        if paras and paras[-1][-1].para == ln.para:
            paras[-1].append(ln)
        else:
            paras.append([ln])
    return paras


def _split_line_paragraphs(paras: list[list[_Line]]) -> list[list[_Line]]:
    """Dumps that put one sentence or paragraph per line, with no blank lines between them, give
    one huge "paragraph"; read each of its lines as a paragraph instead (a short heading line
    without final punctuation stays with a disclaimer line after it)."""
    out: list[list[_Line]] = []
    for p in paras:
        ends = sum(_final_char(ln.content) in ".!?…" for ln in p)
        one_per_line = ends >= 0.5 * len(p) or max(len(ln.content) for ln in p) > 150
        if len(p) < 3 or not one_per_line or len({ln.indent for ln in p}) > 1:
            out.append(p)
            continue
        for i, ln in enumerate(p):
            if out and out[-1][-1].idx == ln.idx - 1 and _glues(out[-1], ln) and i:
                out[-1].append(ln)
            else:
                out.append([ln])
    return out


def _glues(prev: list[_Line], ln: _Line) -> bool:
    """A one-line heading ("We See The World From All Sides") followed by a disclaimer line."""
    head = prev[-1]
    return (len(prev) == 1 and head.words <= 15 and _final_char(head.content) not in _FINAL_PUNCT
            and not _disclaimer_hits([head]) and bool(_disclaimer_hits([ln])))


# --------------------------------------------------------------------------------------------
# cues


def _norm(s: str) -> str:
    return " ".join(s.translate(_NORM).lower().split())


def _final_char(s: str) -> str:
    t = s.rstrip(_CLOSERS)
    return t[-1] if t else ""


def _starts_with(norm: str, phrase: str) -> str | None:
    """The rest of ``norm`` after ``phrase`` when ``norm`` starts with it at a word boundary."""
    if not norm.startswith(phrase):
        return None
    rest = norm[len(phrase):]
    if rest and phrase[-1].isalnum() and rest[0].isalnum():
        return None
    return rest.strip()


def _rest_ok(phrase: str, rest: str, line: str) -> bool:
    """Whether what follows a matched prefix keeps the line a label rather than a sentence."""
    if not rest or not rest[0].isalpha():
        return True
    if len(phrase.split()) > 1:
        return True
    # one-word cue ("Live", "Related", "Updated"): allow a couple of words, not a sentence
    return len(rest.split()) <= 2 and _final_char(line) not in ".!?…"


def _prefix_cue(content: str, phrases: tuple[str, ...], max_words: int) -> str | None:
    if len(content.split()) > max_words:
        return None
    n = _norm(_strip_marker(content))
    for ph in phrases:
        rest = _starts_with(n, ph)
        if rest is not None and _rest_ok(ph, rest, content):
            return ph
    return None


def _strip_marker(content: str) -> str:
    m = _NUM_MARKER.match(content) or _BULLET_MARKER.match(content)
    return content[m.end():].lstrip() if m else content


def _header_marker(ln: _Line) -> bool:
    return _prefix_cue(ln.content, cue_list("header", "markers"), 10) is not None


def _marker_rest_words(ln: _Line) -> int:
    n = _norm(ln.content)
    for ph in cue_list("header", "markers"):
        rest = _starts_with(n, ph)
        if rest is not None:
            return len(re.findall(r"[^\W\d_]{2,}", rest))
    return 0


def _related_marker(ln: _Line) -> bool:
    return _prefix_cue(ln.content, cue_list("related", "markers"), RELATED_MAX_WORDS) is not None


def _boilerplate_line(ln: _Line) -> bool:
    if ln.words > CHROME_MAX_WORDS:
        return False
    whole = re.sub(r"[\s(\[]*\d[\d,.k]*[)\]]?\s*$|^\d[\d,.k]*\s+", "", _norm(ln.content)).strip(" :|·•-")
    if whole in cue_list("boilerplate", "lines"):
        return True
    if _prefix_cue(ln.content, cue_list("boilerplate", "phrases"), CHROME_MAX_WORDS):
        return True
    n = _norm(ln.content)
    return any(len(ph.split()) >= 3 and ph in n for ph in cue_list("boilerplate", "phrases"))


def _comment_heading(ln: _Line) -> bool:
    if ln.words > 15 or _NUM_MARKER.match(ln.content) and not re.match(r"^\d+\s", ln.content):
        return False
    n = _norm(ln.content)
    m = _HEADING_COUNT.match(n)
    if not m:
        return False
    h = m.group("h").strip(" :.-|")
    for ph in cue_list("comments", "headings"):
        if h == ph:
            return True
        # "12 Responses to “Title”", "3 thoughts on “Title”"
        if m.group("n") and (ph.endswith(" on") or ph.endswith(" to")) and h.startswith(ph + " "):
            return True
    return False


def _disclaimer_hits(lines: list[_Line]) -> list[int]:
    """Positions (in the normalised paragraph) where disclaimer vocabulary occurs."""
    n = _norm(" ".join(ln.content for ln in lines))
    hits = []
    for ph in cue_list("disclaimer", "phrases"):
        i = n.find(ph)
        while i >= 0:
            before_ok = i == 0 or not (n[i - 1].isalnum() and ph[0].isalnum())
            j = i + len(ph)
            after_ok = j >= len(n) or not (n[j].isalnum() and ph[-1].isalnum())
            if before_ok and after_ok:
                hits.append(i)
            i = n.find(ph, i + 1)
    hits += [m.start() for m in _COPYRIGHT.finditer(n)]
    return sorted(set(hits))


def _disclaimer_strength(lines: list[_Line]) -> int:
    """0: no disclaimer vocabulary; 1: weak (one phrase deep in a paragraph); 2: strong."""
    hits = _disclaimer_hits(lines)
    if not hits:
        return 0
    words = sum(ln.words for ln in lines)
    if len(hits) >= 2 or words <= NAV_MAX_WORDS or (hits[0] <= 12 and words <= 40):
        return 2
    return 1


def _marker(ln: _Line) -> tuple[str, int | None] | None:
    """("num", n) or ("bullet", None) when the line starts with a list/comment marker."""
    m = _NUM_MARKER.match(ln.content)
    if m:
        return "num", int(m.group(1) or m.group(2))
    if _BULLET_MARKER.match(ln.content):
        return "bullet", None
    return None


def _is_cue_paragraph(lines: list[_Line]) -> bool:
    fl = lines[0]
    return (_comment_heading(fl) or _related_marker(fl) or _boilerplate_line(fl)
            or _disclaimer_strength(lines) > 0)


def _link_like(ln: _Line) -> bool:
    """A line that reads like an entry of a related-links list (a headline or a URL)."""
    if "http://" in ln.content or "https://" in ln.content or "www." in ln.content:
        return ln.words <= RELATED_MAX_WORDS
    if ln.words > 20:
        return False
    return _marker(ln) is not None or _final_char(ln.content) not in ".;:,…"


def _titleish(ln: _Line, max_words: int, allow: str) -> bool:
    if ln.words > max_words or len(ln.content) > 12 * max_words or _marker(ln):
        return False
    fc = _final_char(ln.content)
    return bool(fc) and (fc not in _FINAL_PUNCT or fc in allow)


def _byline(ln: _Line) -> bool:
    m = _BYLINE.match(ln.content)
    if not m or ln.words > 12 or _final_char(ln.content) in ".!?":
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’.-]*", m.group(1))
             if w.lower() not in {"and", "in", "for", "of", "the", "de", "van", "von", "at"}]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _dateline(ln: _Line) -> bool:
    if ln.words > 10 or not _DATE.search(ln.content) or _final_char(ln.content) in ".!?;,":
        return False
    rest = _DATE.sub(" ", ln.content)
    return len(re.findall(r"[^\W\d_]{3,}", rest)) <= 3


def _caption_line(ln: _Line) -> bool:
    """A photo caption or credit line: "Photo: …", "… (Photo credit: Jana Ruiz)", "… Reuters/X"."""
    if ln.words > 45:
        return False
    n = _norm(_strip_marker(ln.content))
    if any(_starts_with(n, ph) is not None for ph in cue_list("captions", "prefixes")):
        return True
    credits = cue_list("captions", "credits")
    tail = re.search(r"\(([^()]{2,80})\)\s*\.?$", n)
    if tail and any(c in tail.group(1) for c in credits):
        return True
    last = n.rsplit("/", 1)
    return len(last) == 2 and len(last[1].split()) <= 4 and any(c.rstrip("/") in last[0][-30:] for c in credits if "/" in c)


def _posted_by(ln: _Line) -> bool:
    """A blog post's attribution line ("Posted by Gareth Lune on March 3, 2025 at 9:14 am")."""
    if ln.words > 16 or _final_char(ln.content) in "!?":
        return False
    n = _norm(ln.content)
    return any(_starts_with(n, ph) for ph in cue_list("posted_by", "prefixes"))


_QUANTITY = re.compile(r"^(?:\d|[½⅓⅔¼¾⅛]|(?:a|one|two|three|four|half)\s+(?:cup|pinch|handful|tablespoon|teaspoon|clove)s?\b)", re.I)


def _list_paragraph(p: list[_Line]) -> bool:
    """A list of items rather than prose: three or more short lines without sentence
    punctuation, most of them starting with a quantity (an ingredient list, a spec sheet)."""
    if len(p) < 3 or any(ln.words > 12 for ln in p):
        return False
    if sum(_final_char(ln.content) in ".!?" for ln in p) > 1:
        return False
    return sum(bool(_QUANTITY.match(_strip_marker(ln.content))) for ln in p) >= 0.6 * len(p)


def _about_heading(ln: _Line) -> str | None:
    """"About Brightwell Water" -> "Brightwell Water" (a press release's company boilerplate)."""
    m = re.match(r"^about\s+(?:the\s+)?(\S.{1,60})$", ln.content, re.IGNORECASE)
    if not m or ln.words > 7 or _final_char(ln.content) in _FINAL_PUNCT:
        return None
    return m.group(1).strip()


def _author_line(ln: _Line) -> str | None:
    if ln.words > 10:
        return None
    m = _AUTHOR_LINE.match(_strip_marker(ln.content))
    return m.group("who") if m else None


# --------------------------------------------------------------------------------------------
# the zoner


class _Zoner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _split_lines(text)
        self.units: list[_Unit] = []
        # article state
        self.body_started = False
        self.body_closed = False  # a disclaimer came after the body
        self.after_chrome = False  # the last unit after the body started was chrome
        self.base_indent: int | None = None
        # comment state
        self.in_comments = False
        self.comments: list[_Unit] = []
        self.current: _Unit | None = None
        self.top_indent: int | None = None
        self.marked = False  # the comment section uses markers or author lines
        self.list_markers = False  # … markers ("1.", "•") in particular
        self.list_indent: int | None = None  # a list inside the current comment

    # -- emitting -----------------------------------------------------------------------------

    def emit(self, kind: str, lines: list[_Line], label: str | None = None) -> _Unit:
        u = _Unit(kind, list(lines), label, indent=lines[0].indent)
        self.units.append(u)
        return u

    # -- header ---------------------------------------------------------------------------------

    def header(self) -> int:
        """Emit header units; return the index of the first line after the header."""
        title = subtitle = False
        i = 0
        last = len(self.lines) - 1
        while i < last:  # the header never takes the last line
            ln = self.lines[i]
            nxt = self.lines[i + 1]
            # a line of hard-wrapped prose (the next line continues it in lower case) is no title
            wrapped = nxt.para == ln.para and nxt.content[:1].islower()
            if _comment_heading(ln) or _related_marker(ln) or _boilerplate_line(ln) \
                    or _disclaimer_hits([ln]):
                # chrome or a note standing alone above the title ("Editor's note: …")
                own_para = ln.first and nxt.para != ln.para
                if title or not own_para or _comment_heading(ln):
                    break
                self.emit("disclaimer" if _disclaimer_hits([ln]) else
                          "related" if _related_marker(ln) else "boilerplate", [ln])
            elif _header_marker(ln) and not title and _marker_rest_words(ln) >= 3 \
                    and _titleish(ln, TITLE_MAX_WORDS, "?!"):
                self.emit("header", [ln], "title")  # "Live: Talks resume in Geneva"
                title = True
            elif _header_marker(ln):
                self.emit("header", [ln], "update")
            elif _byline(ln) or _posted_by(ln):
                self.emit("header", [ln], "byline")
            elif _caption_line(ln) and ln.first and nxt.para != ln.para:
                self.emit("boilerplate", [ln], "caption")
            elif _dateline(ln):
                self.emit("header", [ln], "date")
            elif not title and not wrapped and _titleish(ln, TITLE_MAX_WORDS, "?!"):
                self.emit("header", [ln], "title")
                title = True
            elif title and not subtitle and not wrapped and _titleish(ln, SUBTITLE_MAX_WORDS, ""):
                self.emit("header", [ln], "subtitle")
                subtitle = True
            else:
                break
            i += 1
        return i

    # -- main loop ----------------------------------------------------------------------------

    def run(self) -> list[_Unit]:
        if not self.lines:
            return []
        start = self.header()
        paras = _split_line_paragraphs(_paragraphs(self.lines[start:]))
        k = 0
        while k < len(paras):
            k = self.paragraph(paras, k)
        return self.units

    def paragraph(self, paras: list[list[_Line]], k: int) -> int:
        """Handle paragraph ``k``; return the index of the next paragraph to handle."""
        p = paras[k]
        fl = p[0]
        if self.in_comments:
            self.comment_paragraph(p)
            return k + 1
        if _comment_heading(fl):
            self.emit("boilerplate", [fl], "comments-heading")
            self.enter_comments()
            if len(p) > 1:
                self.comment_paragraph(p[1:])
            return k + 1
        if _related_marker(fl):
            return self.related(paras, k)
        if len(p) <= 2 and all(_caption_line(ln) for ln in p):
            self.emit("boilerplate", p, "caption")  # a photo caption / credit
            return k + 1
        if len(p) == 1 and _posted_by(fl):
            self.emit("boilerplate", p, "byline")  # "Posted by X at 9:14 AM" under a blog post
            if self.body_started:
                self.after_chrome = True
            return k + 1
        about = _about_heading(fl)
        if about and self.body_started:
            # a press release's "About Acme" boilerplate: the heading and the description of the
            # company that follows it (starting with its name)
            desc = p[1:] if len(p) > 1 else (paras[k + 1] if k + 1 < len(paras) else [])
            if desc and _norm(desc[0].content).startswith(_norm(about)):
                self.emit("boilerplate", p if len(p) > 1 else p + desc, "about")
                self.after_chrome = True
                return k + 1 if len(p) > 1 else k + 2
        if _list_paragraph(p):
            self.emit("boilerplate", p, "list")  # ingredients, specifications: no claims
            return k + 1
        if self.body_started and not self.body_closed and self.new_article(paras, k):
            self.emit("header", p, "title")  # a second article in the same dump
            nxt = paras[k + 1]
            self.emit("header", nxt[:1], "byline" if (_byline(nxt[0]) or _posted_by(nxt[0])) else "date")
            if len(nxt) > 1:
                paras.insert(k + 2, nxt[1:])
            return k + 2
        if _boilerplate_line(fl):
            n = 1
            while n < len(p) and (_boilerplate_line(p[n]) or (p[n].words <= 6 and _link_like(p[n]))):
                n += 1
            self.emit("boilerplate", p[:n])
            if self.body_started:
                self.after_chrome = True
            if n < len(p):
                paras.insert(k + 1, p[n:])
            return k + 1
        strength = _disclaimer_strength(p)
        if strength:
            if self.body_closed:
                self.emit("disclaimer", p)
                return k + 1
            if not self.body_started:
                # an editor's note or disclosure above the article
                if strength == 2 or not self.body_follows(paras, k + 1):
                    self.emit("disclaimer", p)
                    return k + 1
            elif strength == 1 and self.body_follows(paras, k + 1):
                pass  # a disclaimer word inside the article's own prose: body
            elif strength == 2 and self.prose_ahead(paras, k + 1, 2):
                self.emit("disclaimer", p)  # an inline note (a poll form, a disclosure)
                self.after_chrome = True
                return k + 1
            else:
                self.emit("disclaimer", p)  # the article is over
                self.body_closed = True
                self.after_chrome = True
                return k + 1
        mk = _marker(fl)
        if mk and self.starts_comments(paras, k, mk):
            self.enter_comments()
            self.comment_paragraph(p)
            return k + 1
        if self.body_closed:
            self.emit("boilerplate", p)
            return k + 1
        self.emit("body", p)
        self.body_started = True
        self.after_chrome = False
        ind = min(ln.indent for ln in p)
        self.base_indent = ind if self.base_indent is None else min(self.base_indent, ind)
        return k + 1

    def new_article(self, paras: list[list[_Line]], k: int) -> bool:
        """Whether paragraph ``k`` is the title of another article: one title-like line, then a
        byline or dateline line, then prose."""
        p = paras[k]
        if len(p) != 1 or k + 2 >= len(paras) or not _titleish(p[0], TITLE_MAX_WORDS, "?!"):
            return False
        if _marker(p[0]) or _header_marker(p[0]) or _comment_heading(p[0]) or _boilerplate_line(p[0]):
            return False
        nl = paras[k + 1][0]
        if not (_byline(nl) or _posted_by(nl) or _dateline(nl)):
            return False
        rest = paras[k + 1][1:] or paras[k + 2]
        return sum(ln.words for ln in rest) >= 12 and _final_char(rest[-1].content) in ".!?…\"”"

    def body_follows(self, paras: list[list[_Line]], k: int) -> bool:
        """Whether paragraph ``k`` reads as more article prose (so a weak disclaimer hit before
        it was a false alarm)."""
        # skip inline chrome ("Advertisement", "Read more: …") between the two
        while k < len(paras) and (_related_marker(paras[k][0]) or _boilerplate_line(paras[k][0])) \
                and not _comment_heading(paras[k][0]) and not _disclaimer_strength(paras[k]):
            k += 1
        if k >= len(paras):
            return False
        p = paras[k]
        fl = p[0]
        if _marker(fl) or _is_cue_paragraph(p):
            return False
        if self.base_indent is not None and fl.indent > self.base_indent:
            return False
        return sum(ln.words for ln in p) >= 12 and _final_char(p[-1].content) in ".!?…"

    def prose_ahead(self, paras: list[list[_Line]], k: int, need: int) -> bool:
        """Whether at least ``need`` article-like paragraphs follow before a comment section (a
        heading or a marker run) or the end."""
        found = 0
        for p in paras[k:]:
            fl = p[0]
            if _comment_heading(fl) or _marker(fl):
                return False
            if _is_cue_paragraph(p):
                continue
            if self.base_indent is not None and fl.indent > self.base_indent:
                continue
            if sum(ln.words for ln in p) >= 12 and _final_char(p[-1].content) in ".!?…":
                found += 1
                if found >= need:
                    return True
        return False

    def starts_comments(self, paras: list[list[_Line]], k: int, mk: tuple[str, int | None]) -> bool:
        """Whether a paragraph that starts with a marker opens the comment section."""
        if not self.body_started:
            return False  # a list at the very top is article text
        if self.body_closed:
            return True
        if self.after_chrome:
            return self.runs_to_end(paras, k)
        # inside the body: only an indented numbered run lasting to the end of the page
        prev = self.units[-1] if self.units else None
        if prev is not None and prev.kind == "body" and _final_char(prev.lines[-1].content) == ":":
            return False
        fl = paras[k][0]
        base = self.base_indent or 0
        return mk[0] == "num" and fl.indent > base and self.runs_to_end(paras, k)

    def runs_to_end(self, paras: list[list[_Line]], k: int) -> bool:
        base = self.base_indent or 0
        for p in paras[k:]:
            fl = p[0]
            if _marker(fl) or fl.indent > base:
                continue
            if _is_cue_paragraph(p):
                return True
            return False
        return True

    def related(self, paras: list[list[_Line]], k: int) -> int:
        lines = list(paras[k])
        j = k + 1
        while j < len(paras) and all(_link_like(ln) for ln in paras[j]) \
                and not _comment_heading(paras[j][0]) and not _boilerplate_line(paras[j][0]) \
                and not _disclaimer_strength(paras[j]):
            lines += paras[j]
            j += 1
        self.emit("related", lines)
        if self.body_started:
            self.after_chrome = True
        return j

    # -- comments -----------------------------------------------------------------------------

    def enter_comments(self) -> None:
        self.in_comments = True
        self.current = None
        self.list_indent = None

    def comment_paragraph(self, p: list[_Line]) -> None:
        for i, ln in enumerate(p):
            prev = p[i - 1] if i else None
            self.comment_line(ln, prev, first=(i == 0))

    def new_comment(self, ln: _Line, label: str | None, number: int | None, bullet: bool) -> None:
        parent = None
        for c in reversed(self.comments):
            if c.indent < ln.indent:
                parent = c
                break
        u = self.emit("comment", [ln], label)
        u.parent, u.number, u.bullet = parent, number, bullet
        self.comments.append(u)
        self.current = u
        self.list_indent = None
        if self.top_indent is None or ln.indent < self.top_indent:
            self.top_indent = ln.indent

    def chrome(self, ln: _Line, kind: str = "boilerplate", label: str | None = None) -> None:
        last = self.units[-1] if self.units else None
        if last is not None and last.kind == kind and last.label == label \
                and last.lines[-1].idx == ln.idx - 1 \
                and (kind != "boilerplate" or last.lines[-1].para == ln.para):
            last.lines.append(ln)
        else:
            self.emit(kind, [ln], label)
        self.current = None
        self.list_indent = None

    def comment_line(self, ln: _Line, prev: _Line | None, first: bool) -> None:
        cur = self.current
        if _comment_heading(ln) and (cur is None or ln.indent <= (self.top_indent or 0)):
            self.chrome(ln, label="comments-heading")
            return
        if _boilerplate_line(ln) and (cur is None or ln.indent <= (self.top_indent or 0) or ln.words <= 6):
            self.chrome(ln)
            return
        mk = _marker(ln)
        top = self.top_indent if self.top_indent is not None else ln.indent
        cont = cur is not None and ln.indent >= top
        if mk is None and first and (cur is None or ln.indent <= top):
            if _related_marker(ln):
                self.chrome(ln, "related")
                return
            # disclaimer paragraphs below the thread (judge the whole paragraph from its first line)
            if _disclaimer_strength([ln]) == 2:
                self.chrome(ln, "disclaimer")
                return
        if cur is None and mk is None and self.units and self.units[-1].kind in ("disclaimer", "related") \
                and self.units[-1].lines[-1].idx == ln.idx - 1:
            self.units[-1].lines.append(ln)  # rest of a chrome paragraph
            return
        who = _author_line(ln) if first and not self.list_markers else None
        if who:
            self.marked = True
            self.new_comment(ln, who, None, False)
            return
        if mk is not None:
            self.marked = self.list_markers = True
            if cur is not None and self.is_text_marker(ln, prev, mk, cur):
                cur.lines.append(ln)
                return
            self.new_comment(ln, _NUM_MARKER.match(ln.content).group(0) if mk[0] == "num" else None,
                             mk[1], mk[0] == "bullet")
            return
        if not self.marked and (first or (cur is not None and ln.indent <= cur.indent
                                          and any(x.indent > cur.indent for x in cur.lines))):
            # an unmarked comment section: one comment per paragraph, or per dedent ("Name" lines
            # with the comment text indented below them)
            self.new_comment(ln, None, None, False)
            return
        if cont:
            cur.lines.append(ln)
            return
        if cur is None and (self.top_indent is None or ln.indent >= self.top_indent):
            self.new_comment(ln, None, None, False)
            return
        self.chrome(ln)  # text outside the thread

    def is_text_marker(self, ln: _Line, prev: _Line | None, mk: tuple[str, int | None], cur: _Unit) -> bool:
        """Whether a marker-looking line is part of the current comment's text (a list inside it,
        or a number that does not continue any numbering) rather than a new comment."""
        if self.list_indent is not None and ln.indent >= self.list_indent and prev is not None:
            return True
        if prev is not None and _final_char(prev.content) == ":" and ln.indent >= cur.indent:
            self.list_indent = ln.indent
            return True
        if mk[0] == "bullet":
            return False
        n = mk[1]
        if ln.indent < cur.indent:
            return False
        if ln.indent == cur.indent and not cur.bullet:
            return False  # a sibling of a numbered comment
        parent = self.parent_for(ln)
        numbered = []
        for c in reversed(self.comments):
            if c is parent:
                break
            if c.indent == ln.indent and c.parent is parent and c.number is not None and not c.bullet:
                numbered.append(c)
                break
        if not numbered:
            return n != 1  # a nested numbering starts at 1
        return n != (numbered[0].number or 0) + 1

    def parent_for(self, ln: _Line) -> _Unit | None:
        for c in reversed(self.comments):
            if c.indent < ln.indent:
                return c
        return None


# --------------------------------------------------------------------------------------------
# post-processing


def _merge(units: list[_Unit]) -> list[_Unit]:
    """Merge consecutive body / disclaimer / related units; absorb short chrome lines between two
    disclaimer paragraphs into one disclaimer."""
    out: list[_Unit] = []
    i = 0
    while i < len(units):
        u = units[i]
        if u.kind == "disclaimer" and out and out[-1].kind == "disclaimer":
            out[-1].lines += u.lines
        elif u.kind in ("body", "related") and out and out[-1].kind == u.kind:
            out[-1].lines += u.lines
        elif u.kind == "boilerplate" and u.label is None and out and out[-1].kind == "disclaimer":
            # a short nav line ("About X - Policies - Contact") between disclaimer paragraphs
            j = i
            while j < len(units) and units[j].kind == "boilerplate" and units[j].label is None \
                    and all(ln.words <= NAV_MAX_WORDS for ln in units[j].lines):
                j += 1
            if j > i and j < len(units) and units[j].kind == "disclaimer":
                for v in units[i:j + 1]:
                    out[-1].lines += v.lines
                i = j + 1
                continue
            out.append(u)
        else:
            out.append(u)
        i += 1
    return out


def zone_text(doc: Document) -> tuple[Document, list[Zone]]:
    """Zone a plain-text page dump.

    Returns ``doc`` (with ``title``/``subtitle`` filled from the header when not already set) and
    the zones, sorted, non-overlapping, with ids ``z0``, ``z1``, … in text order. Comment replies
    carry ``parent`` = the id of the comment they answer; ``label`` is "title"/"subtitle"/
    "update"/"byline"/"date" for header lines, the number ("3.") or author of a comment, and
    "comments-heading" for a comment-section heading.
    """
    text = doc.text or ""
    units = _merge(_Zoner(text).run())
    units.sort(key=lambda u: u.lines[0].start)
    ids = {id(u): f"z{i}" for i, u in enumerate(units)}
    zones: list[Zone] = []
    for u in units:
        first, last = u.lines[0], u.lines[-1]
        parent = ids.get(id(u.parent)) if u.parent is not None else None
        zones.append(Zone(ids[id(u)], u.kind, first.start, last.end, parent, u.label))

    updates: dict[str, str] = {}
    for u, z in zip(units, zones):
        if u.kind != "header":
            continue
        if u.label == "title" and not doc.title and "title" not in updates:
            updates["title"] = text[z.start:z.end]
        elif u.label == "subtitle" and not doc.subtitle and "subtitle" not in updates:
            updates["subtitle"] = text[z.start:z.end]
    if updates:
        doc = dataclasses.replace(doc, **updates)
    return doc, zones
