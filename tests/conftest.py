import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# the web app's analyses run in this process's threads during tests (tests patch functions
# in-process); tests/test_api_limits.py starts servers with worker processes explicitly
os.environ.setdefault("CLAIMMAP_API_ISOLATION", "thread")
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


@pytest.fixture(scope="session")
def spark():
    """One local Spark session (``local[2]``, no UI, 2 shuffle partitions) for the batch tests;
    skips with the reason when pyspark or Java is missing."""
    import shutil
    import sys

    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip("pyspark is not installed (pip install -r requirements.txt): Spark batch tests skipped")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        pytest.skip("Java is not installed (apt-get install openjdk-17-jre-headless): Spark batch tests skipped")
    mp = pytest.MonkeyPatch()
    mp.setenv("SPARK_LOCAL_IP", "127.0.0.1")
    mp.setenv("PYSPARK_PYTHON", sys.executable)
    mp.setenv("PYSPARK_DRIVER_PYTHON", sys.executable)
    from claimmap.batch.job import spark_session
    from claimmap.errors import ClaimmapError

    try:
        session = spark_session("local[2]", app_name="claimmap-tests", conf={
            "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2",
            "spark.default.parallelism": "2"})
    except ClaimmapError as exc:
        mp.undo()
        pytest.skip(f"Spark does not start here ({exc}): Spark batch tests skipped")
    yield session
    session.stop()
    mp.undo()
