"""Sides only in context (claimmap.statements.sides), on fictional articles written for the tests."""

from pathlib import Path

import pytest

import claimmap
from claimmap.statements import actors, sides
from claimmap.zones import zone_document
from claimmap.model import Document

ARTICLES = Path(__file__).parent / "fixtures" / "articles"

# a paragraph that puts an article inside the Russia-Ukraine war (fictional events)
WAR = ("Russian forces shelled the outskirts of Kharkiv overnight, Ukraine's military said. "
       "The Kremlin said its troops in the Donetsk region had advanced. ")


def _analyze(text: str):
    return claimmap.analyze_text(text, framing=False)


def _by_mention(report, mention):
    hits = [s for s in report.statements if s.speaker and s.speaker.text == mention]
    assert hits, [(s.speaker and s.speaker.text) for s in report.statements]
    return hits[0]


@pytest.fixture(scope="module")
def domestic():
    return claimmap.analyze(str(ARTICLES / "domestic_senate.txt"), framing=False)


def test_domestic_story_gets_no_side(domestic):
    speakers = {s.speaker.text: s.speaker for s in domestic.statements if s.speaker}
    assert {"The White House", "The U.S. Supreme Court", "U.S. senators", "Senator Dana Whitcombe"} <= set(speakers)
    assert [(s.speaker.text, s.speaker.side) for s in domestic.statements if s.speaker and s.speaker.side] == []


def test_modifier_is_not_the_speaker(domestic):
    # "U.S." qualifies the court and the senators: neither is "United States"
    assert speakers_canonical(domestic, "The U.S. Supreme Court") == "U.S. Supreme Court"
    assert speakers_canonical(domestic, "U.S. senators") == "U.S. senators"


def speakers_canonical(report, mention):
    return _by_mention(report, mention).speaker.canonical


def test_no_conflict_in_domestic_context(domestic):
    assert sides.conflicts_in_context(domestic.document.text, domestic.zones, actors.load()) == {}


def test_ambiguous_name_gets_side_inside_the_conflict():
    r = _analyze(WAR + "Washington said it would send more air-defence systems to Kyiv.\n\n"
                 "The White House said the aid would arrive within weeks.")
    assert _by_mention(r, "Washington").speaker.side == "western_governments"
    assert _by_mention(r, "The White House").speaker.side == "western_governments"
    assert _by_mention(r, "The Kremlin").speaker.side == "russian_government"


def test_same_sentence_outside_the_conflict_gets_no_side():
    r = _analyze("The city council met on Tuesday to discuss the new stadium and its parking.\n\n"
                 "Washington said it would send more money for the stadium next year.")
    st = _by_mention(r, "Washington")
    assert st.speaker.side is None


def test_person_named_like_an_ambiguous_actor():
    r = _analyze(WAR + "Military historian Clara Washington has studied the front for years.\n\n"
                 "Washington said the offensive would stall before winter.")
    st = _by_mention(r, "Washington")
    assert st.speaker.side is None and st.speaker.canonical == "Clara Washington"


def test_modifier_inside_the_conflict_gets_no_side():
    r = _analyze(WAR + "Moscow State University researchers said the harvest would fall by a third.")
    st = _by_mention(r, "Moscow State University researchers")
    assert st.speaker.side is None and st.speaker.canonical != "Kremlin"
    assert _by_mention(r, "The Kremlin").speaker.side == "russian_government"


def test_party_heads_keep_the_side():
    r = _analyze(WAR + "Kremlin officials said the talks were over.")
    assert _by_mention(r, "Kremlin officials").speaker.side == "russian_government"


def test_pronoun_follows_its_antecedent_verdict():
    r = _analyze(WAR + "The Washington Post said the figures were wrong. It said the ministry had "
                 "counted the same villages twice.")
    post = _by_mention(r, "The Washington Post")
    it = [s for s in r.statements if s.speaker and s.speaker.text == "It"]
    assert post.speaker.side is None and post.speaker.canonical == "Washington Post"
    assert it and all(s.speaker.side is None and s.speaker.canonical == "Washington Post" for s in it)


def test_one_entity_one_side():
    r = claimmap.analyze(str(ARTICLES / "blame_strike.txt"), framing=False)
    by_canonical = {}
    for s in r.statements:
        if s.speaker:
            by_canonical.setdefault(s.speaker.canonical, set()).add(s.speaker.side)
    assert by_canonical["Anna Roskova"] == {"velmark_government"}
    assert by_canonical["Piet Alder"] == {"norland_government"}
    assert all(len(v) == 1 for v in by_canonical.values()), by_canonical


def test_evidence_counts_core_actors_and_vocabulary():
    text = WAR + "Fighting continued near Bakhmut."
    doc, zones = zone_document(Document(text=text))
    got = sides.conflicts_in_context(doc.text, zones, actors.load())
    assert set(got) == {"russia-ukraine"} and got["russia-ukraine"] >= 5
    doc, zones = zone_document(Document(text="NATO and the EU met in Brussels about fishing quotas "
                                             "and the White House welcomed the deal."))
    assert sides.conflicts_in_context(doc.text, zones, actors.load()) == {}


def test_person_mention_never_stands_for_an_organisation():
    from claimmap.model import Cue, Span, Speaker, Statement, Zone

    text = WAR + "Megan Baldridge said the figures were wrong."
    at = text.index("Megan Baldridge")
    st = Statement("s1", "z1", Speaker("Megan Baldridge", at, at + 15, "United States", "western_governments"),
                   Cue("said", at + 16, at + 20, "say"), Span("the figures were wrong", at + 21, at + 43),
                   "indirect", "assert")
    zones = [Zone("z1", "body", 0, len(text))]
    sides.apply(text, zones, [st], actors.load(), [(at, at + 15, "PERSON")])
    assert st.speaker.side is None and st.speaker.canonical == "Megan Baldridge"


def test_generic_role_needs_context():
    r = _analyze("Hospital Admissions Rise in Eastvale\n\nHospital admissions rose by a fifth in March. "
                 "The commission said no one had shown symptoms such as fever.")
    st = [s for s in r.statements if s.speaker and s.speaker.text == "The commission"]
    assert st and st[0].speaker.side is None
    r = _analyze("Talks in the Oster Straits\n\nVelmark and Norland ships met near Haldby on Tuesday. "
                 "Norland said its boats had left Haldby. The commission said the Oster Straits were calm.")
    st = [s for s in r.statements if s.speaker and s.speaker.text == "The commission"]
    assert st and st[0].speaker.side == "oster_commission"


def test_one_word_role_matches_only_the_whole_mention():
    reg = actors.load()
    assert reg.by_role("the commission").canonical == "Oster Maritime Commission"
    assert reg.by_role("the Inner Mongolia health commission") is None
    assert reg.by_role("Russia's Kremlin spokesman").canonical == "Dmitry Peskov"
