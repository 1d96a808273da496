"""What runs inside the Spark tasks: records -> rows, with the models loaded once per worker.

A Python worker process is reused for many tasks (``spark.python.worker.reuse``, on by
default), so the spaCy pipeline (``claimmap.nlp.load``, cached), the embedder
(``get_embedder``, cached) and the outlet registry (cached) are loaded on its first task and kept
in ``_MODELS``. The driver's claimmap settings (``CLAIMMAP_*`` environment) travel with each task
(``apply_settings``): a worker's environment is its executor's, not the driver's.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator

from claimmap import config
from claimmap.batch import UNKNOWN_DAY
from claimmap.errors import ClaimmapError

CHUNK = 32               # records analysed, then embedded together
_MODELS: dict = {}


def driver_settings() -> dict[str, str | None]:
    """Every claimmap setting as the driver sees it (None = unset)."""
    return {k: os.environ.get(k) for k in config.SETTINGS}


def apply_settings(settings: dict[str, str | None]) -> None:
    """Make this worker's environment carry the driver's claimmap settings."""
    for k, v in (settings or {}).items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def models(embed: str | None):
    """(embedder or None, outlet registry), loaded once per worker process; spaCy is warmed."""
    key = (embed,)
    if _MODELS.get("key") != key:
        from claimmap import nlp
        from claimmap.outlets import load_registry

        t = time.perf_counter()
        nlp.load()
        embedder = None
        if embed:
            from claimmap.corpus.embed import get_embedder

            embedder = get_embedder(embed)
        _MODELS.update(key=key, embedder=embedder, registry=load_registry(),
                       load_seconds=time.perf_counter() - t)
    return _MODELS["embedder"], _MODELS["registry"]


def _message(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, ClaimmapError) else f"{exc.__class__.__name__}: {exc}"


def _vec(row) -> list[float] | None:
    return None if row is None else row.tolist()


def _error_row(ord_: int, label: str, message: str) -> tuple:
    return (ord_, label, message) + (None,) * 15


def process_partition(rows: Iterable, settings: dict, embed: str | None,
                      chunk: int = CHUNK) -> Iterator[tuple]:
    """``(ord, RawRecord)`` -> processed rows (``PROCESSED`` columns of ``claimmap.batch.job``):
    a document row, or an error row (``error`` set) for a record that failed."""
    apply_settings(settings)
    buf: list = []
    for item in rows:
        buf.append(item)
        if len(buf) >= chunk:
            yield from _process_chunk(buf, embed)
            buf = []
    if buf:
        yield from _process_chunk(buf, embed)


def _process_chunk(items: list, embed: str | None) -> Iterator[tuple]:
    from claimmap.batch.families import copy_credit, family_outlet
    from claimmap.corpus.ingest import embed_prepared, load_record, prepare
    from claimmap.corpus.store import day_of

    embedder, registry = models(embed)
    done = []  # (ord, label, key, Prepared)
    for ord_, rec in items:
        try:
            key, doc = load_record(rec)
            done.append((ord_, rec.label, key, prepare(doc, source=rec.label)))
        except Exception as exc:  # noqa: BLE001 - one bad record is one error row
            yield _error_row(ord_, rec.label, _message(exc))
    if not done:
        return
    try:
        embs = embed_prepared([p for *_, p in done], embedder)
    except Exception:  # noqa: BLE001 - find the record that breaks the embedder
        embs = []
        for *_, p in done:
            try:
                embs.append(embed_prepared([p], embedder)[0])
            except Exception as exc:  # noqa: BLE001
                embs.append(exc)
    for (ord_, label, key, p), emb in zip(done, embs, strict=True):
        if isinstance(emb, Exception):
            yield _error_row(ord_, label, _message(emb))
            continue
        try:
            e, se = emb
            r = p.record
            outlet = family_outlet(registry, r.outlet, r.url)
            sentences = [(i, s.start, s.end, s.text, _vec(e[i]) if e is not None else None)
                         for i, s in enumerate(p.sentences)]
            statements = [(i, st.content, st.speaker, st.canonical, st.side, st.cue, st.kind,
                           st.polarity, _vec(se[i]) if se is not None else None)
                          for i, st in enumerate(p.statements)]
            yield (ord_, label, None, key, r.hash, r.url, r.outlet, r.published,
                   day_of(r.published) or UNKNOWN_DAY, r.title, r.text, p.signature,
                   _sig_size(p.signature), copy_credit(registry, r.text, outlet),
                   sentences, statements, (e.shape[1] if e is not None and e.ndim == 2 else None),
                   r.language)
        except Exception as exc:  # noqa: BLE001
            yield _error_row(ord_, label, _message(exc))


def _sig_size(sig: bytes) -> int:
    from claimmap.outlets.minhash import Signature

    return Signature.from_bytes(sig).size
