"""Stance: the shipped artefact loads and predicts, the FNC-1 scorer matches the official
definition, ``claimmap eval stance`` works, and a floor on the competition test's first pairs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claimmap.errors import DataError
from claimmap.stance import fnc
from claimmap.stance.model import ARTEFACT
from claimmap.stance.select import select, sentences

DATA = Path(os.environ.get("CLAIMMAP_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")) / "fnc-1"
#: measured on the first 1,000 competition-test pairs with the shipped model (see BENCHMARKS.md)
FLOOR_RELATIVE, FLOOR_MACRO_F1, FLOOR_N = 88.5, 0.645, 1000  # measured 89.01 / 0.656 (the fully fine-tuned
# mixture model, abstaining below agree 0.65 / disagree 0.75: a low-confidence disagree is read as discuss, so
# FNC macro-F1 gives a little; whole competition test 86.97 / 0.668; top-2 model 89.46 / 0.675; FNC-only 88.9 / 0.706)


def test_official_scoring():
    gold = ["agree", "disagree", "discuss", "unrelated"]
    assert fnc.fnc_score(gold, gold) == 0.25 * 4 + 0.5 * 3 + 0.25 * 3
    # related but wrong label: 0.25; unrelated predicted for related: 0
    assert fnc.fnc_score(["agree"], ["discuss"]) == 0.25
    assert fnc.fnc_score(["agree"], ["unrelated"]) == 0.0
    assert fnc.fnc_score(["unrelated"], ["agree"]) == 0.0
    r = fnc.evaluate(gold, ["agree", "agree", "discuss", "unrelated"])
    assert r["fnc_score_relative"] == round(100 * (1.0 + 0.25 + 1.0 + 0.25) / 3.25, 2)
    assert r["per_class"]["disagree"]["f1"] == 0.0 and r["n"] == 4
    assert set(r) == {"fnc_score", "fnc_score_relative", "macro_f1", "per_class", "n"}


def test_evidence_selection_keeps_order_and_best_overlap():
    body = ("The weather was mild. Divers cut the cable near Haldby. Markets rose.\n"
            "The cable links Haldby to the mainland. Nobody was hurt.")
    assert sentences(body)[1] == "Divers cut the cable near Haldby."
    assert select("divers cut the Haldby cable", body, k=2) == (
        "Divers cut the cable near Haldby. The cable links Haldby to the mainland.")


def test_artefact_is_small_and_loads():
    assert ARTEFACT.exists() and ARTEFACT.stat().st_size <= 30 * 1024 * 1024
    pytest.importorskip("torch")
    from claimmap.stance import load_model

    m = load_model()
    assert m.labels == list(fnc.LABELS) and m.max_len == 128
    out = m.predict([
        ("Norland divers cut the undersea cable",
         "Norland navy divers cut the undersea power cable to Haldby on Monday night, engineers confirmed."),
        ("Norland divers cut the undersea cable",
         "The central bank kept interest rates unchanged on Thursday, citing slowing inflation."),
    ])
    assert [o["label"] for o in out] == ["agree", "unrelated"]
    assert abs(sum(out[0]["probs"].values()) - 1) < 1e-3
    # calibrated: the artefact carries its temperature and abstention thresholds
    assert m.temperature > 0 and set(m.abstain) == {"agree", "disagree"}
    assert all(0 < o["confidence"] <= 1 and o["abstained"] in (True, False) for o in out)


def test_abstention_never_yields_disagree(monkeypatch):
    pytest.importorskip("torch")
    from claimmap.stance import load_model

    m = load_model()
    monkeypatch.setenv("CLAIMMAP_STANCE_MIN_CONFIDENCE", "0.999")
    out = m.predict([("Norland divers cut the undersea cable", "Norland divers did not cut any cable, officials said."),
                     ("Norland divers cut the undersea cable", "Divers cut the undersea cable, engineers confirmed.")])
    assert all(o["label"] in ("discuss", "unrelated") for o in out)
    assert any(o["abstained"] for o in out)
    monkeypatch.setenv("CLAIMMAP_STANCE_MIN_CONFIDENCE", "high")
    with pytest.raises(Exception, match="not a number"):
        m.predict([("a b c", "a b c d")])


def test_bad_model_settings_fail_clearly(tmp_path):
    pytest.importorskip("torch")
    from claimmap.stance.model import StanceModel

    with pytest.raises(DataError, match="not found"):
        StanceModel(str(tmp_path / "nope.safetensors"))


def test_bad_fnc_files_fail_clearly(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="not an FNC-1 file"):
        fnc.read_stances(p)
    with pytest.raises(DataError, match="no such file"):
        fnc.read_bodies(tmp_path / "missing.csv")


def test_eval_stance_floor_on_competition_test():
    if not (DATA / "competition_test_stances.csv").exists():
        pytest.skip(f"FNC-1 data not present at {DATA} (it lives in ../shared/data)")
    pytest.importorskip("torch")
    from typer.testing import CliRunner

    from claimmap.cli import app

    res = CliRunner().invoke(app, ["eval", "stance", "--bodies", str(DATA / "competition_test_bodies.csv"),
                                   "--stances", str(DATA / "competition_test_stances.csv"),
                                   "--limit", str(FLOOR_N)])
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)
    assert r["n"] == FLOOR_N
    assert r["fnc_score_relative"] >= FLOOR_RELATIVE and r["macro_f1"] >= FLOOR_MACRO_F1, r
