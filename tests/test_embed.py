"""The corpus embedders (claimmap.corpus.embed) and corroboration's relevance-gate setting."""

from __future__ import annotations

import numpy as np
import pytest

from claimmap.corpus.embed import STATIC_DIR, get_embedder
from claimmap.errors import ClaimmapError


def test_static_embedder_ships_and_encodes_offline():
    pytest.importorskip("model2vec")
    emb = get_embedder("static")
    assert (STATIC_DIR / "model.safetensors").stat().st_size < 30 * 2**20
    texts = ["The ferry line was closed by the storm for two days.",
             "A storm shut down the ferry service for two days.",
             "The central bank raised interest rates by half a point."]
    v = emb.encode(texts)
    assert v.shape == (3, emb.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2          # a paraphrase is nearer than another topic
    assert np.array_equal(v, emb.encode(texts))     # deterministic
    assert emb.encode([]).shape == (0, emb.dim)
    assert get_embedder("static") is emb            # loaded once


def test_static_embedder_bad_path_is_a_clear_error(tmp_path):
    pytest.importorskip("model2vec")
    with pytest.raises(ClaimmapError, match="cannot load static embedder"):
        get_embedder(f"static:{tmp_path / 'nothing-here'}")


def _report_and_store(tmp_path):
    from claimmap.corpus.ingest import ingest
    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.pipeline import analyze_text

    src = tmp_path / "ev.txt"
    src.write_text("Harbour News\n\nThe harbour authority said on Monday that the new quay opens in June. "
                   "Fishermen protested against the dredging plan near the old pier.\n")
    store = SQLiteStore(tmp_path / "c.db")
    ingest(store, [str(src)], embedder=get_embedder("hashing"))
    report = analyze_text("Harbour Daily\n\nThe harbour authority said that the new quay opens in June, "
                          "according to a statement.\n", framing=False)
    return report, store


def test_relevance_gate_uses_its_own_setting(tmp_path, monkeypatch):
    from claimmap.corroborate import _relevance_embedder

    report, store = _report_and_store(tmp_path)
    corpus = get_embedder("hashing")
    monkeypatch.setenv("CLAIMMAP_RELEVANCE_EMBEDDER", "corpus")
    assert _relevance_embedder(report, None, corpus) is corpus
    monkeypatch.setenv("CLAIMMAP_RELEVANCE_EMBEDDER", "hashing:32")
    assert _relevance_embedder(report, None, corpus).name == "hashing:32"
    assert _relevance_embedder(report, False, corpus) is None
    monkeypatch.setenv("CLAIMMAP_RELEVANCE_EMBEDDER", f"static:{tmp_path / 'missing'}")
    assert _relevance_embedder(report, None, corpus) is None
    assert any("relevance by word overlap" in w for w in report.warnings)
    store.close()


def test_corroborate_gates_with_the_relevance_embedder(tmp_path, monkeypatch):
    """The corpus can hold one embedder's vectors while the gate reads another's: the gate's
    cosines (evidence ``relevance``) are those of the relevance embedder."""
    from claimmap.corroborate import corroborate

    report, store = _report_and_store(tmp_path)
    seen = []

    class Spy:
        name, dim = "spy", 8

        def encode(self, texts):
            seen.extend(texts)
            out = np.ones((len(texts), self.dim), dtype=np.float32)
            return out / np.linalg.norm(out, axis=1, keepdims=True)

    monkeypatch.setenv("CLAIMMAP_RELEVANCE_EMBEDDER", "corpus")
    corroborate(report, store, embedder=get_embedder("hashing"), relevance_embedder=Spy(),
                stance=lambda pairs: [{"label": "discuss", "scores": {}} for _ in pairs])
    assert any("new quay opens in June" in t for t in seen)   # claims and evidence went to the gate
    assert report.extras["verdicts"]
    store.close()
