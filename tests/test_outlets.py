"""The outlet registry: shipped data, lookups, user extension files and validation."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from claimmap import config
from claimmap.errors import DataError
from claimmap.outlets.registry import (
    STATE_AFFILIATIONS, build_registry, load_registry, normalize_name, url_host,
)


@pytest.fixture(scope="module")
def reg():
    return load_registry([])


def write(tmp_path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


# --------------------------------------------------------------------------------------------
# shipped data
# --------------------------------------------------------------------------------------------

def test_shipped_registry_is_large_and_valid(reg):
    assert len(reg) >= 150
    assert reg.problems() == []
    for o in reg:
        assert o.sources, o.id
        assert o.state_affiliation in STATE_AFFILIATIONS
        if o.state_affiliation in ("state", "public"):
            assert o.state, o.id


REQUIRED_IDS = [
    # wires
    "reuters", "ap", "afp", "anadolu", "efe", "xinhua", "ansa", "dpa", "interfax",
    "interfax_ukraine", "tass", "ria", "ukrinform", "unian",
    # Russian state media
    "sputnik", "rt", "vesti", "rossiya1", "channel_one", "ntv", "izvestia", "rbc",
    # Ukrainian
    "ukrainska_pravda", "kyiv_independent", "kyiv_post", "suspilne", "hromadske", "nv",
    "censor_net", "liga", "rbc_ukraine",
    # public / state
    "bbc", "dw", "rferl", "voa", "france24", "rfi", "al_jazeera", "cgtn", "china_daily",
    "global_times", "press_tv", "trt", "nhk", "abc_au", "cbc",
    # newspapers / broadcasters
    "nytimes", "washington_post", "guardian", "cnn", "fox_news", "wsj", "le_monde", "spiegel",
    "bild", "el_pais",
    # alternative
    "veterans_today", "zerohedge", "global_research", "grayzone", "infowars",
]


@pytest.mark.parametrize("oid", REQUIRED_IDS)
def test_required_outlets_present(reg, oid):
    assert oid in reg


def test_wires_flagged(reg):
    for oid in ["reuters", "ap", "afp", "anadolu", "efe", "xinhua", "ansa", "dpa", "interfax",
                "interfax_ukraine", "tass", "ria", "ukrinform", "unian"]:
        assert reg.get(oid).wire, oid


def test_owners_and_sides(reg):
    assert reg.get("ria").owner == reg.get("sputnik").owner == "Rossiya Segodnya"
    assert reg.get("rt").owner == "ANO TV-Novosti"
    assert reg.get("vesti").owner == reg.get("rossiya1").owner == "VGTRK"
    assert reg.get("reuters").owner == "Thomson Reuters"
    assert reg.get("bild").owner == reg.get("welt").owner == "Axel Springer"
    assert reg.get("bbc").owner == "BBC (public corporation)"
    assert reg.get("ntv").owner == "Gazprom-Media"
    assert reg.get("izvestia").owner == "National Media Group"
    for oid in ("ria", "sputnik", "rt", "tass", "vesti", "channel_one"):
        o = reg.get(oid)
        assert (o.state_affiliation, o.state, o.side) == ("state", "RU", "russian_government"), oid
    u = reg.get("ukrinform")
    assert (u.state_affiliation, u.state, u.side) == ("state", "UA", "ukrainian_government")
    assert reg.get("bbc").state_affiliation == "public" and reg.get("bbc").side == ""
    assert reg.get("kyiv_independent").state_affiliation == "none"
    assert reg.get("rbc").country == "RU" and reg.get("rbc_ukraine").country == "UA"


def test_groups(reg):
    assert reg.owner_group(reg.get("ria")) == reg.owner_group("sputnik") == "rossiya segodnya"
    assert reg.owner_group("rt") != reg.owner_group("ria")
    assert reg.state_group("rt") == reg.state_group("ria") == "russia"
    assert reg.state_group("dan") == "russia"  # separatist side grouped with Russia
    assert reg.state_group("ukrinform") == "ukraine"
    assert reg.state_group("cgtn") == reg.state_group("xinhua")
    assert reg.state_group("efe") == "state:ES"
    assert reg.state_group("bbc") is None and reg.state_group("suspilne") is None
    assert reg.owner_group("zerohedge") == "zerohedge"  # no public owner: its own group
    assert reg.owner_group("bbc") == "bbc"  # parenthetical remarks dropped
    assert reg.owner_group("rbc") == reg.owner_group("komsomolskaya_pravda") == "esn group"


def test_categories_counts_are_reported(reg):
    kinds = Counter(o.kind for o in reg)
    aff = Counter(o.state_affiliation for o in reg)
    assert kinds["wire"] >= 14 and kinds["alternative"] >= 5
    assert aff["state"] >= 20 and aff["public"] >= 15


# --------------------------------------------------------------------------------------------
# lookups
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url,oid", [
    ("https://www.reuters.com/world/europe/x-2026-03-02/", "reuters"),
    ("http://reuters.com", "reuters"),
    ("reuters.com/markets", "reuters"),
    ("https://amp.theguardian.com/world/2026/mar/02/x", "guardian"),
    ("https://m.ria.ru/20260302/x.html", "ria"),
    ("https://www.m.bbc.co.uk/news", "bbc"),
    ("https://news.sky.com/story/x-123", "sky_news"),
    ("https://edition.cnn.com/2026/03/02/europe/x", "cnn"),
    ("https://english.news.cn/20260302/x.htm", "xinhua"),
    ("https://WWW.BBC.CO.UK:443/news/world-europe-1", "bbc"),
    ("https://sputnikglobe.com/20260302/x.html", "sputnik"),
    ("https://de.rt.com/europa/1/", "rt"),
    ("https://www.rbc.ua/rus/news/x", "rbc_ukraine"),
    ("https://www.rbc.ru/politics/x", "rbc"),
    ("https://folha.uol.com.br/mundo/x", "folha"),
    ("https://abcnews.go.com/International/x", "abc_news_us"),
    ("https://www.abc.net.au/news/x", "abc_au"),
    ("https://www.veteranstoday.com/2026/03/02/x/", "veterans_today"),
    ("https://www-reuters-com.cdn.ampproject.org/c/s/www.reuters.com/world/x", "reuters"),
    ("https://www.google.com/amp/s/www.bbc.co.uk/news/x.amp", "bbc"),
    ("https://ukrinform.net/rubric-ato/1.html", "ukrinform"),
])
def test_lookup_url(reg, url, oid):
    o = reg.lookup_url(url)
    assert o is not None and o.id == oid


@pytest.mark.parametrize("url", [
    "https://example.org/news", "https://com/x", "not a url at all", "", None,
    "https://notreuters.com/x", "https://reuters.com.evil.example/x",
])
def test_lookup_url_misses(reg, url):
    assert reg.lookup_url(url) is None


def test_url_host():
    assert url_host("https://www.amp.m.Example.COM./x") == "example.com"
    assert url_host("m.example.com") == "example.com"
    assert url_host("https://m.com") == "m.com"


@pytest.mark.parametrize("name,oid", [
    ("TASS", "tass"), ("tass", "tass"), ("ITAR-TASS", "tass"), ("Sputnik", "sputnik"),
    ("Reuters", "reuters"), ("AP", "ap"), ("The Associated Press", "ap"),
    ("Associated Press", "ap"), ("AFP", "afp"), ("Agence France Presse", "afp"),
    ("RIA Novosti", "ria"), ("RIA-Novosti", "ria"), ("РИА Новости", "ria"),
    ("Interfax", "interfax"), ("Interfax-Ukraine", "interfax_ukraine"),
    ("Anadolu Agency", "anadolu"), ("Anadolu", "anadolu"), ("Xinhua news agency", "xinhua"),
    ("Russia Today", "rt"), ("Rossiya 24", "vesti"), ("Ukrinform", "ukrinform"),
    ("The New York Times", "nytimes"), ("New York Times", "nytimes"), ("El Pais", "el_pais"),
    ("Süddeutsche Zeitung", "sueddeutsche"), ("Sueddeutsche Zeitung", "sueddeutsche"),
    ("The Insider", "the_insider"), ("DW", "dw"), ("Deutsche Welle", "dw"),
])
def test_lookup_name(reg, name, oid):
    o = reg.lookup_name(name)
    assert o is not None and o.id == oid


@pytest.mark.parametrize("name", ["", None, "The", "Kremlin", "Ministry of Defence"])
def test_lookup_name_misses(reg, name):
    assert reg.lookup_name(name) is None


def test_normalize_name():
    assert normalize_name("  RIA-Novosti ") == "ria novosti"
    assert normalize_name("El País") == "el pais"


# --------------------------------------------------------------------------------------------
# user extension files
# --------------------------------------------------------------------------------------------

EXTRA = """
[[outlet]]
id = "rt"
owner = "Rossiya Segodnya"
notes = "local override for the test"

[[outlet]]
id = "river_gazette"
name = "Daily River Gazette"
aliases = ["River Gazette"]
domains = ["daily-river-gazette.example"]
country = "UA"
owner = "Rivermedia Holding"
state_affiliation = "none"
sources = ["The outlet's own about page (local note)"]
"""


def test_user_file_overrides_and_adds(tmp_path):
    path = write(tmp_path, "extra.toml", EXTRA)
    reg = load_registry([path])
    rt = reg.get("rt")
    assert rt.owner == "Rossiya Segodnya" and rt.name == "RT"  # merged field by field
    assert rt.origin == path
    assert reg.owner_group("rt") == reg.owner_group("ria")
    g = reg.lookup_url("https://www.daily-river-gazette.example/news/1")
    assert g is not None and g.id == "river_gazette"
    assert reg.lookup_name("river gazette").id == "river_gazette"
    assert load_registry([]).get("rt").owner == "ANO TV-Novosti"  # shipped one untouched


def test_setting_is_declared_and_used(tmp_path, monkeypatch):
    assert "CLAIMMAP_OUTLETS" in config.SETTINGS
    path = write(tmp_path, "extra.toml", EXTRA)
    other = write(tmp_path, "other.toml", '[[outlet]]\nid = "bbc"\nnotes = "second file"\n')
    monkeypatch.setenv("CLAIMMAP_OUTLETS", os.pathsep.join([path, other]))
    reg = load_registry()
    assert "river_gazette" in reg and reg.get("bbc").notes == "second file"
    assert reg is load_registry()  # cached per path list
    monkeypatch.delenv("CLAIMMAP_OUTLETS")
    assert "river_gazette" not in load_registry()


def test_later_file_wins(tmp_path):
    a = write(tmp_path, "a.toml", '[[outlet]]\nid = "tass"\nowner = "A"\n')
    b = write(tmp_path, "b.toml", '[[outlet]]\nid = "tass"\nowner = "B"\n')
    assert load_registry([a, b]).get("tass").owner == "B"


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------

GOOD = dict(id="x", name="X", domains=["x.example"], country="UA", state_affiliation="none",
            sources=["s"])


def entry(**over) -> dict:
    e = dict(GOOD)
    e.update(over)
    return {k: v for k, v in e.items() if v is not None}


def build(*entries, side_groups=None):
    data = {"outlet": list(entries)}
    if side_groups is not None:
        data["side_groups"] = side_groups
    return build_registry([(data, "test.toml")])


def test_valid_entry_passes():
    assert len(build(entry()).validate()) == 1


@pytest.mark.parametrize("over,match", [
    (dict(name=None), "missing required field.*name"),
    (dict(sources=None), "missing required field.*sources"),
    (dict(sources=[]), "'x'.*sources is empty"),
    (dict(sources=["  "]), "sources is empty"),
    (dict(state_affiliation="maybe"), "'x'.*state_affiliation 'maybe'"),
    (dict(state_affiliation="state"), "'x'.*needs state"),
    (dict(country="Ukraine"), "'x'.*country"),
    (dict(domains=["https://x.example/path"]), "not a domain"),
    (dict(domains="x.example"), "'domains' must be a list"),
    (dict(wire="yes"), "'wire' must be a bool"),
    (dict(kind="blog"), "kind 'blog'"),
    (dict(id="Bad Id"), "id must match"),
    (dict(domain=["x.example"]), "unknown field 'domain'"),
])
def test_validation_errors_name_the_entry(over, match):
    with pytest.raises(DataError, match=match):
        build(entry(**over)).validate()


def test_duplicate_ids_and_domains():
    with pytest.raises(DataError, match="duplicate outlet id 'x'"):
        build(entry(), entry())
    with pytest.raises(DataError, match="domain 'x.example' registered by both outlet 'x' and outlet 'y'"):
        build(entry(), entry(id="y", name="Y", domains=["www.x.example"])).validate()
    with pytest.raises(DataError, match="alias 'x' used by both"):
        build(entry(), entry(id="y", name="X", domains=["y.example"])).validate()


def test_bad_files(tmp_path):
    with pytest.raises(DataError, match="not valid TOML"):
        load_registry([write(tmp_path, "bad.toml", "[[outlet]\nid=")])
    with pytest.raises(DataError, match="cannot read"):
        load_registry([str(tmp_path / "missing.toml")])
    with pytest.raises(DataError, match="has no id"):
        load_registry([write(tmp_path, "noid.toml", '[[outlet]]\nname = "X"\n')])
    with pytest.raises(DataError, match="unknown table"):
        load_registry([write(tmp_path, "t.toml", '[outlets]\nid = "x"\n')])
    new = write(tmp_path, "new.toml", '[[outlet]]\nid = "brand_new"\nname = "B"\n')
    with pytest.raises(DataError, match="'brand_new' is missing required field"):
        load_registry([new])
    with pytest.raises(DataError, match=r"outlet 'tass' .*state_affiliation 'sometimes'"):
        load_registry([write(tmp_path, "o.toml",
                             '[[outlet]]\nid = "tass"\nstate_affiliation = "sometimes"\n')])
