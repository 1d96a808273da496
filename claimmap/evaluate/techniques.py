"""Scorers for SemEval-2020 Task 11 (PTC): span identification (SI) and technique
classification (TC), following the official task scorers.

SI (``si_score``): the task's partial-overlap precision and recall. With S the predicted spans
and T the gold spans of an article (gold spans that overlap are first merged, as the official
scorer does; overlapping predicted spans are merged too, as its ``-m`` option does)::

    C(s, t, h) = |s ∩ t| / h
    P(S, T) = 1/|S| · Σ_{s∈S, t∈T} C(s, t, |s|)      R(S, T) = 1/|T| · Σ_{s∈S, t∈T} C(s, t, |t|)

summed over all articles (|S| and |T| are corpus totals) and F1 = 2PR/(P+R). An article with
gold spans and no prediction adds to |T| only.

TC (``tc_score``): the gold spans are given and one technique is predicted per gold span; a
span annotated with k techniques appears k times and is matched as a multiset (the official
scorer pairs equal labels of identical spans first). micro-F1 over the 14 techniques equals
accuracy over spans; per-class F1 uses the paired gold/predicted labels.

``evaluate_techniques(articles_dir, si_file, tc_file, predictor=None, article_ids=None)`` runs a
predictor over articles and scores both subtasks. A predictor has ``spans(text) ->
[(start, end)]`` and ``classify(text, spans) -> [technique]``; None uses
``claimmap.techniques`` (the shipped model).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy", "Causal_Oversimplification", "Doubt", "Exaggeration,Minimisation",
    "Flag-Waving", "Loaded_Language", "Name_Calling,Labeling", "Repetition", "Slogans",
    "Thought-terminating_Cliches", "Whataboutism,Straw_Men,Red_Herring",
)


class Predictor(Protocol):  # pragma: no cover - typing only
    def spans(self, text: str) -> list[tuple[int, int]]: ...

    def classify(self, text: str, spans: list[tuple[int, int]]) -> list[str]: ...


# ------------------------------------------------------------------------------ reading
def read_si_labels(path: str | Path) -> dict[str, list[tuple[int, int]]]:
    """``id<TAB>start<TAB>end`` rows -> {article id: [(start, end)]}."""
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        row = line.rstrip("\n").split("\t")
        if len(row) < 3:
            continue
        out[row[0]].append((int(row[1]), int(row[2])))
    return dict(out)


def read_tc_labels(path: str | Path) -> list[tuple[str, int, int, str]]:
    """``id<TAB>technique<TAB>start<TAB>end`` rows -> [(article id, start, end, technique)]."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        row = line.rstrip("\n").split("\t")
        if len(row) < 4:
            continue
        out.append((row[0], int(row[2]), int(row[3]), row[1]))
    return out


def read_article(articles_dir: str | Path, article_id: str) -> str:
    with open(Path(articles_dir) / f"article{article_id}.txt", encoding="utf-8", newline="") as f:
        return f.read()


# ------------------------------------------------------------------------------ SI
def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of spans that share at least one character (empty spans dropped)."""
    out: list[list[int]] = []
    for s, e in sorted((int(s), int(e)) for s, e in spans if e > s):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _prf(pn: float, pd: int, rn: float, rd: int) -> dict:
    p = pn / pd if pd else 0.0
    r = rn / rd if rd else 0.0
    f1 = 2 * p * r / (p + r) if p > 0 and r > 0 else (1.0 if pd == 0 and rd == 0 else 0.0)
    return {"p": p, "r": r, "f1": f1}


def si_score(pred: dict[str, list[tuple[int, int]]], gold: dict[str, list[tuple[int, int]]],
             article_ids: Iterable[str] | None = None) -> dict:
    """Official SI partial-overlap P/R/F1 (see module doc) over ``article_ids`` (default: all
    articles in gold or pred)."""
    ids = list(article_ids) if article_ids is not None else sorted(set(gold) | set(pred))
    pn = rn = 0.0
    pd = rd = 0
    for a in ids:
        S = merge_spans(pred.get(a, []))
        T = merge_spans(gold.get(a, []))
        pd += len(S)
        rd += len(T)
        for s0, s1 in S:
            for t0, t1 in T:
                inter = min(s1, t1) - max(s0, t0)
                if inter > 0:
                    pn += inter / (s1 - s0)
                    rn += inter / (t1 - t0)
    out = _prf(pn, pd, rn, rd)
    out.update(n_pred=pd, n_gold=rd)
    return out


# ------------------------------------------------------------------------------ TC
def align_tc(gold: list[tuple[str, int, int, str]], pred: list[tuple[str, int, int, str]]):
    """Pair gold and predicted labels span by span (equal labels of identical spans first).
    Returns (gold_labels, pred_labels); a gold span with no prediction is paired with None."""
    g: dict[tuple, list[str]] = defaultdict(list)
    p: dict[tuple, list[str]] = defaultdict(list)
    for a, s, e, t in gold:
        g[(a, s, e)].append(t)
    for a, s, e, t in pred:
        p[(a, s, e)].append(t)
    gl: list[str] = []
    pl: list[str | None] = []
    for key, labels in g.items():
        cand = Counter(p.get(key, []))
        rest_gold = []
        for t in labels:
            if cand[t] > 0:
                cand[t] -= 1
                gl.append(t)
                pl.append(t)
            else:
                rest_gold.append(t)
        rest_pred = list(cand.elements())
        for i, t in enumerate(rest_gold):
            gl.append(t)
            pl.append(rest_pred[i] if i < len(rest_pred) else None)
    return gl, pl


def tc_score(gold: list[tuple[str, int, int, str]], pred: list[tuple[str, int, int, str]],
             labels: Iterable[str] = TECHNIQUES) -> dict:
    """micro-F1 (= accuracy over gold spans) and per-class P/R/F1 (see module doc)."""
    gl, pl = align_tc(gold, pred)
    n = len(gl)
    correct = sum(1 for a, b in zip(gl, pl) if a == b)
    per = {}
    for c in labels:
        tp = sum(1 for a, b in zip(gl, pl) if a == c and b == c)
        npred = sum(1 for b in pl if b == c)
        ngold = sum(1 for a in gl if a == c)
        prf = _prf(tp, npred, tp, ngold)
        if npred == 0 and ngold == 0:
            prf["f1"] = 0.0
        per[c] = {**prf, "support": ngold}
    present = [c for c in labels if per[c]["support"]]
    macro = sum(per[c]["f1"] for c in present) / len(present) if present else 0.0
    return {"micro_f1": correct / n if n else 0.0, "macro_f1": macro, "n": n, "per_class": per}


# ------------------------------------------------------------------------------ driver
class _Shipped:
    def spans(self, text):
        from claimmap.techniques import detect_spans

        return [(s, e) for s, e, _ in detect_spans(text)]

    def classify(self, text, spans):
        from claimmap.techniques import classify_spans

        return [t for t, _ in classify_spans(text, spans)]


def evaluate_techniques(articles_dir: str | Path, si_file: str | Path, tc_file: str | Path,
                        predictor: Predictor | None = None,
                        article_ids: Iterable[str] | None = None) -> dict:
    """Run ``predictor`` (default: the shipped model) on the articles of ``article_ids``
    (default: every article with labels in si_file/tc_file) and score SI and TC.

    Returns ``{"si": {"p", "r", "f1", "n_pred", "n_gold"}, "tc": {"micro_f1", "macro_f1", "n",
    "per_class"}, "n_articles"}``.
    """
    predictor = predictor or _Shipped()
    si_gold = read_si_labels(si_file)
    tc_gold = read_tc_labels(tc_file)
    ids = sorted(article_ids) if article_ids is not None else sorted(set(si_gold) | {r[0] for r in tc_gold})
    idset = set(ids)
    tc_gold = [r for r in tc_gold if r[0] in idset]
    by_article: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, s, e, _ in tc_gold:
        by_article[a].append((s, e))
    si_pred: dict[str, list[tuple[int, int]]] = {}
    tc_pred: list[tuple[str, int, int, str]] = []
    for a in ids:
        text = read_article(articles_dir, a)
        si_pred[a] = list(predictor.spans(text))
        spans = by_article.get(a, [])
        if spans:
            for (s, e), t in zip(spans, predictor.classify(text, spans)):
                tc_pred.append((a, s, e, t))
    return {"si": si_score(si_pred, si_gold, ids), "tc": tc_score(tc_gold, tc_pred), "n_articles": len(ids)}
