"""Issue 14 items 5 (dates: inferred from the page; undated documents in every window) and 10
(non-English coverage stored with its language, split by rule, counted when not assessed).

All texts are fictional, written for these tests.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from claimmap.corpus.dates import date_from_text, date_from_url, infer_date
from claimmap.corpus.embed import HashingEmbedder
from claimmap.corpus.multilingual import assessable, not_assessed, split_sentences
from claimmap.corpus.sqlite import SQLiteStore
from claimmap.corpus.store import DocRecord, SentenceRecord, StoredDocument
from claimmap.corroborate.retrieve import count_undated, retrieve

TODAY = date(2026, 12, 3)
EMB = HashingEmbedder(64)


# -- item 5: reading a date off the page ---------------------------------------------------------

@pytest.mark.parametrize("url, day", [
    ("https://news.example/world/2026/02/25/port-fire", "2026-02-25"),
    ("https://news.example/world/2026-02-25-port-fire.html", "2026-02-25"),
    ("https://news.example/a/port-fire-20260225/", "2026-02-25"),
    ("https://news.example/story/12345678", None),          # not a date
    ("https://news.example/2026/02/port-fire", None),       # no day
    ("https://news.example/2026/02/30/x", None),            # no such day
    ("https://news.example/2027/02/25/x", None),            # in the future
    (None, None),
])
def test_date_from_url(url, day):
    assert date_from_url(url, TODAY) == day


@pytest.mark.parametrize("text, day, how", [
    ("Published: 25.02.2026 14:30\nThe harbour master said the fire was out.", "2026-02-25", "cue"),
    ("By Ilona Petrenko | Feb. 25, 2026\n\nThe harbour master said the fire was out.",
     "2026-02-25", "date_line"),
    ("OSTROVETS, 25 February 2026 (Harbour Wire) - The fire was out by noon.", "2026-02-25",
     "dateline"),
    ("Опубликовано 25 февраля 2026 г.\nПожар в порту потушен.", "2026-02-25", "cue"),
    ("25. Februar 2026, 14:30 Uhr\nDer Brand im Hafen ist gelöscht.", "2026-02-25", "date_line"),
    ("Updated 23/04/2026\nThe terminal reopened.", "2026-04-23", "cue"),
    ("Updated 03/04/2026\nThe terminal reopened.", None, None),  # day and month ambiguous
    # a date inside a sentence of the story is the date of an event, not of the page
    ("On 24 February 2026 the terminal burned for six hours, the harbour master said in a "
     "statement to the town council on Tuesday.", None, None),
    ("Posted 25.02.2031\nA date in the future is refused.", None, None),
    ("No date here at all, only a story about a fire in the harbour.", None, None),
])
def test_date_from_text(text, day, how):
    got = date_from_text(text, TODAY)
    assert (got.day if got else None) == day
    assert (got.how if got else None) == how


def test_url_date_comes_first():
    got = infer_date("Published: 01.03.2026\nText.", "https://n.example/2026/02/25/x", TODAY)
    assert got.day == "2026-02-25" and got.how == "url"


def test_analysed_article_gets_the_page_date():
    from claimmap.pipeline import analyze_text

    text = ("Harbour fire put out in Ostrovets\n\nPublished: 25.02.2026\n\n"
            "The harbour master of Ostrovets said on Tuesday that the fire at the grain terminal "
            "had been put out after six hours. Nobody was hurt, the town council said.")
    assert analyze_text(text, framing=False).document.published == "2026-02-25"
    undated = text.replace("Published: 25.02.2026\n\n", "")
    assert analyze_text(undated, framing=False).document.published is None


# -- item 5: undated documents are candidates in every window, on every search path --------------

def _fill(store, n_docs=120, per_doc=6, undated_every=3):
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(400)]
    undated = set()
    with store.batch():
        for d in range(n_docs):
            sents = [" ".join(rng.choice(words, 8)) + " harbour fire" for _ in range(per_doc)]
            day = None if d % undated_every == 0 else date.fromordinal(739000 + d % 60).isoformat()
            doc_id, _ = store.add_document(DocRecord(text=" ".join(sents), url=f"u{d}", published=day),
                                           [SentenceRecord(s) for s in sents], [], EMB.encode(sents))
            if day is None:
                undated.add(doc_id)
    return undated


@pytest.mark.parametrize("text_mode, vector_mode", [("fts5", "exact"), ("postings", "int8")])
def test_every_search_path_keeps_undated_documents_in_windows(tmp_path, monkeypatch, text_mode,
                                                               vector_mode):
    from claimmap.corpus import ann

    if vector_mode == "int8" and not ann.available():
        pytest.skip("numkong is not installed (int8 vector index)")
    monkeypatch.setenv("CLAIMMAP_CORPUS_TEXT_INDEX", text_mode)
    monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", vector_mode)
    with SQLiteStore(tmp_path / "c.db") as store:
        undated = _fill(store)
        lo = date.fromordinal(739010).isoformat()
        hi = date.fromordinal(739015).isoformat()
        q = "harbour fire w1 w2 w3"
        v = EMB.encode([q])[0]
        for hits in (store.search_text(q, 400, lo, hi), store.search_vector(v, 400, lo, hi),
                     store.hybrid(q, v, 400, lo, hi)):
            docs = {h.document_id for h in hits}
            assert docs & undated, "undated documents must stay candidates"
            assert all(h.published is None or lo <= h.published <= hi for h in hits)
            assert any(h.published is not None for h in hits)
        only_before = store.search_text(q, 400, date_to=date.fromordinal(738000).isoformat())
        assert only_before and all(h.published is None for h in only_before)


def test_candidates_are_flagged_undated_and_counted(tmp_path):
    with SQLiteStore(tmp_path / "c.db") as store:
        a, _ = store.add_document(DocRecord(text="The quay fire was put out.", published="2026-02-25"),
                                  [SentenceRecord("The quay fire was put out.")], [])
        b, _ = store.add_document(DocRecord(text="The quay fire was put out quickly."),
                                  [SentenceRecord("The quay fire was put out quickly.")], [])
        cands = retrieve(store, "quay fire", None, date_from="2026-02-20", date_to="2026-02-28")
        flags = {c.doc_id: c.undated for c in cands}
        assert flags == {a: False, b: True}
        assert count_undated(cands) == 1 and count_undated([cands, cands]) == 1


# -- item 10: non-English coverage ---------------------------------------------------------------

def test_rule_based_splitter():
    text = ("Der Minister sagte am 25. Februar 2026, der Hafen bleibe zu. Dr. Petrenko widersprach "
            "z.B. heftig! Ist das wahr? Ja.\n\nNeuer Absatz ohne Punkt\nПрезидент заявил в 2026 г. "
            "о переговорах. «Мы готовы», — сказал он.")
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == ["Der Minister sagte am 25. Februar 2026, der Hafen bleibe zu.",
                   "Dr. Petrenko widersprach z.B. heftig!", "Ist das wahr?", "Ja.",
                   "Neuer Absatz ohne Punkt\nПрезидент заявил в 2026 г. о переговорах.",
                   "«Мы готовы», — сказал он."]


GERMAN = """Brand im Hafen von Ostrovets gelöscht

Veröffentlicht: 25.02.2026

Die Hafenbehörde von Ostrovets teilte am Dienstag mit, dass der Brand am nördlichen \
Getreideterminal nach sechs Stunden gelöscht worden sei. Verletzt wurde niemand.

Hafenmeisterin Ilona Petrenko sagte, die Ursache werde noch untersucht. Das Terminal bleibe \
mindestens bis Freitag geschlossen, vier Lastkähne seien zum Südkai verlegt worden.

Die regionale Verteidigungsbehörde erklärte, dem Brand sei ein Luftangriff vorausgegangen. \
Zwei Raketen seien vor Sonnenaufgang über der Bucht abgeschossen worden.
"""


def test_corpus_add_keeps_a_german_article(tmp_path, capsys):
    from claimmap.cli import main

    src = tmp_path / "hafen.txt"
    src.write_text(GERMAN, "utf-8")
    db = tmp_path / "c.db"
    with pytest.raises(SystemExit) as exc:
        main(["corpus", "add", str(src), "--db", str(db), "--no-embed"])
    assert exc.value.code == 0, capsys.readouterr()
    with SQLiteStore(db) as store:
        assert store.stats()["documents"] == 1
        doc = store.get_document(1)
        assert doc.language == "de" and doc.statements == []
        assert doc.published == "2026-02-25"   # read off the page
        assert len(doc.sentences) >= 6
        assert all(doc.text[s.start:s.end] == s.text or s.text in doc.text for s in doc.sentences)
        hit = store.search_text("Getreideterminal gelöscht", 3)[0]
        assert hit.document_id == 1


def test_not_assessed_counts_documents_by_language(monkeypatch):
    docs = [StoredDocument(i, "h", "t", None, None, None, None, None, None, language=lang)
            for i, lang in enumerate(["en", "de", "de", "ru", None])]
    monkeypatch.delenv("CLAIMMAP_MODEL_LANGUAGES", raising=False)
    got = not_assessed(docs)
    assert got["documents"] == 3 and got["languages"] == {"de": 2, "ru": 1}
    assert "CLAIMMAP_MODEL_LANGUAGES" in got["reason"]
    assert not assessable("de") and assessable("en") and assessable(None)
    monkeypatch.setenv("CLAIMMAP_MODEL_LANGUAGES", "*")
    assert not_assessed(docs) == {"documents": 0, "languages": {}, "reason": None}
    assert assessable("de")
    offline = not_assessed(docs, models_offline="no network")
    assert offline["documents"] == 3 and "no network" in offline["reason"]
    monkeypatch.setenv("CLAIMMAP_MODEL_LANGUAGES", "en,de")
    assert not_assessed(docs)["languages"] == {"ru": 1}
    monkeypatch.setenv("CLAIMMAP_MODEL_LANGUAGES", "english!")
    from claimmap.errors import ClaimmapError

    with pytest.raises(ClaimmapError, match="CLAIMMAP_MODEL_LANGUAGES"):
        not_assessed(docs)


def test_wide_window_int8_scan_agrees_with_exact(tmp_path, monkeypatch):
    """Undated rows are in every window: on the int8 path they are one contiguous block
    scanned whole beside the window's dated rows, and a window whose dated rows alone are wide
    is a mask over the full scan; both give exact search's top k."""
    from claimmap.corpus import ann, sqlite

    if not ann.available():
        pytest.skip("numkong is not installed (int8 vector index)")
    monkeypatch.setattr(sqlite, "RERANK", 8)
    with SQLiteStore(tmp_path / "c.db") as store:
        _fill(store)
        lo, hi = date.fromordinal(739010).isoformat(), date.fromordinal(739015).isoformat()
        for q in ("harbour fire w1 w2 w3", "w7 w9 w11 harbour", "w100 w200 fire"):
            v = EMB.encode([q])[0]
            monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "exact")
            want = [h.sentence_id for h in store.search_vector(v, 5, lo, hi)]
            monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "int8")
            prep = store._vector_prepare(v, lo, hi)
            # the undated rows are a contiguous block scanned whole, the dated window's rows
            # gathered; a window whose dated rows alone are wide is a mask over the full scan
            assert isinstance(prep[5], sqlite._SplitWindow)
            assert len(prep[5].block.rows) > 4 * sqlite.RERANK
            assert store._start_scan(prep, 5) is None
            got = [h.sentence_id for h in store.search_vector(v, 5, lo, hi)]
            assert len(set(got) & set(want)) >= 4
            wide = store._vector_prepare(v, "2020-01-01", "2030-01-01")
            assert isinstance(wide[5], sqlite._WideWindow)
            assert store._start_scan(wide, 5) is not None
            monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "exact")
            want_wide = [h.sentence_id for h in store.search_vector(v, 5, "2020-01-01", "2030-01-01")]
            monkeypatch.setenv("CLAIMMAP_CORPUS_VECTOR_INDEX", "int8")
            got = [h.sentence_id for h in store.search_vector(v, 5, "2020-01-01", "2030-01-01")]
            assert len(set(got) & set(want_wide)) >= 4
            hy = store.hybrid(q, v, 5, lo, hi)
            assert hy and all(h.published is None or lo <= h.published <= hi for h in hy)


def test_candidates_carry_language_and_split_by_model_languages(tmp_path, monkeypatch):
    from claimmap.corroborate.retrieve import split_assessable

    with SQLiteStore(tmp_path / "c.db") as store:
        en, _ = store.add_document(DocRecord(text="The Ostrovets quay burned.", language="en"),
                                   [SentenceRecord("The Ostrovets quay burned.")], [])
        de, _ = store.add_document(DocRecord(text="Der Ostrovets Kai brannte.", language="de"),
                                   [SentenceRecord("Der Ostrovets Kai brannte.")], [])
        cands = retrieve(store, "Ostrovets", None)
        assert {c.doc_id: c.language for c in cands} == {en: "en", de: "de"}
        monkeypatch.delenv("CLAIMMAP_MODEL_LANGUAGES", raising=False)
        keep, left = split_assessable(cands)
        assert [c.doc_id for c in keep] == [en] and [c.doc_id for c in left] == [de]
        assert not_assessed([store.get_document(c.doc_id) for c in left])["documents"] == 1
        monkeypatch.setenv("CLAIMMAP_MODEL_LANGUAGES", "*")
        keep, left = split_assessable(cands)
        assert len(keep) == 2 and left == []


def test_run_summary_counts_undated_and_unassessed(tmp_path, monkeypatch):
    from claimmap.corroborate.retrieve import run_summary

    monkeypatch.delenv("CLAIMMAP_MODEL_LANGUAGES", raising=False)
    with SQLiteStore(tmp_path / "c.db") as store:
        for text, lang, day in (("The Ostrovets quay burned.", "en", "2026-02-25"),
                                ("Der Ostrovets Kai brannte.", "de", None),
                                ("Ostrovets: пожар в порту.", "ru", "2026-02-24")):
            store.add_document(DocRecord(text=text, language=lang, published=day),
                               [SentenceRecord(text)], [])
        found = {"c1": retrieve(store, "Ostrovets", None), "c2": retrieve(store, "Ostrovets", None)}
        got = run_summary(found)
        assert got["undated_documents"] == 1
        assert got["not_assessed"]["documents"] == 2
        assert got["not_assessed"]["languages"] == {"de": 1, "ru": 1}
        off = run_summary(found.values(), models_offline="no network")
        assert "no network" in off["not_assessed"]["reason"]


def test_undated_documents_take_at_most_half_of_a_windowed_claims_candidates(tmp_path):
    with SQLiteStore(tmp_path / "c.db") as store:
        for i in range(12):  # undated pages that match the query best
            t = f"Ostrovets harbour fire quay terminal report number {i}."
            store.add_document(DocRecord(text=t), [SentenceRecord(t)], [])
        for i in range(12):
            t = f"Ostrovets harbour fire, dated note {i}."
            store.add_document(DocRecord(text=t, published="2026-02-25"), [SentenceRecord(t)], [])
        got = retrieve(store, "Ostrovets harbour fire quay terminal report", None, k=8,
                       date_from="2026-02-20", date_to="2026-02-28")
        assert len(got) == 8 and sum(c.undated for c in got) == 4
        assert [c.score for c in got] == sorted((c.score for c in got), reverse=True)
        # no dated hits left: the undated fill the k
        only = retrieve(store, "quay terminal report", None, k=8, date_from="2026-02-20",
                        date_to="2026-02-28")
        assert len(only) == 8 and all(c.undated for c in only)
        # no window: no cap
        assert sum(c.undated for c in retrieve(store, "Ostrovets harbour fire quay terminal report",
                                               None, k=8)) == 8
