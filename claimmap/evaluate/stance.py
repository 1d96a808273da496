"""Stance on FNC-1: official weighted score (absolute and relative), macro-F1, per class."""

from __future__ import annotations

from pathlib import Path

from claimmap.errors import DataError
from claimmap.stance import fnc


def evaluate_stance(bodies: str | Path, stances: str | Path, *, limit: int | None = None,
                    model: str | None = None) -> dict:
    """Score the stance model (setting CLAIMMAP_STANCE_MODEL, or ``model``) on an FNC-1
    bodies/stances file pair; ``limit`` keeps only the first N pairs (for quick checks)."""
    from claimmap.stance.model import load_model

    texts = fnc.read_bodies(bodies)
    rows = fnc.read_stances(stances)[: limit or None]
    missing = sorted({r["body_id"] for r in rows} - set(texts))
    if missing:
        raise DataError(f"{stances}: Body ID {missing[0]} is not in {bodies}")
    m = load_model(model)
    pred = [p["label"] for p in m.predict([(r["headline"], texts[r["body_id"]]) for r in rows])]
    return fnc.evaluate([r["stance"] for r in rows], pred) | {"model": m.name}
