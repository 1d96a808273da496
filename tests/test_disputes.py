from claimmap.claims.disputes import find_disputes
from claimmap.model import Cue, Sentence, Span, Speaker, Statement

TEXT = ("Norland accused Velmark of staging the power outage at the harbour. "
        "Velmark denied staging the outage. "
        "Velmark said the weather in the north was fine. "
        "The mayor of Haldby said the outage at the harbour was staged. "
        "Norland rejected it.")


def _st(i, speaker, side, polarity, content, sent):
    start = TEXT.index(content)
    return Statement(
        id=f"s{i}", zone="z1",
        speaker=Speaker(speaker, 0, 0, speaker, side), cue=Cue("x", 0, 0, "say"),
        content=Span(content, start, start + len(content)), kind="indirect", polarity=polarity,
        sentence=Span("", sentences[sent].start, sentences[sent].end),
    )


sentences = []
pos = 0
for part in TEXT.split(". "):
    end = pos + len(part) + 1
    sentences.append(Sentence(pos, min(end, len(TEXT)), "z1"))
    pos = end + 1


def test_denial_pairs_with_opposed_claim_of_other_side():
    sts = [
        _st(1, "Norland", "norland", "accuse", "Velmark of staging the power outage at the harbour", 0),
        _st(2, "Velmark", "velmark", "deny", "staging the outage", 1),
        _st(3, "Velmark", "velmark", "assert", "the weather in the north was fine", 2),
    ]
    disputes = find_disputes(sts, sentences)
    assert [d.statements for d in disputes] == [["s1", "s2"]]
    assert disputes[0].proposition == "Velmark of staging the power outage at the harbour"
    assert disputes[0].sides == ["norland", "velmark"]
    assert disputes[0].id == "d1"


def test_same_side_is_not_a_dispute():
    sts = [
        _st(1, "Norland", "norland", "accuse", "Velmark of staging the power outage at the harbour", 0),
        _st(2, "Norland", "norland", "deny", "staging the outage", 1),
    ]
    assert find_disputes(sts, sentences) == []


def test_unrelated_content_far_away_is_not_a_dispute():
    sts = [
        _st(3, "Velmark", "velmark", "assert", "the weather in the north was fine", 2),
        _st(2, "Norland", "norland", "deny", "staging the outage", 1),
    ]
    assert find_disputes(sts, sentences) == []


def test_anaphoric_rejection_pairs_with_nearest_preceding_claim():
    sts = [
        _st(1, "Norland", "norland", "accuse", "Velmark of staging the power outage at the harbour", 0),
        _st(4, "Mayor of Haldby", None, "assert", "the outage at the harbour was staged", 3),
        _st(5, "Norland", "norland", "reject", "it", 4),
    ]
    disputes = find_disputes(sts, sentences)
    assert [d.statements for d in disputes] == [["s4", "s5"]]


def test_assertion_is_not_disputed_by_another_assertion():
    sts = [
        _st(1, "Norland", "norland", "assert", "Velmark of staging the power outage at the harbour", 0),
        _st(4, "Mayor of Haldby", None, "assert", "the outage at the harbour was staged", 3),
    ]
    assert find_disputes(sts, sentences) == []


def _analysed_disputes(text):
    import claimmap

    r = claimmap.analyze_text(text, framing=False)
    by = {s.id: s for s in r.statements}
    return [(by[d.statements[0]].speaker.canonical, by[d.statements[1]].speaker.canonical) for d in r.disputes]


def test_no_dispute_from_shared_names_alone():
    # both speak of Tervala Bay, neither says what the other says
    text = ("Harbour master Ilse Varga said ferries to Tervala Bay would run every hour from Monday. "
            "The Tervala Bay Fishing Union rejected a court ruling on quotas in Tervala Bay.")
    assert _analysed_disputes(text) == []


def test_a_refusal_to_act_answers_a_request_not_a_claim():
    text = ("Camp director Omar Halden said the water supply at the Sarvik camp was safe again. "
            "Residents of the Sarvik camp refused to leave the camp.")
    assert _analysed_disputes(text) == []


def test_no_dispute_between_a_spokeswoman_and_her_office():
    """'Ministry of Ports spokeswoman Dana Kessler' and 'the Ministry of Ports' are one party."""
    from claimmap.claims.disputes import _same_party

    def st(text, canonical, polarity):
        return Statement("s", "z1", Speaker(text, 0, len(text), canonical), None, Span("x", 0, 1), "indirect", polarity)

    kessler = st("Ministry of Ports spokeswoman Dana Kessler", "Dana Kessler", "assert")
    ministry = st("The Ministry of Ports", "Ministry of Ports", "reject")
    union = st("The dockers' union", "dockers' union", "reject")
    assert _same_party(kessler, ministry) and _same_party(ministry, kessler)
    assert not _same_party(kessler, union)


def test_a_real_denial_still_makes_a_dispute():
    text = ("The Velmark defence ministry accused Norland of shelling the border villages on Tuesday. "
            "Norland's army denied shelling the border villages.")
    assert len(_analysed_disputes(text)) == 1


def test_an_unresolved_document_is_no_party_to_a_dispute():
    from claimmap.claims.disputes import _a_document

    def st(text, canonical):
        return Statement("s", "z1", Speaker(text, 0, len(text), canonical), None, Span("x", 0, 1), "indirect", "assert")

    assert _a_document(st("the statement", "statement")) and _a_document(st("A letter", "letter"))
    assert not _a_document(st("the ministry", "Ministry of Ports"))
