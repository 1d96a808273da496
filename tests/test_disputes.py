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
