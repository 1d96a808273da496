"""Contested terms: which side's vocabulary a text uses, and in whose voice.

``find_terms(doc, zones, statements) -> list[TermMark]`` matches the contested-terms lexicon
(claimmap/data/contested_terms.toml + CLAIMMAP_TERMS) in the header, body and comment zones and
decides for each match:

voice
    ``"quoted"``     inside quotation marks (“…”, "…", «…», ‘…’ used as quotes) that quote a
                     speaker;
    ``"attributed"`` inside the content span of a statement whose kind is not ``"narrated"``
                     (indirect speech: "Putin said Kiev had been waging…");
    ``"narrator"``   anything else: the text's own voice (in a comment zone: the commenter's).
scare_quoted
    the narrator distances itself from the term: it puts a short stretch (1-4 words) around the
    term in quotation marks that quote nobody (no statement covers it and no reporting verb such
    as "described … as" / "claimed" / "calls" in its sentence), or writes a distancing marker
    ("so-called", "self-proclaimed", "alleged"…) right before it. A scare-quoted term is in the
    narrator's voice (``voice == "narrator"``, ``distancing`` says how); it counts *against* its
    side in ``alignment.narrator_alignment``.

This is a lexicon with rules; a learned persuasion-technique model is planned for later.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

from claimmap.framing import _text
from claimmap.framing import lexicon as _lexicon
from claimmap.model import Document, Statement, Zone

VOICES = ("narrator", "quoted", "attributed")

#: a quotation of at most this many words around a term can be a scare quote
SCARE_MAX_WORDS = 4

# reporting/naming verbs that attribute a short quote to a speaker in the same sentence, used
# when no statement covers it (merged with the cue lexicon's non-weak verbs when available)
_NAMING_CUES = {
    "say", "tell", "describe", "call", "term", "dub", "label", "brand", "name", "refer",
    "characterise", "characterize", "claim", "insist", "declare", "announce", "state", "write",
    "tweet", "accuse", "allege", "deny", "argue", "assert", "add", "note", "warn", "stress",
    "vow", "promise", "condemn", "denounce", "reject", "dismiss", "quote", "cite", "speak",
    "according", "urge", "demand",
}


@dataclass
class TermMark:
    """One occurrence of a contested term. ``start``/``end`` index ``Document.text``."""

    text: str
    start: int
    end: int
    side: str
    concept: str
    voice: str  # "narrator" | "quoted" | "attributed"
    scare_quoted: bool
    zone: str | None
    conflict: str = ""
    term: str = ""  # the lexicon entry's canonical text ("Kiev" for "Kiev's")
    weight: float = 1.0
    distancing: str | None = None  # "quotes" or the marker ("so-called") when distanced

    def to_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def _cue_lemmas() -> frozenset[str]:
    lemmas = set(_NAMING_CUES)
    try:  # the statements stage's cue lexicon, when it loads; the built-in list otherwise
        from claimmap.statements import cues

        lex = cues.load()
        lemmas |= {v for v in lex.verbs if v not in lex.weak}
    except Exception:  # noqa: BLE001 - optional enrichment only
        pass
    return frozenset(lemmas)


def find_terms(doc: Document, zones: list[Zone], statements: list[Statement]) -> list[TermMark]:
    """Every contested term in the header/body/comment zones of ``doc``, in text order.

    Without zones the whole text is read as one body (``zone`` None). Terms in the document's
    language are matched (English when ``doc.language`` is unknown).
    """
    lex = _lexicon.load()
    lang = (doc.language or "en").split("-")[0].lower()
    tm = _lexicon.matcher(lang)
    if not tm.terms:
        return []
    attributed = [(s.content.start, s.content.end, s.sentence) for s in statements
                  if s.kind != "narrated" and s.content is not None]
    cue_lemmas = _cue_lemmas()
    markers = [m.lower() for m in lex.distancing.get(lang, [])]
    marks: list[TermMark] = []
    for region in _text.regions(doc, zones):
        sdoc, base = region.sdoc, region.start
        for idx, a, b in tm.find(sdoc):
            term = tm.terms[idx]
            ga, gb = base + a, base + b
            in_statement = any(cs <= ga and gb <= ce for cs, ce, _ in attributed)
            quote = _text.innermost_quote(region.quotes, a, b)
            voice, scare, distancing = "narrator", False, None
            if quote is not None:
                if _is_scare_quote(region, quote, a, b, base, attributed, cue_lemmas, markers):
                    scare, distancing = True, "quotes"
                    voice = "attributed" if in_statement else "narrator"
                    if in_statement:  # the narrator's quotes inside reported speech: not ours
                        scare = False
                else:
                    voice = "quoted"
            elif in_statement:
                voice = "attributed"
            marker = _distancing_marker(region.text, quote[0] if quote and distancing else a, markers)
            if marker:
                distancing = marker
                scare = voice == "narrator"
            marks.append(TermMark(
                text=doc.text[ga:gb], start=ga, end=gb, side=term.side, concept=term.concept,
                voice=voice, scare_quoted=scare, zone=region.zone_id, conflict=term.conflict,
                term=term.text, weight=term.weight, distancing=distancing,
            ))
    return marks


def _is_scare_quote(region, quote, a, b, base, attributed, cue_lemmas, markers) -> bool:
    """A short quotation around the term that quotes nobody."""
    qa, qb = quote
    text = region.text
    inner = text[qa + 1:qb - 1]
    if len(inner.split()) > SCARE_MAX_WORDS:
        return False
    if _distancing_marker(text, qa, markers):
        return True
    ga, gb = base + qa, base + qb
    for cs, ce, sentence in attributed:
        if cs <= ga + 1 and gb - 1 <= ce:
            return False
    # a reporting verb in the same sentence, outside the quotation, attributes it
    sa, sb = region.sentence_at(qa)
    for tok in region.sdoc.char_span(sa, sb, alignment_mode="expand") or []:
        if qa <= tok.idx < qb:
            continue
        if tok.lemma_.lower() in cue_lemmas and (tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")
                                                 or tok.lower_ == "according"):
            return False
    return True


def _distancing_marker(text: str, pos: int, markers: list[str]) -> str | None:
    """The distancing marker ("so-called"…) ending right before ``pos`` (an article/quote between
    is allowed: 'the so-called “invasion”')."""
    before = text[max(0, pos - 40):pos].lower().rstrip(" “\"‘'«")
    for m in markers:
        if before.endswith(m) and (len(before) == len(m) or not before[-len(m) - 1].isalnum()):
            return m
    return None
