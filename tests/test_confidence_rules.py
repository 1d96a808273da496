"""Statements that are never usable whatever the confidence model says (confidence 0).
Invented sentences."""

from __future__ import annotations

import pytest

from claimmap.model import Document, Zone
from claimmap.statements import confidence, extract

pytestmark = pytest.mark.skipif(confidence.load() is None, reason="no statement confidence model shipped")


def run(text: str):
    return extract(Document(text=text), [Zone("z1", "body", 0, len(text))])[1]


def conf(statements, content_has: str) -> float | None:
    found = [st for st in statements if content_has in st.content.text]
    assert found, f"no statement with {content_has!r}: {[s.content.text for s in statements]}"
    return found[0].confidence


def test_reported_earnings_are_a_figure_not_a_statement():
    sts = run("Harlow Foods reported $1.12 in per-share earnings for the third quarter on Tuesday.")
    assert all(st.confidence == 0.0 for st in sts if "1.12" in st.content.text)
    sts = run("Harlow Foods reported that its sales in Canada fell sharply after the recall.")
    assert conf(sts, "sales in Canada fell") > 0.0


def test_perception_passive_participle():
    sts = run("The hills, thought to hide old silver mines, cover a fifth of the county.")
    assert all(st.confidence == 0.0 for st in sts if "silver mines" in st.content.text)
    sts = run("The old mill is believed to date from the twelfth century.")
    assert all(st.confidence == 0.0 for st in sts if "twelfth century" in st.content.text)
