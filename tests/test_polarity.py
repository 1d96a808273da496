"""Blame and responsibility as polarity (claimmap.claims.polarity), measured per class on a
labelled sample of fictional sentences, and the blame story's disputes."""

from pathlib import Path

import pytest

import claimmap
from claimmap.claims.polarity import polarity_of
from claimmap.evaluate.polarity import evaluate
from claimmap.model import Cue, Span, Statement

HERE = Path(__file__).parent
SAMPLE = HERE / "fixtures" / "polarity_sample.tsv"


def _st(content, lemma="say", polarity="assert"):
    return Statement(id="s1", zone="z1", speaker=None, cue=Cue(lemma, 0, 0, lemma),
                     content=Span(content, 0, len(content)), kind="indirect", polarity=polarity)


@pytest.mark.parametrize("content,lemma,want", [
    ("it a massacre", "call", "accuse"),
    ("the strike as a war crime", "describe", "accuse"),
    ("the report a fabrication", "call", "deny"),
    ("the accusation \"a fantasy\"", "call", "deny"),
    ("the talks difficult but useful", "describe", "assert"),
    ("a misfired Velmark rocket had caused the explosion", "say", "accuse"),
    ("Norland was responsible for the deaths", "say", "accuse"),
    ("Velmark was behind the attack", "say", "accuse"),
    ("it was not responsible for the fire", "say", "deny"),
    ("the storm had caused the outage", "say", "assert"),
    # the speaker disowning knowledge of or a part in what is alleged
    ("he had no knowledge of any plan to delay the payments", "say", "deny"),
    ("At no time was I aware of an effort to move the funds", "say", "deny"),
    ("she never intended to mislead the council", "say", "deny"),
    ("he couldn't have been at the harbour that night", "say", "deny"),
    ("the pilots had no knowledge of the fault", "say", "assert"),  # a third party's state, not a denial
    ("he did not know the final score", "say", "assert"),
    ("the government was committed to the reform", "say", "assert"),
    ("a massacre had taken place", "say", "assert"),   # only naming cues turn crime words into blame
    ("the ministry's allegations are patently false", "tell", "deny"),  # calling a claim false
    ("the Norland agency's claim is \u201cabsolutely not true\u201d", "say", "deny"),
    ("the report is not false", "say", "assert"),
    ("reports say the bridge is closed", "say", "assert"),
    # judging a decision, a blaming cue whose object is a decision
    ("the inquiry a sham", "call", "reject"),
    # the speaker's own first-person speech act, modality
    ("We strongly oppose the annexation of the islands", "say", "reject"),
    ("I call on both sides to stop", "say", "appeal"),
    ("people with a cough should stay at home", "say", "appeal"),
    ("it is vital for drivers to check their tyres", "say", "appeal"),
    ("the rain should ease by Friday", "say", "assert"),
    ("we'll rebuild the bridge by May", "say", "promise"),
    ("we will know more tomorrow", "say", "assert"),
    ("We will not accept a pay freeze", "say", "reject"),
    ("we remain firmly committed to the ceasefire", "say", "promise"),
    # naming with a copula and an article, the crime word heading the phrase
    ("Moscow's operation is a \u201cfull-scale invasion\u201d", "say", "accuse"),
    ("the shelling of the port was a war crime", "say", "accuse"),
    ("the biggest threat is terrorism", "say", "assert"),
    ("this is a crime scene", "say", "assert"),
    # judgement adjectives after a copula or a naming "as"; blame verbs of a party
    ("the request was unusual and inappropriate", "say", "accuse"),
    ("the call as \u201cimproper.", "describe", "accuse"),
    ("the transfers were not illegal", "say", "assert"),
    ("they were illegal immigrants", "say", "assert"),   # attributive, not a judgement
    ("politicians have vilified teachers", "say", "accuse"),
])
def test_content_rules(content, lemma, want):
    assert polarity_of(_st(content, lemma)) == want


def _statements(text):
    from claimmap.model import Document, Zone
    from claimmap.statements import extract

    return extract(Document(text=text), [Zone("z1", "body", 0, len(text))], remember=False)[1]


def test_quotation_after_its_summary_takes_its_polarity():
    text = ("Mara Velt accused the council of hiding the accounts.\n\n"
            "\u201cThey kept the figures from us for a year,\u201d Velt said.\n\n"
            "\u201cThe bridge opens in May,\u201d Velt added later, after a long pause in the hearing.")
    sts = sorted(_statements(text), key=lambda s: s.content.start)
    pols = [(s.content.text[:20], s.polarity) for s in sts]
    assert [p for _t, p in pols] == ["accuse", "accuse", "assert"], pols  # the third: its own


def test_quotation_of_another_speaker_keeps_its_polarity():
    text = ("Mara Velt accused the council of hiding the accounts.\n\n"
            "\u201cThe figures were published in March,\u201d council leader Ivo Brandt said.")
    sts = sorted(_statements(text), key=lambda s: s.content.start)
    assert [s.polarity for s in sts] == ["accuse", "assert"], [(s.content.text, s.polarity) for s in sts]


def test_condemning_a_decision_rejects_it():
    assert polarity_of(_st("the court's ruling on the border", "condemn", "accuse")) == "reject"
    assert polarity_of(_st("the attack on the convoy", "condemn", "accuse")) == "accuse"
    assert polarity_of(_st("the ongoing hearings as a disgrace", "slam", "accuse")) == "reject"
    # "dismissed" denies a claim, not a thing it judges
    assert polarity_of(_st("a chest X-ray of his lungs as normal", "dismiss", "deny")) == "assert"
    assert polarity_of(_st("the allegations as politically motivated", "dismiss", "deny")) == "deny"
    assert polarity_of(_st("reports of a fuel shortage", "dismiss", "deny")) == "deny"


def test_other_polarities_are_kept():
    assert polarity_of(_st("Norland was responsible", "deny", "deny")) == "deny"
    assert polarity_of(_st("to call it a massacre", "urge", "appeal")) == "appeal"


@pytest.fixture(scope="module")
def measured():
    return evaluate(SAMPLE)


def test_polarity_per_class(measured):
    pc = measured["per_class"]
    assert measured["accuracy"] >= 0.9
    for c in ("assert", "deny", "accuse", "appeal", "propose", "promise", "reject"):
        assert pc[c]["support"] >= 4, c
        assert pc[c]["recall"] >= 0.8 and pc[c]["precision"] >= 0.8, (c, pc[c])
    assert pc["accuse"]["precision"] == 1.0  # no plain report is taken for blame


def test_rules_improve_blame_recall(measured):
    before = evaluate(SAMPLE, refine=False)["per_class"]
    assert measured["per_class"]["accuse"]["recall"] > before["accuse"]["recall"] + 0.3
    assert measured["per_class"]["assert"]["precision"] > before["assert"]["precision"]


@pytest.fixture(scope="module")
def blame():
    return claimmap.analyze(str(HERE / "fixtures" / "articles" / "blame_strike.txt"), framing=False)


def test_blame_story_disputes(blame):
    by_id = {s.id: s for s in blame.statements}
    pairs = [(by_id[a], by_id[b]) for a, b in (d.statements for d in blame.disputes)]
    # Velmark blames a Norland strike; Norland denies any strike
    assert any(a.polarity == "accuse" and "strike" in a.content.text and a.speaker.canonical == "Velmark"
               and b.speaker.canonical == "Norland" and b.polarity == "deny" for a, b in pairs), pairs
    # Norland blames a misfired Velmark rocket; Roskova rejects Norland's account
    assert any(a.polarity == "accuse" and "rocket" in a.content.text and a.speaker.side == "norland_government"
               and b.speaker.canonical == "Anna Roskova" and b.polarity == "reject" for a, b in pairs), pairs
    for a, b in pairs:
        assert a.speaker.side != b.speaker.side
        # the commission, who asserts nothing either side rejects, is in no dispute
        assert "oster_commission" not in (a.speaker.side, b.speaker.side)
    massacre = [s for s in blame.statements if "massacre" in s.content.text]
    assert massacre and massacre[0].polarity == "accuse"


def test_disputes_between_unregistered_parties():
    r = claimmap.analyze_text(
        "Harbour Workers Union and Port Board Clash Over Crane Collapse\n\n"
        "The Harbour Workers Union blamed the port board's cost cuts for the collapse of crane 4 "
        "on Monday. The port board denied cutting maintenance budgets and said the crane had "
        "passed its last inspection.\n\n"
        "The union said the board had ignored three warnings about the crane's brakes. A board "
        "spokeswoman rejected the union's account as untrue.", framing=False)
    assert all(s.speaker is None or s.speaker.side is None for s in r.statements)
    by_id = {s.id: s for s in r.statements}
    pairs = [(by_id[a], by_id[b]) for a, b in (d.statements for d in r.disputes)]
    assert any("union" in a.speaker.canonical.lower() and "board" in b.speaker.canonical.lower()
               for a, b in pairs), [(a.speaker.canonical, b.speaker.canonical) for a, b in pairs]
    assert any("warnings" in a.content.text and b.polarity == "reject" for a, b in pairs), pairs
    for a, b in pairs:
        assert a.speaker.canonical.lower() != b.speaker.canonical.lower()


def test_no_parent_cycles_in_fixtures(blame):
    by_id = {s.id: s for s in blame.statements}
    for s in blame.statements:
        seen = set()
        while s.parent:
            assert s.id not in seen
            seen.add(s.id)
            s = by_id[s.parent]
