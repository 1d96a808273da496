"""Statements that are never usable whatever the confidence model says (confidence 0).
Invented sentences."""

from __future__ import annotations

import pytest

from claimmap.model import Document, Zone
from claimmap.statements import confidence, extract

pytestmark = pytest.mark.skipif(confidence.load() is None, reason="no statement confidence model shipped")


def run(text: str):
    return extract(Document(text=text), [Zone("z1", "body", 0, len(text))])[1]


def conf(statements, content_has: str) -> float | None:
    found = [st for st in statements if content_has in st.content.text]
    assert found, f"no statement with {content_has!r}: {[s.content.text for s in statements]}"
    return found[0].confidence


def test_reported_earnings_are_a_figure_not_a_statement():
    sts = run("Harlow Foods reported $1.12 in per-share earnings for the third quarter on Tuesday.")
    assert all(st.confidence == 0.0 for st in sts if "1.12" in st.content.text)
    sts = run("Harlow Foods reported that its sales in Canada fell sharply after the recall.")
    assert conf(sts, "sales in Canada fell") > 0.0


def test_perception_passive_participle():
    sts = run("The hills, thought to hide old silver mines, cover a fifth of the county.")
    assert all(st.confidence == 0.0 for st in sts if "silver mines" in st.content.text)
    sts = run("The old mill is believed to date from the twelfth century.")
    assert all(st.confidence == 0.0 for st in sts if "twelfth century" in st.content.text)


@pytest.mark.parametrize("text, content_has", [
    # knowing and realising: the narrator's account of a mind, not its owner's claim
    ("When the rain did not stop, Marta Quill realized that she had to sell the farm.", "she had to sell"),
    ("Councillor Bex also knows that voters will judge the budget in May.", "voters will judge"),
    # a counterfactual report is nobody's statement
    ("The deputy, a former aide, would then have claimed that he was told by an anonymous clerk.",
     "he was told"),
    # generic evidence is no party
    ("Existing research into sleep shows that it gives some protection against infection.", "protection"),
    # a condition or a manner of speaking, not a report
    ("The illness is often missed if the patient reports that no birds live in the home.", "no birds"),
    # a question asked, an agreement to act, a topic referred to, a refusal to comment
    ("Councillor Rhee asked the mayor about the delays at the harbour.", "the delays at the harbour"),
    ("“Could the bridge hold another winter?” the engineer Tomas Ek asked.", "Could the bridge hold"),
    ("The company agreed to return the fees it had charged customers.", "return the fees"),
    ("“It reminds us of the old canal plan,” said Ada Renn, referring to a project the city dropped in 1990.",
     "a project the city dropped"),
    ("A spokesman for Harlow Foods did not immediately respond to a request for comment.", "a request for comment"),
    ("Chief Lena Ortiz said she couldn't comment on the ongoing investigation.", "comment on the ongoing"),
    # a sight, a thing offered, a work written, a discovery: acts, not statements
    ("Mayor Dana Wick saw the angry reaction online and doubled down on the plan.", "the angry reaction"),
    ("Harbor Aerospace will offer the agency its new lander, which can carry two tons.", "its new lander"),
    ("Ella Marsh wrote hundreds of songs that summer.", "hundreds of songs"),
    ("Rescuers found her buried under the snow near the hut.", "buried under the snow"),
])

def test_never_a_usable_statement(text, content_has):
    assert conf(run(text), content_has) == 0.0  # found (the JSON keeps it), never trusted



def test_a_finding_and_a_belief_stay_statements():
    sts = run("The researchers found that the vaccine halved infections, and they believe it will work in children.")
    assert conf(sts, "vaccine halved") > 0.0
    sts = run("The mayor asked residents to stay indoors until the storm passes.")
    assert conf(sts, "stay indoors") > 0.0  # a request is an appeal, not a question
    sts = run("Both unions agreed that the new contract was fair to nurses.")
    assert conf(sts, "the new contract was fair") > 0.0
    sts = run("The inspectors found that the bridge was unsafe, and the mayor offered to close it.")
    assert conf(sts, "the bridge was unsafe") > 0.0 and conf(sts, "close it") > 0.0


def test_a_quotation_paragraph_going_on_is_as_sure_as_its_speakers():
    sts = run("“The bridge will reopen in May,” said Hanna Orlo, the city engineer.\n\n"
              "“We have replaced every cable and tested the deck twice over the winter months.”")
    first, cont = conf(sts, "bridge will reopen"), conf(sts, "replaced every cable")
    assert first is not None and first > 0.5 and cont == first


def test_a_passive_non_speech_verbs_agent_is_no_speaker():
    # "… after the deal was approved by shareholders": the learned detector's passive cue with its
    # by-agent as speaker is never a statement; a passive speech verb ("was announced by") can be
    from claimmap.model import Cue, Span, Speaker, Statement
    from claimmap.statements import cues
    from claimmap.statements.attribution import Raw

    text = "the deal was approved by shareholders"

    def score(rule, lemma):
        raw = Raw(cue_start=9, cue_end=21, cue_text="was approved", lemma=lemma, polarity="assert",
                  content_start=0, content_end=8, kind="indirect", sent_start=0, sent_end=len(text), cue_token=3)
        raw.extra.update(rule=rule, passive_agent=True)
        st = Statement(id="s1", zone="z1", speaker=Speaker("shareholders", 25, 37, "shareholders", None),
                       cue=Cue("was approved", 9, 21, lemma), content=Span("the deal", 0, 8),
                       kind="indirect", polarity="assert")
        return confidence.score(confidence.features(raw, st, text, cues.load()), st, confidence.load())

    assert score("learned", "approve") == 0.0
    assert score("verb", "announce") > 0.0


def _trusted(text: str) -> list[str]:
    return [st.content.text for st in run(text) if st.confidence is None or st.confidence >= confidence.threshold()]


@pytest.mark.parametrize("text,never", [
    # a call made, not a thing named
    ("Marek Nowak called the police while he was driving to the shop.", "the police"),
    # a headline's passive without its auxiliary: the subject is the accused
    ("Mayor Anna Kowalska accused of hiring her brother's firm for the bridge", "hiring her brother"),
    # a speech act that did not happen
    ("Police have not disclosed the names of the two drivers.", "the names of the two drivers"),
    # a question put to someone
    ("Asked about the painting last week by the Harbour Gazette, Nowak laughed.", "the painting"),
    # appearance, not speech
    ("The land was bought by a Jan Nowak, who appears to be the mayor's cousin.", "the mayor's cousin"),
])
def test_sixth_session_never_statements(text, never):
    assert not any(never in c for c in _trusted(text)), _trusted(text)


@pytest.mark.parametrize("text,kept", [
    ("Protesters called the strike a massacre.", "the strike a massacre"),
    ("Harbour Bank had called the court decision on the bridge a landmark judgment.", "a landmark judgment"),
    ("Businesses and residents have complained of poor communications during the outage.", "poor communications"),
    ("The opposition leader Marek Nowak accused the mayor of hiring her brother's firm.", "of hiring her brother"),
    ("Police said they have disclosed the names of the two drivers to their families.", "disclosed the names"),
])
def test_the_same_verbs_still_report(text, kept):
    assert any(kept in c for c in _trusted(text)), _trusted(text)
