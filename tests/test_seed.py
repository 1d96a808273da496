"""The canonical input end to end through claimmap.analyze (skipped where ../shared is absent)."""

import pytest

import claimmap
from claimmap.report.json import validate


@pytest.fixture(scope="module")
def seed_report():
    from tests.conftest import SEED

    if not SEED.exists():
        pytest.skip(f"seed article not present at {SEED}")
    return claimmap.analyze(str(SEED))


def _zone_text(report, z):
    return report.document.text[z.start:z.end]


def test_zones(seed_report):
    r = seed_report
    body = [z for z in r.zones if z.kind == "body"]
    assert len(body) == 1
    text = _zone_text(r, body[0])
    assert text.startswith("Earlier today, Russia responded")
    assert text.endswith("war crimes committed by Kiev in Donbass.")
    disclaimer = [z for z in r.zones if z.kind == "disclaimer"]
    assert len(disclaimer) == 1
    assert _zone_text(r, disclaimer[0]).startswith("We See The World From All Sides")
    assert _zone_text(r, disclaimer[0]).endswith("NOT VT.")
    comments = [z for z in r.zones if z.kind == "comment"]
    assert len(comments) == 16
    top = [z for z in comments if z.parent is None]
    assert len(top) == 4
    ids = {z.id for z in top}
    assert sorted(sum(1 for z in comments if z.parent == t.id) for t in top) == [0, 3, 4, 5]
    assert all(z.parent in ids for z in comments if z.parent)
    assert [_zone_text(r, z) for z in r.zones if z.kind == "boilerplate"] == ["Comments are closed."]


def test_no_statement_from_disclaimer(seed_report):
    kinds = {z.id: z.kind for z in seed_report.zones}
    assert all(kinds[s.zone] in ("header", "body", "comment") for s in seed_report.statements)


def _find(report, canonical, polarity, needle, kind=None):
    kinds = {z.id: z.kind for z in report.zones}
    for s in report.statements:
        if (kinds[s.zone] == "body" and s.speaker and s.speaker.canonical == canonical
                and s.polarity == polarity and needle in s.content.text and (kind is None or s.kind == kind)):
            return s
    got = [(s.speaker and s.speaker.canonical, s.polarity, s.content.text[:60]) for s in report.statements
           if kinds[s.zone] == "body"]
    raise AssertionError(f"no {canonical}/{polarity} statement containing {needle!r}; body statements: {got}")


@pytest.mark.parametrize("canonical,side,polarity,needle,kind", [
    ("Dmitry Peskov", "russian_government", "assert", "Warsaw instead of Minsk, and then broke off contact", None),
    ("Dmitry Peskov", "russian_government", "assert", "This pause lasts quite a long time", "direct"),
    ("Volodymyr Zelensky", "ukrainian_government", "appeal", "sit down for talks", None),
    ("Kremlin", "russian_government", "assert", "ready for talks", None),
    ("Kremlin", "russian_government", "propose", "Minsk", None),
    ("Kiev", "ukrainian_government", "accuse", "full-scale invasion", None),  # naming it an invasion blames
    ("Kiev", "ukrainian_government", "accuse", "sending weapons and troops", None),
    ("Kremlin", "russian_government", "deny", "sending weapons and troops", None),
    ("Kiev", "ukrainian_government", "deny", "shelling their territories", None),
    ("Vladimir Putin", "russian_government", "assert", "genocide", None),
    ("Vladimir Putin", "russian_government", "assert", "no plans of occupying", None),
    ("Russian Ministry of Defence", "russian_government", "assert", "no threat to civilians", None),
    ("Volodymyr Zelensky", "ukrainian_government", "reject", "allegation of Nazis", None),
    ("Kremlin", "russian_government", "promise", "retaliate", None),
    ("Sergei Lavrov", "russian_government", "accuse", "the West", None),
])
def test_statements(seed_report, canonical, side, polarity, needle, kind):
    s = _find(seed_report, canonical, polarity, needle, kind)
    assert s.speaker.side == side


def test_lpr_dpr_escalation(seed_report):
    kinds = {z.id: z.kind for z in seed_report.zones}
    hits = [s for s in seed_report.statements if kinds[s.zone] == "body" and s.speaker
            and s.speaker.side == "separatist_authorities" and "escalated attacks" in s.content.text]
    assert hits and hits[0].polarity in ("assert", "accuse")


def test_disputes(seed_report):
    by_id = {s.id: s for s in seed_report.statements}
    pairs = [(by_id[a], by_id[b]) for a, b in (d.statements for d in seed_report.disputes)]
    assert any(a.speaker.canonical == "Kiev" and b.speaker.canonical == "Kremlin"
               and "troops" in a.content.text for a, b in pairs), pairs
    assert any(a.speaker.side == "separatist_authorities" and b.speaker.canonical == "Kiev"
               and "shelling" in b.content.text for a, b in pairs), pairs
    for a, b in pairs:
        assert a.speaker.side != b.speaker.side
        assert b.polarity in ("deny", "reject")


def test_framing_and_comments(seed_report):
    framing = seed_report.extras["framing"]
    align = framing["narrator_alignment"]
    assert max(align, key=align.get) == "russian_government"
    narrator = {t["text"].lower() for t in framing["terms"] if t["voice"] == "narrator"}
    assert {"special operation", "kiev", "donbass", "lugansk"} <= narrator
    invasion = [t for t in framing["terms"] if "invasion" in t["text"].lower()]
    assert invasion and all(t["voice"] != "narrator" or t["scare_quoted"] for t in invasion)
    flags = {z.id: set(z.flags or []) for z in seed_report.zones if z.kind == "comment"}
    text = seed_report.document.text
    zone_of = {z.id: text[z.start:z.end] for z in seed_report.zones}
    scum = next(zid for zid in flags if "neo-fascist scum" in zone_of[zid])
    assert "name_calling" in flags[scum]
    iron = next(zid for zid in flags if "hot iron" in zone_of[zid])
    assert "violence" in flags[iron]
    summary = seed_report.extras["comments_summary"]
    assert summary["n_comments"] == 16 and scum in summary["flagged"]["name_calling"]


def test_techniques_and_checkworthiness(seed_report):
    pytest.importorskip("torch")
    techniques = seed_report.extras["techniques"]
    zones = {z.id: z.kind for z in seed_report.zones}
    assert techniques and all(zones[t["zone"]] in ("header", "body", "comment") for t in techniques)
    text = seed_report.document.text
    assert all(text[t["start"]:t["end"]] == t["text"] for t in techniques)
    comment = [t for t in techniques if zones[t["zone"]] == "comment"]
    assert any(t["technique"] in ("Name_Calling,Labeling", "Loaded_Language") for t in comment)
    body = [s for s in seed_report.sentences if zones[s.zone] == "body"]
    assert body and all(s.checkworthiness is not None and 0 <= s.checkworthiness <= 1 for s in body)
    peskov = _find(seed_report, "Dmitry Peskov", "assert", "broke off contact")
    greeting_like = min(body, key=lambda s: s.checkworthiness)
    assert peskov.checkworthiness > greeting_like.checkworthiness


def test_json_validates_and_html_renders(seed_report):
    data = seed_report.to_dict()
    validate(data)
    html = seed_report.to_html()
    assert "Dmitry Peskov" in html and "<script" not in html
