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
