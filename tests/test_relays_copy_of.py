"""Issue 14 items 6 and 7: the analysed article never wins a same-day tie for ``copy_of``, and
independence follows the outlet, relays included.

All texts are fictional, written for these tests (invented places, people and events).
"""

from __future__ import annotations

from claimmap.outlets.families import FamilyInput, group_families, relay_sentence
from claimmap.outlets.registry import load_registry

STORY = """\
The harbour authority of the fictional town of Ostrovets said on Tuesday that a fire at the \
northern grain terminal had been put out after burning for six hours, and that no workers were hurt.

Harbour master Ilona Petrenko told reporters that the cause was still being investigated and \
that the terminal would stay closed for inspection until Friday at the earliest.

The regional defence office said in a statement that the fire followed an air attack on the \
port and that two missiles had been shot down over the bay before dawn.

Shipping agents said four grain barges waiting to load had been moved to the southern quay, \
where loading was expected to resume on Wednesday morning once the cranes had been checked.

Residents of the old quarter reported a strong smell of smoke in the early hours, and the town \
council opened two schools as shelters for families living closest to the terminal."""


def _fams(items, **kw):
    return group_families(items, load_registry(), **kw)


# -- item 6: copy_of ---------------------------------------------------------------------------

def test_analysed_article_loses_same_day_tie():
    items = [FamilyInput("article", STORY, url="https://copysite.example/a", published="2031-05-06"),
             FamilyInput("7", STORY, url="https://othersite.example/b", published="2031-05-06")]
    f = _fams(items, analysed="article")
    assert f.copy_of("article") == "7"
    assert f.copy_of("7") is None
    # without the flag the input order decides (the old behaviour the issue reports)
    assert _fams(items).copy_of("7") == "article"


def test_analysed_article_dated_earlier_stays_origin():
    items = [FamilyInput("article", STORY, url="https://copysite.example/a", published="2031-05-05"),
             FamilyInput("7", STORY, url="https://othersite.example/b", published="2031-05-06")]
    f = _fams(items, analysed="article")
    assert f.copy_of("article") is None and f.copy_of("7") == "article"


def test_undated_article_is_not_the_origin():
    """Without --published and with no date on the page, a stored copy is the origin."""
    for stored in (None, "2031-05-06"):
        items = [FamilyInput("article", STORY, url="https://copysite.example/a"),
                 FamilyInput("7", STORY, url="https://othersite.example/b", published=stored)]
        assert _fams(items, analysed="article").copy_of("article") == "7"


def test_article_credit_line_picks_the_origin():
    """The article says where it comes from: that outlet's member wins over an earlier one."""
    credited = "OSTROVETS, May 6 (Reuters) - " + STORY
    items = [FamilyInput("article", credited, url="https://copysite.example/a", published="2031-05-06"),
             FamilyInput("3", STORY, url="https://othersite.example/x", published="2031-05-06"),
             FamilyInput("9", STORY, url="https://www.reuters.com/world/x", published="2031-05-06")]
    f = _fams(items, analysed="article")
    assert f.copy_of("article") == "9"
    assert f.copy_of_outlet("article") == "reuters"


# -- item 7: relays ------------------------------------------------------------------------------

RELAY_CITED = ("Officials in Ostrovets said the fire was caused by a stray flare, TASS reported "
               "on Tuesday, citing the regional defence office. The agency added that two "
               "missiles had been shot down over the bay and that no workers were hurt in the "
               "fire at the northern grain terminal, which burned for six hours.")
RELAY_PAREN = ("The fire at the northern grain terminal of Ostrovets was caused by a stray "
               "flare, the regional defence office said (TASS). Two missiles were shot down "
               "over the bay before dawn and nobody was hurt, it added.")
OWN_REPORTING = ("A fire at the northern grain terminal of Ostrovets burned for six hours, "
                 "harbour officials told our correspondent, who saw the damaged cranes on "
                 "Tuesday. Shipping agents moved four barges to the southern quay.")


def test_third_party_pages_relaying_a_state_wire_share_its_key():
    items = [FamilyInput("tass", "Some fictional text about grain prices on the exchange.",
                         url="https://tass.com/economy/1", published="2031-05-06"),
             FamilyInput("blog1", RELAY_CITED, url="https://smallblog.example/p/1"),
             FamilyInput("blog2", RELAY_PAREN, url="https://otherblog.example/p/2"),
             FamilyInput("own", OWN_REPORTING, url="https://localpaper.example/s")]
    f = _fams(items)
    key = f.independence_key("tass")
    assert key == "state:russia"
    assert f.independence_key("blog1") == key and f.relay_of("blog1") == "tass"
    assert f.independence_key("blog2") == key and f.relay_of("blog2") == "tass"
    assert f.own_key("blog1").startswith("site:")
    assert f.independence_key("own") != key and f.relay_of("own") is None
    # the stored families keep each page under its own outlet (what the Spark batch computes)
    assert not any(m in x.members for x in f if x.key == key for m in ("blog1", "blog2"))
    assert f.to_dict()["documents"]["blog1"]["relay_of"] == "tass"


def test_relay_key_without_the_wire_in_the_set():
    f = _fams([FamilyInput("blog", RELAY_CITED, url="https://smallblog.example/p/1")])
    assert f.independence_key("blog") == "state:russia"


def test_registered_newsroom_citing_a_wire_keeps_its_own_key():
    """Reuters citing TASS reports on TASS; the page is not a relay (the sentence is)."""
    f = _fams([FamilyInput("r", RELAY_CITED, url="https://www.reuters.com/world/y")])
    assert f.relay_of("r") is None and f.independence_key("r") != "state:russia"


def test_page_crediting_two_families_is_not_a_relay_of_either():
    text = RELAY_CITED + " Reuters reported that the terminal would stay closed until Friday."
    f = _fams([FamilyInput("blog", text, url="https://smallblog.example/p/9")])
    assert f.relay_of("blog") is None and f.independence_key("blog").startswith("site:")


def test_relay_sentence():
    reg = load_registry()
    assert relay_sentence("The fire was put out, RIA Novosti reported.", reg) == "ria"
    assert relay_sentence("According to Sputnik, two missiles were shot down.", reg) == "sputnik"
    assert relay_sentence("Two missiles were shot down, he said (TASS).", reg) == "tass"
    assert relay_sentence("The harbour master said the terminal would reopen.", reg) is None


# -- item 6 end to end: corroborate() with and without the article's date ------------------------

ORIGINAL_URL = "https://othersite.example/news/harbour-fire"


def _copy_report(tmp_path, published: str | None, dated_page: bool):
    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.corpus.store import DocRecord, SentenceRecord
    from claimmap.corroborate import corroborate
    from claimmap.corpus.multilingual import split_sentences
    from claimmap.pipeline import analyze_text

    head = "Harbour fire put out in Ostrovets\n\n" + ("Published: 06.05.2026\n\n" if dated_page else "")
    report = analyze_text(head + STORY, url="https://copysite.example/a", framing=False)
    if published is not None:  # what `analyze --published` does
        report.document.published = published
    store = SQLiteStore(tmp_path / "c.db")
    sents = [SentenceRecord(STORY[a:b], a, b) for a, b in split_sentences(STORY)]
    store.add_document(DocRecord(text=STORY, url=ORIGINAL_URL, published="2026-05-06"), sents, [])
    # a distractor with the same actors, another day
    other = ("Harbour master Ilona Petrenko said on Monday that the Ostrovets grain terminal "
             "would get two new cranes next spring, paid for by the regional council.\n\n"
             "The council approved the budget after a short debate, and shipping agents welcomed "
             "the plan, saying loading times at the northern quay had doubled in two years.")
    store.add_document(DocRecord(text=other, url="https://othersite.example/old", published="2026-05-04"),
                       [SentenceRecord(other[a:b], a, b) for a, b in split_sentences(other)], [])

    def stance(pairs):
        return [{"label": "unrelated", "probs": {}} for _ in pairs]

    try:
        corroborate(report, store, embedder=False, stance=stance, relevance_embedder=False)
    finally:
        store.close()
    return report.document


def test_copy_of_found_without_published(tmp_path):
    doc = _copy_report(tmp_path, None, dated_page=False)
    assert doc.published is None and doc.copy_of == ORIGINAL_URL


def test_copy_of_found_with_published_the_same_day(tmp_path):
    doc = _copy_report(tmp_path, "2026-05-06", dated_page=False)
    assert doc.copy_of == ORIGINAL_URL


def test_copy_of_found_with_the_date_read_off_the_page(tmp_path):
    doc = _copy_report(tmp_path, None, dated_page=True)
    assert doc.published == "2026-05-06" and doc.copy_of == ORIGINAL_URL


def test_registered_fact_checker_citing_a_wire_keeps_its_own_key():
    text = ("Posts claim the Ostrovets terminal fire was caused by a stray flare, as TASS reported. "
            "That is false: the harbour authority's logs show an air attack before dawn.")
    f = _fams([FamilyInput("fc", text, url="https://www.snopes.com/fact-check/ostrovets-fire/")])
    assert f.outlet("fc") == "snopes" and f.relay_of("fc") is None
    assert f.independence_key("fc") != "state:russia"


def test_cli_copy_of_with_and_without_published(tmp_path, capsys):
    """`claimmap analyze --db` finds the stored original of a same-day copy, with --published
    and without (the article's page carries no date)."""
    import json

    import pytest

    from claimmap.cli import main
    from claimmap.corpus.multilingual import split_sentences
    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.corpus.store import DocRecord, SentenceRecord

    db = tmp_path / "c.db"
    with SQLiteStore(db) as store:
        store.add_document(DocRecord(text=STORY, url=ORIGINAL_URL, published="2026-05-06"),
                           [SentenceRecord(STORY[a:b], a, b) for a, b in split_sentences(STORY)], [])
    art = tmp_path / "copy.txt"
    art.write_text("Harbour fire put out in Ostrovets\n\n" + STORY, "utf-8")
    for extra in ([], ["--published", "2026-05-06"]):
        with pytest.raises(SystemExit) as exc:
            main(["analyze", str(art), "--db", str(db), "--format", "json", *extra])
        out, err = capsys.readouterr()
        assert exc.value.code == 0, err
        doc = json.loads(out)["document"]
        assert doc["copy_of"] == ORIGINAL_URL, (extra, doc["published"])
