"""Span boundaries of attributions (issue 15, "whole quotations"): contents, cues and speakers
as PolNeAR marks them, whatever the quote marks and the parse."""

from __future__ import annotations

import pytest

from claimmap.statements.attribution import quote_mask

from statement_helpers import by_cue, run  # tests/statement_helpers.py


def quoted_upto(text: str, close: str) -> bool:
    """Everything from the opening mark to ``close`` is quoted, nothing after it."""
    m = quote_mask(text)
    k = text.index(close)
    return all(m[:k]) and not any(m[k:])


def test_mixed_quote_marks_close_the_quotation():
    # a straight mark closes a curly quotation and a curly one a straight quotation
    assert quoted_upto('"I prefer the governor,” he said.', "”")
    assert quoted_upto('“I disagree," said the senator.', '"')
    m = quote_mask('He said "no" and left.')
    assert [i for i, v in enumerate(m) if v] == [8, 9, 10]


def test_quote_before_cue_with_mixed_marks():
    st = by_cue(run('"I prefer the governor,” he said, noting he had backed her rival.'), "said")
    assert st.content.text == "I prefer the governor"
    assert st.speaker.text == "he" and st.kind == "direct"


def test_quotation_taken_for_the_subject():
    # the parser makes the quoted clause the subject of "said"; the speaker is Dawson
    text = ('"She\'s tough. The fact that she, in her first year, really tried to fix it," '
            'Dawson said. "You may not like her plan."')
    st = by_cue(run(text), "said")
    assert st.speaker.text == "Dawson"
    assert st.content.text.startswith("She's tough.")
    assert [p.text for p in st.content_parts][-1] == "You may not like her plan"


@pytest.mark.parametrize("text, ending", [
    # a quotation of several sentences runs to its closing mark
    ('A spokesman said that "the firm followed every rule on the site. Its safety checks were complete."',
     "Its safety checks were complete"),
    # a long attribution (prepositional phrases, a colon) before the quotation
    ('The company said in a statement on Monday evening: "We look forward to reopening the '
     'plant. Our workers want to be back at their jobs."', "Our workers want to be back at their jobs"),
])
def test_quotation_content_runs_to_the_closing_mark(text, ending):
    assert by_cue(run(text), "said").content.text.endswith(ending)


def test_clause_begun_without_marks_keeps_its_subject():
    st = by_cue(run("The two leaders ''simply never got along,'' Mr. Harlan said."), "said")
    assert st.content.text.startswith("The two leaders")


def test_quotation_introduced_by_a_comma_in_the_clause_before_the_cue():
    text = ("The mayor spoke on Monday, telling a local radio station, “We will rebuild the bridge "
            "by June,” he said, adding, “The money is already there.”")
    sts = run(text)
    said = by_cue(sts, "said")
    assert said.content.text == "We will rebuild the bridge by June"
    assert not said.content_parts  # the second quotation is "adding"'s
    adding = by_cue(sts, "adding")
    assert adding.content.text == "The money is already there" and not adding.content_parts


def test_cue_with_its_adverbs_and_particle():
    assert by_cue(run("The minister also said the bridge would be rebuilt."), "said").cue.text == "also said"
    st = by_cue(run("The company has repeatedly denied that it hid the losses."), "denied")
    assert st.cue.text == "has repeatedly denied"


def test_colon_introduction_of_a_quotation():
    text = ("The result does not surprise the pollster Maria Keller: “Turnout in the suburbs "
            "decided this race, as it did the last two.”")
    st = by_cue(run(text), ":")
    assert st.speaker.text.endswith("Maria Keller")
    assert st.content.text.startswith("Turnout in the suburbs")
    # a list's head is no speaker
    assert not [s for s in run('The plan has three parts: "one, two and three of them".')
                if s.cue is not None and s.cue.text == ":"]


def test_and_before_the_resumed_quotation():
    text = '"The treaty needs strict inspections," she said, and "real penalties for cheating."'
    st = by_cue(run(text), "said")
    assert [p.text for p in st.content_parts] == ["The treaty needs strict inspections",
                                                  "real penalties for cheating"]


def test_sentence_opening_with_by_is_no_byline():
    # "By <lower-case word>" opens a sentence; only "By <Name>" / "Posted by …" is a byline
    st = by_cue(run("By eliminating the receiving line, Ms. Tchen said, the White House can invite "
                    "more guests."), "said")
    assert st.speaker.text == "Ms. Tchen"
    assert not [s for s in run("By Jane Doe, Reuters") if s.cue is not None]


def test_question_quote_the_parser_split_from_its_cue():
    # spaCy ends the sentence at '?"'; the quotation is still the content, not "about …"
    st = by_cue(run('"Why would you try to cozy up to him?" Lichtman said about the effort to '
                    'distance himself.'), "said")
    assert st.content.text.startswith("Why would you try to cozy up to him")
    assert st.speaker.text == "Lichtman" and st.kind == "direct"


def test_report_parsed_as_hanging_off_the_clause_before_it():
    # "A, he said, B" / "A, she said." where the parser hangs the cue on A's verb
    # (parataxis / advcl): the content is the clause around the cue
    st = by_cue(run("It is his job, he said, to talk to Congress about the threat."), "said")
    assert st.content.text.startswith("It is his job") and st.content.text.endswith("about the threat")
    assert st.speaker.text == "he"
    st = by_cue(run("The Internet has also made it possible for people with bogus ideas to organize, "
                    "she said."), "said")
    assert st.content.text.startswith("The Internet has also made it possible")


def test_according_to_takes_the_side_with_more_words():
    # hyphens are tokens: "first-in-the-nation" made the trailing phrase look longer
    st = by_cue(run("Trump is lagging behind Clinton by more than nine percentage points, according to "
                    "the RealClearPolitics polling average - despite winning the first-in-the-nation "
                    "primary there."), "according to")
    assert st.content.text.startswith("Trump is lagging behind Clinton")


def test_qa_answer_with_reports_of_its_own():
    text = ("Q: What did you find?\n\n"
            "A: The records were gone and the boxes in the basement were empty.\n\n"
            "Q: And the wall?\n\n"
            "A: I think the wall is a fantasy that voters will reject.\n")
    sts = run(text)
    answers = [s for s in sts if s.cue is not None and s.cue.text == ":"]
    assert [s.content.text for s in answers] == ["The records were gone and the boxes in the basement were empty"]
    st = by_cue(sts, "think")
    assert st.content.text == "the wall is a fantasy that voters will reject"


def test_speaker_of_a_participle_after_a_preposition_or_a_purpose_infinitive():
    st = by_cue(run("The senator is facing skepticism after saying in a recent debate that he views "
                    "himself as impartial."), "saying")
    assert st.speaker is not None and st.speaker.text == "The senator"
    st = by_cue(run("The lawmakers met on Monday to demand a new vote."), "demand")
    assert st.speaker is not None and st.speaker.text == "The lawmakers"


def test_source_phrase_keeps_the_apposition_beside_the_bare_mention():
    st = by_cue(run("Thomas Burke, a leader of the Coalition for Peace, said the talks had failed."), "said")
    assert st.speaker.text == "Thomas Burke"  # the mention the resolver reads
    assert st.speaker.phrase is not None
    assert st.speaker.phrase.text == "Thomas Burke, a leader of the Coalition for Peace"
    # a bare name has no separate phrase
    assert by_cue(run("Thomas Burke said the talks had failed."), "said").speaker.phrase is None


def test_source_phrase_survives_the_report_json():
    from dataclasses import asdict

    from claimmap.report.load import _statement

    st = by_cue(run("Thomas Burke, a leader of the Coalition for Peace, said the talks had failed."), "said")
    back = _statement(asdict(st))
    assert back.speaker.phrase.text == st.speaker.phrase.text
    assert back.speaker.phrase.start == st.speaker.phrase.start


def test_statement_noun_without_a_holder_is_no_statement():
    sts = run("The image harked back to old stereotypes, such as the belief that bankers are greedy.")
    assert not [s for s in sts if s.cue is not None and s.cue.lemma == "belief"]
    st = by_cue(run("The ministry's claim that the convoy carried weapons was false."), "claim")
    assert st.speaker is not None and st.content.text == "the convoy carried weapons"


def test_object_content_keeps_the_phrases_after_the_object():
    st = by_cue(run("Senator Lee praised the governor for showing the courage of his convictions."), "praised")
    assert st.content.text == "the governor for showing the courage of his convictions"


def test_subject_of_a_raising_verb_is_part_of_the_content():
    st = by_cue(run("No major polls appear to have been conducted in the state before the primary."), "appear")
    assert st.speaker is None
    assert st.content.text.startswith("No major polls")
    assert [p.text for p in st.content_parts][0] == "No major polls"


def test_opening_curly_mark_typed_where_a_quotation_ends_closes_it():
    text = ("He called them “rapists“ while touring the border. “There’s great danger with the "
            "illegals,” Trump told reporters.")
    m = quote_mask(text)
    assert not m[text.index("while")] and not m[text.index("told")]
    st = by_cue(run(text), "told")
    assert st.content.text == "There’s great danger with the illegals" and st.speaker.text == "Trump"


def test_quotation_closed_together_with_a_nested_one():
    text = "''Part of my job is to say: 'Hey, this guy's for real. He's one of us,''' Mr. English said of Mr. Cruz."
    st = by_cue(run(text), "said")
    assert st.content.text.startswith("Part of my job is to say") and st.speaker.text == "Mr. English"


def test_clause_hung_on_the_cue_from_inside_the_speaker_phrase():
    text = ("''When Twitter says, 'We can't do this,' I don't believe that,'' said Hany Farid, chairman "
            "of the computer science department at Dartmouth College, who co-developed the tracking system.")
    st = by_cue(run(text), "said")
    assert st.content.text.startswith("When Twitter says") and st.speaker.text == "Hany Farid"


def test_aspect_verb_before_a_cue_makes_one_report():
    sts = run("Trump continued to portray illegal immigrants as violent criminals.")
    cues = [s.cue.text for s in sts if s.cue is not None]
    assert cues == ["continued to portray"], cues
    assert sts[0].speaker.text == "Trump" and sts[0].content.text.startswith("illegal immigrants")


def test_message_saying_is_spoken_by_its_sender():
    st = by_cue(run("Rubio’s campaign sent out a press release saying that Cruz had backed amnesty."), "saying")
    assert st.speaker is not None and st.speaker.text == "Rubio’s campaign"


def test_content_goes_on_past_a_colon_it_stops_at():
    st = by_cue(run("I would add a historical reason for the generational split: Millennials have no "
                    "memories of socialism."), "add")
    assert st.content.text.endswith("Millennials have no memories of socialism")
