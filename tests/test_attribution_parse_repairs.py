"""Attribution where the parse goes wrong in a regular way (issue 15, fourth session): the
mechanisms that repair it, on invented sentences."""

from __future__ import annotations

import pytest

from statement_helpers import by_cue, run  # tests/statement_helpers.py


def test_subject_hung_on_a_preposed_phrase():
    # the parser makes the name an apposition of "Riverside Park" / "Harris" and leaves the
    # cue without a subject: the noun phrase right before the verb is the speaker
    st = by_cue(run("At Riverside Park, where it costs visitors $20 to enter, Maria Olsen, the park's "
                    "longtime director and chief gardener, suggested that the decline in visitors could "
                    "be blamed on the weather."), "suggested")
    assert st.speaker is not None and st.speaker.text == "Maria Olsen"
    assert st.content.text == "the decline in visitors could be blamed on the weather"
    st = by_cue(run("In a letter to Harris, Brennan, head of the Institute for Rural Policy, recounted a "
                    "meeting she had with the governor."), "recounted")
    assert st.speaker is not None and st.speaker.text == "Brennan"


def test_no_subject_taken_from_inside_a_prepositional_phrase():
    # an imperative or a verb whose subject is elsewhere gets no speaker from a preceding object
    sts = run("In a letter to the editor, ask yourself what the council promised.")
    assert all(s.speaker is None or s.speaker.text != "the editor" for s in sts)


@pytest.mark.parametrize("text, cue, speaker, content", [
    # "Laura Fine" parsed as the subject of "Protect" inside the relative clause
    ("“Nobody expected this outcome,” said Laura Fine, an activist who runs the advocacy group Protect "
     "the Coast.", "said", "Laura Fine", "Nobody expected this outcome"),
    # "the governor's assertion that more troopers are needed …": a passive clause is a content clause too
    ("The governor's assertion that more troopers are needed on the highways was challenged by lawmakers.",
     "assertion", "The governor's", "more troopers are needed on the highways"),
])
def test_speaker_and_content_the_parse_hides(text, cue, speaker, content):
    st = by_cue(run(text), cue)
    assert st.speaker is not None and st.speaker.text == speaker
    assert st.content.text == content


def test_title_case_headline_verb():
    # the tagger takes "Praises" in a title-case line for part of a name; recased for the parse
    text = "Farm Lobby Chief Praises Martin Cole’s Water Rights Compromise\nIt was a long day."
    st = by_cue(run(text), "Praises")
    assert st.speaker is not None and st.speaker.text == "Farm Lobby Chief"
    assert st.content.text == "Martin Cole’s Water Rights Compromise"
    # the statement's texts are as written
    assert text[st.cue.start:st.cue.end] == "Praises"


def test_headline_case_keeps_offsets_and_ordinary_text():
    from claimmap.statements import cues
    from claimmap.statements.attribution import headline_case

    lex = cues.load()
    line = "Veteran Senator Mary Holt Slams Governor Over School Closures"
    out = headline_case(line, lex)
    assert len(out) == len(line)
    assert out == "Veteran Senator Mary Holt slams Governor over School Closures"
    plain = "The senator Slams nobody here: an ordinary sentence of running text."
    assert headline_case(plain, lex) == plain


def test_lemma_with_its_silent_e_restored():
    # the lemmatizer gives "hop" for "hoped"/"hoping"; the lexicon verb is "hope"
    st = by_cue(run("Union leaders are hoping that the mayor will reopen talks."), "hoping")
    assert st.cue.lemma == "hope"
    assert st.speaker.text == "Union leaders"
    assert st.content.text == "the mayor will reopen talks"


def test_capitalised_modal_before_a_finite_verb_is_a_name():
    # "Will" tagged as a modal before "believes": a modal takes the bare infinitive, so it is the
    # columnist's name, the speaker, and no part of the cue
    st = by_cue(run("With the budget vote approaching, Will believes the mayor has been handed a rare "
                    "opportunity."), "believes")
    assert st.speaker is not None and st.speaker.text == "Will"
    assert st.cue.text == "believes"
    assert st.content.text == "the mayor has been handed a rare opportunity"
    # a real modal keeps its role
    st = by_cue(run("Will you say that the plan failed?"), "say")
    assert st.speaker is None or st.speaker.text != "Will"


def test_participle_after_a_reported_clause_goes_with_the_reporter():
    # "noting" hangs on the reported clause's verb; its speaker is the one who said it, not the
    # subject of the reported clause
    st = by_cue(run("Ortega said some of the mayor's remarks on the housing plan had been misleading, "
                    "noting his claim in March that rents would fall."), "noting")
    assert st.speaker is not None and st.speaker.text == "Ortega"


def test_finite_verb_parsed_as_a_reduced_relative_of_the_root_noun():
    # no main verb in the parse: "Tweeted" hangs on "Morales" as a participle; the noun before it
    # is its subject
    st = by_cue(run("Morales, the head of the Farmers Alliance, Tweeted on Friday with a photo of the "
                    "flooded fields."), "Tweeted on")
    assert st.speaker is not None and st.speaker.text == "Morales"


def test_phrasal_cue_preposition_object_is_the_content():
    # "pointed to X, noting …": the content is the preposition's object, not the rest of the
    # clause with the next report in it
    sts = run("Haskins pointed to the senator’s fundraising record, noting that he has raised more "
              "than any rival this year.")
    st = by_cue(sts, "pointed to")
    assert st.content.text == "the senator’s fundraising record"
    assert by_cue(sts, "noting").content.text == "he has raised more than any rival this year"
    st = by_cue(run("The union has long called for a higher minimum wage, arguing that prices have risen."),
                "called for")
    assert st.content.text == "a higher minimum wage"


def test_learned_cue_content_stops_at_the_next_report():
    # a cue only the learned detector knows takes the rest of its phrase as content, up to a
    # report of the same speaker set off by a comma
    st = by_cue(run("Kessler has tangled with the governor once directly, saying she was appalled by his "
                    "remarks."), "tangled with")
    assert st.content.text == "the governor once directly"


def test_trailing_report_with_a_quotation_is_cut_from_the_content():
    # ", adding, “…”" is the speaker's next report, not part of what was said before it, even
    # with a quotation in it
    sts = run("A veteran strategist said the governor will have to pick a side soon, adding, “At some "
              "point she has to decide where she stands.”")
    assert by_cue(sts, "said").content.text == "the governor will have to pick a side soon"
    assert by_cue(sts, "adding").content.text == "At some point she has to decide where she stands"
    # a quotation inside the reported clause itself stays whole
    st = by_cue(run("The mayor said the plan, “a bold step for the city,” would pass."), "said")
    assert "bold step" in st.content.text and st.content.text.endswith("would pass")


def test_according_to_takes_the_clause_it_modifies():
    # the longer side is a subordinate clause; the content is the clause whose verb the phrase
    # modifies
    st = by_cue(run("The mayor is trailing her rival by six points, according to the latest city poll, "
                    "despite winning the primary in a landslide last spring."), "according to")
    assert st.content.text == "The mayor is trailing her rival by six points"
    st = by_cue(run("According to the latest city poll, the mayor is trailing her rival by six points."),
                "According to")
    assert st.content.text == "the mayor is trailing her rival by six points"


def _parsed(words, spaces, heads, deps, pos, tags, lemmas):
    """A one-sentence Doc with the given (wrong) parse, for the extractor alone."""
    from spacy.tokens import Doc

    from claimmap import nlp

    return Doc(nlp.load().vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, tags=tags,
               lemmas=lemmas, sent_starts=[True] + [False] * (len(words) - 1))


def test_clause_before_the_cue_needs_punctuation_when_one_follows():
    # "Few would admit this, but Lee says he was tired." parsed with the first half as a clausal
    # complement of "says" too: the clause after the cue is the content
    from claimmap.statements import cues, learned
    from claimmap.statements.attribution import SentenceExtractor

    doc = _parsed(["Few", "would", "admit", "this", ",", "but", "Lee", "says", "he", "was", "tired", "."],
                  [True, True, True, False, True, True, True, True, True, True, False, False],
                  [2, 2, 7, 2, 2, 2, 2, 7, 9, 7, 9, 7],
                  ["nsubj", "aux", "ccomp", "dobj", "punct", "cc", "conj", "ROOT", "nsubj", "ccomp", "acomp", "punct"],
                  ["ADJ", "AUX", "VERB", "PRON", "PUNCT", "CCONJ", "PROPN", "VERB", "PRON", "AUX", "ADJ", "PUNCT"],
                  ["JJ", "MD", "VB", "DT", ",", "CC", "NNP", "VBZ", "PRP", "VBD", "JJ", "."],
                  ["few", "would", "admit", "this", ",", "but", "Lee", "say", "he", "be", "tired", "."])
    ext = SentenceExtractor(cues.load(), learned.load())
    says = [r for r in ext.run(next(doc.sents), doc.text) if r.lemma == "say"]
    assert [doc.text[r.content_start:r.content_end] for r in says] == ["he was tired"]


def test_quotation_after_the_addressee():
    # "telling reporters, “…”": the addressee is no content; the quotation after it is
    sts = run("The mayor’s office shrugged off the criticism, telling reporters, “The council never asked "
              "us for the figures.”")
    st = by_cue(sts, "telling")
    assert st.content.text == "The council never asked us for the figures" and st.kind == "direct"
    # a quotation with an attribution of its own is not the addressee verb's
    sts = run("She turned to the reporters: “We are done here,” her spokesman said.")
    assert all(s.content.text != "We are done here" or s.cue.text.endswith("said") for s in sts if s.cue)


def test_quotation_before_a_speaker_parsed_in_pieces():
    # "“We won,” Ann Lee, the chair, recalled of the vote." parsed with the name as an npadvmod
    # and the apposition as the subject: the quotation is still the cue's, the name its speaker
    from claimmap.statements import cues, learned
    from claimmap.statements.attribution import SentenceExtractor

    doc = _parsed(["“", "We", "won", ",", "”", "Ann", "Lee", ",", "the", "chair", ",", "recalled", "of", "the",
                   "vote", "."],
                  [False, True, False, False, True, True, False, True, True, False, True, True, True, True, False,
                   False],
                  [11, 2, 11, 11, 11, 6, 11, 11, 9, 11, 11, 11, 11, 14, 12, 11],
                  ["punct", "nsubj", "ccomp", "punct", "punct", "compound", "npadvmod", "punct", "det", "nsubj",
                   "punct", "ROOT", "prep", "det", "pobj", "punct"],
                  ["PUNCT", "PRON", "VERB", "PUNCT", "PUNCT", "PROPN", "PROPN", "PUNCT", "DET", "NOUN", "PUNCT",
                   "VERB", "ADP", "DET", "NOUN", "PUNCT"],
                  ["``", "PRP", "VBD", ",", "''", "NNP", "NNP", ",", "DT", "NN", ",", "VBD", "IN", "DT", "NN", "."],
                  ["“", "we", "win", ",", "”", "Ann", "Lee", ",", "the", "chair", ",", "recall", "of", "the", "vote",
                   "."])
    ext = SentenceExtractor(cues.load(), learned.load())
    (r,) = [r for r in ext.run(next(doc.sents), doc.text) if r.lemma.startswith("recall")]
    assert doc.text[r.content_start:r.content_end] == "We won"
    assert r.speaker_text == "Ann Lee"


def test_trailing_modifier_after_a_comma_inside_the_closing_quote():
    # American punctuation puts the comma inside the quotation: the narrator's ", which …" after
    # it is cut all the same
    st = by_cue(run("The mayor identified the inspector as “Canadian,” which is what some wrongly call "
                    "people who they believe speak French."), "identified")
    assert st.content.text.startswith("the inspector as “Canadian") and "which" not in st.content.text
