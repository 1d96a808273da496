"""Evaluation of check-worthiness ranking on a CLEF-2019 CheckThat! Task 1 layout.

``evaluate_checkworthiness(dir)`` reads every ``*.tsv`` in ``dir`` (one debate or speech per
file; tab-separated ``line_number, speaker, sentence, label`` with label 1 = check-worthy),
scores each debate's sentences in order with ``scorer`` (default: the shipped model through
:func:`claimmap.checkworthiness.score_document`, which uses the neighbouring sentences and the
speaker), ranks the lines of each debate by descending score and computes the official
CLEF-2019 measures (telsayed/clef2019-factchecking-task1, ``scorer/main.py``):

- average precision of a debate: the sum of precision@i over the ranks i of its check-worthy
  lines, divided by the number of check-worthy lines (0 when it has none); MAP is its mean
  over debates;
- R-precision: precision in the top R lines, R = the number of check-worthy lines;
- P@5: check-worthy lines among the top 5, divided by 5.

Each measure is averaged over debates (macro). Ties keep file order (a stable sort on the score,
as the official scorer's ``sorted(..., reverse=True)`` does).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

from claimmap.errors import DataError

# scorer(texts, speakers) -> one score per sentence, higher = more check-worthy
Scorer = Callable[[list[str], list[str]], Sequence[float]]


def read_debate(path: str | Path) -> list[tuple[int, str, str, int]]:
    """Rows ``(line_number, speaker, text, label)`` of one CLEF-2019 tsv file."""
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for n, rec in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not rec or not any(x.strip() for x in rec):
                continue
            if len(rec) < 4:
                raise DataError(f"{path}:{n}: expected 4 tab-separated columns (line, speaker, text, label)")
            try:
                rows.append((int(rec[0]), rec[1], "\t".join(rec[2:-1]), int(rec[-1])))
            except ValueError:
                raise DataError(f"{path}:{n}: line number and label must be integers") from None
    return rows


def read_clef_dir(path: str | Path) -> dict[str, list[tuple[int, str, str, int]]]:
    d = Path(path)
    if not d.is_dir():
        raise DataError(f"{d} is not a directory of CLEF-2019 task 1 .tsv files")
    files = sorted(d.glob("*.tsv"))
    if not files:
        raise DataError(f"no .tsv files in {d}")
    return {f.stem: read_debate(f) for f in files}


def _ranking(scores: Sequence[float]) -> list[int]:
    return sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    n_pos = sum(1 for y in labels if y == 1)
    if n_pos == 0:
        return 0.0
    hits, total = 0, 0.0
    for rank, i in enumerate(_ranking(scores), 1):
        if labels[i] == 1:
            hits += 1
            total += hits / rank
    return total / n_pos


def precision_at(labels: Sequence[int], scores: Sequence[float], k: int) -> float:
    if k <= 0:
        return 0.0
    return sum(1 for i in _ranking(scores)[:k] if labels[i] == 1) / k


def r_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    r = sum(1 for y in labels if y == 1)
    return precision_at(labels, scores, r) if r else 0.0


def debate_metrics(labels: Sequence[int], scores: Sequence[float]) -> dict[str, float]:
    if len(labels) != len(scores):
        raise ValueError("one score per line is needed")
    return {"ap": average_precision(labels, scores), "r_precision": r_precision(labels, scores),
            "p_at_5": precision_at(labels, scores, 5), "n_lines": len(labels),
            "n_positive": sum(1 for y in labels if y == 1)}


def aggregate(per_debate: dict[str, dict[str, float]]) -> dict:
    n = len(per_debate)
    if not n:
        return {"map": 0.0, "r_precision": 0.0, "p_at_5": 0.0, "n_debates": 0, "per_debate": {}}
    return {
        "map": sum(m["ap"] for m in per_debate.values()) / n,
        "r_precision": sum(m["r_precision"] for m in per_debate.values()) / n,
        "p_at_5": sum(m["p_at_5"] for m in per_debate.values()) / n,
        "n_debates": n,
        "per_debate": per_debate,
    }


def _default_scorer(texts: list[str], speakers: list[str]) -> list[float]:
    from claimmap.checkworthiness import score_document

    return score_document(texts, speakers=speakers)


def evaluate_checkworthiness(path: str | Path, scorer: Scorer | None = None) -> dict:
    """MAP, R-precision and P@5 (macro over debates) of ``scorer`` on a CLEF-2019 layout dir.

    Returns ``{"map", "r_precision", "p_at_5", "n_debates", "per_debate"}``; ``per_debate``
    maps each file stem to its ``ap``, ``r_precision``, ``p_at_5``, ``n_lines``, ``n_positive``.
    """
    scorer = scorer or _default_scorer
    per = {}
    for name, rows in read_clef_dir(path).items():
        if not rows:
            continue
        texts = [r[2] for r in rows]
        speakers = [r[1] for r in rows]
        scores = list(scorer(texts, speakers))
        per[name] = debate_metrics([r[3] for r in rows], scores)
    return aggregate(per)
