"""Evaluations of the HTML zoner: article-body extraction and comment zones.

``evaluate_extraction(path)`` scores the body against scrapinghub/article-extraction-benchmark
(``html/*.html.gz`` + ``ground-truth.json`` with ``articleBody``), with that benchmark's own
metric (its ``evaluate.py``): 4-token shingles of ``\\w+`` tokens, per-page TP/FP/FN normalised
to sum 1, precision averaged over pages with predicted shingles, recall over pages with true
shingles, F1 = harmonic mean of the two averages, accuracy = share of pages whose token list
equals the truth exactly. What we submit as ``articleBody`` is the text of our ``body`` zones
(joined by newlines): the benchmark's articleBody excludes the title, so the header zone is
left out, and so are disclaimer/boilerplate/related/comment zones.

``evaluate_comment_zones(path)`` scores comment zones on trafilatura's evaluation set
(``html/<file>.gz`` + ``evaldata.json``; only pages with a ``comments`` list). Per segment,
after collapsing whitespace on both sides:

- TP: a ``comments`` segment contained in the text of one of our ``comment`` zones;
- FN: a ``comments`` segment not contained in any comment zone;
- FP: a ``with`` segment (article text) contained in a comment zone (article text misfiled as
  a comment) and not also in a body zone;
- leak: a ``comments`` segment found in a ``body`` zone (reader comment misfiled as article).

precision = TP/(TP+FP), recall = TP/(TP+FN), F1 their harmonic mean, micro-averaged over
segments; ``n`` = pages, ``segments`` = comment segments. Pages that fail to extract count
their segments as FN. ``baseline`` gives the same numbers for trafilatura's own comments
text (``bare_extraction(include_comments=True).commentsbody``), for comparison.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from claimmap import config
from claimmap.errors import ClaimmapError, DataError

# ----------------------------------------------------------------- benchmark metric (re-implemented)
_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def _tokenize(text: str | None) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def _shingles(text: str | None, n: int = 4) -> Counter:
    tokens = _tokenize(text)
    grams = [tuple(tokens[i:i + n]) for i in range(0, max(1, len(tokens) - n + 1))]
    return Counter(g for g in grams if g)


def shingle_tp_fp_fn(true: str | None, pred: str | None, ngram_n: int = 4) -> tuple[float, float, float]:
    """Per-page TP/FP/FN over 4-token shingles, normalised to sum to 1 (as the benchmark does)."""
    t, p = _shingles(true, ngram_n), _shingles(pred, ngram_n)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def metrics_from_tp_fp_fns(rows: list[tuple[float, float, float]]) -> dict[str, float]:
    precision = statistics.mean([_precision(*r) for r in rows if r[0] + r[1] > 0] or [0.0])
    recall = statistics.mean([_recall(*r) for r in rows if r[0] + r[2] > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def exact_match(true: str | None, pred: str | None) -> float:
    return float(_tokenize(true) == _tokenize(pred))


# ----------------------------------------------------------------- helpers
def data_dir() -> Path:
    """CLAIMMAP_DATA, relative paths taken from the repository root (the folder above the package)."""
    p = Path(config.get("CLAIMMAP_DATA")).expanduser()
    if not p.is_absolute():
        p = Path(__file__).resolve().parents[2] / p
    return p


def zone_page(html: bytes, url: str | None = None):
    """Read HTML bytes and zone them; returns (Document, zones)."""
    from claimmap.sources import from_bytes
    from claimmap.zones.html import zone_html

    doc = from_bytes(html, url=url, content_type="text/html")
    return zone_html(doc)


def zone_text(doc, zones, kinds: Iterable[str]) -> str:
    kinds = set(kinds)
    return "\n".join(doc.text[z.start:z.end] for z in zones if z.kind in kinds)


# ----------------------------------------------------------------- extraction benchmark
def benchmark_pages(root: str | Path | None = None, limit: int | None = None):
    """(file name, Document) for each HTML page of article-extraction-benchmark (``root``, default
    the data directory's), in name order; DataError where the folder is absent. Shared by the
    benchmarks that read the real pages (page warnings, sides)."""
    from claimmap.sources import from_bytes

    d = (Path(root) if root is not None else data_dir() / "article-extraction-benchmark") / "html"
    if not d.is_dir():
        raise DataError(f"{d} not found (set CLAIMMAP_DATA)")
    for f in sorted(d.glob("*.html.gz"))[:limit]:
        yield f.name, from_bytes(gzip.decompress(f.read_bytes()), content_type="text/html")


def evaluate_extraction(path: str | Path | None = None, *, limit: int | None = None,
                        kinds: Iterable[str] = ("body",), per_page: bool = False) -> dict[str, Any]:
    """Score our body zones on article-extraction-benchmark; returns precision/recall/f1/accuracy/n."""
    root = Path(path) if path is not None else data_dir() / "article-extraction-benchmark"
    gt_path = root / "ground-truth.json"
    if not gt_path.is_file():
        raise DataError(f"no ground-truth.json in {root}")
    truth = json.loads(gt_path.read_text(encoding="utf-8"))
    keys = sorted(truth)
    if limit is not None:
        keys = keys[:limit]
    kinds = tuple(kinds)
    rows, accs, errors, pages = [], [], 0, {}
    for key in keys:
        true = truth[key].get("articleBody", "")
        html_path = root / "html" / f"{key}.html.gz"
        try:
            with gzip.open(html_path, "rb") as fh:
                data = fh.read()
            doc, zones = zone_page(data, truth[key].get("url"))
            pred = zone_text(doc, zones, kinds)
        except (ClaimmapError, OSError):
            errors += 1
            pred = ""
        row = shingle_tp_fp_fn(true, pred)
        rows.append(row)
        accs.append(exact_match(true, pred))
        if per_page:
            pages[key] = {"f1": 2 * row[0] / (2 * row[0] + row[1] + row[2]) if row[0] else 0.0,
                          "precision": _precision(*row), "recall": _recall(*row)}
    result: dict[str, Any] = metrics_from_tp_fp_fns(rows)
    result["accuracy"] = statistics.mean(accs) if accs else 0.0
    result["n"] = len(rows)
    result["errors"] = errors
    if per_page:
        result["pages"] = pages
    return result


# ----------------------------------------------------------------- comment zones
_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def _tf_comments(data: bytes, url: str | None) -> tuple[str, str]:
    import trafilatura
    from trafilatura.xml import xmltotxt

    from claimmap.sources import decode_bytes

    html, _ = decode_bytes(data, "text/html")
    ext = trafilatura.bare_extraction(html, url=url, include_comments=True)
    if ext is None:
        return "", ""
    body = xmltotxt(ext.body, False) if ext.body is not None else ""
    com = xmltotxt(ext.commentsbody, False) if ext.commentsbody is not None else ""
    return body, com


def evaluate_comment_zones(path: str | Path | None = None, *, limit: int | None = None,
                           baseline: bool = False) -> dict[str, Any]:
    """Score comment zones on trafilatura's evaluation set (pages with "comments" only).

    Returns precision/recall/f1 (segment level, see the module docstring), n (pages),
    segments, tp/fp/fn, leak (comment segments found in the body), errors (pages that failed),
    and with ``baseline=True`` the same for trafilatura's own comments section.
    """
    root = Path(path) if path is not None else data_dir() / "trafilatura-eval"
    ev_path = root / "evaldata.json"
    if not ev_path.is_file():
        raise DataError(f"no evaldata.json in {root}")
    evaldata = json.loads(ev_path.read_text(encoding="utf-8"))
    items = [(url, e) for url, e in evaldata.items() if e.get("comments")]
    items = [(u, e) for u, e in items if (root / "html" / f"{e['file']}.gz").is_file()]
    if limit is not None:
        items = items[:limit]
    ours = Counter()
    base = Counter()
    threaded = 0
    for url, entry in items:
        with gzip.open(root / "html" / f"{entry['file']}.gz", "rb") as fh:
            data = fh.read()
        try:
            doc, zones = zone_page(data, url)
            comment_texts = [_squash(doc.text[z.start:z.end]) for z in zones if z.kind == "comment"]
            body_text = _squash(zone_text(doc, zones, ("body",)))
            if any(z.parent for z in zones):
                threaded += 1
        except ClaimmapError:
            ours["errors"] += 1
            comment_texts, body_text = [], ""
        _score(ours, entry, comment_texts, body_text)
        if baseline:
            try:
                b_body, b_com = _tf_comments(data, url)
            except ClaimmapError:
                b_body, b_com = "", ""
            _score(base, entry, [_squash(b_com)] if b_com else [], _squash(b_body))
    result: dict[str, Any] = _prf(ours["tp"], ours["fp"], ours["fn"])
    result.update(n=len(items), segments=ours["tp"] + ours["fn"], tp=ours["tp"], fp=ours["fp"],
                  fn=ours["fn"], leak=ours["leak"], errors=ours["errors"], threaded_pages=threaded)
    if baseline:
        b = _prf(base["tp"], base["fp"], base["fn"])
        b.update(tp=base["tp"], fp=base["fp"], fn=base["fn"], leak=base["leak"])
        result["baseline_trafilatura"] = b
    return result


def _score(acc: Counter, entry: dict, comment_texts: list[str], body_text: str) -> None:
    for seg in entry.get("comments", []):
        s = _squash(seg)
        if any(s in c for c in comment_texts):
            acc["tp"] += 1
        else:
            acc["fn"] += 1
        if s and s in body_text:
            acc["leak"] += 1
    for seg in entry.get("with", []):
        s = _squash(seg)
        if s and any(s in c for c in comment_texts) and s not in body_text:
            acc["fp"] += 1


def evaluate_body_segments(path: str | Path | None = None, *, limit: int | None = None,
                           baseline: bool = False) -> dict[str, Any]:
    """Body zones on all pages of trafilatura's evaluation set, with its segment definitions.

    ``with`` segments found in a body zone are TP (else FN); ``without`` segments found in a body
    zone are FP; precision = TP/(TP+FP), recall = TP/(TP+FN), whitespace collapsed. ``baseline``
    adds the same for ``trafilatura.extract(include_comments=False)``.
    """
    root = Path(path) if path is not None else data_dir() / "trafilatura-eval"
    ev_path = root / "evaldata.json"
    if not ev_path.is_file():
        raise DataError(f"no evaldata.json in {root}")
    evaldata = json.loads(ev_path.read_text(encoding="utf-8"))
    items = [(u, e) for u, e in evaldata.items() if (root / "html" / f"{e['file']}.gz").is_file()]
    if limit is not None:
        items = items[:limit]
    ours, base, errors = Counter(), Counter(), 0
    for url, entry in items:
        with gzip.open(root / "html" / f"{entry['file']}.gz", "rb") as fh:
            data = fh.read()
        try:
            doc, zones = zone_page(data, url)
            body = _squash(zone_text(doc, zones, ("body",)))
        except ClaimmapError:
            errors += 1
            body = ""
        _score_body(ours, entry, body)
        if baseline:
            import trafilatura

            _score_body(base, entry, _squash(trafilatura.extract(data, url=url, include_comments=False) or ""))
    result: dict[str, Any] = _prf(ours["tp"], ours["fp"], ours["fn"])
    result.update(n=len(items), tp=ours["tp"], fp=ours["fp"], fn=ours["fn"], errors=errors)
    if baseline:
        result["baseline_trafilatura"] = {**_prf(base["tp"], base["fp"], base["fn"]),
                                          "tp": base["tp"], "fp": base["fp"], "fn": base["fn"]}
    return result


def _score_body(acc: Counter, entry: dict, body: str) -> None:
    for seg in entry.get("with", []):
        s = _squash(seg)
        if s and s in body:
            acc["tp"] += 1
        else:
            acc["fn"] += 1
    for seg in entry.get("without", []):
        s = _squash(seg)
        if s and s in body:
            acc["fp"] += 1
