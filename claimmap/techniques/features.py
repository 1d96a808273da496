"""Features for the technique heads, computed from an ``encoder.Encoded`` and the text (numpy
only). Shared by inference and train/train_techniques.py so both see identical inputs."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter

import numpy as np

QUOTES = set("\"“”‘’«»'")
_WORD = re.compile(r"\w+", re.UNICODE)
TOKEN_LEX_DIM = 14
SPAN_LEX_DIM = 18


def word_ids(enc, text: str) -> np.ndarray:
    """Word index per token: a new word starts after whitespace or at/after punctuation."""
    offs = enc.offsets
    n = len(offs)
    out = np.zeros(n, dtype=np.int64)
    w = 0
    for i in range(n):
        if i:
            s, prev_e = offs[i, 0], offs[i - 1, 1]
            tok = text[offs[i, 0]:offs[i, 1]]
            prev = text[offs[i - 1, 0]:offs[i - 1, 1]]
            if s > prev_e or not tok[:1].isalnum() or not prev[-1:].isalnum() or enc.line[i] != enc.line[i - 1]:
                w += 1
        out[i] = w
    return out


def article_counts(text: str) -> Counter:
    return Counter(m.group(0).lower() for m in _WORD.finditer(text))


def token_lex(enc, text: str, lexicon: frozenset[str]) -> np.ndarray:
    """(n, TOKEN_LEX_DIM) lexical features per token."""
    offs, line = enc.offsets, enc.line
    n = len(offs)
    X = np.zeros((n, TOKEN_LEX_DIM), dtype=np.float32)
    if not n:
        return X
    counts = article_counts(text)
    lines = enc.line_spans
    # per-line facts
    first = np.r_[0, np.flatnonzero(np.diff(line)) + 1]
    last = np.r_[first[1:], n]
    pos = np.zeros(n, dtype=np.float32)
    llen = np.zeros(n, dtype=np.float32)
    for a, b in zip(first, last):
        pos[a:b] = (np.arange(b - a) / max(1, b - a - 1))
        llen[a:b] = math.log1p(b - a)
    line_text = {int(k): text[lines[int(k)][0]:lines[int(k)][1]] for k in np.unique(line)}
    inq = 0
    prev_line = -1
    for i in range(n):
        tok = text[offs[i, 0]:offs[i, 1]]
        ln = int(line[i])
        if ln != prev_line:
            inq, prev_line = 0, ln
        lt = line_text[ln]
        # whole word containing the token
        ws = offs[i, 0]
        while ws > 0 and text[ws - 1].isalnum():
            ws -= 1
        we = offs[i, 1]
        while we < len(text) and text[we].isalnum():
            we += 1
        word = text[ws:we].lower()
        isq = tok in QUOTES
        X[i] = (
            not tok[:1].isalnum(),
            tok[:1].isupper(),
            len(tok) > 1 and tok.isupper(),
            tok in ("!", "?"),
            "!" in lt,
            "?" in lt,
            isq,
            inq % 2 == 1,
            word in lexicon,
            math.log1p(counts.get(word, 0)) if len(word) > 3 else 0.0,
            pos[i],
            ln == 0,
            llen[i] / 5.0,
            bool(re.search(r"\d", tok)),
        )
        if isq:
            inq += 1
    return X


def span_token_index(enc, start: int, end: int) -> np.ndarray:
    """Indices of tokens overlapping [start, end) (at least the nearest one)."""
    offs = enc.offsets
    if not len(offs):
        return np.zeros(0, dtype=np.int64)
    idx = np.flatnonzero((offs[:, 0] < end) & (offs[:, 1] > start))
    if not len(idx):
        idx = np.asarray([min(len(offs) - 1, int(np.searchsorted(offs[:, 0], start)))])
    return idx


def span_lex(text: str, start: int, end: int, counts: Counter, lexicon: frozenset[str],
             lines: list[tuple[int, int]]) -> np.ndarray:
    """(SPAN_LEX_DIM,) lexical features of one span."""
    span = text[start:end]
    low = span.strip().lower()
    words = _WORD.findall(span)
    lw = [w.lower() for w in words]
    reps = text.lower().count(low) - 1 if low else 0
    content = [w for w in lw if len(w) > 3]
    max_wc = max((counts.get(w, 0) for w in content), default=0)
    before = text[max(0, start - 2):start]
    after = text[end:end + 2]
    ls, le = next(((a, b) for a, b in lines if a <= start <= b), (start, end))
    line_len = max(1, le - ls)
    caps = [w for w in words if len(w) > 1 and w.isupper()]
    return np.asarray([
        math.log1p(len(span)) / 5.0,
        math.log1p(len(words)) / 3.0,
        math.log1p(max(0, reps)),
        reps > 0,
        math.log1p(max_wc) / 3.0,
        "!" in span,
        "?" in span,
        any(c in QUOTES for c in span),
        any(c in QUOTES for c in before + after),
        sum(w[:1].isupper() for w in words) / max(1, len(words)),
        len(caps) > 0,
        sum(w in lexicon for w in lw) / max(1, len(lw)),
        min(1.0, (end - start) / line_len),
        start <= ls + 1,
        ls == 0,
        bool(re.search(r"\d", span)),
        len(words) <= 2,
        "#" in span,
    ], dtype=np.float32)


def ngrams(text: str) -> list[str]:
    w = [x.lower() for x in _WORD.findall(text)]
    return w + [a + " " + b for a, b in itertools.pairwise(w)]


def tfidf(spans_text: list[str], vocab: dict[str, int], idf: np.ndarray) -> np.ndarray:
    X = np.zeros((len(spans_text), len(vocab)), dtype=np.float32)
    for i, t in enumerate(spans_text):
        for g, c in Counter(ngrams(t)).items():
            j = vocab.get(g)
            if j is not None:
                X[i, j] = (1 + math.log(c)) * idf[j]
        nrm = np.linalg.norm(X[i])
        if nrm > 0:
            X[i] /= nrm
    return X


def fit_tfidf(spans_text: list[str], min_df: int = 2, max_features: int = 5000):
    df = Counter()
    for t in spans_text:
        df.update(set(ngrams(t)))
    items = sorted((g for g, c in df.items() if c >= min_df), key=lambda g: (-df[g], g))[:max_features]
    vocab = {g: i for i, g in enumerate(items)}
    n = len(spans_text)
    idf = np.asarray([math.log((1 + n) / (1 + df[g])) + 1 for g in items], dtype=np.float32)
    return vocab, idf


def span_dense(enc, text: str, spans: list[tuple[int, int]], lexicon: frozenset[str],
               layer_idx: tuple[int, ...], use_cls: bool = True) -> np.ndarray:
    """Embedding + lexical block for each span: for each chosen layer the mean of the span's
    tokens, then the last chosen layer's max over span tokens, the mean of its line(s), the
    window [CLS] (when ``use_cls``), then ``span_lex``."""
    counts = article_counts(text)
    d = enc.hidden.shape[-1]
    rows = []
    line_mean: dict[int, np.ndarray] = {}
    for s, e in spans:
        idx = span_token_index(enc, s, e)
        parts = []
        if len(idx):
            for li in layer_idx:
                parts.append(enc.hidden[idx, li].mean(0))
            parts.append(enc.hidden[idx, layer_idx[-1]].max(0))
            lns = np.unique(enc.line[idx])
            lm = []
            for ln in lns:
                ln = int(ln)
                if ln not in line_mean:
                    line_mean[ln] = enc.hidden[enc.line == ln, layer_idx[-1]].mean(0)
                lm.append(line_mean[ln])
            parts.append(np.mean(lm, 0))
            if use_cls:
                parts.append(enc.cls[int(enc.window[idx[0]])])
        else:
            parts = [np.zeros(d, np.float32)] * (len(layer_idx) + 2 + use_cls)
        parts.append(span_lex(text, s, e, counts, lexicon, enc.line_spans))
        rows.append(np.concatenate(parts).astype(np.float32))
    return np.stack(rows) if rows else np.zeros((0, d * (len(layer_idx) + 2 + use_cls) + SPAN_LEX_DIM), np.float32)
