"""FNC-1 data files and the official FNC-1 scorer.

Layout (as distributed by the Fake News Challenge): a bodies file with columns ``Body ID`` and
``articleBody``, a stances file with ``Headline``, ``Body ID`` and ``Stance``. ``.csv.gz`` files
are read transparently. Scoring follows the official ``scorer.py``: +0.25 when the
related/unrelated decision is right, +0.75 more when a related pair gets the exact label; the
relative score divides by the score of a perfect submission.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from claimmap.errors import DataError

LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED = ("agree", "disagree", "discuss")


def _open(path: str | Path):
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _rows(path: str | Path, needed: tuple[str, ...]) -> list[dict]:
    csv.field_size_limit(1 << 30)
    with _open(path) as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"{path}: not an FNC-1 file (missing column(s) {', '.join(missing)})")
        return list(reader)


def read_bodies(path: str | Path) -> dict[str, str]:
    return {r["Body ID"].strip(): r["articleBody"] for r in _rows(path, ("Body ID", "articleBody"))}


def read_stances(*paths: str | Path, labelled: bool = True) -> list[dict]:
    """[{headline, body_id, stance}] from one or more stances files (concatenated in order)."""
    cols = ("Headline", "Body ID", "Stance") if labelled else ("Headline", "Body ID")
    out = []
    for p in paths:
        for r in _rows(p, cols):
            stance = (r.get("Stance") or "").strip().lower() or None
            if labelled and stance not in LABELS:
                raise DataError(f"{p}: unknown stance {r.get('Stance')!r}")
            out.append({"headline": r["Headline"], "body_id": r["Body ID"].strip(), "stance": stance})
    return out


def fnc_score(gold: list[str], pred: list[str]) -> float:
    score = 0.0
    for g, t in zip(gold, pred, strict=True):
        if g == t:
            score += 0.25
            if g != "unrelated":
                score += 0.50
        if g in RELATED and t in RELATED:
            score += 0.25
    return score


def evaluate(gold: list[str], pred: list[str]) -> dict:
    """{"fnc_score", "fnc_score_relative", "macro_f1", "per_class": {label: {p, r, f1, n}}, "n"}"""
    best = fnc_score(gold, gold)
    got = fnc_score(gold, pred)
    per = {}
    for lab in LABELS:
        tp = sum(g == lab and p == lab for g, p in zip(gold, pred))
        npred = sum(p == lab for p in pred)
        ngold = sum(g == lab for g in gold)
        prec = tp / npred if npred else 0.0
        rec = tp / ngold if ngold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
                    "n": ngold}
    macro = sum(v["f1"] for v in per.values()) / len(LABELS)
    return {"fnc_score": round(got, 2), "fnc_score_relative": round(100 * got / best, 2) if best else 0.0,
            "macro_f1": round(macro, 4), "per_class": per, "n": len(gold)}
