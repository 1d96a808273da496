"""Attribution (claimmap.statements): who said what."""

from __future__ import annotations

import pytest

from claimmap.model import POLARITIES, STATEMENT_KINDS, Document, Zone
from claimmap.statements import extract

BODY_START = "Earlier today, Russia responded"
BODY_END = "committed by Kiev in Donbass."


def run(text: str, kind: str = "body"):
    doc = Document(text=text)
    return extract(doc, [Zone("z1", kind, 0, len(text))])


def find(statements, content_has: str, **want):
    """The statements whose content contains ``content_has`` and whose fields match ``want``."""
    out = []
    for st in statements:
        if content_has not in st.content.text:
            continue
        ok = True
        for k, v in want.items():
            if k == "speaker":
                ok &= st.speaker is not None and st.speaker.canonical == v
            elif k == "side":
                ok &= st.speaker is not None and st.speaker.side == v
            elif k == "polarity":
                ok &= st.polarity in (v if isinstance(v, tuple) else (v,))
            else:
                ok &= getattr(st, k) == v
        if ok:
            out.append(st)
    return out


def check_contract(text, sentences, statements):
    ids = [st.id for st in statements]
    assert ids == [f"s{i}" for i in range(1, len(ids) + 1)]
    for st in statements:
        assert text[st.content.start:st.content.end] == st.content.text and st.content.text
        assert st.kind in STATEMENT_KINDS and st.polarity in POLARITIES
        if st.speaker is not None:
            assert text[st.speaker.start:st.speaker.end] == st.speaker.text
        if st.cue is not None:
            assert text[st.cue.start:st.cue.end] == st.cue.text
        assert st.parent is None or st.parent in ids
    for s in sentences:
        assert 0 <= s.start < s.end <= len(text)
    cues = [st.cue.start for st in statements if st.cue]
    assert cues == sorted(cues)


# ------------------------------------------------------------------------------------- seed
@pytest.fixture(scope="module")
def seed_result():
    from tests.conftest import SEED

    if not SEED.exists():
        pytest.skip("seed article absent")
    text = SEED.read_text(encoding="utf-8")
    a = text.index(BODY_START)
    b = text.index(BODY_END) + len(BODY_END)
    doc = Document(text=text)
    sentences, statements = extract(doc, [Zone("z1", "body", a, b)])
    return text, sentences, statements


def test_seed_contract(seed_result):
    text, sentences, statements = seed_result
    check_contract(text, sentences, statements)
    assert len(sentences) >= 20
    assert all(s.zone == "z1" for s in sentences)


@pytest.mark.parametrize("content,want", [
    ("Warsaw", dict(speaker="Dmitry Peskov", side="russian_government", polarity="assert")),
    ("This pause lasts quite a long time", dict(speaker="Dmitry Peskov", kind="direct")),
    ("sit down for talks", dict(speaker="Volodymyr Zelensky", side="ukrainian_government", polarity="appeal")),
    ("ready for talks", dict(speaker="Kremlin", side="russian_government", polarity="assert")),
    ("Minsk", dict(speaker="Kremlin", polarity="propose")),
    ("full-scale invasion", dict(speaker="Kiev", side="ukrainian_government", polarity=("assert", "accuse"))),
    ("full-scale invasion", dict(speaker="Volodymyr Zelensky", polarity=("assert", "accuse"))),
    ("sending weapons and troops", dict(speaker="Kiev", polarity="accuse")),
    ("sending weapons and troops", dict(speaker="Kremlin", side="russian_government", polarity="deny")),
    ("escalated attacks", dict(side="separatist_authorities", polarity=("assert", "accuse"))),
    ("shelling their territories", dict(speaker="Kiev", side="ukrainian_government", polarity="deny")),
    ("genocide", dict(speaker="Vladimir Putin", side="russian_government")),
    ("no plans of occupying", dict(speaker="Vladimir Putin")),
    ("no threat to civilians", dict(speaker="Russian Ministry of Defence", side="russian_government")),
    ("Nazis", dict(speaker="Volodymyr Zelensky", polarity="reject")),
    ("retaliate", dict(speaker="Kremlin", polarity="promise")),
    ("turning a blind eye", dict(speaker="Sergei Lavrov", side="russian_government", polarity="accuse")),
])
def test_seed_statements(seed_result, content, want):
    _text, _sentences, statements = seed_result
    got = find(statements, content, **want)
    assert got, f"no statement with {content!r} and {want}: " + "; ".join(
        f"{s.speaker and s.speaker.canonical}/{s.polarity}/{s.kind}: {s.content.text[:50]}" for s in statements)


def test_seed_mentions(seed_result):
    _text, _sentences, statements = seed_result
    pause = find(statements, "This pause lasts")[0]
    assert pause.speaker.text == "the Kremlin spokesman"
    occupy = find(statements, "no plans of occupying")[0]
    assert occupy.speaker.text == "He"
    peskov = find(statements, "Warsaw", speaker="Dmitry Peskov")[0]
    assert peskov.speaker.text == "Kremlin spokesman Dmitry Peskov"
    # the nested proposal inside Peskov's report points to it
    nested = find(statements, "to hold negotiations", polarity="propose")
    assert nested and nested[0].parent == peskov.id


# ------------------------------------------------------------------------- constructions
def test_apposition_and_inverted_order():
    text = "The talks have collapsed, Kremlin spokesman Dmitry Peskov has said."
    _s, sts = run(text)
    st = find(sts, "The talks have collapsed", speaker="Dmitry Peskov")
    assert st and st[0].polarity == "assert" and st[0].cue.text == "has said" and st[0].cue.lemma == "say"


def test_role_resolves_to_earlier_named_speaker():
    text = ("Kremlin spokesman Dmitry Peskov said the talks had stalled. "
            "“We are waiting”, the Kremlin spokesman told reporters.")
    _s, sts = run(text)
    st = find(sts, "We are waiting")
    assert st and st[0].kind == "direct" and st[0].speaker.canonical == "Dmitry Peskov"


def test_role_from_registry_without_earlier_name():
    _s, sts = run("The Russian Foreign Minister said the proposal was unacceptable.")
    assert find(sts, "unacceptable", speaker="Sergei Lavrov", side="russian_government")


def test_nested_report():
    text = "The minister said that the opposition leader claimed the vote had been rigged."
    _s, sts = run(text)
    outer = find(sts, "the opposition leader claimed")
    inner = find(sts, "the vote had been rigged", speaker="opposition leader")
    assert outer and inner
    assert inner[0].parent == outer[0].id


def test_relative_clause_on_claim_noun():
    text = "Kiev accused Moscow of massing troops on the border, a claim the Kremlin has denied."
    _s, sts = run(text)
    assert find(sts, "massing troops", speaker="Kiev", polarity="accuse")
    assert find(sts, "massing troops", speaker="Kremlin", polarity="deny")


def test_denied_gerund():
    _s, sts = run("Ukraine has denied shelling the villages.")
    st = find(sts, "shelling the villages", polarity="deny")
    assert st and st[0].content.text == "shelling the villages"


def test_negated_denial():
    _s, sts = run("The ministry did not deny that the convoy had crossed the border.")
    assert find(sts, "the convoy had crossed", polarity="assert")


def test_coordinated_cues():
    text = "Moscow said it is ready for negotiations and suggested Minsk as the venue."
    _s, sts = run(text)
    assert find(sts, "ready for negotiations", speaker="Kremlin", polarity="assert")
    assert find(sts, "Minsk", speaker="Kremlin", polarity="propose")


def test_appeal_promise_reject():
    _s, sts = run("Zelensky appealed to Putin to sit down for talks.")
    assert find(sts, "sit down for talks", speaker="Volodymyr Zelensky", polarity="appeal")
    _s, sts = run("The Kremlin has promised to retaliate with its own measures.")
    assert find(sts, "retaliate", speaker="Kremlin", polarity="promise")
    _s, sts = run("The minister rejected the allegation of corruption in his department.")
    assert find(sts, "corruption", polarity="reject")


def test_describe_as_and_claim():
    _s, sts = run("Kyiv has described the attack as “an act of terror”.")
    assert find(sts, "act of terror", speaker="Kiev", side="ukrainian_government")
    _s, sts = run("Zelenskyy has claimed the offensive is a “full-scale invasion”.")
    assert find(sts, "full-scale invasion", speaker="Volodymyr Zelensky", polarity="accuse")  # naming it an invasion blames


def test_pronoun_resolves_to_previous_speaker():
    text = "President Putin said the operation would continue. He noted that civilians were safe."
    _s, sts = run(text)
    assert find(sts, "civilians were safe", speaker="Vladimir Putin")


def test_according_to():
    _s, sts = run("According to the Israeli military, the rockets were fired from Gaza.")
    st = find(sts, "the rockets were fired from Gaza")
    assert st and st[0].kind == "according_to"
    assert st[0].speaker.canonical == "Israel Defense Forces" and st[0].speaker.side == "israeli_government"


def test_other_conflict_actors():
    text = ("Hamas said the strike had killed dozens of people. "
            "Israeli Prime Minister Benjamin Netanyahu vowed to continue the campaign.")
    _s, sts = run(text)
    assert find(sts, "killed dozens", speaker="Hamas", side="hamas")
    assert find(sts, "continue the campaign", speaker="Benjamin Netanyahu",
                side="israeli_government", polarity="promise")


def test_unknown_speaker_normalised():
    text = "The farmer's union said prices would rise. Agriculture Minister Jane Doe said the harvest was good."
    _s, sts = run(text)
    a = find(sts, "prices would rise")
    assert a and a[0].speaker.side is None and a[0].speaker.canonical == "farmer's union"
    b = find(sts, "harvest was good")
    assert b and b[0].speaker.canonical == "Jane Doe" and b[0].speaker.side is None


def test_surname_resolves_to_full_name():
    text = "Analyst John Smith said the market was calm. Smith added that rates would fall."
    _s, sts = run(text)
    assert find(sts, "rates would fall", speaker="John Smith")


def test_accuse_content():
    _s, sts = run("Lavrov accused the West of ignoring the crimes.")
    st = find(sts, "ignoring the crimes", speaker="Sergei Lavrov", polarity="accuse")
    assert st and st[0].content.text.startswith("the West")


def test_no_statements_outside_parsed_zones():
    text = "The author said that all content is his own responsibility."
    for kind in ("disclaimer", "boilerplate", "related"):
        sentences, sts = run(text, kind)
        assert sentences == [] and sts == []
    sentences, sts = run(text, "comment")
    assert sts and sentences and sentences[0].zone == "z1"


def test_offsets_shift_with_zone():
    text = "Header line.\n\nThe mayor said the bridge would reopen."
    doc = Document(text=text)
    start = text.index("The mayor")
    sentences, sts = extract(doc, [Zone("h", "header", 0, 12), Zone("b", "body", start, len(text))])
    check_contract(text, sentences, sts)
    st = find(sts, "the bridge would reopen")
    assert st and st[0].zone == "b" and st[0].speaker.text == "The mayor"
    assert {s.zone for s in sentences} == {"h", "b"}


def test_extra_actors_registry(tmp_path, monkeypatch):
    extra = tmp_path / "actors.toml"
    extra.write_text(
        '[[side]]\nid = "union"\nlabel = "Union"\nconflict = "strike"\n'
        '[[actor]]\ncanonical = "Dock Workers Union"\nside = "union"\naliases = ["DWU"]\n',
        encoding="utf-8")
    monkeypatch.setenv("CLAIMMAP_ACTORS", str(extra))
    _s, sts = run("The DWU said the strike would continue.")
    assert find(sts, "strike would continue", speaker="Dock Workers Union", side="union")


def test_bad_registry_is_a_data_error(tmp_path, monkeypatch):
    from claimmap.errors import DataError
    from claimmap.statements import actors

    bad = tmp_path / "bad.toml"
    bad.write_text("[[actor]\n", encoding="utf-8")
    monkeypatch.setenv("CLAIMMAP_ACTORS", str(bad))
    with pytest.raises(DataError):
        actors.load()


def test_surname_resolves_to_earlier_person():
    text = "Rob Jenkins, a planner, runs a firm in Ohio. Mr. Jenkins said that debt was bad."
    _s, sts = run(text)
    st = find(sts, "debt was bad")
    assert st and st[0].speaker.text == "Mr. Jenkins" and st[0].speaker.canonical == "Rob Jenkins"


def test_first_person_is_not_an_earlier_speaker():
    text = "The mayor said the bridge would reopen. I think that is wrong."
    _s, sts = run(text)
    st = find(sts, "that is wrong")
    assert not st or st[0].speaker.canonical != "mayor"


def test_first_person_in_comment_is_its_author():
    text = "I think the article is biased."
    doc = Document(text=text)
    _s, sts = extract(doc, [Zone("c1", "comment", 0, len(text), label="Konehead")])
    st = find(sts, "the article is biased")
    assert st and st[0].speaker.canonical == "Konehead"


def test_headline_colon():
    text = "Kremlin: Kiev broke off contact\n\nThe talks were due on Monday."
    _s, sts = run(text, "header")
    st = find(sts, "Kiev broke off contact", speaker="Kremlin")
    assert st and st[0].cue.text == ":"


def test_empty_inputs():
    assert extract(Document(text="abc"), []) == ([], [])
    assert run("   \n\n ") == ([], [])


def test_evaluate_attribution_on_a_tiny_split(tmp_path):
    from claimmap.evaluate.attribution import evaluate_attribution

    text = "The mayor said that the bridge would reopen on Monday.\n"
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "art1.txt").write_text(text, encoding="utf-8")
    s_src, s_cue = text.index("The mayor"), text.index("said")
    s_con = text.index("that the bridge")
    e_con = text.index(".")
    ann = (f"T1\tSource {s_src} {s_src + 9}\tThe mayor\n"
           f"T2\tCue {s_cue} {s_cue + 4}\tsaid\n"
           f"T3\tContent {s_con} {e_con}\t{text[s_con:e_con]}\n"
           f"E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n")
    (tmp_path / "attributions" / "art1_aaaa.ann").write_text(ann, encoding="utf-8")
    # a second annotator who marked nothing: counts are averaged over the two files
    (tmp_path / "attributions" / "art1_bbbb.ann").write_text("", encoding="utf-8")
    res = evaluate_attribution(str(tmp_path))
    assert res["n_docs"] == 1 and res["n_annotations"] == 2
    for t in ("source", "cue", "content"):
        assert res["exact"][t]["r"] == 1.0 and res["overlap"][t]["r"] == 1.0
        assert res["exact"][t]["p"] == 0.5  # half the predictions unmatched (annotator bbbb)
    assert "annotator" in res["note"]


# ---------------------------------------------------------------- issue 15: whole quotations,
# never-statements, speakers, confidence


def test_quotation_split_by_its_attribution_is_one_statement():
    text = "“We will not back down,” Buchanan said. “If you are not tough, you will lose.”"
    _s, sts = run(text)
    st = find(sts, "We will not back down", speaker="Buchanan")
    assert len(st) == 1 and st[0].kind == "direct"
    assert st[0].content.text.endswith("you will lose")
    assert [p.text for p in st[0].content_parts] == ["We will not back down", "If you are not tough, you will lose"]
    assert st[0].said == "We will not back down … If you are not tough, you will lose"


def test_quotation_resumed_in_the_same_sentence():
    text = "“Supporters of other candidates,” Blackwell added, “have focused largely on paid advertising.”"
    _s, sts = run(text)
    st = find(sts, "Supporters of other candidates", speaker="Blackwell")
    assert st and st[0].content.text.endswith("paid advertising")
    assert len(st[0].content_parts) == 2


def test_multi_sentence_quotation_is_kept_whole():
    text = "“Is it the death knell? No. But it is harmful,” the senator said of the ruling."
    _s, sts = run(text)
    st = find(sts, "But it is harmful")
    assert st and st[0].content.text == "Is it the death knell? No. But it is harmful"
    text = "The minister said: “Prices will fall. Wages will rise.” Then he left."
    _s, sts = run(text)
    assert find(sts, "Prices will fall. Wages will rise")


def test_quote_with_its_own_attribution_is_not_a_continuation():
    text = "“A is true,” he said. “B is false,” she replied."
    _s, sts = run(text)
    assert [s.content.text for s in sts] == ["A is true", "B is false"]


def test_quote_paragraph_continues_the_previous_speaker():
    text = ("Senator Jane Roe spoke on Monday. “We will not give up,” Roe said.\n\n"
            "“The talks will go on. Nobody can stop them.”\n\nThe meeting ended.")
    _s, sts = run(text)
    st = find(sts, "The talks will go on. Nobody can stop them", speaker="Jane Roe")
    assert st and st[0].cue is None and st[0].kind == "direct"
    assert not find(sts, "The meeting ended")


def test_parenthetical_report_covers_the_clause():
    text = "If politics makes the road too complicated now, he said, Congress can still pass a reauthorization."
    _s, sts = run(text)
    st = find(sts, "Congress can still pass")
    assert st and st[0].content.text.startswith("If politics makes")
    assert [p.text for p in st[0].content_parts] == [
        "If politics makes the road too complicated now", "Congress can still pass a reauthorization"]


def test_as_x_put_it():
    text = "The economy, as Smith put it: “is a mess. Nobody knows what to do.”"
    _s, sts = run(text)
    assert find(sts, "is a mess. Nobody knows what to do", speaker="Smith")


def test_dateline_is_in_neither_speaker_nor_content():
    text = "KYIV, Feb 25 (Reuters) - Ukraine said on Friday that Russian troops had entered the capital."
    _s, sts = run(text)
    st = find(sts, "Russian troops had entered the capital")
    assert st and st[0].speaker.text == "Ukraine"
    assert "Reuters" not in st[0].content.text


@pytest.mark.parametrize("text,kind", [
    ("Ukraine crisis: Russia moves troops to the border", "header"),   # topic label
    ("Analysis: Why the talks failed in Minsk", "header"),
    ("By Jane Doe, Reuters", "body"),                                 # byline
    ("Posted by admin said the new rules apply.", "body"),
    ("The commander is said to have been killed in the strike.", "body"),  # perception passives
    ("He is believed to have fled the country.", "body"),
    ("It was reported that the bridge collapsed.", "body"),
])
def test_never_statements(text, kind):
    _s, sts = run(text, kind)
    assert sts == []


def test_named_party_headline_is_still_a_statement():
    _s, sts = run("Zelensky: We will not give up our land\n\nThe talks were due on Monday.", "header")
    assert find(sts, "We will not give up our land")


def test_untrustworthy_statements_get_zero_confidence():
    text = ("It said the road would be expensive. The council plans to build a road. "
            "Officials hope it will open soon. I think it is wrong.")
    _s, sts = run(text)
    assert sts
    for needle in ("to build a road", "it will open soon", "the road would be expensive", "it is wrong"):
        st = find(sts, needle)
        assert st and st[0].confidence == 0.0, (needle, st)
        assert not st[0].trusted


def test_relative_pronoun_resolved_and_question_phrase_unresolved():
    text = "Putin, who said the operation was going to plan, met Lavrov. How many deputies said the law was wrong?"
    _s, sts = run(text)
    st = find(sts, "the operation was going to plan")
    assert st and st[0].speaker.canonical == "Vladimir Putin" and st[0].confidence != 0.0
    st = find(sts, "the law was wrong")
    assert not st or st[0].confidence == 0.0


def test_apposition_names_a_role_and_variants_are_one_entity():
    text = ("The ministry's spokeswoman, Anna Kowalska, said the talks had failed. "
            "Kowalska added that a new round was planned. The spokeswoman said Poland would not give up.")
    _s, sts = run(text)
    speakers = {s.speaker.canonical for s in sts if s.speaker}
    assert speakers == {"Anna Kowalska"}, [(s.speaker.text, s.speaker.canonical) for s in sts]


def test_he_is_not_pinned_on_the_wrong_person():
    # two people and nothing to tell which one "He" is: left unresolved (confidence 0)
    # ("It" above with no antecedent likewise; "It" after "The council plans" is the council)
    text = "Senator John Smith met Senator Tom Hart on Monday. Hart said the bill was dead. He said it would pass."
    _s, sts = run(text)
    st = find(sts, "it would pass")
    assert st and st[0].speaker.canonical not in ("Tom Hart", "John Smith") and st[0].confidence == 0.0
    # an honorific tells them apart
    text = "Mr. Smith met Ms. Roe on Monday. Roe said the bill was dead. He said it would pass."
    _s, sts = run(text)
    assert find(sts, "it would pass", speaker="Smith")


def test_confidence_model_is_shipped_loads_and_predicts():
    from claimmap.statements import confidence

    model = confidence.load()
    assert model is not None, "claimmap/data/models/statement_conf.json.gz missing (train/train_confidence.py)"
    assert model.meta.get("trained_on") == "polnear/train"
    text = ("The mayor of Springfield, John Smith, said on Monday that the bridge would reopen in May. "
            "The result is a sentence I never thought I'd write.")
    _s, sts = run(text)
    st = find(sts, "the bridge would reopen in May", speaker="John Smith")
    assert st and 0.5 <= st[0].confidence <= 1.0
    assert all(s.confidence is not None and 0.0 <= s.confidence <= 1.0 for s in sts)


def test_statements_above_follows_the_threshold_setting(monkeypatch):
    from claimmap.errors import ClaimmapError
    from claimmap.model import Span, Statement
    from claimmap.statements.confidence import statements_above, threshold

    sts = [Statement(id=f"s{i}", zone="z1", speaker=None, cue=None, content=Span("x", 0, 1), kind="indirect",
                     polarity="assert", confidence=c) for i, c in enumerate((0.2, 0.6, None), 1)]
    monkeypatch.setenv("CLAIMMAP_STATEMENT_THRESHOLD", "0.5")
    assert threshold() == 0.5 and [s.id for s in statements_above(sts)] == ["s2", "s3"]
    assert [s.trusted for s in sts] == [False, True, True]
    monkeypatch.setenv("CLAIMMAP_STATEMENT_THRESHOLD", "0.7")
    assert [s.id for s in statements_above(sts)] == ["s3"]
    monkeypatch.setenv("CLAIMMAP_STATEMENT_THRESHOLD", "2")
    with pytest.raises(ClaimmapError):
        threshold()


# ------------------------------------------------------------ speakers (issue #15, item 3)

def speaker_of(statements, content_has: str) -> str | None:
    hits = [st for st in statements if content_has in st.content.text]
    assert hits, f"no statement holds {content_has!r}: {[s.content.text for s in statements]}"
    return hits[0].speaker.canonical if hits[0].speaker else None


@pytest.mark.parametrize("text,speakers", [
    pytest.param("Dr. Owen Dempsey of the city hospital described the case. Dempsey and his team said the "
                 "patient had recovered. \"It happens more than we realize,\" Dempsey said. Later, he added "
                 "that doctors should ask about bedding.",
                 {"It happens more": "Owen Dempsey", "doctors should ask": "Owen Dempsey"},
                 id="surname_is_not_a_coordinated_mention"),
    pytest.param("PARIS (AP) — The Harbour Safety Agency says that ferries will run again on Monday.\n\n"
                 "LYON, France (AP) — Transport Minister Claire Dubois on Tuesday accused the operator of "
                 "ignoring the warnings.",
                 {"ferries will run": "Harbour Safety Agency", "the operator": "Claire Dubois"},
                 id="dateline_is_not_the_speaker"),
    pytest.param("The singer said the tour would start in May. Union leader Maria Costa said talks had "
                 "failed. \"We will strike,\" the leader said. The Council on Regional Transport said fares "
                 "would rise. Council chair Anna Berg-Lind, a former mayor of Eastfield, said that the plan "
                 "was fair.",
                 {"We will strike": "Maria Costa", "fares would rise": "Council on Regional Transport",
                  "the plan was fair": "Anna Berg-Lind"},
                 id="role_and_name_variants"),
])
def test_speakers_resolved_within_the_article(text, speakers):
    _s, sts = run(text)
    for content, speaker in speakers.items():
        assert speaker_of(sts, content) == speaker, content


def test_role_named_later_in_the_article():
    text = ("The country's ambassador accused the neighbours of meddling in its affairs. Later the "
            "country's ambassador Pedro Alvarado said that the border would stay open.")
    _s, sts = run(text)
    assert speaker_of(sts, "the neighbours") == "Pedro Alvarado"


def test_never_statements_get_zero_confidence():
    text = ("The video shows that the guards opened the gate. The firm declined to comment on the "
            "report. The city's leaders may still believe that the bridge is safe. Residents worry "
            "that the river will flood. It is worth noting that the bridge is old. The city council "
            "concluded its third hearing on the bridge. Mayor Ana Ruiz said that the bridge would be "
            "repaired.")
    _s, sts = run(text)
    conf = {st.content.text.split()[0]: st.confidence for st in sts}
    for content_has in ("the guards opened", "to comment", "the bridge is safe", "the river will flood",
                        "the bridge is old", "third hearing"):
        for st in sts:
            if content_has in st.content.text and st.confidence is not None:
                assert st.confidence == 0.0, (content_has, st.confidence, conf)
    said = [st for st in sts if "would be repaired" in st.content.text]
    assert said and (said[0].confidence is None or said[0].confidence > 0.5)


def test_attribution_word_lists_are_data(tmp_path, monkeypatch):
    """The extractor's closed word lists live in cues.toml [attribution]; an extra lexicon
    (CLAIMMAP_CUES) adds to them, and an unknown key there is a clear error."""
    from claimmap.errors import DataError
    from claimmap.statements import cues

    lex = cues.load()
    assert {"tell", "urge"} <= lex.addressee_verbs and "statement" in lex.message_nouns
    assert lex.raising_verbs == {"seem", "appear"} and "continue" in lex.chain_verbs and "also" in lex.aux_adverbs
    extra = tmp_path / "more.toml"
    extra.write_text('[attribution]\nraising_verbs = ["tend"]\n', encoding="utf-8")
    monkeypatch.setenv("CLAIMMAP_CUES", str(extra))
    cues._load.cache_clear()
    try:
        assert cues.load().raising_verbs == {"seem", "appear", "tend"}
        extra.write_text('[attribution]\nraising_verb = ["tend"]\n', encoding="utf-8")
        cues._load.cache_clear()
        with pytest.raises(DataError, match="unknown key"):
            cues.load()
    finally:
        monkeypatch.delenv("CLAIMMAP_CUES")
        cues._load.cache_clear()


@pytest.mark.parametrize("line, speaker, content", [
    ("Velmark ready for talks with Norland in Brenn: Kremlin", "Kremlin", "Velmark ready for talks with Norland in Brenn"),
    ("Prices rose sharply in the spring: IAEA.", "IAEA", "Prices rose sharply in the spring"),
])
def test_headline_crediting_its_source_at_the_end(line, speaker, content):
    _s, sts = run(line)
    assert [(s.speaker.text, s.content.text, s.kind) for s in sts] == [(speaker, content, "according_to")]


@pytest.mark.parametrize("line", ["Harbour crisis: What we know so far", "Why the bridge closed: explainer",
                                  "Velmark ready for talks with Norland - agencies"])
def test_topic_labels_and_uncredited_headlines_are_no_statements(line):
    assert not [s for s in run(line)[1] if s.cue is not None and s.cue.lemma == ":"]
