"""Speaker names the resolver finds in the article: an apposition's person, a role named earlier
(abbreviated title, apposition, the sentence before), a role word the parse split off the name,
and an ambiguous name read outside its actor's conflict. Invented sentences."""

from __future__ import annotations

from claimmap.model import Document, Zone
from claimmap.statements import extract


def run(text: str):
    return extract(Document(text=text), [Zone("z1", "body", 0, len(text))])[1]


def speaker_of(statements, content_has: str) -> str | None:
    for st in statements:
        if content_has in st.content.text and st.speaker is not None:
            return st.speaker.canonical
    return None


def test_apposition_names_the_person_not_the_institution_in_her_title():
    sts = run("Another witness in the inquiry, former White House budget adviser Martha Quillon, said "
              "the funds had been frozen for weeks.")
    assert speaker_of(sts, "funds had been frozen") == "Martha Quillon"


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
