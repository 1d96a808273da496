"""Plain-text zones of blogs, press releases, captions, several articles and pages that are not
news (fictional fixtures in tests/fixtures/articles)."""

from pathlib import Path

import pytest

import claimmap
from claimmap.model import Document
from claimmap.zones import zone_document
from claimmap.zones.genre import not_news

ARTICLES = Path(__file__).parent / "fixtures" / "articles"


def _zones(name):
    text = (ARTICLES / name).read_text(encoding="utf-8")
    doc, zones = zone_document(Document(text=text))
    return doc.text, zones


def _kind_of(text, zones, needle):
    at = text.index(needle)
    return next((z.kind, z.label) for z in zones if z.start <= at < z.end)


def test_blog_comments_are_comments_with_their_authors():
    text, zones = _zones("blog_comments.txt")
    comments = [z for z in zones if z.kind == "comment"]
    assert [z.label for z in comments] == ["Helen Vesk", "Bob Kettering", "Anonymous"]
    # each comment holds its author line, its text and its timestamp
    first = text[comments[0].start:comments[0].end]
    assert first.startswith("Helen Vesk said...") and "swimming pool" in first and "11:02 am" in first
    assert _kind_of(text, zones, "The mayor promised")[0] == "comment"
    assert _kind_of(text, zones, "Reply") == ("boilerplate", None)
    assert _kind_of(text, zones, "Posted by Gareth Lune") == ("header", "byline")
    assert _kind_of(text, zones, "Photo: The reading room") == ("boilerplate", "caption")
    assert _kind_of(text, zones, "Council member Priya Sandor")[0] == "body"


def test_blog_report_lists_no_comment_statement_as_article_claim():
    r = claimmap.analyze(str(ARTICLES / "blog_comments.txt"), framing=False)
    kinds = {z.id: z.kind for z in r.zones}
    article = [s for s in r.statements if kinds[s.zone] in ("header", "body")]
    assert article and not any("swimming pool" in s.content.text or "lower taxes" in s.content.text
                               for s in article)


def test_press_release_furniture_is_boilerplate():
    text, zones = _zones("press_release.txt")
    assert _kind_of(text, zones, "FOR IMMEDIATE RELEASE")[0] == "boilerplate"
    assert _kind_of(text, zones, "Media contact")[0] == "boilerplate"
    assert _kind_of(text, zones, "###")[0] == "boilerplate"
    assert _kind_of(text, zones, "supplies drinking water") == ("boilerplate", "about")
    assert _kind_of(text, zones, "This plant will serve")[0] == "body"
    assert _kind_of(text, zones, "Brightwell Water Announces") == ("header", "title")


def test_several_articles_warn():
    r = claimmap.analyze(str(ARTICLES / "two_articles.txt"), framing=False)
    assert any("2 articles" in w for w in r.warnings), r.warnings
    titles = [r.document.text[z.start:z.end] for z in r.zones if z.label == "title"]
    assert titles == ["Ferry Service to Lindholm Island Resumes After Storm", "New Bakery Opens on Mill Street"]


def test_one_article_does_not_warn():
    r = claimmap.analyze(str(ARTICLES / "blame_strike.txt"), framing=False)
    assert not any("articles in one" in w or "not look like a news" in w for w in r.warnings)


def test_recipe_warns_and_ingredients_give_no_claims():
    r = claimmap.analyze(str(ARTICLES / "recipe.txt"), framing=False)
    assert any("recipe" in w for w in r.warnings), r.warnings
    text = r.document.text
    ingredients = text.index("225g unsalted butter")
    zone = next(z for z in r.zones if z.start <= ingredients < z.end)
    assert (zone.kind, zone.label) == ("boilerplate", "list")
    assert not any(s.content.start >= zone.start and s.content.end <= zone.end for s in r.statements)
    assert not any("butter" in s.content.text or "sugar" in s.content.text for s in r.statements)


@pytest.mark.parametrize("text,genre", [
    ("Blue Kettle 1.7 L\n\nPrice: 39.99\n\nAdd to cart\n\nIn stock. Free delivery on orders over 50.\n\n"
     "Product details\nA 1.7 litre kettle with a two-year warranty.\n\nCustomer reviews\n4.5 out of 5", "product"),
    ((ARTICLES / "recipe.txt").read_text(encoding="utf-8"), "recipe"),
    ((ARTICLES / "domestic_senate.txt").read_text(encoding="utf-8"), None),
    ("Bakery Wins Award\n\nThe Mill Street bakery won the regional prize for its lemon cake, "
     "the judges said. The cake's ingredients include butter, sugar and two lemons, and it serves eight. "
     "The owner said she would bake for the whole street on Sunday.", None),
])
def test_not_news(text, genre):
    assert not_news(text) == genre
