"""Accuracy floors, pinned at the measured figures (BENCHMARKS.md) so they can only go up.

Each runs the real evaluation over ../shared/data (CLAIMMAP_DATA) and skips where it is absent.
Raise a floor when a change improves the figure; never lower one to make a change pass.
"""

import pytest

FLOORS = {
    "extraction_f1": 0.96,          # measured 0.964 (target 0.95; trafilatura alone 0.960)
    "comment_zones_f1": 0.78,       # measured 0.791
    "comment_zones_precision": 0.98,  # measured 0.991
    "attribution_overlap": {"source": 0.78, "cue": 0.768, "content": 0.778},  # measured 0.783/0.772/0.782
    "attribution_exact": {"source": 0.74, "cue": 0.68, "content": 0.558},    # measured 0.744/0.684/0.562
    # In-sample (the shipped model was trained on these debates): this guards the inference path
    # (features, artefact loading), not generalisation; the held-out figure is the leave-one-
    # debate-out CV in bench/bench_checkworthiness.py (MAP 0.255, too slow for CI).
    "checkworthiness_in_sample_map": 0.49,  # measured 0.504
    # the statement audit set (trusted statements, all 59 pages; issue 15's targets 0.85 / 0.70 /
    # 0.90 / no wrong side), measured 0.896 / 0.775 / 0.924 / 0 at 61c3134
    "audit": {"precision": 0.88, "recall": 0.76, "speaker_accuracy": 0.91, "wrong_sides": 0},
}


def test_extraction_floor(shared_data):
    from claimmap.evaluate.extraction import evaluate_extraction

    path = shared_data / "article-extraction-benchmark"
    if not path.is_dir():
        pytest.skip(f"{path} absent")
    res = evaluate_extraction(path)
    assert res["n"] == 181
    assert res["f1"] >= FLOORS["extraction_f1"], res


def test_comment_zone_floor(shared_data):
    from claimmap.evaluate.extraction import evaluate_comment_zones

    path = shared_data / "trafilatura-eval"
    if not path.is_dir():
        pytest.skip(f"{path} absent")
    res = evaluate_comment_zones(path)
    assert res["f1"] >= FLOORS["comment_zones_f1"], res
    assert res["precision"] >= FLOORS["comment_zones_precision"], res


def test_attribution_floor(shared_data):
    from claimmap.evaluate.attribution import evaluate_attribution

    path = shared_data / "polnear" / "data" / "dev"
    if not path.is_dir():
        pytest.skip(f"{path} absent")
    res = evaluate_attribution(str(path))
    assert res["n_docs"] == 84
    for level in ("overlap", "exact"):
        for part, floor in FLOORS[f"attribution_{level}"].items():
            assert res[level][part]["f1"] >= floor, (level, part, res[level][part])


def test_checkworthiness_inference_floor(shared_data):
    from claimmap.evaluate.checkworthiness import evaluate_checkworthiness

    path = shared_data / "clef2019-checkthat-task1" / "training"
    if not path.is_dir():
        pytest.skip(f"{path} absent")
    res = evaluate_checkworthiness(path)
    assert res["n_debates"] == 19
    assert res["map"] >= FLOORS["checkworthiness_in_sample_map"], res


def test_statement_audit_floor(shared_data):
    from claimmap.evaluate.statements import evaluate_statements

    path = shared_data / "article-extraction-benchmark"
    if not path.is_dir():
        pytest.skip(f"{path} absent")
    res = evaluate_statements(path)
    assert res["pages"] == 59 and not res["drifted_pages"], res["drifted_pages"]
    floor = FLOORS["audit"]
    assert res["precision"] >= floor["precision"] and res["recall"] >= floor["recall"], res
    assert res["speaker_accuracy"] >= floor["speaker_accuracy"], res
    assert res["wrong_sides"] <= floor["wrong_sides"], res["wrong_side_cases"]
