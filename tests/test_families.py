"""Independence families: near-duplicate detection, credit lines, owner/state grouping.

All article texts below are fictional and written for these tests (invented town, people and
events); none is copied from a real publication.
"""

from __future__ import annotations

import pytest

from claimmap.errors import DataError
from claimmap.outlets.families import (
    Credit, FamilyInput, _compile_patterns, detect_credits, group_families,
)
from claimmap.outlets.minhash import LSHIndex, Signature, normalize_text, shingles
from claimmap.outlets.registry import load_registry

# --------------------------------------------------------------------------------------------
# fixtures: a fictional wire story and its relatives
# --------------------------------------------------------------------------------------------

WIRE_BODY = """\
The regional governor of the fictional Zarichne province said on Monday that a drone strike \
had cut power to the river port of Velykyi Brid, leaving about forty thousand homes without \
electricity for most of the night.

Governor Oksana Hrytsenko wrote on her official channel that repair crews had restored supply \
to the hospital and the water pumping station by early morning, but that several districts on \
the eastern bank would remain in the dark until at least Wednesday.

The defence ministry in Moscow said its forces had struck what it called a military fuel depot \
near the port and denied that any civilian infrastructure had been targeted. It gave no \
evidence for the claim and did not say which weapons had been used.

Local officials said the strike hit a transformer station that serves the port cranes and a \
residential quarter of mostly five-storey apartment blocks. Two workers were treated for burns, \
the regional emergency service said, and nobody was killed.

Velykyi Brid handles grain barges bound for the coast and has been hit repeatedly since the \
spring. The port authority said loading would resume once the backup generators were connected, \
which it expected to take two days.

Hrytsenko urged residents to limit their use of electric heaters as temperatures were forecast \
to fall below freezing later in the week, and said heating points would open in three schools.

The claims by either side could not be independently verified."""

WIRE = (
    "VELYKYI BRID, Ukraine, March 2 (Reuters) - " + WIRE_BODY
    + "\n\n(Reporting by Anna Kovalenko; Editing by Peter Marsh)"
)

# Verbatim copy on an aggregator with the aggregator's own boilerplate around it.
VERBATIM_COPY = (
    "Sign up for our free morning briefing and get the day's top stories in your inbox.\n\n"
    "VELYKYI BRID, Ukraine, March 2 (Reuters) - " + WIRE_BODY
    + "\n\n(Reporting by Anna Kovalenko; Editing by Peter Marsh)\n\n"
    "Read more: Winter energy crunch - what it means for your bills. "
    "Follow us for updates on this developing story."
)

# Lightly edited, uncredited copy: dateline dropped, a few words changed, one paragraph dropped.
_paras = WIRE_BODY.split("\n\n")
EDITED_COPY = "\n\n".join([
    _paras[0].replace("said on Monday", "announced Monday").replace("about forty", "some forty"),
    _paras[1].replace("repair crews", "engineers"),
    _paras[2].replace("gave no evidence", "offered no proof"),
    # paragraph 3 (the transformer station) dropped
    _paras[4],
    _paras[5].replace("urged residents", "asked people"),
    _paras[6],
])

RIA_TEXT = """\
MOSCOW, 2 March - RIA Novosti. Russian forces destroyed a fuel depot used by Ukrainian troops \
near the river port of Velykyi Brid, the Russian defence ministry said on Monday.

According to the ministry, the strike was carried out with precision weapons and caused \
secondary explosions at the site. The ministry said that only military targets were hit.

A source in the emergency services of the region told the agency that the depot had supplied \
armoured units on the eastern bank of the river. The ministry published a short video showing \
a fire at night."""

SPUTNIK_TEXT = """\
The Russian military has carried out a series of strikes on facilities of the Ukrainian armed \
forces in the Zarichne region, a military expert told Sputnik on Monday.

Retired colonel Viktor Antonov said that the attack on the fuel storage site near Velykyi Brid \
would disrupt supplies to Ukrainian units for weeks. He accused Kyiv of placing military \
equipment next to residential buildings.

Western media reports about power cuts in the city were exaggerated, Antonov claimed, adding \
that the Ukrainian authorities were using the incident for propaganda.

— Sputnik"""

RT_TEXT = """\
Kyiv has once again accused Moscow of hitting civilian targets after a strike on what the \
Russian military describes as a fuel depot outside Velykyi Brid. Russian officials have \
dismissed the claims, saying the facility stored diesel for armoured vehicles.

Residents interviewed by local bloggers described a loud explosion shortly after midnight. \
Ukrainian officials have not explained why military fuel was kept close to the port, RT notes."""

INDEPENDENT_REPORT = """\
Residents of Velykyi Brid spent a freezing night without light after an overnight attack \
damaged a transformer substation in the port district, city council members said on Monday.

"We heard the drone for about a minute before the blast," said Mykola Shevchuk, 58, who lives \
in one of the apartment blocks next to the substation. His building had no water until \
morning because the pumps lost power.

The city council said the substation supplied the cranes of the grain terminal as well as \
around nine hundred flats. Council member Iryna Bondar said she had seen no fuel storage near \
the site and that the nearest military unit was stationed outside the city. Russia's defence \
ministry said it had hit a fuel depot, TASS reported.

Engineers from the regional utility expect to finish repairs by midweek, Bondar said."""

DISTRACTOR = """\
Energy officials in several Ukrainian regions have warned that repeated strikes on substations \
could lead to rolling blackouts as winter deepens. In Zarichne province, where a river port was \
hit at the weekend, utility managers say spare transformers are running short.

Analysts note that the grid has coped better than expected thanks to imported equipment and \
small gas-fired plants installed last year. Still, they say, the repair teams are stretched \
thin, and the government has asked businesses to shift heavy consumption to the night hours.

Officials in Kyiv are lobbying European partners for more air defence systems to protect \
energy sites."""

# Same topic, quotes one paragraph of the wire story verbatim, otherwise different.
HARD_DISTRACTOR = """\
A night without power has become routine for the families along the eastern bank of the river \
in Velykyi Brid, where the grain port has been targeted again and again since spring.

""" + WIRE_BODY.split("\n\n")[1] + """

Shopkeepers on the main square said they had bought diesel generators in the autumn and were \
now sharing them with neighbours. A bakery owner said she had kept her ovens running for the \
whole night and handed out bread to people queuing at the heating point.

The ministry in Moscow repeated that it had only hit military targets, a claim local residents \
dismissed as absurd."""

# Republished Sputnik piece whose original is not in the set.
CREDITED_ONLY = """\
Ukraine's army has been moving air defence units away from the front towards the western \
regions, according to a Russian military analyst quoted in the piece. The analyst argued that \
Western deliveries had slowed and that the stocks of interceptor missiles were low.

He also said negotiations could resume in the spring.

Source: Sputnik"""


def _items() -> list[FamilyInput]:
    return [
        FamilyInput("wire", WIRE, url="https://www.reuters.com/world/europe/port-strike-2026-03-02/",
                    published="2026-03-02T08:05:00Z"),
        FamilyInput("verbatim", VERBATIM_COPY, url="https://news.yahoo.com/port-strike-080512.html",
                    published="2026-03-02T08:40:00Z"),
        FamilyInput("edited", EDITED_COPY, url="https://daily-river-gazette.example/news/port",
                    published="2026-03-02T11:00:00+02:00"),
        FamilyInput("ria", RIA_TEXT, url="https://ria.ru/20260302/port-123.html",
                    published="2026-03-02T07:30:00Z"),
        FamilyInput("sputnik", SPUTNIK_TEXT, url="https://sputnikglobe.com/20260302/expert.html",
                    published="2026-03-02T10:00:00Z"),
        FamilyInput("rt", RT_TEXT, outlet="rt", published="2026-03-02"),
        FamilyInput("independent", INDEPENDENT_REPORT,
                    url="https://kyivindependent.com/port-blackout/", published="2026-03-02"),
        FamilyInput("distractor", DISTRACTOR, url="https://www.bbc.com/news/world-europe-1",
                    published="2026-03-03"),
        FamilyInput("quoting", HARD_DISTRACTOR, url="https://www.theguardian.com/world/x",
                    published="2026-03-03"),
        FamilyInput("credited", CREDITED_ONLY, url="https://www.veteranstoday.com/2026/03/02/ad/",
                    published="2026-03-02"),
    ]


@pytest.fixture(scope="module")
def fams():
    return group_families(_items())


# --------------------------------------------------------------------------------------------
# MinHash / LSH
# --------------------------------------------------------------------------------------------

def sig(text: str) -> Signature:
    return Signature.from_text(text)


def test_normalisation_ignores_case_quotes_and_punctuation():
    a = normalize_text("Russia’s “strike” — on the PORT, said...")
    b = normalize_text("russia's \"strike\" - on the port said")
    assert a == b == ["russias", "strike", "on", "the", "port", "said"]
    assert shingles("one two three", 5) == {"one two three"}
    assert shingles("", 5) == set()


def test_similarity_separates_copies_from_other_reports():
    w = sig(WIRE)
    assert w.similarity(sig(VERBATIM_COPY)) >= 0.85
    assert 0.5 <= w.similarity(sig(EDITED_COPY)) < 0.95
    for other in (RIA_TEXT, SPUTNIK_TEXT, RT_TEXT, INDEPENDENT_REPORT, DISTRACTOR, CREDITED_ONLY):
        assert w.similarity(sig(other)) < 0.2
    # sharing one quoted paragraph is not a copy
    assert w.similarity(sig(HARD_DISTRACTOR)) < 0.4
    assert sig(RIA_TEXT).similarity(sig(SPUTNIK_TEXT)) < 0.2


def test_signature_roundtrip_bytes_and_list():
    s = sig(WIRE)
    b = s.to_bytes()
    assert isinstance(b, bytes) and len(b) == 17 + 4 * 128
    s2 = Signature.from_bytes(b)
    assert s2.size == s.size and (s2.hashvalues == s.hashvalues).all()
    s3 = Signature.from_list(s.to_list())
    assert s3.jaccard(s) == 1.0
    with pytest.raises(ValueError):
        Signature.from_bytes(b"nope")


def test_lsh_index_incremental_add_query_remove():
    idx = LSHIndex()
    idx.add("wire", WIRE)
    idx.add("ria", RIA_TEXT)
    stored = idx.signature("wire").to_bytes()
    assert [d for d, _ in idx.query(VERBATIM_COPY)] == ["wire"]
    assert [d for d, _ in idx.query(EDITED_COPY)] == ["wire"]
    assert idx.query(DISTRACTOR) == []
    # a fresh index rebuilt from persisted signatures answers the same
    idx2 = LSHIndex()
    idx2.add("wire", signature=stored)
    idx2.add("copy", VERBATIM_COPY)
    assert idx2.query(signature=idx2.signature("copy"), exclude="copy")[0][0] == "wire"
    idx2.remove("wire")
    assert idx2.query(VERBATIM_COPY, exclude="copy") == []
    with pytest.raises(ValueError):
        idx.add("wire", WIRE)


def test_pairs_equal_a_query_per_document():
    """``pairs`` (one banding pass over the whole set) finds exactly the pairs that a query of
    every document against the others finds, with the same similarities."""
    import random

    rng = random.Random(3)
    words = WIRE_BODY.split() + RIA_TEXT.split() + INDEPENDENT_REPORT.split()
    texts = {"wire": WIRE, "copy": VERBATIM_COPY, "edited": EDITED_COPY, "ria": RIA_TEXT,
             "sputnik": SPUTNIK_TEXT, "excerpt": "\n\n".join(WIRE_BODY.split("\n\n")[:3]),
             "distractor": HARD_DISTRACTOR, "empty": ""}
    for i in range(60):  # random texts, some of them edited copies of each other
        base = texts[f"r{i - 1}"] if i % 3 and i else " ".join(rng.choice(words) for _ in range(120))
        ws = base.split()
        for _ in range(rng.randint(0, 40)):
            ws[rng.randrange(len(ws))] = rng.choice(words)
        texts[f"r{i}"] = " ".join(ws)
    idx = LSHIndex()
    for d, t in texts.items():
        idx.add(d, t)
    want = set()
    for d in texts:
        for other, sim in idx.query(signature=idx.signature(d), exclude=d):
            want.add((min(d, other), max(d, other), round(sim, 12)))
    got = {(min(a, b), max(a, b), round(s, 12)) for a, b, s in idx.pairs()}
    assert got == want
    assert any(x[:2] == ("copy", "wire") for x in got) and len(want) > 20
    assert {(a, b) for a, b, _ in idx.pairs(threshold=0.9)} < {(a, b) for a, b, _ in idx.pairs()}
    assert LSHIndex().pairs() == []


def test_excerpt_counts_through_containment():
    excerpt = "\n\n".join(WIRE_BODY.split("\n\n")[:3])
    assert sig(WIRE).similarity(sig(excerpt)) >= 0.5


# --------------------------------------------------------------------------------------------
# credit lines
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,outlet,kind", [
    ("MOSCOW, Feb 25 (Reuters) - Russia said on Tuesday that talks were over.", "reuters", "copy"),
    ("KYIV (AP) — Ukrainian officials said the bridge was closed.", "ap", "copy"),
    ("PARIS (AFP) - The minister resigned.", "afp", "copy"),
    ("MOSCOW, February 25. /TASS/. The ministry said the drills were over.", "tass", "copy"),
    ("MOSCOW, 25 Feb - RIA Novosti. The ministry said the drills were over.", "ria", "copy"),
    ("The governor denied it.\n\n— Sputnik", "sputnik", "copy"),
    ("The governor denied it.\nSource: Sputnik", "sputnik", "copy"),
    ("The governor denied it. Anadolu Agency", "anadolu", "copy"),
    ("ANKARA (AA) - Turkey's foreign minister met his counterpart.", "anadolu", "copy"),
    ("The governor denied it.\nThis article was originally published by RT.", "rt", "copy"),
    ("The governor denied it.\n(Reporting by Jane Roe; Editing by John Doe)", "reuters", "copy"),
    ("By Reuters Staff\nThe governor denied it.", "reuters", "copy"),
    ("The governor denied it. Reuters contributed to this report.", "reuters", "contribution"),
    ("The strike hit a depot, TASS reported.", "tass", "citation"),
    ("The attack failed, according to Russia's state news agency RIA Novosti.", "ria", "citation"),
    ("The spokesman told Interfax-Ukraine that the talks would go on.", "interfax_ukraine", "citation"),
    ("Ukrainska Pravda, citing sources, reported that the talks had stalled.", "ukrainska_pravda",
     "citation"),
    ("In a statement to Sky News, the ministry denied the report.", "sky_news", "citation"),
    ("Reuters could not immediately verify the report.", "reuters", "copy"),
])
def test_credit_lines(text, outlet, kind):
    credits = detect_credits(text)
    assert (outlet, kind) in [(c.outlet, c.kind) for c in credits], credits
    c = next(c for c in credits if c.outlet == outlet)
    assert text[c.start:c.end] == c.text


@pytest.mark.parametrize("text", [
    "At the same time reported numbers fell sharply.",
    "The North Atlantic Treaty Organization (NATO) - said nothing.",
    "Officials said the report was false.",
    "Sky said the weather was fine.",
    "Officials could not confirm the figure.",
    "",
])
def test_no_false_credits(text):
    assert detect_credits(text) == []


def test_credit_pattern_file_errors():
    with pytest.raises(DataError, match="bad regex"):
        _compile_patterns({"pattern": [{"id": "x", "regex": "(", "kind": "copy"}]}, "t.toml")
    with pytest.raises(DataError, match="kind"):
        _compile_patterns({"pattern": [{"id": "x", "regex": "(?P<outlet>a)", "kind": "?"}]}, "t")
    with pytest.raises(DataError, match="outlet"):
        _compile_patterns({"pattern": [{"id": "x", "regex": "a", "kind": "copy"}]}, "t")


# --------------------------------------------------------------------------------------------
# families
# --------------------------------------------------------------------------------------------

def test_syndication_family(fams):
    syn = fams.family_of("wire", "syndication")
    assert len(syn) == 1
    f = syn[0]
    assert sorted(f.members) == ["edited", "verbatim", "wire"]
    assert f.origin == "wire" and f.origin_outlet == "reuters"
    assert fams.copy_of("verbatim") == "wire"
    assert fams.copy_of("edited") == "wire"
    assert fams.copy_of("wire") is None
    assert fams.copy_of_outlet("verbatim") == "reuters"
    assert fams.copy_of_outlet("wire") is None
    assert fams.outlet("verbatim") == "yahoo_news"
    assert fams.outlet("edited") is None


def test_credited_copy_without_original(fams):
    assert fams.copy_of("credited") is None
    assert fams.copy_of_outlet("credited") == "sputnik"
    f = fams.family_of("credited", "syndication")[0]
    assert f.members == ["credited"] and f.origin is None and f.origin_outlet == "sputnik"


def test_independence_keys(fams):
    k = fams.independence_key
    assert k("wire") == k("verbatim") == k("edited") == "owner:thomson reuters"
    # Russian state side: RIA and Sputnik (same owner), RT (other owner, same side), and the
    # republished Sputnik piece
    assert k("ria") == k("sputnik") == k("rt") == k("credited") == "state:russia"
    assert len({k("wire"), k("ria"), k("independent"), k("distractor"), k("quoting")}) == 5
    assert fams.copy_of("quoting") is None
    assert fams.independent("independent", "distractor")
    assert not fams.independent("ria", "rt")
    state = [f for f in fams if f.kind == "state"]
    assert len(state) == 1 and sorted(state[0].members) == ["credited", "ria", "rt", "sputnik"]


def test_citation_does_not_make_a_copy(fams):
    assert ("tass", "citation") in [(c.outlet, c.kind) for c in fams.credits("independent")]
    assert fams.copy_of_outlet("independent") is None
    assert fams.independence_key("independent") == "owner:kyiv_independent"


def test_owner_family_without_state():
    items = [
        FamilyInput("bild", "Ein Bericht über den Hafen und die Stromausfälle in der Nacht.",
                    url="https://www.bild.de/politik/a"),
        FamilyInput("politico", "A different story about European energy markets and prices.",
                    url="https://www.politico.eu/article/b"),
        FamilyInput("nyt", "An unrelated story about a museum opening in the city centre.",
                    url="https://www.nytimes.com/2026/03/02/arts/c.html"),
    ]
    fams = group_families(items)
    assert fams.independence_key("bild") == fams.independence_key("politico") == "owner:axel springer"
    owner = [f for f in fams if f.kind == "owner"]
    assert len(owner) == 1 and sorted(owner[0].members) == ["bild", "politico"]
    assert fams.independent("nyt", "bild")


def test_origin_is_earliest_when_uncredited():
    items = [
        FamilyInput("late", WIRE_BODY, url="https://a.example/x", published="2026-03-02T12:00Z"),
        FamilyInput("early", WIRE_BODY, url="https://b.example/y", published="2026-03-02T09:00Z"),
    ]
    fams = group_families(items)
    assert fams.copy_of("late") == "early" and fams.copy_of("early") is None
    assert fams.independence_key("late") == fams.independence_key("early") == "site:b.example"


def test_wire_preferred_on_the_same_day_and_date_only_timestamps():
    items = [
        FamilyInput("blog", WIRE_BODY, url="https://blog.example/a", published="2026-03-02"),
        FamilyInput("ap", WIRE_BODY, url="https://apnews.com/article/x",
                    published="2026-03-02T15:00:00Z"),
        FamilyInput("later", WIRE_BODY, url="https://c.example/z", published="2026-03-03T01:00Z"),
    ]
    fams = group_families(items)
    assert fams.copy_of("blog") == "ap" and fams.copy_of("later") == "ap"
    assert fams.independence_key("blog") == "owner:the associated press"


def test_stored_signatures_are_used():
    stored = {"wire": Signature.from_text(WIRE).to_bytes()}
    items = [FamilyInput("wire", "", outlet="reuters"),
             FamilyInput("copy", VERBATIM_COPY, url="https://www.msn.com/en-us/news/x")]
    fams = group_families(items, signatures=stored)
    assert fams.copy_of("copy") == "wire"


def test_unknown_documents_and_errors():
    fams = group_families([FamilyInput("a", "Short text."), FamilyInput("b", "")])
    assert fams.independence_key("a") == "doc:a" and fams.independence_key("b") == "doc:b"
    assert list(fams) == []
    with pytest.raises(ValueError):
        group_families([FamilyInput("a", "x"), FamilyInput("a", "y")])


def test_to_dict_is_json_ready(fams):
    import json

    d = json.loads(json.dumps(fams.to_dict()))
    assert d["documents"]["verbatim"]["copy_of"] == "wire"
    assert any(f["kind"] == "syndication" for f in d["families"])


def test_registry_is_shared_default():
    assert load_registry() is load_registry()
    assert isinstance(detect_credits("(Reuters) - x")[0], Credit)


def test_credits_key_follows_content_not_file_paths(tmp_path, monkeypatch):
    """Stored credit lines are reused while the patterns and the registry's entries are the
    same: the same outlets file under another path gives the same key, an edit another."""
    from claimmap.outlets.families import credits_key
    from claimmap.outlets.registry import clear_cache, load_registry

    extra = tmp_path / "mine.toml"
    extra.write_text('[[outlet]]\nid = "harbourwire"\nname = "Harbour Wire"\ncountry = "XX"\n'
                     'state_affiliation = "none"\ndomains = ["harbourwire.example"]\n'
                     'owner = "Harbour Media"\nsources = ["written for this test"]\n')
    other = tmp_path / "sub"
    other.mkdir()
    (other / "mine.toml").write_text(extra.read_text())
    base = credits_key(load_registry(""))
    key = credits_key(load_registry(str(extra)))
    assert key != base and key == credits_key(load_registry(str(other / "mine.toml")))
    (other / "mine.toml").write_text(extra.read_text().replace("Harbour Wire", "Harbor Wire"))
    clear_cache()  # registries are cached per path list
    try:
        assert credits_key(load_registry(str(other / "mine.toml"))) != key
    finally:
        clear_cache()
