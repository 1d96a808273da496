"""Retrieval: evidence sentences for a claim from the corpus store.

``retrieve`` runs the store's hybrid search (BM25 + vectors, reciprocal-rank fusion) bounded to
a date window, then reads each hit's document once and returns ``Candidate`` rows: the sentence,
its neighbours as context, its offsets in the stored body text, the document's outlet, date
and url, and the stored statement whose content the sentence carries (speaker, side, polarity),
which is how "Reuters: Peskov said X" is told apart from "Reuters: X".

A document without a date (none in its metadata, URL or first lines: ``claimmap.corpus.dates``)
is a candidate in every window; its candidates carry ``undated=True`` ("date unknown"), and
``count_undated`` counts the documents among a claim's or a run's candidates.

Each candidate carries its document's ``language`` (None = unknown, English analysis); a
non-English document is retrieved like any other (its sentences are indexed and embedded), and
``split_assessable`` keeps for stance only those the configured models read
(CLAIMMAP_MODEL_LANGUAGES, ``claimmap.corpus.multilingual``), returning the others so the run
can count them (``multilingual.not_assessed``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from claimmap.corpus.store import Hit, StatementRecord, Store, StoredDocument, day_of


@dataclass
class Candidate:
    doc_id: int
    sentence_id: int
    text: str                 # the evidence sentence
    context: str              # the sentence with its neighbours (what the stance model reads)
    start: int                # offsets of ``text`` in the stored document text
    end: int
    score: float
    url: str | None
    outlet: str | None
    published: str | None
    doc_text: str = ""
    statement: StatementRecord | None = None  # the stored statement this sentence carries
    extra: dict = field(default_factory=dict)
    undated: bool = False     # the document has no known date: it is in every window
    language: str | None = None  # the document's language (None: unknown / analysed as English)

    def __post_init__(self) -> None:
        if self.published is None or day_of(self.published) is None:
            self.undated = True


def window(published: str | None, days: int | None) -> tuple[str | None, str | None]:
    """(from, to) ISO days around ``published``; (None, None) when the date or days is unknown."""
    if not published or days is None or days < 0:
        return None, None
    try:
        d = date.fromisoformat(str(published).strip()[:10])
    except ValueError:
        return None, None
    return (d - timedelta(days=days)).isoformat(), (d + timedelta(days=days)).isoformat()


_WS = re.compile(r"\s+")


def _norm(s: str) -> str:
    return _WS.sub(" ", s).strip().casefold()


def carried_statement(sentence: str, statements: list[StatementRecord]) -> StatementRecord | None:
    """The stored statement whose content lies in ``sentence`` (the longest when several)."""
    ns = _norm(sentence)
    best = None
    for st in statements:
        c = _norm(st.content)
        if len(c) >= 8 and c in ns and (best is None or len(c) > len(_norm(best.content))):
            best = st
    return best


def count_undated(cands) -> int:
    """How many distinct documents among ``cands`` (Candidates, or lists of them) are undated."""
    docs: set[int] = set()
    for c in cands:
        for x in (c if isinstance(c, (list, tuple)) else (c,)):
            if x.undated:
                docs.add(x.doc_id)
    return len(docs)


def split_assessable(cands: list[Candidate], languages=None
                     ) -> tuple[list[Candidate], list[Candidate]]:
    """(candidates the configured models can read, the others) by document language; see
    ``claimmap.corpus.multilingual.assessable``."""
    from claimmap.corpus.multilingual import assessable, model_languages

    langs = model_languages() if languages is None else languages
    keep = [c for c in cands if assessable(c.language, langs)]
    return keep, [c for c in cands if not assessable(c.language, langs)]


def run_summary(found, *, models_offline: str | None = None) -> dict:
    """What ``corroboration_run`` reports about the candidates of a run (``found``: the lists
    of Candidates per claim, or a dict of them): ``undated_documents`` (in the window only
    because they have no date) and ``not_assessed`` (``multilingual.not_assessed``: documents
    in a language the configured models do not read, or every non-English one when
    ``models_offline`` says why the multilingual models could not be loaded)."""
    from claimmap.corpus.multilingual import not_assessed

    lists = list(found.values()) if isinstance(found, dict) else list(found)
    langs = {c.doc_id: c.language for cands in lists for c in cands}
    return {"undated_documents": count_undated(lists),
            "not_assessed": not_assessed(list(langs.values()), models_offline=models_offline)}


def _locate(doc: StoredDocument, text: str) -> tuple[int, int, str]:
    """Offsets of a sentence in the stored body and its context (previous + next sentence)."""
    sents = [s.text for s in doc.sentences]
    try:
        i = sents.index(text)
    except ValueError:
        i = -1
    pos = doc.text.find(text)
    start, end = (pos, pos + len(text)) if pos >= 0 else (0, 0)
    ctx = " ".join(sents[max(0, i - 1): i + 2]) if i >= 0 else text
    return start, end, ctx


#: within a date window, undated documents (candidates in every window) take at most this share
#: of a claim's k candidates while dated ones are left: a third of a real corpus can be undated,
#: and without a cap they crowd the window's own coverage out (90% of the windowed hits at 1M
#: sentences with a third undated, bench/bench_undated_ab.py)
UNDATED_SHARE = 0.5


def retrieve(store: Store, query: str, vec: np.ndarray | None, *, k: int = 12,
             date_from: str | None = None, date_to: str | None = None,
             exclude_docs: set[int] | None = None,
             docs: dict[int, StoredDocument] | None = None) -> list[Candidate]:
    """Evidence candidates for ``query`` (best first). ``docs`` caches documents across claims.
    With a date window, undated documents fill at most ``UNDATED_SHARE`` of the ``k`` while
    dated hits remain (the store is asked for twice as many hits to find them)."""
    windowed = date_from is not None or date_to is not None
    hits: list[Hit] = store.hybrid(query, vec, k=(2 * k if windowed else k) + len(exclude_docs or ()),
                                   date_from=date_from, date_to=date_to)
    if windowed:
        cap = int(k * UNDATED_SHARE)
        undated = [h for h in hits if day_of(h.published) is None]
        dated = [h for h in hits if day_of(h.published) is not None]
        keep = {id(h) for h in undated[:max(cap, k - len(dated))]} | {id(h) for h in dated}
        hits = [h for h in hits if id(h) in keep]
    docs = {} if docs is None else docs
    out = []
    for h in hits:
        if exclude_docs and h.document_id in exclude_docs:
            continue
        doc = docs.get(h.document_id)
        if doc is None:
            doc = docs[h.document_id] = store.get_document(h.document_id)
        if doc is None:  # removed meanwhile
            continue
        start, end, ctx = _locate(doc, h.text)
        out.append(Candidate(h.document_id, h.sentence_id, h.text, ctx, start, end, h.score,
                             doc.url, doc.outlet, doc.published, doc.text,
                             carried_statement(h.text, doc.statements),
                             language=getattr(doc, "language", None)))
        if len(out) >= k:
            break
    return out
