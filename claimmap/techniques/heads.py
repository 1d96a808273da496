"""Small torch heads over frozen encoder features, and the SI span decoder (numpy).

Heads are rebuilt from the arrays stored in the artefact (``state_dict`` entries), so the
artefact holds no pickled code. torch is imported lazily (callers import this module only
when predicting or training)."""

from __future__ import annotations

import numpy as np


def build(kind: str, d_in: int, d_out: int, hidden: int = 256, dropout: float = 0.2):
    import torch
    from torch import nn

    if kind == "linear":
        return nn.Sequential(nn.Dropout(dropout), nn.Linear(d_in, d_out))
    if kind == "mlp":
        return nn.Sequential(nn.Dropout(dropout), nn.Linear(d_in, hidden), nn.GELU(), nn.Dropout(dropout),
                             nn.Linear(hidden, d_out))
    if kind == "bilstm":
        class BiLSTM(nn.Module):
            def __init__(self):
                super().__init__()
                self.drop = nn.Dropout(dropout)
                self.proj = nn.Linear(d_in, hidden)
                self.rnn = nn.LSTM(hidden, hidden // 2, batch_first=True, bidirectional=True)
                self.out = nn.Linear(hidden * 2, d_out)

            def forward(self, x):  # (B, T, d_in) -> (B, T, d_out)
                h = torch.relu(self.proj(self.drop(x)))
                r, _ = self.rnn(h)
                return self.out(self.drop(torch.cat([h, r], -1)))

        return BiLSTM()
    raise ValueError(f"unknown head kind {kind!r}")


def to_arrays(model, prefix: str) -> dict[str, np.ndarray]:
    return {f"{prefix}.{k}": v.detach().cpu().numpy().astype(np.float16) for k, v in model.state_dict().items()}


def from_arrays(kind: str, arrays, prefix: str, d_in: int, d_out: int, hidden: int):
    import torch

    model = build(kind, d_in, d_out, hidden)
    sd = {k[len(prefix) + 1:]: torch.from_numpy(np.asarray(arrays[k], dtype=np.float32))
          for k in arrays if k.startswith(prefix + ".")}
    model.load_state_dict(sd)
    return model.eval()


def smooth_probs(p: np.ndarray, word_line: np.ndarray, k: int) -> np.ndarray:
    """Average of p and its mean over the +-k neighbouring words of the same line."""
    p = np.asarray(p, dtype=np.float64)
    tot = p.copy()
    cnt = np.ones_like(p)
    n = len(p)
    for d in range(1, k + 1):
        if d >= n:
            break
        same = word_line[d:] == word_line[:-d]
        tot[d:] += np.where(same, p[:-d], 0)
        cnt[d:] += same
        tot[:-d] += np.where(same, p[d:], 0)
        cnt[:-d] += same
    return 0.5 * (p + tot / cnt)


def decode_spans(word_prob: np.ndarray, word_line: np.ndarray, word_start: np.ndarray, word_end: np.ndarray,
                 tau: float, smooth: int = 0, gap: int = 0, min_chars: int = 1) -> list[tuple[int, int, float]]:
    """Words with (optionally smoothed) probability >= tau, grouped into spans within a line;
    runs separated by at most ``gap`` words are merged; spans shorter than ``min_chars`` are
    dropped. Returns [(start, end, mean probability)]."""
    p = word_prob.astype(np.float64)
    n = len(p)
    if not n:
        return []
    if smooth > 0:
        p = smooth_probs(p, word_line, smooth)
    pos = p >= tau
    spans: list[list[int]] = []
    for i in np.flatnonzero(pos):
        i = int(i)
        if spans and word_line[spans[-1][1]] == word_line[i] and i - spans[-1][1] - 1 <= gap:
            spans[-1][1] = i
        else:
            spans.append([i, i])
    out = []
    for a, b in spans:
        s, e = int(word_start[a]), int(word_end[b])
        if e - s >= min_chars:
            out.append((s, e, float(p[a:b + 1].mean())))
    return out
