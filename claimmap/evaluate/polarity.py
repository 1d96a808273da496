"""Polarity per class on a labelled sample: ``gold polarity TAB speaker mention TAB sentence``
lines ('#' comments), each sentence analysed alone; the statement judged is the one whose
speaker is that mention (none found counts as a miss, predicted ``none``).

``evaluate(path, refine=True) -> dict``: overall accuracy and, per gold class, support,
precision, recall and F1, plus the confusion pairs.
"""

from __future__ import annotations

from pathlib import Path

from claimmap.model import POLARITIES


def read_sample(path: str | Path) -> list[tuple[str, str, str]]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in POLARITIES:
            raise ValueError(f"{path}:{n}: expected 'polarity<TAB>speaker<TAB>sentence'")
        rows.append((parts[0], parts[1], parts[2]))
    return rows


def predict(sentence: str, speaker: str, refine: bool = True) -> str:
    from claimmap.model import Document, Zone
    from claimmap import statements as st_mod
    from claimmap.claims import polarity

    doc = Document(text=sentence)
    zones = [Zone(id="z1", kind="body", start=0, end=len(sentence))]
    if refine:
        _s, sts = st_mod.extract(doc, zones, remember=False)
    else:
        original = polarity.refine
        polarity.refine = lambda statements, rules=None, text=None: 0
        try:
            _s, sts = st_mod.extract(doc, zones, remember=False)
        finally:
            polarity.refine = original
    want = speaker.lower()
    for s in sts:
        if s.speaker and s.speaker.text.lower() == want:
            return s.polarity
    for s in sts:
        if s.speaker and want in s.speaker.text.lower():
            return s.polarity
    return "none"


def evaluate(path: str | Path, refine: bool = True) -> dict:
    rows = read_sample(path)
    pairs = [(gold, predict(sentence, speaker, refine)) for gold, speaker, sentence in rows]
    per_class = {}
    for c in POLARITIES:
        tp = sum(1 for g, p in pairs if g == c and p == c)
        n_gold = sum(1 for g, _p in pairs if g == c)
        n_pred = sum(1 for _g, p in pairs if p == c)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_class[c] = {"support": n_gold, "precision": round(prec, 3), "recall": round(rec, 3), "f1": round(f1, 3)}
    confusions: dict[str, int] = {}
    for g, p in pairs:
        if g != p:
            confusions[f"{g}->{p}"] = confusions.get(f"{g}->{p}", 0) + 1
    return {"n": len(pairs), "accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 3) if pairs else 0.0,
            "per_class": per_class, "confusions": dict(sorted(confusions.items()))}
