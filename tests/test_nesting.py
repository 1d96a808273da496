"""Parent links between statements never form a cycle (claimmap.statements.nest)."""

from claimmap.model import Cue, Span, Speaker, Statement
from claimmap.statements import nest

TEXT = "Alder said Roskova claimed that Alder said the rocket misfired."


def _st(i, cue_word, cue_at, content_start, content_end):
    c = TEXT.index(cue_word, cue_at)
    return Statement(id=f"s{i}", zone="z1", speaker=Speaker("x", 0, 1, "x"),
                     cue=Cue(cue_word, c, c + len(cue_word), cue_word),
                     content=Span(TEXT[content_start:content_end], content_start, content_end),
                     kind="indirect", polarity="assert", sentence=Span(TEXT, 0, len(TEXT)))


def _cycle(sts):
    by_id = {s.id: s for s in sts}
    for s in sts:
        seen, up = set(), s
        while up.parent:
            if up.id in seen:
                return True
            seen.add(up.id)
            up = by_id[up.parent]
    return False


def test_contents_holding_each_others_cue_do_not_loop():
    # two misparsed statements whose contents each hold the other's cue: a naive innermost-holder
    # rule makes each the other's parent
    a = _st(1, "said", 0, TEXT.index("Roskova"), len(TEXT))            # holds "claimed"
    b = _st(2, "claimed", 0, 0, TEXT.index("that"))                      # holds the first "said"
    sts = [a, b]
    nest(sts)
    assert not _cycle(sts)
    assert [s.parent for s in sts].count(None) >= 1
    assert b.parent == "s1"  # the longer content is the outer report


def test_ordinary_nesting_is_kept():
    outer = _st(1, "said", 0, TEXT.index("Roskova"), len(TEXT))
    inner = _st(2, "claimed", 0, TEXT.index("that") + 5, len(TEXT))
    innermost = _st(3, "said", TEXT.index("that"), TEXT.index("the rocket"), len(TEXT))
    sts = [outer, inner, innermost]
    nest(sts)
    assert (outer.parent, inner.parent, innermost.parent) == (None, "s1", "s2")
