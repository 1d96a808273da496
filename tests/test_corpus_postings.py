"""The postings text index (claimmap.corpus.postings): exact BM25 top k, checked against an
exhaustive BM25 written here and against FTS5's own bm25() on the same store."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date

import numpy as np
import pytest

from claimmap.corpus import postings
from claimmap.corpus.embed import HashingEmbedder
from claimmap.corpus.postings import PostingsIndex
from claimmap.corpus.sqlite import SQLiteStore, _tokens
from claimmap.corpus.store import DocRecord, SentenceRecord
from claimmap.errors import ClaimmapError

EMB = HashingEmbedder(32)


def _zipf_texts(n: int, seed: int, vocab: int = 300) -> list[str]:
    """Sentences of a Zipf vocabulary: a few words in most sentences, many rare ones."""
    rng = np.random.default_rng(seed)
    w = 1.0 / np.arange(1, vocab + 1)
    cum = np.cumsum(w / w.sum())
    words = [f"w{i}" for i in range(vocab)]
    return [" ".join(words[i] for i in np.searchsorted(cum, rng.random(rng.integers(3, 15))))
            for _ in range(n)]


def _reference(texts, days, terms, k, lo=None, hi=None):
    """Exhaustive BM25 (FTS5's formula) of every row holding a term: [(row, score)] best first."""
    toks = [_tokens(t) for t in texts]
    n = len(toks)
    avgdl = sum(map(len, toks)) / n
    terms = list(dict.fromkeys(terms))
    df = {t: sum(1 for tk in toks if t in tk) for t in terms}
    out = []
    for r, tk in enumerate(toks):
        if lo is not None or hi is not None:
            # an undated row (-1) is in every window
            if days[r] >= 0 and ((lo is not None and days[r] < lo)
                                 or (hi is not None and days[r] > hi)):
                continue
        tf = Counter(tk)
        norm = 1.2 * (1 - 0.75 + 0.75 * len(tk) / avgdl)
        s, any_ = 0.0, False
        for t in terms:
            if tf.get(t):
                any_ = True
                idf = max(math.log((n - df[t] + 0.5) / (df[t] + 0.5)), 1e-6)
                s += idf * tf[t] * 2.2 / (tf[t] + norm)
        if any_:
            out.append((r, s))
    out.sort(key=lambda x: (-x[1], x[0]))
    return out[:k]


def _same(got, want):
    assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-5, abs=1e-6)
    if want:  # identical rows wherever the score is not tied with the cut
        cut = want[-1][1]
        assert {r for r, s in got if s > cut + 1e-4} == {r for r, s in want if s > cut + 1e-4}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_top_k_equals_exhaustive_bm25(seed):
    texts = _zipf_texts(1500, seed)
    rng = random.Random(seed)
    days = [rng.choice([-1, *range(738000, 738060)]) for _ in texts]
    index = PostingsIndex.build(((i + 1, d, t) for i, (t, d) in enumerate(zip(texts, days))),
                                _tokens)
    assert len(index) == 1500 and index.max_id == 1500
    for q in range(60):
        src = _tokens(texts[rng.randrange(len(texts))])
        terms = rng.sample(src, min(len(src), rng.randint(1, 8))) + [f"w{rng.randrange(300)}"]
        if q % 7 == 0:
            terms.append("neverseen")
        k = rng.choice([1, 5, 10, 50])
        lo, hi = (None, None) if q % 3 else (738010, 738030)
        if q % 5 == 0:
            lo = None  # only an upper bound
        got = [(sid - 1, s) for sid, s in index.search(terms, k, lo, hi)]
        _same(got, _reference(texts, days, terms, k, lo, hi))
    assert index.search(["neverseen"], 5) == []
    assert index.search(["w0"], 0) == []


def test_common_terms_are_looked_up_not_scanned():
    """A rare term's rows outscore what the common terms could add: the loop stops early and
    the common terms are only looked up for the live candidates, with the same result."""
    texts = [f"w0 w1 w2 filler{i % 50}" for i in range(3000)] + ["rareword w0 w1 w2"]
    index = PostingsIndex.build(((i + 1, -1, t) for i, t in enumerate(texts)), _tokens)
    terms = ["rareword", "w0", "w1", "w2"]
    got = index.search(terms, 1)
    assert got[0][0] == len(texts)
    assert index.last_scanned == 1  # only the rare term's posting; w0..w2 hold 3,001 rows each
    want = _reference(texts, [-1] * len(texts), terms, 1)
    assert got[0][1] == pytest.approx(want[0][1], rel=1e-6)
    assert len(index.search(terms, 10)) == 10  # deeper: the common terms are scanned too
    assert index.last_scanned > 3000


def _fill(store: SQLiteStore, texts: list[str], per_doc: int = 10) -> None:
    with store.batch():
        for d in range(0, len(texts), per_doc):
            sents = texts[d:d + per_doc]
            day = date.fromordinal(738000 + (d // per_doc) % 90).isoformat()
            store.add_document(DocRecord(text=" ".join(sents), url=f"u{d}", published=day),
                               [SentenceRecord(s) for s in sents], [], EMB.encode(sents))


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "c.db")
    yield s
    s.close()


def test_store_postings_agree_with_fts5_bm25(store, monkeypatch):
    texts = _zipf_texts(2000, 5)
    _fill(store, texts)
    rng = random.Random(3)
    lo, hi = date.fromordinal(738010).isoformat(), date.fromordinal(738035).isoformat()
    queries = [" ".join(rng.sample(_tokens(texts[i]), min(5, len(_tokens(texts[i])))))
               for i in rng.sample(range(len(texts)), 25)]
    monkeypatch.setenv("CLAIMMAP_CORPUS_TEXT_INDEX", "fts5")
    fts = [store.search_text(q, 20) for q in queries]
    fts_w = [store.search_text(q, 20, date_from=lo, date_to=hi) for q in queries]
    assert sum(map(len, fts_w)) > 200  # the window holds matches
    monkeypatch.setenv("CLAIMMAP_CORPUS_TEXT_INDEX", "postings")
    for q, a, aw in zip(queries, fts, fts_w):
        for got, want in ((store.search_text(q, 20), a),
                          (store.search_text(q, 20, date_from=lo, date_to=hi), aw)):
            _same([(h.sentence_id, h.score) for h in got], [(h.sentence_id, h.score) for h in want])
            assert all(h.url and h.text for h in got)
    windowed = store.search_text(queries[0], 50, date_from=lo, date_to=hi)
    assert windowed and all(lo <= h.published <= hi for h in windowed)
    assert store.search_text("neverseen", 5) == [] and store.search_text("", 5) == []
    monkeypatch.setenv("CLAIMMAP_CORPUS_TEXT_INDEX", "auto")  # small corpus: FTS5
    assert store._postings() is None


def test_postings_persist_and_follow_the_database(store, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMMAP_CORPUS_TEXT_INDEX", "postings")
    _fill(store, _zipf_texts(300, 1))
    first = store.search_text("w3 w40", 5)
    paths = PostingsIndex.paths(tmp_path / "c.db")
    assert all(p.exists() for p in paths.values())
    # a new store process loads the files instead of rebuilding
    monkeypatch.setattr(PostingsIndex, "build", classmethod(lambda *a, **k: pytest.fail("rebuilt")))
    again = SQLiteStore(tmp_path / "c.db")
    try:
        assert [h.sentence_id for h in again.search_text("w3 w40", 5)] == [
            h.sentence_id for h in first]
    finally:
        again.close()
    monkeypatch.undo()
    monkeypatch.setenv("CLAIMMAP_CORPUS_TEXT_INDEX", "postings")
    # an added document is found: the copy no longer matches and is rebuilt
    store.add_document(DocRecord(text="zebra crossing", url="late", published="2022-01-01"),
                       [SentenceRecord("zebra crossing w3")], [], EMB.encode(["zebra crossing w3"]))
    hit = store.search_text("zebra", 5)
    assert [h.url for h in hit] == ["late"]
    # files that do not describe the database (a crash between writes) are not used
    meta = paths["json"].read_text()
    paths["json"].write_text(meta.replace('"n": 301', '"n": 7'))
    assert PostingsIndex.load(tmp_path / "c.db", 301, hit[0].sentence_id) is None
    paths["json"].write_text(meta)
    assert PostingsIndex.load(tmp_path / "c.db", 301, hit[0].sentence_id) is not None
    np.save(paths["rows"], np.zeros(3, dtype=np.int32))
    assert PostingsIndex.load(tmp_path / "c.db", 301, hit[0].sentence_id) is None


def test_text_index_setting_is_checked(store, monkeypatch):
    _fill(store, _zipf_texts(20, 0))
    monkeypatch.setenv("CLAIMMAP_CORPUS_TEXT_INDEX", "lucene")
    with pytest.raises(ClaimmapError, match="CLAIMMAP_CORPUS_TEXT_INDEX"):
        store.search_text("w1", 5)


def test_idf_matches_fts5():
    assert postings.idf(10, 1) == pytest.approx(math.log(9.5 / 1.5))
    assert postings.idf(10, 9) == pytest.approx(1e-6)  # FTS5's floor for very common terms


def test_appending_to_a_prior_index_equals_building_it_whole():
    texts = _zipf_texts(900, 7)
    rows = [(i * 3 + 1, 738000 + i % 40, t) for i, t in enumerate(texts)]
    prior = PostingsIndex.build(iter(rows[:600]), _tokens)
    merged = PostingsIndex.build(iter(rows[600:] + [(10_000, -1, "brandnewterm w1")]), _tokens,
                                 prior=prior)
    whole = PostingsIndex.build(iter(rows + [(10_000, -1, "brandnewterm w1")]), _tokens)
    assert len(merged) == len(whole) == 901 and merged.max_id == 10_000
    assert merged.avgdl == pytest.approx(whole.avgdl)
    assert set(merged.terms) == set(whole.terms)
    for t, i in whole.terms.items():
        j = merged.terms[t]
        a, b = whole.ptr[i], whole.ptr[i + 1]
        c, d = merged.ptr[j], merged.ptr[j + 1]
        assert np.array_equal(whole.rows[a:b], merged.rows[c:d])
        assert np.allclose(whole.w[a:b], merged.w[c:d])  # re-weighted for the new lengths
        assert merged.max[j] == pytest.approx(whole.max[i])
    for name in ("ids", "days", "dl"):
        assert np.array_equal(getattr(whole, name), getattr(merged, name))
    assert merged.search(["brandnewterm"], 3) == [(10_000, pytest.approx(whole.search(
        ["brandnewterm"], 3)[0][1]))]
    with pytest.raises(ValueError):
        PostingsIndex.build(iter(rows[:5]), _tokens, prior=prior)  # not after the prior's ids


def test_store_merges_added_sentences_instead_of_rebuilding(store, tmp_path, monkeypatch):
    import claimmap.corpus.sqlite as sq

    monkeypatch.setenv("CLAIMMAP_CORPUS_TEXT_INDEX", "postings")
    _fill(store, _zipf_texts(400, 2))
    store.search_text("w1", 5)  # builds and persists the copy
    calls = []
    real = sq._tokens
    monkeypatch.setattr(sq, "_tokens", lambda text: calls.append(text) or real(text))
    late = ["harbour crane w2 w9", "quay crane w3"]
    _fill(store, late)
    store._postings()
    assert sorted(calls) == sorted(late)  # only the new sentences were tokenised
    got = store.search_text("crane w2", 10)
    assert got[0].text == late[0]
    monkeypatch.setattr(sq, "_tokens", real)
    merged = [(h.sentence_id, h.score) for h in store.search_text("crane w2 w9 w40", 30)]
    for p in PostingsIndex.paths(tmp_path / "c.db").values():
        p.unlink()
    store._post_cache = None
    rebuilt = [(h.sentence_id, h.score) for h in store.search_text("crane w2 w9 w40", 30)]
    _same(merged, rebuilt)
