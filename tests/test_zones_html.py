"""HTML zoner: text assembly, offsets, disclaimer/boilerplate zones, comment threading.

Fixtures under tests/fixtures/ are small pages written for these tests. Dataset checks over
../shared/data are marked slow, run a handful of pages and skip when the data is absent.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from claimmap.errors import DataError, NoArticleTextError
from claimmap.model import ZONE_KINDS, Document, Zone
from claimmap.sources import from_bytes
from claimmap.zones import zone_document
from claimmap.zones.html import is_boilerplate, is_comment_furniture, is_disclaimer, load_cues, zone_html

FIXTURES = Path(__file__).parent / "fixtures"

PARAS = """
<p>The mayor announced on Monday that the city would close three public libraries next year to save money.</p>
<p>"We have no choice, the budget gap is simply too large," the mayor told a press conference at city hall.</p>
<p>Union leaders accused the administration of balancing the books on the backs of the poorest residents.</p>
"""


def zoned(name_or_html: str, **kw):
    if name_or_html.endswith(".html"):
        data = (FIXTURES / name_or_html).read_bytes()
    else:
        data = name_or_html.encode("utf-8")
    return zone_html(from_bytes(data, **kw))


def check_invariants(doc: Document, zones: list[Zone]) -> None:
    assert [z.id for z in zones] == [f"z{i}" for i in range(len(zones))]
    ids = {z.id for z in zones}
    last_end = -1
    for z in zones:
        assert z.kind in ZONE_KINDS
        assert 0 <= z.start < z.end <= len(doc.text)
        assert z.start > last_end  # in text order, not overlapping
        last_end = z.end
        piece = doc.text[z.start:z.end]
        assert piece == piece.strip()
        if z.parent is not None:
            assert z.kind == "comment" and z.parent in ids
            assert int(z.parent[1:]) < int(z.id[1:])  # a reply follows the comment it answers


def texts(doc, zones, kind):
    return [doc.text[z.start:z.end] for z in zones if z.kind == kind]


# ----------------------------------------------------------------------------- WordPress page
def test_wordpress_page_zones():
    doc, zones = zoned("wordpress.html")
    check_invariants(doc, zones)
    assert [z.kind for z in zones] == ["header", "body", "disclaimer", "comment", "comment", "comment"]
    header, body, disclaimer, c1, c2, c3 = zones
    assert doc.text[header.start:header.end] == (
        "Minister denies report\nA row over a leaked memo deepens as the opposition demands answers.")
    assert doc.text[header.end:body.start] == "\n\n"
    body_text = doc.text[body.start:body.end]
    assert body_text.startswith("The minister on Tuesday denied a report")
    assert "\n\n\"I have no intention of stepping down,\"" in body_text
    assert "views expressed" not in body_text
    assert doc.text[disclaimer.start:disclaimer.end].startswith("The views expressed in this article")
    assert doc.text[c1.start:c1.end] == "This is obviously a cover-up by the ministry.\nThey always deny everything."
    assert (c1.parent, c1.label) == (None, "Alice")
    assert doc.text[c2.start:c2.end] == "No, the minister was perfectly clear about it."
    assert (c2.parent, c2.label) == (c1.id, "Bob")
    assert (c3.parent, c3.label) == (None, "Carol")
    # comment furniture and the reply form are not comments
    assert "Reply" not in doc.text and "Leave a Reply" not in doc.text and "says:" not in doc.text
    assert doc.title == "Minister denies report" and doc.media_type == "html"
    assert doc.authors == ["Lois Lane"]


def test_document_metadata_kept():
    doc, _ = zoned("wordpress.html", url="https://dailyplanet.example/a")
    assert doc.site == "Daily Planet" and doc.published == "2024-05-01"
    assert doc.url == "https://dailyplanet.example/a" and doc.html is not None


# ----------------------------------------------------------------------------- Disqus-like nesting
def test_disqus_like_nested_replies():
    doc, zones = zoned("disqus_like.html")
    check_invariants(doc, zones)
    kinds = [z.kind for z in zones]
    assert kinds == ["header", "body", "boilerplate", "disclaimer", "comment", "comment", "comment", "comment"]
    assert texts(doc, zones, "boilerplate") == ["Sign up for our newsletter"]
    assert texts(doc, zones, "disclaimer")[0].startswith("This article was originally published")
    comments = [z for z in zones if z.kind == "comment"]
    a, b, c, d = comments
    assert (a.parent, b.parent, c.parent, d.parent) == (None, a.id, b.id, None)
    assert [z.label for z in comments] == ["dave99", "erin", "dave99", "frank"]
    assert doc.text[c.start:c.end] == "Write to your council member before the vote."


def test_old_wordpress_wrapper_pairs_are_one_comment():
    doc, zones = zoned("wordpress_old.html")
    check_invariants(doc, zones)
    comments = [z for z in zones if z.kind == "comment"]
    assert len(comments) == 2
    assert doc.text[comments[0].start:comments[0].end] == "Closing libraries never saves much money in the end."
    assert comments[0].label == "Gina" and comments[1].label == "Hal"
    assert comments[1].parent == comments[0].id
    assert doc.authors == []  # trafilatura took the commenter "Gina says" for the author


def test_fallback_to_trafilatura_comments():
    html = f"""<html><head><title>Libraries</title></head><body><article>{PARAS}</article>
    <div id="comments"><h3>Comments</h3><div class="cmt-list"><p>I think the mayor is right about this one.</p>
    <p>Shame on the council for even considering it.</p></div></div></body></html>"""
    doc, zones = zoned(html)
    check_invariants(doc, zones)
    assert texts(doc, zones, "comment") == ["I think the mayor is right about this one.",
                                            "Shame on the council for even considering it."]
    assert all(z.parent is None for z in zones)


def test_page_without_comments():
    html = f"<html><head><title>Libraries</title></head><body><article>{PARAS}</article></body></html>"
    doc, zones = zoned(html)
    assert [z.kind for z in zones] == ["header", "body"]
    assert doc.text.startswith("Libraries\n\nThe mayor announced")


def test_no_title_no_header():
    doc, zones = zoned(f"<html><body><article>{PARAS}</article></body></html>")
    assert zones[0].kind == "body" and zones[0].start == 0


def test_class_named_comment_around_article_is_not_a_comment():
    html = f"""<html><head><title>Libraries</title></head><body>
    <div class="comment"><article>{PARAS}</article></div></body></html>"""
    doc, zones = zoned(html)
    assert "comment" not in [z.kind for z in zones]
    assert "The mayor announced" in texts(doc, zones, "body")[0]


def test_related_links_zone():
    html = f"""<html><head><title>Libraries</title></head><body><article>{PARAS}
    <p>Related articles</p><ul><li><a href="/a">Council budget vote delayed</a></li>
    <li><a href="/b">Library usage hits record</a></li></ul></article></body></html>"""
    doc, zones = zoned(html)
    related = texts(doc, zones, "related")
    if related:  # trafilatura may drop link lists altogether; when kept they are not body
        assert related[0].startswith("Related articles")
        assert "Council budget" not in " ".join(texts(doc, zones, "body"))


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize("html", [
    "<html><body></body></html>",
    "<html><head><title>Nothing</title></head><body><script>var x = 1;</script></body></html>",
    "<html><head><title>Nothing</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
])
def test_no_article_text(html):
    with pytest.raises(NoArticleTextError) as ei:
        zoned(html)
    assert str(ei.value) == "no article text found in the page"
    assert ei.value.exit_code == 2


# ----------------------------------------------------------------------------- cue vocabulary
def test_cue_file_has_both_lists():
    cues = load_cues()
    assert "views expressed" in cues["disclaimer"] and "all rights reserved" in cues["disclaimer"]
    assert "comments are closed" in cues["boilerplate"] and "sign up for our newsletter" in cues["boilerplate"]
    assert all(p == p.lower() for section in cues.values() for p in section)
    assert "comments" in cues["comment_headings"] and "reply" in cues["boilerplate_lines"]


def test_disclaimer_and_boilerplate_predicates():
    assert is_disclaimer("The views expressed here do not necessarily reflect those of the publisher.")
    assert is_disclaimer("© 2019 Associated Press. All rights reserved.")
    assert not is_disclaimer("The minister said the policies of the government would not change.")
    long_para = "The terms of use of the new park were debated for hours. " * 20
    assert not is_disclaimer(long_para)  # a long paragraph is article text
    assert is_boilerplate("Leave a Reply")
    assert not is_boilerplate("The council will vote next month.")
    assert is_comment_furniture("3 Kommentare") and is_comment_furniture("Leave a comment")
    assert not is_comment_furniture("I think the mayor is right about this one.")


def test_disclaimer_only_at_the_end():
    html = f"""<html><head><title>Libraries</title></head><body><article>
    <p>This article was originally published in 1999 and has been updated for the vote, the editor said.</p>
    {PARAS}</article></body></html>"""
    doc, zones = zoned(html)
    assert "disclaimer" not in [z.kind for z in zones]


# ----------------------------------------------------------------------------- dispatch
def test_zone_document_dispatches_html():
    doc = from_bytes((FIXTURES / "disqus_like.html").read_bytes())
    out, zones = zone_document(doc)
    assert out.text and zones[0].kind == "header"


def test_zone_document_dispatches_text(monkeypatch):
    calls = []

    def fake_zone_text(doc):
        calls.append(doc)
        return doc, [Zone("z0", "body", 0, len(doc.text))]

    monkeypatch.setitem(sys.modules, "claimmap.zones.text", types.SimpleNamespace(zone_text=fake_zone_text))
    doc = Document(text="Plain text.", media_type="text")
    out, zones = zone_document(doc)
    assert calls == [doc] and zones[0].kind == "body"


# ----------------------------------------------------------------------------- evaluation helpers
def test_shingle_metric_matches_benchmark_definition():
    from claimmap.evaluate.extraction import metrics_from_tp_fp_fns, shingle_tp_fp_fn

    same = shingle_tp_fp_fn("one two three four five", "one two three four five")
    assert same == (1.0, 0.0, 0.0)
    # true has shingles (1 2 3 4), (2 3 4 5); pred has (1 2 3 4) -> tp 1, fn 1, normalised by 2
    assert shingle_tp_fp_fn("1 2 3 4 5", "1 2 3 4") == (0.5, 0.0, 0.5)
    assert shingle_tp_fp_fn("", "") == (0.0, 0.0, 0.0)
    m = metrics_from_tp_fp_fns([(0.5, 0.0, 0.5), (1.0, 0.0, 0.0)])
    assert m["precision"] == 1.0 and m["recall"] == 0.75
    assert abs(m["f1"] - 2 * 0.75 / 1.75) < 1e-12


def test_evaluate_missing_data_is_a_data_error(tmp_path):
    from claimmap.evaluate.extraction import evaluate_comment_zones, evaluate_extraction

    with pytest.raises(DataError):
        evaluate_extraction(tmp_path)
    with pytest.raises(DataError):
        evaluate_comment_zones(tmp_path)


def _data(name: str) -> Path:
    from claimmap.evaluate.extraction import data_dir

    path = data_dir() / name
    if not path.is_dir():
        pytest.skip(f"dataset {name} not found under CLAIMMAP_DATA ({data_dir()})")
    return path


@pytest.mark.slow
def test_extraction_benchmark_subset():
    from claimmap.evaluate.extraction import evaluate_extraction

    result = evaluate_extraction(_data("article-extraction-benchmark"), limit=12)
    assert result["n"] == 12 and result["errors"] == 0
    assert result["f1"] > 0.85  # full run (bench/bench_extraction.py): 0.964


@pytest.mark.slow
def test_comment_zones_subset():
    from claimmap.evaluate.extraction import evaluate_comment_zones

    result = evaluate_comment_zones(_data("trafilatura-eval"), limit=12)
    assert result["n"] == 12
    assert result["precision"] > 0.8


def test_teaser_cards_typed_comment_are_not_comments():
    html = f"""<html><head><title>Libraries</title></head><body><article>{PARAS}</article>
    <ul><li class="list-of-entities__item comment premium"><a href="/opinion/1"><h3>Comment: why libraries matter</h3></a>
    <span class="byline">Jane Doe</span></li></ul></body></html>"""
    doc, zones = zoned(html)
    assert "comment" not in [z.kind for z in zones]


def test_comment_labels_and_buttons_are_cleaned():
    html = f"""<html><head><title>Libraries</title></head><body><article>{PARAS}</article>
    <div class="comments"><div class="comment" id="c1"><div class="author-line"><span class="username">Milan G. on
    September 12, 2018 at 4:47 pm</span></div><p>Any update on the library budget?</p><div>Reply</div></div></div>
    </body></html>"""
    doc, zones = zoned(html)
    (c,) = [z for z in zones if z.kind == "comment"]
    assert c.label == "Milan G."
    assert doc.text[c.start:c.end] == "Any update on the library budget?"
