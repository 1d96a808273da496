"""Features for check-worthiness scoring, shared by training (train/train_checkworthiness.py)
and inference, so that what was measured is exactly what ships.

A sentence becomes an :class:`Item` (its text, its neighbours, its speaker and turn, its
position in the document). Every field but ``text`` may be unknown: ClaimBuster rows have no
context or speaker, news articles usually have context but no speaker, debates have all.

Three blocks of features, each produced in pure Python/numpy (no scikit-learn at inference):

- ``text``: hashed word 1-2-grams and char 2-5-grams (within words, digits folded to ``0``)
  of the sentence, TF-IDF weighted (sublinear tf, smooth idf) and L2-normalised;
- ``context``: hashed word 1-2-grams of the previous and next sentence (prefixed ``p:``/``n:``),
  TF-IDF, L2-normalised;
- ``dense``: :data:`DENSE_NAMES`, from a spaCy parse of the sentence (part-of-speech tags,
  named entities), cue words, context, position and speaker-turn shape; standardised with
  the training mean/std stored in the artefact.

Hashing uses ``zlib.crc32`` (stable across processes and platforms), so the artefact needs no
vocabulary.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

TEXT_BITS = 18
CONTEXT_BITS = 16

_WORD_RE = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[%$?]")
_DIGIT_RE = re.compile(r"[0-9]")
_SYSTEM_SPEAKERS = {"SYSTEM", "AUDIENCE", "AUDIENCE MEMBERS", "AUDIENCE MEMBER", "(UNKNOWN)", "UNKNOWN"}

_OPINION_CUES = ("i think", "i believe", "i feel", "in my opinion", "i hope", "i want", "we need",
                 "we have to", "we must", "we should", "we will", "we're going to", "i will", "i'm going to")
_GREETING_CUES = ("thank you", "thanks", "welcome", "good evening", "good morning", "good night",
                  "ladies and gentlemen", "god bless", "appreciate")

DENSE_NAMES: tuple[str, ...] = (
    "log_tokens", "log_chars", "short",
    "has_digit", "n_num_log", "has_percent_word", "has_money_sym",
    "ent_CARDINAL", "ent_PERCENT", "ent_MONEY", "ent_DATE", "ent_QUANTITY", "ent_ORDINAL",
    "ent_PERSON", "ent_ORG", "ent_GPE", "ent_NORP", "ent_LAW", "ent_EVENT", "n_ents_log",
    "pos_NOUN", "pos_PROPN", "pos_VERB", "pos_ADJ", "pos_ADV", "pos_PRON", "pos_NUM", "pos_AUX",
    "pos_INTJ",
    "tag_VBD", "tag_VBN", "tag_MD", "tag_superl", "tag_compar",
    "pron_i", "pron_we", "pron_you", "pron_they",
    "question", "exclaim", "opinion_cue", "greeting_cue", "will",
    "ctx_known", "prev_question", "prev_log_tokens", "next_log_tokens", "prev_has_num", "next_has_num",
    "pos_known", "rel_pos", "first3",
    "spk_known", "spk_system", "spk_qratio", "spk_share",
    "turn_known", "turn_log_len", "turn_log_idx", "turn_first", "turn_last", "turn_single",
    "prev_other_speaker_question",
)


@dataclass
class Item:
    """One sentence to score, with whatever is known about where it stands."""

    text: str
    prev: str | None = None
    next: str | None = None
    speaker: str | None = None
    rel_pos: float | None = None        # position in the document, 0..1
    index: int | None = None            # sentence index in the document
    turn_len: int | None = None         # sentences in this speaker turn
    turn_idx: int | None = None         # index of the sentence in its turn
    spk_qratio: float | None = None     # share of the speaker's sentences that are questions
    spk_share: float | None = None      # share of the document's sentences said by this speaker
    prev_other_question: bool | None = None  # previous sentence is another speaker's question


@dataclass
class Parse:
    """The bits of a spaCy parse the dense features need (cacheable, picklable)."""

    pos: tuple[str, ...]
    tag: tuple[str, ...]
    ents: tuple[str, ...]


def parse_from_doc(doc) -> Parse:
    return Parse(tuple(t.pos_ for t in doc), tuple(t.tag_ for t in doc), tuple(e.label_ for e in doc.ents))


def parse_texts(texts: Sequence[str], nlp=None, batch_size: int = 256) -> list[Parse]:
    """Tag and NER ``texts`` one sentence at a time (the parser and lemmatizer are skipped)."""
    from claimmap import nlp as _nlp

    texts = [t[:2000] for t in texts]
    out: list[Parse | None] = []
    for t in texts:  # sentences the statements stage already parsed (same pipeline, in context)
        seen = _nlp.recall_sentence(t)
        out.append(Parse(*seen) if seen is not None else None)
    todo = [i for i, p in enumerate(out) if p is None]
    if todo:
        if nlp is None:
            nlp = _nlp.load()
        disable = [p for p in ("parser", "lemmatizer", "senter") if p in nlp.pipe_names]
        with nlp.select_pipes(disable=disable):
            for i, d in zip(todo, nlp.pipe((texts[i] for i in todo), batch_size=batch_size)):
                out[i] = parse_from_doc(d)
    return out


# ------------------------------------------------------------------------------------ n-grams
def _h(s: str, bits: int) -> int:
    return zlib.crc32(s.encode("utf-8")) & ((1 << bits) - 1)


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def text_ngrams(text: str) -> Counter:
    """Hashed bag of ``w:`` word 1-2-grams and ``c:`` char 2-5-grams of one sentence."""
    bits = TEXT_BITS
    c: Counter = Counter()
    ws = words(text)
    for i, w in enumerate(ws):
        c[_h("w:" + w, bits)] += 1
        if i:
            c[_h("w:" + ws[i - 1] + " " + w, bits)] += 1
    for w in ws:
        c.update(_char_hashes(w, bits))
    return c


@lru_cache(maxsize=65536)
def _char_hashes(w: str, bits: int) -> tuple[int, ...]:
    """Hashed ``c:`` char 2-5-grams of one word (padded with spaces, digits as 0); memoised:
    an article repeats most of its words, and hashing every n-gram was half the stage's time."""
    w = " " + _DIGIT_RE.sub("0", w) + " "
    n = len(w)
    return tuple(_h("c:" + w[j:j + k], bits) for k in range(2, 6) for j in range(n - k + 1))


def context_ngrams(prev: str | None, nxt: str | None) -> Counter:
    bits = CONTEXT_BITS
    c: Counter = Counter()
    for prefix, t in (("p:", prev), ("n:", nxt)):
        if not t:
            continue
        ws = words(t)
        for i, w in enumerate(ws):
            c[_h(prefix + w, bits)] += 1
            if i:
                c[_h(prefix + ws[i - 1] + " " + w, bits)] += 1
    return c


# ------------------------------------------------------------------------------------ dense
def _log1(x: float) -> float:
    return math.log1p(max(0.0, x))


def dense_features(item: Item, parse: Parse) -> list[float]:
    text = item.text
    low = " " + " ".join(words(text)) + " "
    ntok = max(1, len(parse.pos))
    pos = Counter(parse.pos)
    tag = Counter(parse.tag)
    ents = Counter(parse.ents)
    ws = words(text)
    wc = Counter(ws)
    f: dict[str, float] = {}
    f["log_tokens"] = _log1(len(parse.pos))
    f["log_chars"] = _log1(len(text))
    f["short"] = float(len(parse.pos) <= 5)
    f["has_digit"] = float(bool(_DIGIT_RE.search(text)))
    f["n_num_log"] = _log1(pos["NUM"])
    f["has_percent_word"] = float("%" in text or " percent" in low)
    f["has_money_sym"] = float("$" in text or " dollars " in low or " billion " in low or " million " in low
                               or " trillion " in low)
    for lab in ("CARDINAL", "PERCENT", "MONEY", "DATE", "QUANTITY", "ORDINAL", "PERSON", "ORG", "GPE",
                "NORP", "LAW", "EVENT"):
        f["ent_" + lab] = float(ents[lab] > 0)
    f["n_ents_log"] = _log1(len(parse.ents))
    for p in ("NOUN", "PROPN", "VERB", "ADJ", "ADV", "PRON", "NUM", "AUX", "INTJ"):
        f["pos_" + p] = pos[p] / ntok
    f["tag_VBD"] = float(tag["VBD"] > 0)
    f["tag_VBN"] = float(tag["VBN"] > 0)
    f["tag_MD"] = float(tag["MD"] > 0)
    f["tag_superl"] = float(tag["JJS"] + tag["RBS"] > 0)
    f["tag_compar"] = float(tag["JJR"] + tag["RBR"] > 0)
    f["pron_i"] = float(wc["i"] + wc["me"] + wc["my"] + wc["i'm"] + wc["i've"] > 0)
    f["pron_we"] = float(wc["we"] + wc["our"] + wc["us"] + wc["we're"] + wc["we've"] > 0)
    f["pron_you"] = float(wc["you"] + wc["your"] + wc["you're"] > 0)
    f["pron_they"] = float(wc["they"] + wc["their"] + wc["them"] + wc["they're"] > 0)
    stripped = text.strip()
    f["question"] = float(stripped.endswith("?"))
    f["exclaim"] = float(stripped.endswith("!"))
    f["opinion_cue"] = float(any(" " + c + " " in low for c in _OPINION_CUES))
    f["greeting_cue"] = float(any(" " + c + " " in low for c in _GREETING_CUES))
    f["will"] = float(wc["will"] + wc["going"] + wc["gonna"] + wc["would"] > 0)
    known = item.prev is not None or item.next is not None
    f["ctx_known"] = float(known)
    f["prev_question"] = float(bool(item.prev) and item.prev.strip().endswith("?"))
    f["prev_log_tokens"] = _log1(len(words(item.prev))) if item.prev else 0.0
    f["next_log_tokens"] = _log1(len(words(item.next))) if item.next else 0.0
    f["prev_has_num"] = float(bool(item.prev) and bool(_DIGIT_RE.search(item.prev)))
    f["next_has_num"] = float(bool(item.next) and bool(_DIGIT_RE.search(item.next)))
    f["pos_known"] = float(item.rel_pos is not None)
    f["rel_pos"] = item.rel_pos if item.rel_pos is not None else 0.0
    f["first3"] = float(item.index is not None and item.index < 3)
    spk = (item.speaker or "").strip()
    f["spk_known"] = float(bool(spk))
    f["spk_system"] = float(spk.upper() in _SYSTEM_SPEAKERS)
    f["spk_qratio"] = item.spk_qratio if item.spk_qratio is not None else 0.0
    f["spk_share"] = item.spk_share if item.spk_share is not None else 0.0
    tk = item.turn_len is not None and item.turn_idx is not None
    f["turn_known"] = float(tk)
    f["turn_log_len"] = _log1(item.turn_len) if tk else 0.0
    f["turn_log_idx"] = _log1(item.turn_idx) if tk else 0.0
    f["turn_first"] = float(tk and item.turn_idx == 0)
    f["turn_last"] = float(tk and item.turn_idx == item.turn_len - 1)
    f["turn_single"] = float(tk and item.turn_len == 1)
    f["prev_other_speaker_question"] = float(bool(item.prev_other_question))
    return [f[n] for n in DENSE_NAMES]


# ------------------------------------------------------------------------------------ documents
def items_from_sequence(texts: Sequence[str], speakers: Sequence[str | None] | None = None) -> list[Item]:
    """Items for the sentences of one document in reading order: neighbours, position, turns.

    ``speakers`` (optional, one per sentence, None where unknown) gives speaker turns: a turn
    is a run of consecutive sentences with the same known speaker.
    """
    n = len(texts)
    spk = [((s or "").strip() or None) for s in (speakers or [None] * n)]
    if len(spk) != n:
        raise ValueError("speakers must have one entry per sentence")
    qcount: Counter = Counter()
    scount: Counter = Counter()
    for t, s in zip(texts, spk):
        if s:
            scount[s] += 1
            qcount[s] += t.strip().endswith("?")
    # turns
    turn_of = [None] * n
    turns: list[list[int]] = []
    for i, s in enumerate(spk):
        if s is None:
            continue
        if i and spk[i - 1] == s and turns:
            turns[-1].append(i)
        else:
            turns.append([i])
        turn_of[i] = len(turns) - 1
    items = []
    for i, t in enumerate(texts):
        s = spk[i]
        it = Item(
            text=t,
            prev=texts[i - 1] if i > 0 else "",
            next=texts[i + 1] if i + 1 < n else "",
            speaker=s,
            rel_pos=i / max(1, n - 1),
            index=i,
        )
        if s is not None:
            turn = turns[turn_of[i]]
            it.turn_len = len(turn)
            it.turn_idx = turn.index(i)
            it.spk_qratio = qcount[s] / scount[s]
            it.spk_share = scount[s] / n
            it.prev_other_question = bool(i and spk[i - 1] not in (None, s) and texts[i - 1].strip().endswith("?"))
        items.append(it)
    return items


def items_from_texts(texts: Sequence[str], contexts: Sequence | None = None,
                     speakers: Sequence[str | None] | None = None) -> list[Item]:
    """Items for independent sentences: ``contexts`` is a list of ``(previous, next)`` texts
    (either may be None) or None; ``speakers`` a list of names or None."""
    n = len(texts)
    if contexts is not None and len(contexts) != n:
        raise ValueError("contexts must have one (previous, next) pair per sentence")
    if speakers is not None and len(speakers) != n:
        raise ValueError("speakers must have one entry per sentence")
    out = []
    for i, t in enumerate(texts):
        prev = nxt = None
        if contexts is not None and contexts[i] is not None:
            prev, nxt = contexts[i]
            prev, nxt = prev or "", nxt or ""
        sp = speakers[i] if speakers is not None else None
        out.append(Item(text=t, prev=prev, next=nxt, speaker=(sp or None)))
    return out


def iter_blocks(items: Iterable[Item]):  # pragma: no cover - convenience for debugging
    for it in items:
        yield text_ngrams(it.text), context_ngrams(it.prev, it.next)
