import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_c6feb76e32d311d8.txt"


def data_dir() -> Path:
    raw = os.environ.get("CLAIMMAP_DATA", "../shared/data")
    p = Path(raw)
    return p if p.is_absolute() else (ROOT / p).resolve()


@pytest.fixture
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed article not present at {SEED} (it lives in ../shared, outside the repo)")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def shared_data() -> Path:
    d = data_dir()
    if not d.is_dir():
        pytest.skip(f"dataset directory {d} absent (set CLAIMMAP_DATA)")
    return d
