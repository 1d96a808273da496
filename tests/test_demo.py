"""`claimmap demo` (what `bash scripts/demo.sh` runs) shows the main idea: the example is
corroborated against the shipped coverage corpus (written by us, fictional), and the terminal
and the HTML show copy_of, both verdict levels and the evidence."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from claimmap.cli import main

    out = tmp_path_factory.mktemp("demo")
    html = out / "demo.html"
    capture = pytest.MonkeyPatch()
    import io
    import sys

    buf = io.StringIO()
    capture.setattr(sys, "stdout", buf)
    try:
        with pytest.raises(SystemExit) as exc:
            main(["demo", "-o", str(html), "--db", str(out / "coverage.db")])
    finally:
        capture.undo()
    assert exc.value.code == 0
    return buf.getvalue(), html.read_text("utf-8"), out / "coverage.db"


def test_coverage_corpus_is_ours_and_complete():
    from claimmap.demo import coverage_dir

    docs = [json.loads(line) for line in (coverage_dir() / "coverage.jsonl").open(encoding="utf-8")]
    assert [d["id"] for d in docs] == ["ows-original", "digest-copy", "observer-report", "herald-denial", "truth-relay"]
    assert all(d["url"].split("/")[2].endswith(".example") for d in docs)   # fictional outlets only
    assert "fictional" in (coverage_dir() / "README.md").read_text("utf-8")


def test_terminal_shows_copy_of_verdicts_and_evidence(demo_run):
    text, _, _ = demo_run
    flat = " ".join(text.split())
    assert "copy of https://osterwire.example/2026/03/10/velmark-norland-cable (Oster Wire Service)" in flat
    assert "Corroboration (" in flat and "said: corroborated" in flat
    assert "so: contradicted" in flat or "so: disputed" in flat
    assert "so: corroborated" in flat
    assert "Norland Herald disagrees" in flat and "independent of the claimant: counts for so" in flat
    assert "independent of the speaker's side: counts for said" in flat


def test_html_shows_copy_of_verdicts_and_evidence(demo_run):
    _, html, _ = demo_run
    assert "osterwire.example/2026/03/10/velmark-norland-cable" in html
    assert "said" in html and "corroborated" in html and ("contradicted" in html or "disputed" in html)
    assert "norlandherald.example" in html and "Norland Herald" in html


def test_demo_store_is_reused(demo_run):
    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.demo import build_coverage

    _, _, db = demo_run
    build_coverage(db)   # idempotent: nothing new
    store = SQLiteStore(db)
    try:
        assert store.stats()["documents"] == 5
    finally:
        store.close()
