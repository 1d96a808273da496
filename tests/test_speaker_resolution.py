"""Speaker names the resolver finds in the article: an apposition's person, a role named earlier
(abbreviated title, apposition, the sentence before), a role word the parse split off the name,
and an ambiguous name read outside its actor's conflict. Invented sentences."""

from __future__ import annotations

import pytest

from claimmap.model import Document, Zone
from claimmap.statements import extract


def run(text: str):
    return extract(Document(text=text), [Zone("z1", "body", 0, len(text))])[1]


def speaker_of(statements, content_has: str) -> str | None:
    for st in statements:
        if content_has in st.content.text and st.speaker is not None:
            return st.speaker.canonical
    return None


@pytest.mark.parametrize("text, content_has, speaker", [
    # an apposition names the person, not the institution in her title
    ("Another witness in the inquiry, former White House budget adviser Martha Quillon, said "
     "the funds had been frozen for weeks.", "funds had been frozen", "Martha Quillon"),
    # a role named in an apposition earlier
    ("The suspect, Daniel Harrow, was arrested at a motel on Monday.\n\n"
     "The suspect said he had been at home all night.", "at home all night", "Daniel Harrow"),
    # an abbreviated title names the role, and the last-mentioned holder wins
    ("Republican Gov. Alma Whitcombe signed the budget in March. Her rival, Nevada Gov. Bertram "
     "Lusk, lost his race this month after a feud with teachers.\n\n"
     "Teachers did not meet Whitcombe on Tuesday. Whitcombe was in Florida for a conference.\n\n"
     "The governor said the state could not afford higher salaries before 2021.",
     "could not afford higher salaries", "Alma Whitcombe"),
    # a role opening a sentence refers to the subject of the one before
    ("Tobias Renner has fished on the lake since 1998 and knows every pier. "
     "The retired engineer said the new bridge had always leaked.", "new bridge had always leaked", "Tobias Renner"),
])
def test_speaker_named_in_the_article(text, content_has, speaker):
    assert speaker_of(run(text), content_has) == speaker


def test_a_thing_opening_a_sentence_is_not_the_person_before():
    sts = run("Dr. Helen Moss examined the patient on Friday. The scan showed a small fracture in the hip.")
    assert speaker_of(sts, "small fracture") != "Helen Moss"


def test_role_words_the_parse_split_off_the_name():
    sts = run("Harbour Times editor-in-chief Lena Marsh said: “We will publish every file we hold.”")
    assert speaker_of(sts, "publish every file") == "Lena Marsh"
    sts = run("Rain falls on the mountains all year, said study co-author Peter Vance, a geologist at the "
              "university.")
    assert speaker_of(sts, "Rain falls on the mountains") == "Peter Vance"


def test_ambiguous_metonym_outside_its_conflict_keeps_its_own_name():
    sts = run("The White House called the school board's inquiry a waste of time on Monday.")
    st = [s for s in sts if "waste of time" in s.content.text]
    assert st and st[0].speaker.canonical == "White House" and st[0].speaker.side is None
    sts = run("The US said the tariffs on steel from Canada would stay in place.")
    assert speaker_of(sts, "tariffs on steel") == "United States"


def test_apposition_name_the_ner_missed():
    from claimmap.statements.actors import load
    from claimmap.statements.resolve import Resolver

    text = "Another diplomat, former special envoy to Ukraine Quentin Darby, said the meeting was cordial."
    r = Resolver(load(), text, persons=[])  # no PERSON spans: the name is read off the apposition
    assert r.resolve("Another diplomat", 0, appos="former special envoy to Ukraine Quentin Darby")[0] == "Quentin Darby"
    text = "A banker, the head of Ukraine Holdings Group, said the loan was repaid."
    r = Resolver(load(), text, persons=[])
    assert r.resolve("A banker", 0, appos="the head of Ukraine Holdings Group")[0] != "Holdings Group"


def test_role_with_a_name_in_it_needs_that_name_before_its_holder():
    sts = run("Greenpeace co-founder Rex Weyler spoke in Oslo on Monday about the old campaigns.\n\n"
              "The Greenpeace founder said the fleet would sail north again next spring.")
    assert speaker_of(sts, "fleet would sail north") == "Rex Weyler"
    sts = run("Oxfam co-founder Rex Weyler spoke in Oslo on Monday about the old campaigns.\n\n"
              "The Greenpeace founder said the fleet would sail north again next spring.")
    assert speaker_of(sts, "fleet would sail north") != "Rex Weyler"
