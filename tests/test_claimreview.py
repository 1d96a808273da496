"""ClaimReview worth publishing: only article claims by named speakers, authors typed Person or
Organization, the article's url as appearance, the publisher from the settings, and every item
valid against the properties schema.org defines and the fields Google's ClaimReview markup
guidelines require (claimReviewed, reviewRating.alternateName, url; author name; Claim author
and appearance)."""

from __future__ import annotations

import re

import pytest

from claimmap.report.claimreview import RATINGS, UNVERIFIED, publishable, to_claimreview
from claimmap.report.claims import author_type, is_pronoun, named_speaker

# schema.org properties used per type (a subset of what schema.org defines for each type: an
# unknown key, e.g. a typo, fails)
SCHEMA_PROPS = {
    "ClaimReview": {"@type", "identifier", "claimReviewed", "datePublished", "author", "publisher", "itemReviewed",
                    "reviewRating", "citation", "url"},
    "Claim": {"@type", "author", "appearance", "firstAppearance", "datePublished"},
    "CreativeWork": {"@type", "url", "headline", "datePublished"},
    "Rating": {"@type", "alternateName", "ratingExplanation", "ratingValue", "bestRating", "worstRating", "name"},
    "Organization": {"@type", "name", "url"},
    "Person": {"@type", "name", "url"},
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
HTTP = re.compile(r"^https?://[^/\s]+")


def _check_props(obj, where):
    assert isinstance(obj, dict) and obj.get("@type") in SCHEMA_PROPS, f"{where}: unknown @type {obj!r}"
    extra = set(obj) - SCHEMA_PROPS[obj["@type"]]
    assert not extra, f"{where}: properties {extra} are not {obj['@type']} properties"


def validate_claimreview(doc: dict, *, needs_url: bool = True) -> None:
    """Google's ClaimReview guidelines: required claimReviewed, reviewRating (alternateName), url
    (the review page); author an Organization or Person with a name; itemReviewed a Claim whose
    author has a name and whose appearance is a url'd CreativeWork. schema.org: known properties."""
    assert doc["@context"] == "https://schema.org"
    for item in doc["@graph"]:
        _check_props(item, "ClaimReview")
        assert item["@type"] == "ClaimReview"
        assert isinstance(item["claimReviewed"], str) and item["claimReviewed"].strip()
        if needs_url:
            assert HTTP.match(item["url"]), item.get("url")
        assert ISO_DATE.match(item["datePublished"])
        for key in ("author", "publisher"):
            _check_props(item[key], key)
            assert item[key]["@type"] == "Organization" and item[key]["name"].strip()
        rating = item["reviewRating"]
        _check_props(rating, "reviewRating")
        assert rating["@type"] == "Rating" and rating["alternateName"].strip()
        claim = item["itemReviewed"]
        _check_props(claim, "itemReviewed")
        assert claim["@type"] == "Claim"
        _check_props(claim["author"], "Claim.author")
        assert claim["author"]["@type"] in ("Person", "Organization") and claim["author"]["name"].strip()
        assert not is_pronoun(claim["author"]["name"])
        for app in claim["appearance"]:
            _check_props(app, "appearance")
            assert app["@type"] == "CreativeWork"
            if "url" in app:
                assert HTTP.match(app["url"])
        assert all(HTTP.match(u) for u in item["citation"])


ZONES = [{"id": "z1", "kind": "header"}, {"id": "z2", "kind": "body"}, {"id": "z3", "kind": "comment"}]


def _st(i, zone, canonical, text, **kw):
    speaker = {"canonical": canonical, "text": text} if text else None
    return {"id": f"s{i}", "zone": zone, "content": {"text": f"claim {i}"}, "speaker": speaker,
            "sentence": {"text": f"{text} said claim {i}."}, **kw}


def _data(statements, **doc):
    return {"document": {"url": "https://news.example/a", "title": "T", **doc}, "zones": ZONES,
            "statements": statements}


def test_only_article_claims_by_named_speakers():
    data = _data([
        _st(1, "z1", "Anna Roskova", "Roskova"),
        _st(2, "z2", "Harbour Authority", "the harbour authority"),
        _st(3, "z2", None, None),                         # the narrator
        _st(4, "z2", "It", "It"),                         # a pronoun
        _st(5, "z2", "Vladimir Putin", "who"),            # a relative pronoun, resolved: no confidence yet
        _st(6, "z2", "We", "We"),
        _st(7, "z3", "Georgia", "Georgia"),               # a comment's statement
        _st(8, "z2", "narrator", "narrator"),
        _st(9, "z2", "No one", "No one"),
    ])
    doc = to_claimreview(data, report_url="https://claims.example/reports/abc")
    validate_claimreview(doc)
    assert [i["identifier"] for i in doc["@graph"]] == ["s1", "s2"]
    assert all(i["itemReviewed"]["appearance"][0]["url"] == "https://news.example/a" for i in doc["@graph"])


def test_statement_confidence_threshold(monkeypatch):
    """Where the statements stage gives a confidence, readings below its threshold are not
    published, and a resolved pronoun with a confident reading is (under the actor's name)."""
    from claimmap import config

    if "CLAIMMAP_STATEMENT_THRESHOLD" not in config.SETTINGS:
        pytest.skip("the statements stage declares no confidence threshold in this tree")
    monkeypatch.setenv("CLAIMMAP_STATEMENT_THRESHOLD", "0.6")
    data = _data([_st(1, "z2", "Anna Roskova", "Roskova", confidence=0.9),
                  _st(2, "z2", "Anna Roskova", "Roskova", confidence=0.3),
                  _st(3, "z2", "Vladimir Putin", "who", confidence=0.95)])
    assert [s["id"] for s in publishable(data)] == ["s1", "s3"]
    assert to_claimreview(data)["@graph"][1]["itemReviewed"]["author"] == {"@type": "Person", "name": "Vladimir Putin"}


def test_author_types():
    # registry kinds: a person; a capital speaking for its government; a ministry
    assert author_type("Vladimir Putin") == "Person"
    assert author_type("Kremlin") == "Organization"
    assert author_type("Kiev", "Kiev") == "Organization"
    # no registry entry: spaCy's entity label of the mention in its sentence
    assert author_type("Georgia", "Georgia", "Georgia refused to make sanctions against Russia.") == "Organization"
    assert author_type("Poland", "Poland", "Poland sent some weapons.") == "Organization"
    assert author_type("Maria Kowalczyk", "Maria Kowalczyk",
                       "Maria Kowalczyk, a teacher, said the school was closed.") == "Person"
    assert author_type("the port operator", "the port operator", "the port operator said it") == "Organization"


def test_named_speaker_rules():
    assert named_speaker({"speaker": {"canonical": "Anna Roskova", "text": "Roskova"}}) == "Anna Roskova"
    for mention in ("I", "It", "We", "who", "which", "He", "they", "narrator", "No one", "anyone"):
        assert named_speaker({"speaker": {"canonical": mention, "text": mention}}) is None
    assert named_speaker({"speaker": None}) is None


def test_publisher_from_settings(monkeypatch):
    monkeypatch.setenv("CLAIMMAP_PUBLISHER_NAME", "Harbour Fact Desk")
    monkeypatch.setenv("CLAIMMAP_PUBLISHER_URL", "https://factdesk.example")
    item = to_claimreview(_data([_st(1, "z2", "Anna Roskova", "Roskova")]))["@graph"][0]
    assert item["author"] == item["publisher"] == {"@type": "Organization", "name": "Harbour Fact Desk",
                                                   "url": "https://factdesk.example"}
    monkeypatch.setenv("CLAIMMAP_PUBLISHER_URL", "javascript:alert(1)")   # never a non-http url
    assert "url" not in to_claimreview(_data([_st(1, "z2", "Anna Roskova", "Roskova")]))["@graph"][0]["author"]


def test_rating_from_verdicts_and_copy():
    data = _data([_st(1, "z2", "Anna Roskova", "Roskova")], copy_of="https://orig.example/story")
    data["verdicts"] = [{"statement": "s1", "said": "corroborated", "so": "contradicted",
                         "reason": "1 independent family contradicts it (Norland Herald)", "evidence": [
        {"url": "https://b.example/x", "family": "owner:b", "stance": "disagree"},
        {"url": "javascript:alert(1)", "family": "owner:d", "stance": "discuss"}]}]
    doc = to_claimreview(data, report_url="https://claims.example/r/1")
    validate_claimreview(doc)
    item = doc["@graph"][0]
    assert item["reviewRating"]["alternateName"] == RATINGS["contradicted"]
    assert "Was it said?" in item["reviewRating"]["ratingExplanation"]
    assert "Why: 1 independent family contradicts it (Norland Herald)." in item["reviewRating"]["ratingExplanation"]
    assert item["citation"] == ["https://b.example/x"]
    assert item["itemReviewed"]["firstAppearance"] == {"@type": "CreativeWork", "url": "https://orig.example/story"}
    del data["verdicts"]
    assert to_claimreview(data)["@graph"][0]["reviewRating"]["alternateName"] == UNVERIFIED


def test_seed_claimreview_named_article_claims(seed_text):
    """The seed's ClaimReview: only article claims, by named speakers, each with the article url."""
    import claimmap

    report = claimmap.analyze_text(seed_text)
    from claimmap.report.claims import set_source_url

    set_source_url(report, "https://news.example/seed-story")
    data = report.to_dict()
    kinds = {z["id"]: z["kind"] for z in data["zones"]}
    doc = to_claimreview(data, report_url="https://claims.example/reports/seed")
    validate_claimreview(doc)
    items = doc["@graph"]
    by_id = {s["id"]: s for s in data["statements"]}
    assert items and all(kinds[by_id[i["identifier"]]["zone"]] in ("header", "body") for i in items)
    assert all(i["itemReviewed"]["appearance"][0]["url"] == "https://news.example/seed-story" for i in items)
    authors = {i["itemReviewed"]["author"]["name"]: i["itemReviewed"]["author"]["@type"] for i in items}
    assert not {"I", "It", "We", "who", "narrator", "Georgia", "Poland"} & set(authors)
    assert authors.get("Vladimir Putin") == "Person" and authors.get("Kremlin") == "Organization"
    assert len(items) < len(data["statements"]) / 2   # 81 statements, most of them comments'
