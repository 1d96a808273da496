"""Text helpers shared by the framing modules: a light parse per zone, sentence bounds and
quotation spans. Offsets are zone-relative unless a function says otherwise."""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimmap.model import Document, Zone

#: zone kinds the framing stage reads (never disclaimer / boilerplate / related)
READ_KINDS = ("header", "body", "comment")


_TERMINAL = {".", "!", "?", "…", "!?", "?!", "...", "!!", "??"}
_CLOSERS = {"”", "’", "»", ")", "]", "\"", "'", "“"}


@dataclass
class Region:
    """A zone (or, without zones, the whole text) with its light spaCy parse."""

    zone: Zone | None
    start: int  # offset of the region in Document.text
    kind: str
    sdoc: object  # spacy.tokens.Doc of text[start:end]
    sents: list[tuple[int, int]]  # sentence (start, end) char offsets, region-relative
    quotes: list[tuple[int, int]]  # quotation spans (open mark, close mark + 1), region-relative
    #: ``sdoc.text``, kept: spaCy rebuilds ``Doc.text`` token by token on every access
    text: str = ""

    @property
    def zone_id(self) -> str | None:
        return self.zone.id if self.zone else None

    def sentence_at(self, pos: int) -> tuple[int, int]:
        for a, b in self.sents:
            if a <= pos < b:
                return a, b
        return 0, len(self.text)


def regions(doc: Document, zones: list[Zone]) -> list[Region]:
    """The header/body/comment zones of ``doc`` parsed (cached: framing parses each text once)."""
    if zones:
        spans = tuple((z.id, z.kind, z.start, z.end, z.parent, z.label)
                      for z in sorted(zones, key=lambda z: z.start)
                      if z.kind in READ_KINDS and z.end > z.start)
    else:
        spans = ((None, "body", 0, len(doc.text), None, None),)
    return list(_regions(doc.text, spans))


def _regions(text: str, spans: tuple) -> tuple[Region, ...]:
    """One region per parsed block (paragraph or line) of each zone, from the shared parse cache
    (the statements stage has usually parsed the same blocks already)."""
    from claimmap import nlp

    items = []
    for zid, kind, s, e, parent, label in spans:
        zone = Zone(id=zid, kind=kind, start=s, end=e, parent=parent, label=label) if zid is not None else None
        items.extend((zone, kind, a, b) for a, b in nlp.blocks(text, s, e))
    out = []
    texts = [text[a:b] for _z, _k, a, b in items]
    for (zone, kind, a, _b), btext, sdoc in zip(items, texts, nlp.parse_cached(texts)):
        sents = [(sp.start_char, sp.end_char) for sp in sdoc.sents]
        out.append(Region(zone=zone, start=a, kind=kind, sdoc=sdoc, sents=sents, quotes=quote_spans(btext),
                          text=btext))
    return tuple(out)


_WORD = re.compile(r"\w", re.UNICODE)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Quotation spans ``(i, j)``: ``text[i]`` is the opening mark, ``text[j-1]`` the closing one.

    Handles “…”, «…», „…“, straight "…" (paired within a paragraph) and ‘…’ / '…' when used as
    quotation marks (an opening mark after a space or bracket and before a word; a closing mark
    not followed by a letter, so "Ukraine’s" and "’cause" are apostrophes). Spans never cross a
    blank line; nested spans are all returned.
    """
    spans: list[tuple[int, int]] = []
    for pstart, para in _paragraphs(text):
        stack: list[tuple[str, int]] = []
        straight: int | None = None
        for i, ch in enumerate(para):
            if ch in "“„«":
                if ch == "“" and stack and stack[-1][0] == "„":
                    spans.append((pstart + stack.pop()[1], pstart + i + 1))
                    continue
                stack.append((ch, i))
            elif ch in "”»":
                want = "«" if ch == "»" else "“„"
                for k in range(len(stack) - 1, -1, -1):
                    if stack[k][0] in want:
                        spans.append((pstart + stack[k][1], pstart + i + 1))
                        del stack[k:]
                        break
            elif ch == '"':
                if straight is None:
                    straight = i
                else:
                    spans.append((pstart + straight, pstart + i + 1))
                    straight = None
            elif ch in "‘'":
                prev = para[i - 1] if i else " "
                nxt = para[i + 1] if i + 1 < len(para) else " "
                if (prev.isspace() or prev in "([{—–-/\"“") and _WORD.match(nxt):
                    close = _single_close(para, i + 1, "’'" if ch == "‘" else "'")
                    if close is not None:
                        spans.append((pstart + i, pstart + close + 1))
    spans.sort()
    return spans


def _single_close(para: str, frm: int, marks: str) -> int | None:
    limit = min(len(para), frm + 160)
    for j in range(frm, limit):
        c = para[j]
        if c in marks:
            nxt = para[j + 1] if j + 1 < len(para) else " "
            prev = para[j - 1]
            if not _WORD.match(nxt) and not prev.isspace():
                return j
        elif c in "\n":
            return None
    return None


def _paragraphs(text: str):
    pos = 0
    for m in re.finditer(r"\n\s*\n", text):
        yield pos, text[pos:m.start()]
        pos = m.end()
    yield pos, text[pos:]


def innermost_quote(quotes: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The smallest quotation span whose inside contains ``[start, end)``."""
    best = None
    for a, b in quotes:
        if a < start and end <= b - 1 and (best is None or b - a < best[1] - best[0]):
            best = (a, b)
    return best
