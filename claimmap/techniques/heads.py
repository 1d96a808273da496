"""Small heads over frozen encoder features, and the SI span decoder (numpy).

Heads are rebuilt from the arrays stored in the artefact (``state_dict`` entries), so the
artefact holds no pickled code: as torch modules for training (``build``, ``from_arrays``;
torch is imported lazily), and as numpy functions for inference (``NumpyHead``: the same
arithmetic, no torch)."""

from __future__ import annotations

import numpy as np

from claimmap.blas import one_blas_thread  # noqa: F401  (the heads' callers use it)


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


def erf(x: np.ndarray) -> np.ndarray:
    """Error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: float32 rounding)."""
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) \
        * np.exp(-a * a)
    return np.sign(x) * y


def gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class NumpyHead:
    """A head of ``build`` evaluated in numpy (eval mode: dropout is the identity).
    ``__call__(X)``: (n, d_in) → (n, d_out) for linear/mlp; for bilstm, ``sequences(X, groups)``
    runs each group of rows (a window's tokens, in order) as one sequence."""

    def __init__(self, kind: str, arrays, prefix: str, d_in: int, d_out: int, hidden: int):
        if kind not in ("linear", "mlp", "bilstm"):
            raise ValueError(f"unknown head kind {kind!r}")
        self.kind = kind
        self.w = {k[len(prefix) + 1:]: np.asarray(arrays[k], dtype=np.float32)
                  for k in arrays if k.startswith(prefix + ".")}
        # transposed once, contiguous: BLAS is much slower on a transposed view of a small matrix
        self.wt = {k: np.ascontiguousarray(v.T) for k, v in self.w.items() if v.ndim == 2}
        self.d_out = d_out

    def _lin(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.wt[name + ".weight"] + self.w[name + ".bias"]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        if self.kind == "linear":
            return self._lin(x, "1")
        if self.kind == "mlp":
            return self._lin(gelu(self._lin(x, "1")), "4")
        return self.sequences(x, [np.arange(len(x))])

    def _lstm(self, xp: np.ndarray, lengths: np.ndarray, suffix: str) -> np.ndarray:
        """One direction over left-aligned padded sequences: xp (B, T, 4H) input projections."""
        w_hh = self.wt["rnn.weight_hh_l0" + suffix]
        B, T, H4 = xp.shape
        H = H4 // 4
        h = np.zeros((B, H), np.float32)
        c = np.zeros((B, H), np.float32)
        out = np.zeros((B, T, H), np.float32)
        for t in range(T):
            g = xp[:, t] + h @ w_hh
            i, f, gg, o = sigmoid(g[:, :H]), sigmoid(g[:, H:2 * H]), np.tanh(g[:, 2 * H:3 * H]), sigmoid(g[:, 3 * H:])
            c = f * c + i * gg
            h = o * np.tanh(c)
            out[:, t] = h
        return out

    def sequences(self, x: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
        """bilstm over each group of rows as one sequence, all groups batched; (n, d_out)."""
        x = np.asarray(x, dtype=np.float32)
        h = np.maximum(self._lin(x, "proj"), 0.0)
        n, Hd = h.shape
        lengths = np.asarray([len(g) for g in groups])
        B, T = len(groups), int(lengths.max()) if len(groups) else 0
        res = np.zeros((n, Hd), np.float32)
        for suffix, rev in (("", False), ("_reverse", True)):
            w_ih = self.wt["rnn.weight_ih_l0" + suffix]
            b = self.w["rnn.bias_ih_l0" + suffix] + self.w["rnn.bias_hh_l0" + suffix]
            proj = h @ w_ih + b
            xp = np.zeros((B, T, proj.shape[1]), np.float32)
            for r, g in enumerate(groups):
                xp[r, :len(g)] = proj[g[::-1] if rev else g]
            out = self._lstm(xp, lengths, suffix)
            half = Hd // 2
            for r, g in enumerate(groups):
                seq = out[r, :len(g)]
                res[g, (half if rev else 0):(Hd if rev else half)] = seq[::-1] if rev else seq
        return self._lin(np.concatenate([h, res], 1), "out")


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
