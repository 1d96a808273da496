"""Speakers that stand for a party named elsewhere (issue 15, fifth session): a message speaking
for its sender ("the statement said"), a generic description of an organisation ("the agency
said"), and a name set off after the subject's relative clause. Invented sentences."""

from __future__ import annotations

from statement_helpers import by_cue, run  # tests/statement_helpers.py


def _speakers(text: str) -> dict[str, str]:
    return {st.content.text: st.speaker.canonical for st in run(text) if st.speaker is not None}


def test_the_statement_speaks_for_whoever_issued_it():
    sts = run("Harbour Lane Records issued a statement on Monday about the tour.\n\n"
              "The statement claimed that the dispute had been settled.\n\n"
              "“Nothing stops the shows now,” the statement said.")
    said = [st for st in sts if st.speaker is not None and st.speaker.text.lower() == "the statement"]
    assert len(said) == 2 and {st.speaker.canonical for st in said} == {"Harbour Lane Records"}


def test_the_statement_of_a_speaker_said_in_a_statement():
    sts = run("The coast guard said in a statement on Tuesday that two sailors were rescued.\n\n"
              "“The search is over,” the statement said.")
    st = next(s for s in sts if s.speaker is not None and s.speaker.text == "the statement")
    assert st.speaker.canonical == "coast guard"


def test_no_sender_no_guess():
    # the last statement named has no sender the parse can see: it stays the statement, and a
    # message named inside a quotation is never the one meant
    sts = run("Orbis Mining rejected the report. A statement appeared on its website on Friday.\n\n"
              "“We were shocked to read her statements,” the statement said.")
    st = next(s for s in sts if s.speaker is not None and s.speaker.text == "the statement")
    assert st.speaker.canonical == "statement"


def test_evidence_is_no_sender():
    sts = run("Police released a video on Sunday. The video shows officers entering the house.")
    assert all(s.speaker is None or s.speaker.canonical != "Police" or s.speaker.text != "The video" for s in sts)


def test_the_agency_is_the_organisation_that_spoke_last():
    sp = _speakers("In August, the Coastal Water Authority announced that it would close two beaches. "
                   "At the time, the agency said that the water was unsafe.")
    assert sp["the water was unsafe"] == "Coastal Water Authority"


def test_the_company_is_ambiguous_after_another_organisation_or_a_person():
    sp = _speakers("Velmont Foods said that sales rose. Rival firm Crestline Dairy then cut its prices. "
                   "The company said that margins would hold.")
    assert sp["margins would hold"] == "company"
    sp = _speakers("Velmont Foods said that sales rose. Anna Berg, a trader, said that prices would fall. "
                   "The company said that margins would hold.")
    assert sp["margins would hold"] == "company"


def test_a_name_after_the_subjects_relative_clause():
    st = by_cue(run("The company that runs the festival, Dunmore Events, denies that any deal was signed."),
                "denies")
    assert st.speaker.canonical == "Dunmore Events"


def test_a_report_names_its_publisher():
    sp = _speakers("According to a report in the Harbor Ledger of Port Alden, the mayor signed the order on Monday. "
                   "The report says the order will cost the town $40,000.")
    assert sp["the mayor signed the order on Monday"] == "Harbor Ledger"
    assert sp["the order will cost the town $40,000"] == "Harbor Ledger"
    sp = _speakers("The ferry service will close in winter, according to a new Coast Weekly report.")
    assert sp["The ferry service will close in winter"] == "Coast Weekly"


def test_a_study_speaks_for_its_author_and_a_relative_pronoun_for_its_message():
    sp = _speakers("According to a 2019 survey by Marit Solberg of the state university, most readers pay "
                   "for one paper at most.")
    assert sp["most readers pay for one paper at most"] == "Marit Solberg"
    sts = run("The inspector general released two reports that found delays in the program.")
    st = next(s for s in sts if "delays in the program" in s.content.text)
    assert st.speaker.canonical == "inspector general"


def test_a_surname_takes_one_name_of_a_joint_speaker():
    sp = _speakers("Director Tom Harlan cast Jessie Burke in the lead. Later Harlan and Burke said that they "
                   "first heard the song in Glasgow. Burke, who had not sung in years, said that she worried "
                   "about the song.")
    assert sp["they first heard the song in Glasgow"] == "Tom Harlan and Jessie Burke"
    assert sp["she worried about the song"] == "Jessie Burke"


def test_an_embedded_post_is_its_accounts_direct_statement():
    text = ("The new slogan drew mockery online.\n\n"
            "We spent half a million dollars on this and nobody checked it twice. https://t.co/AbCdEf123\n\n"
            "— Rep. Dana Wick (@danawick) November 18, 2019\n\n"
            "Club photo\n\n— Harbor FC (@harborfc) November 19, 2019\n\n"
            "The state defended the campaign.")
    sts = run(text)
    posts = [st for st in sts if st.cue is not None and st.cue.lemma == "post"]
    assert len(posts) == 1  # a picture's caption ("Club photo") is no post text
    st = posts[0]
    assert st.kind == "direct" and st.speaker.canonical == "Dana Wick"
    assert st.content.text == "We spent half a million dollars on this and nobody checked it twice."


def test_a_share_of_a_group_keeps_its_share():
    sts = run("In the poll, 70 percent of Americans said that the bridge tolls were too high.")
    st = next(s for s in sts if s.content.text.startswith("the bridge tolls"))
    assert st.speaker.canonical == "70 percent of Americans"
