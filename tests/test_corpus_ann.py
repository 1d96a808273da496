"""The SQLite store's large-corpus search paths, forced on small corpora: int8 vector candidates
re-scored exactly (claimmap.corpus.ann). The postings text index: tests/test_corpus_postings.py."""

from __future__ import annotations

import random

import threading

import numpy as np
import pytest

from claimmap.corpus import ann
from claimmap.corpus.embed import HashingEmbedder
from claimmap.corpus.sqlite import SQLiteStore
from claimmap.corpus.store import DocRecord, SentenceRecord

EMB = HashingEmbedder(64)
WORDS = ["harbour", "quay", "ferry", "council", "budget", "minister", "island", "storm", "bridge", "market", "school", "fish", "museum", "library", "election", "court", "police", "hospital", "road", "tax", "rail", "port", "strike", "union", "water", "energy", "price", "farm", "forest", "river", "coast", "border", "army", "treaty", "trade", "report", "inquiry", "audit"]

needs_numkong = pytest.mark.skipif(not ann.available(), reason="numkong not installed")


def _fill(store: SQLiteStore, n_docs: int = 60, per_doc: int = 12, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    texts = []
    with store.batch():
        for d in range(n_docs):
            sents = [" ".join(rng.choice(WORDS) for _ in range(8)) + f" item{d}x{j}."
                     for j in range(per_doc)]
            texts += sents
            store.add_document(DocRecord(text=" ".join(sents), url=f"u{d}",
                                         published=f"2024-{1 + d % 12:02d}-{1 + d % 28:02d}"),
                               [SentenceRecord(s) for s in sents], [], EMB.encode(sents))
    return texts


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "c.db")
    yield s
    s.close()


def _ids(hits):
    return [h.sentence_id for h in hits]


@needs_numkong
def test_int8_agrees_with_exact(store, monkeypatch):
    texts = _fill(store)
    queries = texts[::37]
    monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "exact")
    exact = [store.search_vector(EMB.encode([q])[0], 10) for q in queries]
    assert store.vector_index_info()["mode"] == "exact"
    monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "int8")
    assert store.vector_index_info()["mode"] == "int8"
    for q, ex in zip(queries, exact):
        got = store.search_vector(EMB.encode([q])[0], 10)
        assert got[0].text == q == ex[0].text
        assert got[0].score == pytest.approx(ex[0].score, abs=1e-6)  # exact re-scoring
        assert len(set(_ids(got)) & set(_ids(ex))) >= 9
        assert [h.score for h in got] == sorted((h.score for h in got), reverse=True)


def test_auto_is_exact_on_small_corpora(store, monkeypatch):
    _fill(store, n_docs=5)
    monkeypatch.delenv("CLAIMMAP_CORPUS_VECTOR_INDEX", raising=False)
    assert store.vector_index_info()["mode"] == "exact"
    assert not list(store.path.parent.glob("*.i8.*"))


@needs_numkong
def test_int8_honours_date_window(store, monkeypatch):
    texts = _fill(store)
    monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "int8")
    v = EMB.encode([texts[0]])[0]  # a January document's sentence
    hits = store.search_vector(v, 50, date_from="2024-03-01", date_to="2024-03-31")
    assert hits and all("2024-03-01" <= h.published <= "2024-03-31" for h in hits)
    monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "exact")
    ex = store.search_vector(v, 50, date_from="2024-03-01", date_to="2024-03-31")
    assert _ids(hits) == _ids(ex)  # the window holds fewer rows than the re-scored candidates
    monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "int8")
    assert store.search_vector(v, 5, date_from="2030-01-01") == []
    both = store.hybrid(texts[0], v, 10, date_from="2024-04-01")
    assert both and all(h.published >= "2024-04-01" for h in both)


@needs_numkong
def test_int8_copy_is_persisted_checked_and_rebuilt(store, monkeypatch, tmp_path):
    texts = _fill(store)
    monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "int8")
    v = EMB.encode([texts[100]])[0]
    first = _ids(store.search_vector(v, 10))
    qpath = tmp_path / "c.db.vec.i8.npy"
    jpath = tmp_path / "c.db.vec.i8.json"
    assert qpath.exists() and jpath.exists()
    mat, idx = store._vectors()
    assert ann.Int8Index.load(mat, idx, store._vec_paths()[0]) is not None
    store.close()

    # a crash after the int8 rows were replaced but before the metadata: the copy no longer
    # matches (zeroed rows stand for any wrong content), so it is rebuilt, never used
    q = np.load(qpath)
    np.save(qpath, np.zeros_like(q))
    assert ann.Int8Index.load(mat, idx, tmp_path / "c.db.vec.npy") is None
    again = SQLiteStore(tmp_path / "c.db")
    try:
        assert _ids(again.search_vector(v, 10)) == first
        assert np.array_equal(np.load(qpath), q)  # rewritten from the float32 mirror
        # metadata lost (crash before it was written): rebuilt too
        jpath.unlink()
        again.close()
        again = SQLiteStore(tmp_path / "c.db")
        assert _ids(again.search_vector(v, 10)) == first and jpath.exists()
        # new documents: mirror and int8 copy follow the database
        new = "volcanic ash grounded every glider over the northern fjords"
        again.add_document(DocRecord(text=new, published="2024-06-01"), [SentenceRecord(new)], [],
                           EMB.encode([new]))
        hit = again.search_vector(EMB.encode([new])[0], 1)[0]
        assert hit.text == new
        assert len(np.load(qpath, mmap_mode="r")) == len(texts) + 1
    finally:
        again.close()


@needs_numkong
def test_top_candidates_finds_the_best():
    rng = np.random.default_rng(0)
    scores = rng.integers(-10_000, 10_000, 200_000).astype(np.int32)
    cand = ann.top_candidates(scores, 100)
    best = np.argsort(-scores, kind="stable")[:100]
    assert set(best.tolist()) <= set(cand.tolist()) and len(cand) <= 1600
    assert sorted(ann.top_candidates(scores[:50], 100).tolist()) == list(range(50))


@needs_numkong
def test_sign_bit_stage(store, monkeypatch, tmp_path):
    """Large indexes pre-select rows by sign-bit Hamming distance: forced on a small corpus."""
    monkeypatch.setattr(ann, "BITS_MIN", 100)
    monkeypatch.setattr(ann, "BITS_CANDIDATES", 150)
    monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "int8")
    texts = _fill(store)
    for q in texts[::91]:
        hits = store.search_vector(EMB.encode([q])[0], 5)
        assert hits[0].text == q and hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert (tmp_path / "c.db.vec.i8.bits.npy").exists()
    mat, idx = store._vectors()
    loaded = ann.Int8Index.load(mat, idx, store._vec_paths()[0])
    assert loaded is not None and loaded.bits is not None
    bits = np.load(tmp_path / "c.db.vec.i8.bits.npy")
    np.save(tmp_path / "c.db.vec.i8.bits.npy", 255 - bits)  # wrong bits: never used
    assert ann.Int8Index.load(mat, idx, store._vec_paths()[0]) is None


@needs_numkong
def test_split_scan_equals_numpy(monkeypatch):
    """The full int8 scan, split across threads, gives numpy's integer dot products."""
    monkeypatch.setattr(ann, "SPLIT_MIN", 1000)
    monkeypatch.setattr(ann, "_cpus", lambda: 3)
    rng = np.random.default_rng(4)
    mat = rng.standard_normal((5003, 48)).astype(np.float32)
    mat /= np.linalg.norm(mat, axis=1, keepdims=True)
    idx = np.stack([np.arange(1, 5004), np.zeros(5003, dtype=np.int64)], axis=1)
    index = ann.Int8Index.build(mat, idx, None)
    v = mat[17]
    want = index.q.astype(np.int64) @ ann._quantize(v, index.scale).astype(np.int64)
    assert np.array_equal(index.scores(v).astype(np.int64), want)
    rows = np.array([5, 17, 4000, 5002])
    assert np.array_equal(index.scores(v, rows).astype(np.int64), want[rows])
    assert 17 in index.candidates(v, 10)
    # chunks shared between threads: the pool's, this one, and one that joins late
    monkeypatch.setattr(ann, "CHUNK", 300)
    for helpers in (0, 1, 2):
        scan = index.start_scan(v, helpers=helpers)
        assert len(scan.bounds) - 1 == 17
        late = threading.Thread(target=scan.work)
        late.start()
        got = scan.result()
        late.join()
        assert np.array_equal(got.astype(np.int64), want)
    scan = index.start_scan(v, helpers=0)
    assert 17 in index.candidates(v, 10, scan=scan)


@needs_numkong
def test_scan_error_reaches_the_waiting_thread(monkeypatch):
    rng = np.random.default_rng(5)
    mat = rng.standard_normal((4000, 16)).astype(np.float32)
    mat /= np.linalg.norm(mat, axis=1, keepdims=True)
    idx = np.stack([np.arange(1, 4001), np.zeros(4000, dtype=np.int64)], axis=1)
    index = ann.Int8Index.build(mat, idx, None)
    monkeypatch.setattr(ann, "SPLIT_MIN", 1000)
    monkeypatch.setattr(ann, "CHUNK", 1000)
    calls = []

    def broken(q, qv, out):
        calls.append(len(q))
        if len(calls) == 2:
            raise MemoryError("chunk failed")
        out[:] = 0

    monkeypatch.setattr(ann, "_dots", broken)
    with pytest.raises(MemoryError, match="chunk failed"):
        index.start_scan(mat[0], helpers=1).result()
    assert sum(calls) == 4000  # every chunk was still taken: no thread waits forever


@needs_numkong
@pytest.mark.parametrize("window", [(None, None), ("2024-03-01", "2024-08-31")])
def test_hybrid_fuses_ids_and_reads_only_the_rows_it_returns(store, monkeypatch, window):
    """With the postings copy and the int8 index, hybrid fuses the two rankings by sentence id
    and reads only the k rows it returns: the same hits as fusing search_text and
    search_vector."""
    from claimmap.corpus.store import rrf

    texts = _fill(store)
    monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "int8")
    monkeypatch.setenv("CLAIMMAP_CORPUS_TEXT_INDEX", "postings")
    lo, hi = window
    read = []
    hits_of = store._hits
    monkeypatch.setattr(store, "_hits", lambda scored: read.append(len(scored)) or hits_of(scored))
    for q in texts[5::97]:
        query = " ".join(q.split()[:5])
        v = EMB.encode([query])[0]
        want = rrf([store.search_text(query, 50, lo, hi), store.search_vector(v, 50, lo, hi)], 10)
        read.clear()
        got = store.hybrid(query, v, 10, lo, hi)
        assert read == [10]
        assert [(h.sentence_id, h.document_id, h.text, h.url, h.published) for h in got] == [
            (h.sentence_id, h.document_id, h.text, h.url, h.published) for h in want]
        assert [h.score for h in got] == pytest.approx([h.score for h in want])
        if lo:
            assert all(lo <= h.published <= hi for h in got)


@needs_numkong
def test_hybrid_without_a_ranked_row_fuses_what_the_rows_hold(store, monkeypatch):
    """Were a ranked id's row missing, hybrid fuses the rows that exist, as the two searches
    return them, rather than return fewer hits."""
    from claimmap.corpus.store import rrf

    texts = _fill(store)
    monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "int8")
    monkeypatch.setenv("CLAIMMAP_CORPUS_TEXT_INDEX", "postings")
    query = " ".join(texts[40].split()[:5])
    v = EMB.encode([query])[0]
    gone = store.hybrid(query, v, 10)[0].sentence_id
    hits_of = store._hits
    monkeypatch.setattr(store, "_hits", lambda scored: hits_of([(s, x) for s, x in scored
                                                                if s != gone]))
    want = rrf([store.search_text(query, 50), store.search_vector(v, 50)], 10)
    got = store.hybrid(query, v, 10)
    assert len(got) == 10 and gone not in {h.sentence_id for h in got}
    assert [h.sentence_id for h in got] == [h.sentence_id for h in want]


def test_vector_mirror_is_extended_after_additions(store, monkeypatch, tmp_path):
    """Sentences only added since the float32 mirror was written: the new rows are appended
    (no rebuild from the database), and the result equals a rebuild; any other change (a
    vector gone below the mirror's last id) rebuilds."""
    texts = _fill(store, n_docs=20)
    mat0, _ = store._vectors()
    assert len(mat0) == len(texts)
    more = _fill(store, n_docs=3, seed=9)

    def no_rebuild(*a):
        raise AssertionError("rebuilt instead of extended")

    monkeypatch.setattr(store, "_rebuild_vectors", no_rebuild)
    mat, idx = store._vectors()
    assert len(mat) == len(texts) + len(more) and isinstance(mat, np.memmap)
    hit = store.search_vector(EMB.encode([more[-1]])[0], 1)[0]
    assert hit.text == more[-1]
    monkeypatch.undo()
    for p in tmp_path.glob("c.db.vec*"):  # a rebuild from scratch gives the same arrays
        p.unlink()
    again = SQLiteStore(tmp_path / "c.db")
    try:
        mat2, idx2 = again._vectors()
        assert np.array_equal(np.asarray(idx), np.asarray(idx2))
        assert np.allclose(np.asarray(mat), np.asarray(mat2), atol=1e-7)
        # a vector removed below the mirror's last id: not an append, so rebuilt
        import sqlite3

        other = sqlite3.connect(tmp_path / "c.db")  # another writer
        with other:
            other.execute("UPDATE sentences SET embedding=NULL WHERE id=3")
        other.close()
        calls = []
        rebuild = again._rebuild_vectors
        monkeypatch.setattr(again, "_rebuild_vectors", lambda *a: calls.append(1) or rebuild(*a))
        mat3, idx3 = again._vectors()
        assert calls == [1] and len(mat3) == len(mat2) - 1 and 3 not in set(idx3[:, 0].tolist())
    finally:
        again.close()


@needs_numkong
def test_int8_copy_is_extended_after_additions(store, monkeypatch, tmp_path):
    """New rows within the copy's scale are appended: the same bytes as a rebuild. A row with
    a new peak changes the scale: rebuilt."""
    monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "int8")
    texts = _fill(store, n_docs=20)
    store.search_vector(EMB.encode([texts[0]])[0], 5)
    more = _fill(store, n_docs=3, seed=9)
    built = []
    real_build = ann.Int8Index.build
    monkeypatch.setattr(ann.Int8Index, "build",
                        classmethod(lambda cls, *a: built.append(1) or real_build(*a)))
    assert store.search_vector(EMB.encode([more[-1]])[0], 1)[0].text == more[-1]
    assert built == []  # extended, not rebuilt
    mat, idx = store._vectors()
    ext = store._int8(mat, idx)
    fresh = real_build(mat, idx, None)
    assert len(ext) == len(texts) + len(more) and ext.scale == fresh.scale
    assert np.array_equal(np.asarray(ext.q), fresh.q)
    loaded = ann.Int8Index.load(mat, idx, store._vec_paths()[0])  # persisted, metadata last
    assert loaded is not None and np.array_equal(np.asarray(loaded.q), fresh.q)
    # a vector pointing along one axis has a larger component than any before: new scale
    spike = np.zeros(EMB.dim, dtype=np.float32)
    spike[0] = 1.0
    store.add_document(DocRecord(text="spike", published="2024-05-05"), [SentenceRecord("spike")],
                       [], spike[None, :])
    mat, idx = store._vectors()
    assert ann.Int8Index.extend(mat, idx, store._vec_paths()[0]) is None
    assert store._int8(mat, idx).scale == pytest.approx(127.0) and built == [1]


@pytest.mark.parametrize("version", [(1, 0), (2, 0)])
def test_append_rows_to_an_npy_file(tmp_path, version):
    """The mirror's append: header rewritten in place after a kernel copy (version 1 headers),
    or a copy through numpy (any other header); either way numpy reads old rows + new rows."""
    from claimmap.corpus.sqlite import _append_rows

    rng = np.random.default_rng(1)
    old, new = rng.random((99_999, 3), dtype=np.float32), rng.random((2, 3), dtype=np.float32)
    src, dst = tmp_path / "m.npy", tmp_path / "m2.npy"
    with open(src, "wb") as fh:
        np.lib.format.write_array(fh, old, version=version)
    _append_rows(src, dst, old.shape, new)  # 99999 -> 100001 rows: one more digit in the header
    got = np.load(dst)
    assert got.shape == (100_001, 3) and np.array_equal(got, np.concatenate([old, new]))
    assert np.array_equal(np.load(src), old)  # the source is untouched
