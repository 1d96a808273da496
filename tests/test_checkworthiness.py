"""Check-worthiness: the shipped artefact, the scoring API and the CLEF-2019 evaluation.

The leave-one-debate-out cross-validation over ../shared/data lives in
bench/bench_checkworthiness.py (too slow for the suite)."""

from __future__ import annotations

import math

import pytest

from claimmap import checkworthiness as cw
from claimmap.checkworthiness import features as F
from claimmap.errors import DataError
from claimmap.evaluate.checkworthiness import (
    average_precision,
    evaluate_checkworthiness,
    precision_at,
    r_precision,
)
from claimmap.model import (
    Cue,
    Document,
    Report,
    Sentence,
    Span,
    Speaker,
    Statement,
    Zone,
)

CLAIM = "Unemployment fell to 3.5 percent last year, the lowest since 1969."
GREETING = "Good evening and welcome."
OPINION = "I think we can do better."


def test_artefact_is_small_and_loads():
    assert cw.MODEL_PATH.is_file()
    assert cw.MODEL_PATH.stat().st_size < 5 * 1024 * 1024
    from claimmap.checkworthiness.linear import LinearCheckworthiness

    m = LinearCheckworthiness.load(cw.MODEL_PATH)
    assert m.meta["dense_names"] == list(F.DENSE_NAMES)


def test_scores_are_probabilities():
    scores = cw.score_sentences([CLAIM, GREETING, OPINION, "", "?"])
    assert len(scores) == 5
    assert all(isinstance(s, float) and 0.0 <= s <= 1.0 and not math.isnan(s) for s in scores)
    assert cw.score_sentences([]) == []


def test_factual_claim_outranks_greeting_and_opinion():
    claim, greeting, opinion = cw.score_sentences([CLAIM, GREETING, OPINION])
    assert claim > greeting
    assert claim > opinion
    assert claim > 0.5 > max(greeting, opinion)


def test_claim_outranks_in_context_and_with_speakers():
    texts = [GREETING, CLAIM, OPINION]
    ctx = [(None, CLAIM), (GREETING, OPINION), (CLAIM, None)]
    s = cw.score_sentences(texts, contexts=ctx, speakers=["HOLT", "TRUMP", None])
    assert s[1] > s[0] and s[1] > s[2]
    d = cw.score_document(texts, speakers=["HOLT", "TRUMP", "TRUMP"])
    assert d[1] > d[0] and d[1] > d[2]
    d2 = cw.score_document(texts)
    assert d2[1] > d2[0] and d2[1] > d2[2]


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError):
        cw.score_sentences([CLAIM, OPINION], contexts=[(None, None)])
    with pytest.raises(ValueError):
        cw.score_sentences([CLAIM], speakers=["A", "B"])


def test_missing_artefact_is_a_data_error(tmp_path):
    with pytest.raises(DataError):
        cw.LinearScorer(tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataError):
        cw.LinearScorer(bad)


def test_features_are_deterministic():
    a = F.text_ngrams(CLAIM)
    assert a == F.text_ngrams(CLAIM)
    assert all(0 <= k < (1 << F.TEXT_BITS) for k in a)
    items = F.items_from_sequence(["Q?", "A one.", "A two.", "Q2?"], ["MOD", "CAND", "CAND", "MOD"])
    assert (items[1].turn_len, items[1].turn_idx, items[2].turn_idx) == (2, 0, 1)
    assert items[1].prev_other_question is True and items[2].prev_other_question is False
    assert items[0].spk_qratio == 1.0 and items[1].spk_qratio == 0.0
    assert items[0].prev == "" and items[1].prev == "Q?" and items[3].next == ""


class _Fixed:
    def __init__(self, value):
        self.value = value
        self.calls = 0

    def score_items(self, items):
        self.calls += 1
        return [self.value + 0.01 * len(it.text) for it in items]


def test_scorer_is_pluggable():
    fake = _Fixed(0.1)
    cw.set_scorer(fake)
    try:
        assert cw.score_sentences(["ab", "abcd"]) == pytest.approx([0.12, 0.14])
        assert fake.calls == 1
    finally:
        cw.set_scorer(None)
    assert isinstance(cw.get_scorer(), cw.LinearScorer)


def _report() -> Report:
    body = f"{GREETING} {CLAIM} {OPINION}"
    header = "Jobs report"
    text = header + "\n\n" + body
    b0 = len(header) + 2
    s1 = (b0, b0 + len(GREETING))
    s2 = (s1[1] + 1, s1[1] + 1 + len(CLAIM))
    s3 = (s2[1] + 1, s2[1] + 1 + len(OPINION))
    assert text[s2[0]:s2[1]] == CLAIM and text[s3[0]:s3[1]] == OPINION
    zones = [Zone("z0", "header", 0, len(header)), Zone("z1", "body", b0, len(text))]
    sentences = [Sentence(0, len(header), "z0")] + [Sentence(a, b, "z1") for a, b in (s1, s2, s3)]
    c0 = s2[0]
    st = Statement(
        id="s1", zone="z1",
        speaker=Speaker("the minister", c0, c0, "Jane Doe", None),
        cue=Cue("said", c0, c0, "say"),
        content=Span(CLAIM, s2[0], s2[1]), kind="narrated", polarity="assert",
        sentence=Span(CLAIM, s2[0], s2[1]),
    )
    st2 = Statement(id="s2", zone="z1", speaker=None, cue=None, content=Span(OPINION, s3[0], s3[1]),
                    kind="narrated", polarity="assert", sentence=Span(OPINION, s3[0], s3[1]))
    return Report(document=Document(text=text), zones=zones, sentences=sentences,
                  statements=[st, st2], disputes=[])


def test_score_report_covers_body_sentences_and_statements():
    rep = _report()
    out = cw.score_report(rep)
    assert [s["zone"] for s in out["sentences"]] == ["z1", "z1", "z1"]  # header left out
    by_text = {rep.document.text[s["start"]:s["end"]]: s["checkworthiness"] for s in out["sentences"]}
    assert by_text[CLAIM] > by_text[GREETING] and by_text[CLAIM] > by_text[OPINION]
    assert set(out["statements"]) == {"s1", "s2"}
    assert out["statements"]["s1"] > out["statements"]["s2"]
    assert all(0.0 <= v <= 1.0 for v in out["statements"].values())


# ------------------------------------------------------------------------------------ evaluation
def _write_debate(path, rows):
    path.write_text("".join(f"{i}\t{spk}\t{t}\t{y}\n" for i, (spk, t, y) in enumerate(rows, 1)), encoding="utf-8")


def test_metrics_by_hand():
    labels, scores = [1, 0, 0, 1, 0], [0.9, 0.8, 0.1, 0.7, 0.2]
    assert average_precision(labels, scores) == pytest.approx((1 / 1 + 2 / 3) / 2)
    assert r_precision(labels, scores) == pytest.approx(0.5)
    assert precision_at(labels, scores, 5) == pytest.approx(0.4)
    # ties keep file order (stable sort, as the official scorer)
    assert average_precision([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    assert average_precision([0, 0], [0.5, 0.1]) == 0.0


def test_evaluate_synthetic_clef_dir(tmp_path):
    _write_debate(tmp_path / "a.tsv", [("MOD", "t1", 1), ("MOD", "t2", 0), ("X", "t3", 0), ("X", "t4", 1), ("X", "t5", 0)])
    _write_debate(tmp_path / "b.tsv", [("Y", "u1", 0), ("Y", "u2", 0), ("Y", "u3", 1)])
    (tmp_path / "notes.txt").write_text("ignored")
    table = {"t1": 0.9, "t2": 0.8, "t3": 0.1, "t4": 0.7, "t5": 0.2, "u1": 0.5, "u2": 0.4, "u3": 0.3}
    seen = []

    def scorer(texts, speakers):
        seen.append(list(speakers))
        return [table[t] for t in texts]

    res = evaluate_checkworthiness(tmp_path, scorer=scorer)
    ap_a, ap_b = (1 + 2 / 3) / 2, 1 / 3
    assert res["n_debates"] == 2
    assert res["map"] == pytest.approx((ap_a + ap_b) / 2)
    assert res["r_precision"] == pytest.approx((0.5 + 0.0) / 2)
    assert res["p_at_5"] == pytest.approx((2 / 5 + 1 / 5) / 2)
    assert res["per_debate"]["a"]["ap"] == pytest.approx(ap_a)
    assert seen[0] == ["MOD", "MOD", "X", "X", "X"]


def test_evaluate_with_shipped_model(tmp_path):
    _write_debate(tmp_path / "d.tsv", [("HOST", GREETING, 0), ("CAND", OPINION, 0), ("CAND", CLAIM, 1)])
    res = evaluate_checkworthiness(tmp_path)
    assert res["n_debates"] == 1
    assert res["map"] == pytest.approx(1.0)


def test_evaluate_bad_dirs(tmp_path):
    with pytest.raises(DataError):
        evaluate_checkworthiness(tmp_path / "missing")
    with pytest.raises(DataError):
        evaluate_checkworthiness(tmp_path)  # no tsv
    (tmp_path / "x.tsv").write_text("1\tA\ttext\n")
    with pytest.raises(DataError):
        evaluate_checkworthiness(tmp_path)


# ------------------------------------------------------------------------------------ settings
def test_setting_picks_the_scorer(monkeypatch, tmp_path):
    assert isinstance(cw.scorer_from_setting(""), cw.LinearScorer)
    assert isinstance(cw.scorer_from_setting(str(cw.MODEL_PATH)), cw.LinearScorer)
    with pytest.raises(DataError):
        cw.scorer_from_setting(str(tmp_path / "missing.npz"))
    monkeypatch.setenv("CLAIMMAP_CHECKWORTHINESS_MODEL", str(tmp_path / "missing.npz"))
    cw.set_scorer(None)
    try:
        with pytest.raises(DataError):
            cw.score_sentences([CLAIM])
    finally:
        monkeypatch.delenv("CLAIMMAP_CHECKWORTHINESS_MODEL")
        cw.set_scorer(None)


def test_hf_scorer_wiring(monkeypatch):
    import sys
    import types

    calls = {}

    def pipeline(task, model, top_k):
        calls["args"] = (task, model, top_k)

        def run(texts, truncation):
            return [[{"label": "OTHER", "score": 0.2}, {"label": "CW", "score": 0.8}] if "percent" in t
                    else [{"label": "OTHER", "score": 0.9}, {"label": "CW", "score": 0.1}] for t in texts]
        return run

    monkeypatch.setitem(sys.modules, "transformers", types.SimpleNamespace(pipeline=pipeline))
    sc = cw.scorer_from_setting("hf:someone/claim-model#cw")
    assert calls["args"] == ("text-classification", "someone/claim-model", None)
    cw.set_scorer(sc)
    try:
        assert cw.score_sentences([CLAIM, OPINION]) == pytest.approx([0.8, 0.1])
    finally:
        cw.set_scorer(None)
    with pytest.raises(DataError):
        cw.scorer_from_setting("hf:someone/claim-model").score_items([F.Item(CLAIM)])  # no known label


def test_hf_scorer_without_transformers(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(DataError):
        cw.scorer_from_setting("hf:x")
