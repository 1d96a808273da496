"""Check-worthiness: how much a sentence looks like a factual claim a fact-checker would want to
verify (a number, a record, a statement about what happened), as opposed to an opinion, a
prediction, a promise, a greeting or boilerplate. Scores are 0..1; use them to rank.

    from claimmap.checkworthiness import score_sentences, score_document, score_report
    score_sentences(["Unemployment fell to 3.5 percent last year.", "I think we can do better."])
    score_document(sentences_in_order, speakers=None)   # uses neighbours, position, speaker turns
    score_report(report)   # {"sentences": [{start, end, zone, checkworthiness}], "statements": {id: score}}

The shipped model (``claimmap/data/models/checkworthiness.npz``, trained by
``train/train_checkworthiness.py`` on CLEF-2019 CheckThat! task 1 training debates and the
ClaimBuster 2.5xNCS set) is a linear model over hashed word/char n-grams of the sentence and
its neighbours plus spaCy tag/entity counts, position and speaker-turn features; it needs only
numpy and spaCy at run time. It learnt from US political debates and speeches: expect it to
rank a news article's sentences sensibly, not to be calibrated on news.

Scorers are pluggable: setting ``CLAIMMAP_CHECKWORTHINESS_MODEL`` picks one (empty: the shipped
model; a path: another ``.npz`` artefact; ``hf:NAME[#LABEL]``: a Hugging Face text classifier,
for users with ``transformers`` and the weights), and anything implementing :class:`Scorer` can
be installed with :func:`set_scorer`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from claimmap.errors import DataError

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "models" / "checkworthiness.npz"


class Scorer(Protocol):
    """Scores items (``features.Item``: text, neighbours, speaker, turn) in 0..1."""

    def score_items(self, items: Sequence[Any]) -> list[float]: ...


class LinearScorer:
    """The shipped artefact: spaCy tags/entities + the portable linear model."""

    def __init__(self, path: str | Path = MODEL_PATH, nlp=None):
        from claimmap.checkworthiness.linear import LinearCheckworthiness

        path = Path(path)
        if not path.is_file():
            raise DataError(f"check-worthiness model {path} is missing (train/train_checkworthiness.py makes it)")
        try:
            self.model = LinearCheckworthiness.load(path)
        except (OSError, KeyError, ValueError) as exc:
            raise DataError(f"check-worthiness model {path} cannot be read: {exc}") from None
        self._nlp = nlp

    def score_items(self, items):
        from claimmap.checkworthiness import features as F

        if not items:
            return []
        if self._nlp is None:
            from claimmap import nlp as _nlp

            self._nlp = _nlp.load()
        parses = F.parse_texts([it.text for it in items], self._nlp)
        return self.model.predict(items, parses)


class HFScorer:
    """A Hugging Face ``text-classification`` model (needs ``transformers`` and its weights,
    downloaded or local). The score is the probability of the positive label: ``label`` when
    given, else the first of LABEL_1 / 1 / yes / check-worthy / CFS / positive the model has.
    Sentences are scored alone (no context, no speaker)."""

    POSITIVE = ("label_1", "1", "yes", "check-worthy", "checkworthy", "cfs", "positive", "true")

    def __init__(self, name: str, label: str | None = None):
        try:
            from transformers import pipeline  # type: ignore
        except ImportError:
            raise DataError("a hf: check-worthiness model needs the transformers package "
                            "(pip install transformers torch)") from None
        try:
            self._pipe = pipeline("text-classification", model=name, top_k=None)
        except Exception as exc:  # noqa: BLE001 - any loading failure is the user's setting
            raise DataError(f"cannot load Hugging Face model {name!r}: {exc.__class__.__name__}: {exc}") from None
        self.label = label

    def _positive(self, scores: list[dict]) -> float:
        by = {str(d["label"]).lower(): float(d["score"]) for d in scores}
        if self.label is not None:
            if self.label.lower() not in by:
                raise DataError(f"the model has no label {self.label!r} (it has {sorted(by)})")
            return by[self.label.lower()]
        for name in self.POSITIVE:
            if name in by:
                return by[name]
        raise DataError(f"cannot tell the check-worthy label among {sorted(by)}; "
                        "name it as hf:MODEL#LABEL")

    def score_items(self, items):
        if not items:
            return []
        out = self._pipe([it.text for it in items], truncation=True)
        return [self._positive(r if isinstance(r, list) else [r]) for r in out]


def scorer_from_setting(value: str | None = None) -> Scorer:
    """The scorer named by setting CLAIMMAP_CHECKWORTHINESS_MODEL: empty = the shipped model;
    ``hf:NAME`` or ``hf:NAME#LABEL`` = a Hugging Face text classifier; else a path to an
    ``.npz`` artefact made by train/train_checkworthiness.py."""
    from claimmap import config

    value = (config.get("CLAIMMAP_CHECKWORTHINESS_MODEL") if value is None else value).strip()
    if not value:
        return LinearScorer()
    if value.startswith("hf:"):
        name, _, label = value[3:].partition("#")
        return HFScorer(name, label or None)
    return LinearScorer(Path(value).expanduser())


_lock = threading.Lock()
_scorer: Scorer | None = None


def get_scorer() -> Scorer:
    """The scorer in use (by default the setting's, loaded once on first use)."""
    global _scorer
    with _lock:
        if _scorer is None:
            _scorer = scorer_from_setting()
        return _scorer


def set_scorer(scorer: Scorer | None) -> None:
    """Install another scorer (None: back to the shipped model)."""
    global _scorer
    with _lock:
        _scorer = scorer


def _default_scorer() -> Scorer:  # kept for bench/ timing
    return get_scorer()


def score_sentences(texts: Sequence[str], contexts: Sequence | None = None,
                    speakers: Sequence[str | None] | None = None) -> list[float]:
    """Scores (0..1) for independent sentences.

    ``contexts``: None, or one ``(previous_sentence, next_sentence)`` pair per text (either may
    be None); ``speakers``: None, or one name (None where unknown) per text.
    """
    from claimmap.checkworthiness import features as F

    texts = [t if isinstance(t, str) else str(t) for t in texts]
    return get_scorer().score_items(F.items_from_texts(texts, contexts, speakers))


def score_document(texts: Sequence[str], speakers: Sequence[str | None] | None = None) -> list[float]:
    """Scores for the sentences of one document (or zone) in reading order: each sentence's
    neighbours, position and (when ``speakers`` is given) speaker turn are used."""
    from claimmap.checkworthiness import features as F

    return get_scorer().score_items(F.items_from_sequence(list(texts), speakers))


def score_report(report) -> dict:
    """Check-worthiness of a :class:`~claimmap.model.Report`'s body sentences and statements.

    Body-zone sentences are scored zone by zone in reading order (neighbours = adjacent
    sentences of the same zone; the speaker of a sentence is the canonical speaker of a
    statement made in it, when there is one). Each statement's content is scored with its
    sentence's neighbours as context and its speaker.

    Returns ``{"sentences": [{"start", "end", "zone", "checkworthiness"}],
    "statements": {statement_id: score}}``; scores are rounded to 4 decimals.
    """
    from claimmap.checkworthiness import features as F

    text = report.document.text
    body_ids = {z.id for z in report.zones if z.kind == "body"}
    sents = [s for s in report.sentences if s.zone in body_ids and text[s.start:s.end].strip()]
    sents.sort(key=lambda s: (s.start, s.end))

    def speaker_of(st) -> str | None:
        return st.speaker.canonical if st.speaker is not None and st.speaker.canonical else None

    spk_at: dict[tuple[int, int], str] = {}
    for st in report.statements:
        if st.sentence is not None and speaker_of(st):
            spk_at.setdefault((st.sentence.start, st.sentence.end), speaker_of(st))

    items: list = []
    owners: list = []
    by_zone: dict[str, list] = {}
    for s in sents:
        by_zone.setdefault(s.zone, []).append(s)
    neighbours: dict[tuple[int, int], tuple[str, str]] = {}
    for zone_sents in by_zone.values():
        texts = [text[s.start:s.end].strip() for s in zone_sents]
        speakers = [spk_at.get((s.start, s.end)) for s in zone_sents]
        for s, it in zip(zone_sents, F.items_from_sequence(texts, speakers)):
            items.append(it)
            owners.append(("s", s))
            neighbours[(s.start, s.end)] = (it.prev, it.next)
    for st in report.statements:
        content = (st.content.text or "").strip()
        if not content:
            continue
        ctx = neighbours.get((st.sentence.start, st.sentence.end)) if st.sentence is not None else None
        items.append(F.Item(text=content, prev=ctx[0] if ctx else None, next=ctx[1] if ctx else None,
                            speaker=speaker_of(st)))
        owners.append(("t", st))
    scores = get_scorer().score_items(items) if items else []
    out: dict = {"sentences": [], "statements": {}}
    for (kind, obj), sc in zip(owners, scores):
        if kind == "s":
            out["sentences"].append({"start": obj.start, "end": obj.end, "zone": obj.zone,
                                     "checkworthiness": round(float(sc), 4)})
        else:
            out["statements"][obj.id] = round(float(sc), 4)
    return out


__all__ = [
    "MODEL_PATH",
    "HFScorer",
    "LinearScorer",
    "Scorer",
    "get_scorer",
    "score_document",
    "score_report",
    "score_sentences",
    "scorer_from_setting",
    "set_scorer",
]
