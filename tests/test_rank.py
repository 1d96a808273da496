"""Ranking an article's claims: check-worthiness weighted by confidence, headline fragments never
first (claimmap.checkworthiness.rank)."""

import pytest

from claimmap.checkworthiness.rank import is_headline_fragment, priority, rank, rank_key
from claimmap.model import Cue, Document, Report, Span, Speaker, Statement, Zone

TEXT = ("Velmark: Norland Cut the Cable\n\n"
        "Velmark's interior ministry said Norland divers had cut the cable on Monday night.")


def _report(cw_head=0.95, cw_body=0.6, conf_body=None):
    head = Statement("s1", "z0", Speaker("Velmark", 0, 7, "Velmark"), Cue(":", 7, 8, ":"),
                     Span("Norland Cut the Cable", 9, 30), "indirect", "assert", checkworthiness=cw_head)
    b0 = TEXT.index("Norland divers")
    body = Statement("s2", "z1", Speaker("Velmark's interior ministry", 32, 59, "Velmark"),
                     Cue("said", 60, 64, "say"), Span(TEXT[b0:len(TEXT) - 1], b0, len(TEXT) - 1),
                     "indirect", "assert", checkworthiness=cw_body)
    body.confidence = conf_body
    zones = [Zone("z0", "header", 0, 30, label="title"), Zone("z1", "body", 32, len(TEXT))]
    return Report(Document(TEXT), zones, [], [head, body], [])


def test_headline_fragment_never_tops():
    r = _report(cw_head=0.99, cw_body=0.2)
    assert [s.id for s in rank(r)] == ["s2", "s1"]
    assert is_headline_fragment(r.statements[0], r.zones[0])
    assert not is_headline_fragment(r.statements[1], r.zones[1])


def test_full_headline_sentence_is_not_a_fragment():
    st = Statement("s1", "z0", None, Cue("said", 0, 4, "say"),
                   Span("Norland divers cut the harbour cable on Monday, Velmark says.", 0, 10), "indirect", "assert")
    assert not is_headline_fragment(st, Zone("z0", "header", 0, 10, label="subtitle"))


def test_confidence_weighs_the_rank():
    assert priority(0.8, None) == pytest.approx(0.8)
    assert priority(0.8, 1.0) == pytest.approx(0.8)
    assert priority(0.8, 0.0) < priority(0.5, 1.0)
    assert priority(None, 0.9) == -1.0
    a = {"checkworthiness": 0.7, "confidence": 0.1, "cue": {"text": "said"}, "content": {"text": "x."}}
    b = {"checkworthiness": 0.5, "confidence": 0.95, "cue": {"text": "said"}, "content": {"text": "y."}}
    body = {"kind": "body"}
    assert sorted([a, b], key=lambda s: rank_key(s, body)) == [b, a]


def test_seed_ranking_and_comments(seed_text):
    import claimmap
    from claimmap.report.claims import claim_views

    r = claimmap.analyze_text(seed_text)
    ranked = rank(r)
    zones = {z.id: z for z in r.zones}
    assert ranked and not is_headline_fragment(ranked[0], zones[ranked[0].zone])
    assert zones[ranked[0].zone].kind == "body"
    views = claim_views(r.to_dict())
    kinds = {z.id: z.kind for z in r.zones}
    # the reader comments are comments: none of their statements is listed among the article's claims
    assert views["article"] and all(kinds[c["zone"]] in ("header", "body") for c in views["article"])
    assert views["comments"] and all(kinds[c["zone"]] == "comment" for c in views["comments"])
    assert views["article"][0]["id"] == ranked[0].id
