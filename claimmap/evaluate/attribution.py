"""Evaluate attribution (claimmap.statements.extract) on a PolNeAR-style split.

Layout: ``<split>/text/<article>.txt`` and ``<split>/attributions/<article>_<annotator>.ann``
(brat standoff: ``T`` lines typed Source/Cue/Content/Attribution, offsets ``s e`` or
discontinuous ``s e;s e``; ``E`` lines link them). Each article is run through ``extract()``
as one body zone. Every annotator's file is scored separately; an article's counts are the
average over its annotators (so every article weighs the same whatever its number of
annotators), then micro-averaged over articles. The predicted source is the speaker's source
phrase (``Speaker.phrase``: the name with its apposition or relative clause, as PolNeAR marks
sources) when it has one, else the mention.

Two matchings per span type (source, cue, content), each one-to-one and greedy:

* ``exact``: the same offsets after trimming whitespace and punctuation (quotes included) at
  both edges and a leading complementiser "that" (PolNeAR content usually starts with it,
  claimmap's does not); a discontinuous gold span is compared by its envelope (first start,
  last end);
* ``overlap``: the spans share at least one character (pairs taken by largest overlap first).

``trusted`` repeats both for the statements at or above the confidence threshold only.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict

TYPES = ("source", "cue", "content")
_TRIM = set(" \t\n\r,;:.!?-–—()[]{}\"'“”‘’«»")


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while True:
        s0, e0 = s, e
        while s < e and text[s] in _TRIM:
            s += 1
        while e > s and text[e - 1] in _TRIM:
            e -= 1
        m = re.match(r"(that|whether)\b\s*", text[s:e], flags=re.I)
        if m and e - s > m.end():
            s += m.end()
        if (s, e) == (s0, e0):
            return s, e


def read_ann(path: str) -> dict[str, list[tuple[int, int]]]:
    """Gold spans by type from one .ann file: {"source": [(s, e)], ...} (fragments envelope)."""
    spans: dict[str, set] = {t: set() for t in TYPES}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[0].startswith("T") or " " not in parts[1]:
                continue
            typ, offs = parts[1].split(" ", 1)
            typ = typ.lower()
            if typ not in spans:
                continue
            try:
                frags = [tuple(int(x) for x in f.split()) for f in offs.split(";")]
                s, e = min(f[0] for f in frags), max(f[1] for f in frags)
            except ValueError:
                continue
            spans[typ].add((s, e))
    return {t: sorted(v) for t, v in spans.items()}


def predict(text: str, min_confidence: float | None = None) -> dict[str, list[tuple[int, int]]]:
    """Predicted spans by type; with ``min_confidence`` only statements at or above it."""
    return _spans(_statements(text), min_confidence)


def _statements(text: str):
    from claimmap.model import Document, Zone
    from claimmap.statements import extract

    return extract(Document(text=text), [Zone("z1", "body", 0, len(text))], remember=False)[1]


def _spans(statements, min_confidence: float | None = None) -> dict[str, list[tuple[int, int]]]:
    if min_confidence is not None:
        statements = [s for s in statements if s.confidence is None or s.confidence >= min_confidence]
    out: dict[str, set] = {t: set() for t in TYPES}
    for st in statements:
        if st.speaker is not None:  # the source phrase as written, else the mention
            sp = st.speaker.phrase or st.speaker
            out["source"].add((sp.start, sp.end))
        if st.cue is not None:
            out["cue"].add((st.cue.start, st.cue.end))
        out["content"].add((st.content.start, st.content.end))
    return {t: sorted(v) for t, v in out.items()}


def _match(text: str, gold, pred, exact: bool) -> int:
    """Size of a one-to-one greedy matching between gold and predicted spans."""
    pairs = []
    if exact:
        g_index = defaultdict(list)
        for i, g in enumerate(gold):
            g_index[_trim(text, *g)].append(i)
        used_g, n = set(), 0
        for p in pred:
            for i in g_index.get(_trim(text, *p), []):
                if i not in used_g:
                    used_g.add(i)
                    n += 1
                    break
        return n
    for i, (gs, ge) in enumerate(gold):
        for j, (ps, pe) in enumerate(pred):
            ov = min(ge, pe) - max(gs, ps)
            if ov > 0:
                pairs.append((ov, i, j))
    pairs.sort(reverse=True)
    used_g, used_p, n = set(), set(), 0
    for _ov, i, j in pairs:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        n += 1
    return n


def _prf(tp: float, n_pred: float, n_gold: float) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


def evaluate_attribution(path: str, limit: int | None = None, articles: list[str] | None = None) -> dict:
    """Score extract() on the PolNeAR-style split at ``path``; see the module docstring. The
    top-level figures score every statement; ``trusted`` scores only those at or above the
    confidence threshold (CLAIMMAP_STATEMENT_THRESHOLD), the ones reports and disputes use."""
    from claimmap.statements.confidence import threshold

    th = threshold()
    text_dir = os.path.join(path, "text")
    ann_dir = os.path.join(path, "attributions")
    by_article: dict[str, list[str]] = defaultdict(list)
    for name in sorted(os.listdir(ann_dir)):
        if name.endswith(".ann"):
            art = name[:-4].rsplit("_", 1)[0]
            if os.path.exists(os.path.join(text_dir, art + ".txt")):
                by_article[art].append(os.path.join(ann_dir, name))
    names = sorted(a for a in by_article if articles is None or a in set(articles))
    articles = names[:limit] if limit else names
    counts = {m: {t: [0.0, 0.0, 0.0] for t in TYPES} for m in ("exact", "overlap")}  # tp, pred, gold
    counts_t = {m: {t: [0.0, 0.0, 0.0] for t in TYPES} for m in ("exact", "overlap")}
    n_ann = 0
    for art in articles:
        with open(os.path.join(text_dir, art + ".txt"), encoding="utf-8") as fh:
            text = fh.read()
        sts = _statements(text)
        pred, pred_t = _spans(sts), _spans(sts, th)
        files = by_article[art]
        n_ann += len(files)
        w = 1.0 / len(files)
        for f in files:
            gold = read_ann(f)
            for t in TYPES:
                for m in ("exact", "overlap"):
                    for cnt, pr in ((counts, pred), (counts_t, pred_t)):
                        c = cnt[m][t]
                        c[0] += w * _match(text, gold[t], pr[t], m == "exact")
                        c[1] += w * len(pr[t])
                        c[2] += w * len(gold[t])
    result = {m: {t: _prf(*counts[m][t]) for t in TYPES} for m in counts}
    result["trusted"] = {m: {t: _prf(*counts_t[m][t]) for t in TYPES} for m in counts_t}
    result["trusted"]["threshold"] = th
    result["n_docs"] = len(articles)
    result["n_annotations"] = n_ann
    result["note"] = (
        "span-level P/R/F1 of extract() (one body zone per article) against PolNeAR brat spans; "
        "each annotator's file scored separately and an article's counts averaged over its "
        f"annotators ({n_ann} files over {len(articles)} articles), then micro-averaged; "
        "one-to-one greedy matching; exact = same offsets after trimming whitespace/punctuation/"
        "quotes and a leading 'that'/'whether' at span edges (discontinuous gold spans by "
        "envelope); overlap = at least one shared character"
    )
    return result
