"""train_techniques.split_ids: the random split is unchanged; the id split holds out the newest
(highest-id) articles; --override merges into VARIANTS."""

import importlib.util
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def T():
    if "train_techniques" in sys.modules:  # bench/bench_techniques.py registers it the same way
        return sys.modules["train_techniques"]
    spec = importlib.util.spec_from_file_location("train_techniques", ROOT / "train" / "train_techniques.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["train_techniques"] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


IDS = ["111111111", "111111122", "694327373", "701837665", "730268758", "765385479", "771254016",
       "783702663", "795703371", "999000124", "999001970"]


def test_random_split_unchanged(T):
    train, held = T.split_ids(IDS)
    ids = sorted(IDS)
    assert held == sorted(random.Random(0).sample(ids, round(len(ids) * 0.2)))  # the original recipe
    assert sorted(train + held) == ids and not set(train) & set(held)


def test_id_split_holds_the_newest(T):
    train, held = T.split_ids(IDS, by="id")
    assert held == ["999000124", "999001970"]  # round(11 * 0.2) = 2 highest ids
    assert "111111111" in train and len(train) == 9
    train, held = T.split_ids(IDS, frac=0.4, by="id")
    assert held == ["783702663", "795703371", "999000124", "999001970"]  # round(4.4)
    # numeric order, not string order
    assert T.split_ids(["99", "100", "7"], frac=0.34, by="id")[1] == ["100"]
    with pytest.raises(ValueError):
        T.split_ids(IDS, by="date")


def test_override_merges(T):
    v = T.merge(T.VARIANTS, {"fast": {"tc": {"hidden": 64}, "decode": {"tau": 0.5}}})
    assert v["fast"]["tc"]["hidden"] == 64 and v["fast"]["tc"]["kind"] == "mlp" and v["fast"]["decode"]["gap"] == 4
    assert v["fast"]["decode"]["tau"] == 0.5 and v["full"] == T.VARIANTS["full"]
    assert T.VARIANTS["fast"]["tc"]["hidden"] == 256 and T.VARIANTS["fast"]["decode"]["tau"] != 0.5  # not mutated
