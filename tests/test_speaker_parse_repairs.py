"""Speakers the parse gets wrong in general ways (issue 15, sixth session): a dateline parsed as
the subject, a time span taken for an object that controls the verb, a title stripped off a role
with no name after it, an outlet that only relays a named party's words. Invented sentences."""

from __future__ import annotations

from statement_helpers import run  # tests/statement_helpers.py


def _speakers(text: str) -> dict[str, str | None]:
    return {st.content.text: (st.speaker.canonical if st.speaker else None) for st in run(text)}


def test_a_capitalised_dateline_is_not_the_subject():
    sp = _speakers("OSLO, Norway — Hours before the final on Sunday, head coach Erik Lunde expressed "
                   "confidence in the young goalkeeper, saying she always finds her form in big games.")
    assert sp["she always finds her form in big games"] == "Erik Lunde"
    assert "Hours" not in sp.values() and "OSLO" not in sp.values()


def test_a_mixed_case_dateline_with_a_dash_is_not_the_subject():
    sp = _speakers("Sacramento – Several hundred nurses wearing blue surrounded the Capitol on Monday "
                   "to call for safer staffing in public hospitals.")
    assert sp.get("safer staffing in public hospitals") == "Several hundred nurses"


def test_a_first_subject_that_is_no_dateline_is_kept():
    # two subjects in the parse, neither a dateline: the first is the speaker
    sp = _speakers("A spokesman who did not wish to be named because of company policy said in an "
                   "email that the plant never stored chemicals on site.")
    assert sp["the plant never stored chemicals on site"] == "spokesman"


def test_time_spent_speaking_does_not_speak():
    sp = _speakers("Marek Nowak also spent 40 minutes explaining how the ledger could not have been "
                   "altered after the audit.")
    assert sp["how the ledger could not have been altered after the audit"] == "Marek Nowak"


def test_a_role_keeps_its_head_when_no_name_follows():
    sp = _speakers("The chairman of the Harbour Party described the edited clip as harmless satire.")
    assert sp["the edited clip as harmless satire"] == "chairman of the Harbour Party"


def test_an_outlet_relaying_a_named_speaker_is_not_a_second_speaker():
    sts = run("“We have to watch the northern pass very closely,” Ruiz said, according to the Valley "
              "Courier. The bridge was closed for repairs, the ministry said on Monday, according to "
              "the state news agency.")
    by_speaker = {(st.speaker.canonical if st.speaker else None): st for st in sts}
    assert "Valley Courier" not in by_speaker and "state news agency" not in by_speaker
    assert by_speaker["ministry"].content.text == "The bridge was closed for repairs"
    # an outlet that is the only source is still a statement
    alone = run("According to the state news agency, the bridge was closed for repairs.")
    assert [st.speaker.canonical for st in alone if st.speaker] == ["state news agency"]


def test_a_list_of_groups_is_one_speaker_but_an_apposition_is_not_a_list():
    sp = _speakers("Older voters, church volunteers and union organizers said the race is as open as ever.")
    assert sp["the race is as open as ever"] == "Older voters, church volunteers and union organizers"
    sp = _speakers("“We had some trouble on the first day,” said Maria Lenz, senior vice president "
                   "sales and marketing at Orbis.")
    assert sp["We had some trouble on the first day"] == "Maria Lenz"


def test_a_sender_whose_name_holds_a_conjunction():
    sp = _speakers("The survey by the Teachers and Lecturers Union claims schools have lost a fifth of their staff.")
    assert sp["schools have lost a fifth of their staff"] == "Teachers and Lecturers Union"


def test_a_participle_clause_is_not_the_subject():
    sp = _speakers("Speaking from a stage at the company's campus in Leeds, Chief Executive Maria Lenz "
                   "said that firms need to fix what they break.")
    assert sp["firms need to fix what they break"] == "Maria Lenz"


def test_he_after_a_role_is_that_person_unless_someone_was_named_since():
    sp = _speakers("Jo Grady, the union's general secretary, said the figures were shocking. But a company "
                   "spokesman said its members had cut the number of short contracts. “We have worked with "
                   "the unions for years,” he said.")
    assert sp["We have worked with the unions for years"] == "company spokesman"
    sp = _speakers("The chairman of the Harbour Party described the edited clip as harmless satire.\n\n"
                   "Marek Nowak is under fire for failing to keep his promise on the bridge.\n\n"
                   "Voters laughed when he said, “Look at what I have built for this town.”")
    assert sp["Look at what I have built for this town"] == "Marek Nowak"
    # the short form after a name is not part of it
    sp = _speakers("A spokesperson for the Harbour Employers’ Association (HEA) said its members had hired more staff.")
    assert sp["its members had hired more staff"].endswith("Harbour Employers’ Association")


def test_who_after_a_persons_title_is_that_person():
    sts = run("Anna Kowalska, the Green MP for Harbour North, who is backing the campaign, said the "
              "figures showed a crisis in the city's schools.")
    who = [st for st in sts if st.speaker is not None and st.speaker.text == "who"]
    assert who and all(st.speaker.canonical == "Anna Kowalska" for st in who)
