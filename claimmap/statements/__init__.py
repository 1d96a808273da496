"""Statements (attribution): who said what, from a spaCy parse.

Public API: ``extract(doc: Document, zones: list[Zone]) -> tuple[list[Sentence], list[Statement]]``
"""

from __future__ import annotations

import re

from claimmap.model import Document, Sentence, Span, Speaker, Statement, Zone

__all__ = ["extract", "PARSED_KINDS"]

#: use the learned cue detector (claimmap/data/models/cue_lr.json.gz) when it is shipped;
#: False gives the lexicon rules alone (bench/bench_attribution.py --rules-only)
USE_MODEL = True

#: zone kinds that are parsed; statements never come from disclaimer/boilerplate/related zones
PARSED_KINDS = ("header", "body", "comment")


def extract(doc: Document, zones: list[Zone], kinds: tuple[str, ...] = PARSED_KINDS, *,
            remember: bool = True, features_out: list | None = None) -> tuple[list[Sentence], list[Statement]]:
    """Parse the header/body/comment zones of ``doc`` (those of ``kinds``) and return
    (sentences, statements). ``remember`` keeps each sentence's and statement content's tags
    for the check-worthiness stage (``nlp.remember_sentence``); callers that do not score
    check-worthiness (the corpus ingest) pass False and skip that work.

    Sentences and statements are in text order; every offset indexes ``doc.text``. Statement ids
    are "s1", "s2", … in text order (by cue); ``parent`` links a report nested in another's
    content ("X said that Y claimed Z").
    """
    from claimmap import nlp
    from claimmap.statements import actors, cues
    from claimmap.statements.attribution import SentenceExtractor

    text = doc.text
    todo = sorted((z for z in zones if z.kind in PARSED_KINDS and z.kind in kinds and z.end > z.start),
                  key=lambda z: z.start)
    if not todo:
        return [], []
    lex = cues.load()
    reg = actors.load()
    from claimmap.statements import learned

    ext = SentenceExtractor(lex, learned.load() if _use_model() else None)
    sentences: list[Sentence] = []
    found: list[tuple[object, Zone, int]] = []  # (Raw in zone coordinates, zone, shift)
    persons: list[tuple[int, int]] = []
    ents: list[tuple[int, int, str]] = []  # (start, end, label) of every named entity
    senders: list = []  # who sent each message noun (attribution.Sender), in text order
    chunks = [(zone, start, end) for zone in todo for start, end in nlp.blocks(text, zone.start, zone.end)]
    prev = None  # the last statement of the previous block: (raw, zone, shift)
    from claimmap.statements.attribution import headline_case

    # a title-case headline is parsed with its verbs and function words in lower case
    ptexts = [headline_case(text[a:b], lex) for _z, a, b in chunks]
    for (zone, start, end), sdoc in zip(chunks, nlp.parse_cached(ptexts)):
        ztext = sdoc.text
        btext = text[start:end]  # as written (ztext may be a recased headline)
        block: list = []
        for sent in sdoc.sents:
            a, b = _strip(ztext, sent.start_char, sent.end_char)
            if a < b:
                sentences.append(Sentence(start=start + a, end=start + b, zone=zone.id))
                if remember:
                    nlp.remember_sentence(sdoc, a, b, btext)
            for r in ext.run(sent, ztext):
                if 0 <= r.cue_token < len(sdoc):  # for the confidence features
                    r.extra.setdefault("dep", sdoc[r.cue_token].dep_)
                    r.extra.setdefault("tag", sdoc[r.cue_token].tag_)
                block.append(r)
        ext.finish(block, ztext)  # whole quotations, across the block's sentences
        if not block and prev is not None and prev[1] is zone:
            cont = ext.continuation(prev[0], prev[2], ztext, start)  # a quote paragraph going on
            block = [cont] if cont is not None else []
        prev = (max(block, key=lambda r: r.cue_start), zone, start) if block else None
        for raw in block:
            found.append((raw, zone, start))
            ca, cb = _strip(ztext, raw.content_start, raw.content_end)
            if remember and ca < cb:
                nlp.remember_sentence(sdoc, ca, cb, btext)  # later stages score contents too
        ents.extend((start + e.start_char, start + e.end_char, e.label_) for e in sdoc.ents)
        senders.extend(x.shifted(start) for x in ext.senders(sdoc))
    from claimmap.statements.attribution import embedded_posts

    # posts embedded in the page ("… — Name (@handle) November 18, 2019"); the zoner may put the
    # post and its credit line in zones of their own, so the text is read whole
    for r in embedded_posts(text, todo[0].start, todo[-1].end):
        zone = next((z for z in todo if z.start <= r.content_start < z.end), None)
        if zone is not None:
            found.append((r, zone, 0))
    persons.extend((a, b) for a, b, label in ents if label == "PERSON")
    raws: list = []
    statements = _build(found, text, reg, persons, raws, senders=senders,
                        orgs=[(a, b) for a, b, label in ents if label == "ORG"], lex=lex)
    from claimmap.statements import sides

    sides.apply(text, zones, statements, reg, ents)  # a conflict's sides only in its articles
    from claimmap.claims import polarity

    polarity.refine(statements, text=text)  # blame, responsibility, modality in the content
    _confidence(raws, statements, text, lex, features_out)
    return sentences, statements


def _confidence(raws, statements, text, lex, features_out=None) -> None:
    """``confidence`` of every statement (claimmap.statements.confidence); ``features_out``
    (training) receives (statement, features)."""
    from claimmap.statements import confidence

    model = confidence.load()
    opened: dict[tuple[int, int], float | None] = {}  # speaker span -> confidence of its last quote
    for raw, st in zip(raws, statements):
        feats = confidence.features(raw, st, text, lex)
        st.confidence = confidence.score(feats, st, model)
        sp = (st.speaker.start, st.speaker.end) if st.speaker is not None else None
        if raw.extra.get("rule") == "continuation" and sp in opened and st.confidence is not None:
            # a quotation paragraph going on from its speaker's: as sure as the quotation it
            # continues (the model, fitted on PolNeAR, which rarely marks such paragraphs,
            # scores them near 0), never more
            if opened[sp] is not None and "spk=unresolved" not in feats:
                st.confidence = opened[sp]
        elif sp is not None:
            opened[sp] = st.confidence
        if features_out is not None:
            features_out.append((st, feats))


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    """``(a, b)`` narrowed past surrounding whitespace."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


#: how far back (characters) "the statement said" looks for the statement's sender
SENDER_WINDOW = 2500


def _message_sender(text: str, s: int, e: int, senders, ats, lex, inside: tuple[int, int] = (0, 0)):
    """The ``Sender`` record (in text order) a message-noun speaker stands for: its own ("a
    statement from X", "X's statement", "a report in the Argus Leader"), else, for a definite
    one ("the statement said"), the last message of the same noun before it within
    SENDER_WINDOW and outside ``inside`` (the statement's own content: "… to see her tumblr
    statements," the statement read). ``ats``: the records' offsets. None for any other speaker."""
    import bisect

    from claimmap.statements.confidence import NOT_A_PARTY

    words = text[s:e].split()
    if not words or lex is None:
        return None
    first = s + len(" ".join(words[:6]))  # a message noun among the mention's first words
    if words[0].lower() in ("the", "a", "an", "this", "that", "its", "their"):
        for x in senders[bisect.bisect_left(ats, s):bisect.bisect_left(ats, min(e, first + 1))]:
            if x.known and x.noun not in NOT_A_PARTY:
                return x
    head = words[-1].lower().strip(".,;:'’\"”")
    if len(words) == 1 or words[0].lower() not in ("the", "this", "that") or head not in lex.message_nouns \
            or head in NOT_A_PARTY or any(w[:1].isupper() for w in words[1:]):
        return None
    for x in reversed(senders[bisect.bisect_left(ats, s - SENDER_WINDOW):bisect.bisect_left(ats, s)]):
        if x.noun == head and not inside[0] <= x.at < inside[1]:
            return x  # the last such message is the one meant (its sender may be unknown)
    return None


def _build(found, text, reg, persons, raws_out: list | None = None, *, senders=(), orgs=(),
           lex=None) -> list[Statement]:
    from claimmap.statements.resolve import Resolver, unknown_canonical

    found.sort(key=lambda f: (f[2] + f[0].cue_start, f[2] + f[0].content_start))
    # one statement per cue (the first rule that fired wins)
    seen = set()
    uniq = []
    for raw, zone, shift in found:
        key = (shift + raw.cue_start, shift + raw.cue_end)
        if key in seen:
            continue
        seen.add(key)
        uniq.append((raw, zone, shift))
    resolver = Resolver(reg, text, persons, orgs=sorted([*orgs, *persons]), org_nouns=lex.org_nouns if lex is not None else ())
    out: list[Statement] = []
    by_start: dict[int, tuple] = {}  # speaker start -> (canonical, side, end, mention)
    ats = [x.at for x in senders]  # (the records are in text order)
    resolver.contents = sorted((shift + raw.content_start, shift + raw.content_end) for raw, _z, shift in uniq)
    for n, (raw, zone, shift) in enumerate(uniq, 1):
        speaker = None
        if raw.speaker_start is not None:
            s, e = shift + raw.speaker_start, shift + raw.speaker_end
            s, e = _past_dateline(text, s, e, shift + raw.cue_start)
            ant = appos = None
            if raw.speaker_relative_to:
                ant = text[shift + raw.speaker_relative_to[0]:shift + raw.speaker_relative_to[1]]
            if raw.speaker_appos:
                appos = text[shift + raw.speaker_appos[0]:shift + raw.speaker_appos[1]]
            own = (shift + min(raw.content_start, raw.cue_start), shift + raw.content_end)
            resolver.inside = own
            sent = _message_sender(text, s, e, senders, ats, lex, own)
            if sent is None and raw.speaker_relative_to:
                # "… published a blog post that said …": the relative pronoun's message
                ra, rb = shift + raw.speaker_relative_to[0], shift + raw.speaker_relative_to[1]
                sent = _message_sender(text, ra, rb, senders, ats, lex, own)
            said_by = None
            if sent is not None:
                # "the statement said": the party that sent it speaks. The sender, or (sender
                # unknown) the message itself, may have spoken before: as resolved then
                at, to = (sent.start, sent.end) if sent.known else (sent.at, sent.at + 1)
                said_by = next((v[:2] for k, v in by_start.items() if k < to and at < v[2]
                                and v[0].lower() not in lex.message_nouns), None)
                if said_by is None and sent.known:
                    said_by = resolver.peek(text[sent.start:sent.end], sent.start, pronoun=sent.pronoun,
                                            person=sent.person)
            if said_by is not None:
                canonical, side = said_by
                resolver.history.append((s, canonical, side, sent.person, text[s:e]))
            else:
                canonical, side = resolver.resolve(text[s:e], s, pronoun=raw.speaker_pronoun,
                                                   person=raw.speaker_person, antecedent=ant, appos=appos,
                                                   author=_author(zone))
            by_start.setdefault(s, (canonical, side, e, text[s:e]))
            speaker = Speaker(text=text[s:e], start=s, end=e, canonical=canonical, side=side)
            if raw.speaker_phrase is not None:
                pa, pb = max(s, shift + raw.speaker_phrase[0]), shift + raw.speaker_phrase[1]
                if pa == s and pb > e:
                    speaker.phrase = Span(text=text[pa:pb], start=pa, end=pb)
        cs, ce = shift + raw.content_start, shift + raw.content_end
        parts = [Span(text=text[shift + a:shift + b], start=shift + a, end=shift + b)
                 for a, b in raw.parts] if raw.parts else None
        out.append(Statement(
            content_parts=parts,
            id=f"s{n}", zone=zone.id, speaker=speaker,
            cue=_cue(text, shift + raw.cue_start, shift + raw.cue_end, raw.lemma) if raw.lemma else None,
            content=Span(text=text[cs:ce], start=cs, end=ce), kind=raw.kind, polarity=raw.polarity,
            sentence=Span(text=text[shift + raw.sent_start:shift + raw.sent_end].strip(),
                          start=shift + raw.sent_start + _lstrip(text[shift + raw.sent_start:shift + raw.sent_end]),
                          end=shift + raw.sent_start + len(text[shift + raw.sent_start:shift + raw.sent_end].rstrip())),
        ))
    for st in out:  # a role named only later in the article: "China's ambassador" … "… Liu Xiaming"
        sp = st.speaker
        if sp is not None and sp.side is None and sp.canonical == unknown_canonical(sp.text):
            later = resolver.later_role(sp.text, sp.start)
            if later is not None:
                sp.canonical, sp.side = later[0], later[1]
    if raws_out is not None:
        raws_out.extend(raw for raw, _zone, _shift in uniq)
    nest(out)
    return out


_LEAD_NAME = re.compile(r"(?:(?:The|A|An)\s+)?(?:[A-Z][\w.'’&-]*\s+){0,6}[A-Z][\w.'’&-]*")


def _past_dateline(text: str, s: int, e: int, cue: int) -> tuple[int, int]:
    """A speaker the parse found inside a wire dateline ("HANOI, Vietnam (AP) — U.S. Defense
    Secretary Mark Esper on Wednesday accused …", "BERLIN -- The European Space Agency says") is
    the name that opens the sentence after it."""
    from claimmap.statements.attribution import DATELINE

    m = DATELINE.match(text[s:s + 120])
    if m is None or s + m.end() < e or s + m.end() >= cue:
        return s, e
    n = _LEAD_NAME.match(text, s + m.end(), cue)
    return (n.start(), n.end()) if n else (s, e)


def nest(out: list[Statement]) -> None:
    """Set ``parent``: the innermost other statement of the same sentence whose content holds the
    cue. Inner statements (shorter contents) are linked first and a link that would close a loop
    is never made, so parent links form no cycle (two contents can hold each other's cues: the
    longer one stays the outer report)."""
    by_sentence: dict[int, list[Statement]] = {}
    for st in out:
        st.parent = None
        by_sentence.setdefault(st.sentence.start if st.sentence else -1, []).append(st)
    by_id = {st.id: st for st in out}
    for st in sorted(out, key=lambda s: (s.content.end - s.content.start, s.content.start)):
        if st.cue is None or st.sentence is None:
            continue
        best = None
        for other in by_sentence.get(st.sentence.start, []):
            if other is st or other.sentence is None:
                continue
            if any(p.start <= st.cue.start and st.cue.end <= p.end
                   for p in (other.content_parts or [other.content])):
                if best is None or (other.content.end - other.content.start) < (best.content.end - best.content.start):
                    best = other
        if best is None:
            continue
        up, seen = best, set()
        while up is not None and up.id not in seen and up is not st:
            seen.add(up.id)
            up = by_id.get(up.parent) if up.parent else None
        if up is not st:
            st.parent = best.id


def _author(zone) -> str | None:
    label = zone.label if zone.kind == "comment" else None
    return label if label and any(ch.isalpha() for ch in label) else None


def _use_model() -> bool:
    return USE_MODEL


def _lstrip(s: str) -> int:
    return len(s) - len(s.lstrip())


def _cue(text: str, s: int, e: int, lemma: str):
    from claimmap.model import Cue

    return Cue(text=text[s:e], start=s, end=e, lemma=lemma)
