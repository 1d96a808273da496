"""The verdict rule (relays, independence, confidence, reason), negation by predicate, denials in
context, query forms, and ``claimmap eval verdicts`` (its file checks, its scoring, and on
Climate-FEVER / Emergent where ../shared/data is present)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimmap.corpus.store import SentenceRecord, StatementRecord, StoredDocument
from claimmap.corroborate.hedge import hedged
from claimmap.corroborate.verdict import Item, decide

KEYS = {"state:velmark", "speaker:Anna Roskova", "family:vsn"}
DATA = Path(os.environ.get("CLAIMMAP_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


# --- the rule ------------------------------------------------------------------------------------
def test_hedged_relays_support_said_never_so():
    relays = [Item(f"owner:r{i}", f"owner:r{i}", "agree", False, hedged=True, confidence=0.9) for i in range(5)]
    v = decide(relays, KEYS, speaker="Anna Roskova")
    assert v["so"] == "unverified" and v["said"] == "corroborated"
    assert v["counts"]["relays"] == 5 and v["counts"]["so_agree_independent"] == 0
    assert "relay" in v["reason"]


def test_a_hedged_sentence_on_the_topic_is_not_a_relay_of_the_claim():
    """A hedged 'discuss' sentence that neither names the speaker nor repeats the claim ('Britain
    says an invasion could be imminent' for 'Kiev poses a threat to Russia') reports nobody
    saying it; one that does is a relay, for said only. The reason names the outlets."""
    from types import SimpleNamespace

    from claimmap.corroborate import _claim_overlap, _relays_claim
    from claimmap.stance.select import content_words

    topic = Item("owner:a", "owner:a", "discuss", False, hedged=True, relays_claim=False, outlet="Outlet A")
    v = decide([topic], KEYS, speaker="Anna Roskova")
    assert v["said"] == "unverified" and v["counts"]["relays"] == 0
    relay = Item("owner:b", "owner:b", "discuss", False, hedged=True, relays_claim=True, outlet="Outlet B",
                 who="Anna Roskova")
    v = decide([topic, relay], KEYS, speaker="Anna Roskova")
    assert v["said"] == "corroborated" and v["so"] == "unverified"
    assert "report Anna Roskova saying it (Outlet B)" in v["reason"]
    one = Item("owner:c", "owner:c", "agree", False, confidence=0.8, outlet="Outlet C")
    v = decide([one], KEYS, speaker="Anna Roskova", min_confirm=2)
    assert v["so"] == "unverified" and "1 independent family confirm it (Outlet C), 2 needed" in v["reason"]
    roskova = SimpleNamespace(canonical="Anna Roskova", text="Roskova")
    claim = content_words("coastal radar tracked the drones for eleven minutes before they turned back")

    def relays(sentence):
        return _relays_claim(roskova, _claim_overlap(claim, sentence), sentence)

    assert relays("Radar reportedly tracked the drones for eleven minutes near the coast.")
    assert relays("Roskova reportedly spoke of radar.")
    assert not relays("Britain says an attack on the coast could be imminent.")


def test_a_claim_is_searched_with_the_speaker_for_its_leading_pronoun():
    from types import SimpleNamespace as N

    from claimmap.corroborate import claim_text

    def st(text, kind="indirect", canonical="Kremlin"):
        return N(kind=kind, speaker=N(canonical=canonical), content=N(text=text))

    assert claim_text(st("it is ready for talks")) == "Kremlin is ready for talks"
    assert claim_text(st("\u201cWe will not accept it")) == "\u201cKremlin will not accept it"
    assert claim_text(st("it is likely that the talks fail")) == "it is likely that the talks fail"  # expletive
    assert claim_text(st("it is ready", kind="narrated")) == "it is ready"
    assert claim_text(st("Kiev proposed talks")) == "Kiev proposed talks"


def test_one_model_reading_is_too_few_to_contradict():
    """A single independent family read as disagreeing does not make a claim false (on real
    headlines such readings were wrong 7 times in 7); a stated denial or two families do."""
    one = Item("owner:a", "owner:a", "disagree", False, confidence=0.9, outlet="Outlet A")
    v = decide([one], KEYS, min_confirm=2)
    assert v["so"] == "unverified" and v["counts"]["so_disagree_too_few"] == 1
    assert "too few to contradict" in v["reason"] and v["confidence"]["so"] == pytest.approx(0.1)
    two = [one, Item("owner:b", "owner:b", "disagree", False, confidence=0.8, outlet="Outlet B")]
    assert decide(two, KEYS, min_confirm=2)["so"] == "contradicted"
    stated = Item("owner:c", "party:x", "disagree", False, confidence=None, outlet="Outlet C", stated=True)
    assert decide([stated], KEYS, min_confirm=2)["so"] == "contradicted"
    confirms = [Item(f"owner:k{i}", f"owner:k{i}", "agree", False, confidence=0.9) for i in range(2)]
    assert decide(confirms + [one], KEYS, min_confirm=2)["so"] == "disputed"


def test_the_speaker_saying_something_else_is_not_a_report_of_the_claim():
    """'Kremlin says sanctions will cause problems' reports the Kremlin, but not its claim that
    Russia will impose sanctions: a report of the speaker counts for said only when it repeats
    the claim's words (half for a 'discuss', a third for an 'agree')."""
    other = Item("owner:a", "owner:a", "discuss", True, confidence=0.7, outlet="Outlet A",
                 relays_claim=False, claim_overlap=0.2)
    same = Item("owner:b", "owner:b", "discuss", True, confidence=0.7, outlet="Outlet B",
                relays_claim=True, claim_overlap=0.6)
    agree_other = Item("owner:c", "owner:c", "agree", True, confidence=0.9, outlet="Outlet C", claim_overlap=0.25)
    assert decide([other, agree_other], KEYS, speaker="Anna Roskova")["said"] == "unverified"
    v = decide([other, same, agree_other], KEYS, speaker="Anna Roskova")
    assert v["said"] == "corroborated" and "(Outlet B)" in v["reason"] and "Outlet A" not in v["reason"]


def test_independent_debunk_outweighs_any_number_of_relays():
    items = [Item(f"owner:r{i}", f"owner:r{i}", "agree", False, hedged=True) for i in range(6)]
    items.append(Item("owner:checker", "owner:checker", "disagree", False, confidence=0.8, outlet="Checker"))
    v = decide(items, KEYS)
    assert v["so"] == "contradicted"
    assert "Checker" in v["reason"] and v["confidence"]["so"] == pytest.approx(0.8)


def test_a_question_raises_doubt_but_never_contradicts():
    # "Was the recording a hoax?" from an independent outlet: counted and named, not a denial
    q = Item("owner:q", "owner:q", "disagree", False, confidence=0.9, question=True, outlet="Asker")
    v = decide([q], KEYS)
    assert v["so"] == "unverified" and v["counts"]["questions_doubting"] == 1
    assert "raise doubt" in v["reason"]
    denial = Item("owner:d", "owner:d", "disagree", False, confidence=0.9, outlet="Checker")
    assert decide([q, denial], KEYS)["so"] == "contradicted"  # an assertion still counts
    assert hedged("Was the recording a hoax?")


def test_claimant_side_disagree_never_contradicts():
    # the claimant's own media repeating its negative claim, read as "disagree"
    items = [Item("family:vsn", "state:velmark", "disagree", False, confidence=0.95),
             Item("owner:x", "state:velmark", "disagree", False, confidence=0.95)]
    v = decide(items, KEYS)
    assert v["so"] == "unverified"
    assert v["counts"]["claimant_side_disagree_ignored"] == 2


def test_confidence_is_noisy_or_of_the_families_behind_it():
    items = [Item("owner:a", "owner:a", "agree", False, confidence=0.6),
             Item("owner:b", "owner:b", "agree", False, confidence=0.5),
             Item("owner:b", "owner:b", "agree", False, confidence=0.7)]  # one family: its best item
    v = decide(items, KEYS)
    assert v["so"] == "corroborated"
    assert v["confidence"]["so"] == pytest.approx(1 - 0.4 * 0.3, abs=1e-3)
    assert v["counts"]["so_agree_independent"] == 2


def test_min_confirm_and_unverified_confidence():
    one = [Item("owner:a", "owner:a", "agree", False, confidence=0.8)]
    assert decide(one, KEYS, min_confirm=2)["so"] == "unverified"
    v = decide([], KEYS)
    assert v["confidence"]["so"] == 1.0 and v["reason"] == "No evidence in the corpus speaks to it"


def test_counterparty_denial_is_named_in_the_reason():
    items = [Item("owner:wire", "speaker:Anna Roskova", "discuss", True, outlet="Wire"),
             Item("owner:wire", "state:norland", "disagree", False, who="Norland's presidential office")]
    v = decide(items, KEYS, speaker="Anna Roskova")
    assert (v["said"], v["so"]) == ("corroborated", "contradicted")
    assert "Anna Roskova saying it" in v["reason"] and "Norland's presidential office" in v["reason"]


@pytest.mark.parametrize("text, want", [
    ("Minister reportedly resigns", True), ("Did the minister resign?", True),
    ("According to VSN, the minister resigned", True), ("Report: minister resigns", True),
    ("The minister resigned on Tuesday", False), ("Minister's claim rejected by court", True),
])
def test_hedged(text, want):
    assert hedged(text) is want


# --- negation by predicate ---------------------------------------------------------------------
@pytest.mark.parametrize("claim, evidence, want", [
    ("The exercises pose no threat to shipping",
     "The ministry said the exercises pose no threat to shipping and are not aimed at anyone.", False),
    ("Kaldor proposed talks in Brenn", "Kaldor denied that it proposed talks in Brenn.", True),
    ("Kaldor proposed talks in Brenn", "Kaldor did not propose talks in Brenn, an aide said.", True),
    ("Kaldor proposed talks in Brenn", "Kaldor proposed talks in Brenn on Friday.", False),
    ("The vaccine is safe", "The vaccine is not safe for children.", True),
    ("The vaccine is safe", "Officials said the weather was not good.", None),
    # the same verb said of another subject says nothing
    ("Russia warned its offensive will not stop for talks",
     "Ukraine asks China to make Russia stop the war.", None),
    ("Ukraine does not know what is happening at the plant", "All you need to know about the plant.", None),
])
def test_negation_mismatch(claim, evidence, want):
    from claimmap.corroborate.negation import negation_mismatch

    assert negation_mismatch(claim, evidence) is want


def test_adjust_stance_never_flips_the_claimants_side():
    from claimmap.corroborate import adjust_stance

    claim = "The exercises pose no threat to shipping"
    ev = "The exercises, which are not secret, pose no threat to shipping, VSN said."
    assert adjust_stance("agree", claim, ev, None, False, claimant_side=True) == ("agree", "model")
    assert adjust_stance("discuss", claim, "We deny it.", "deny", False, claimant_side=True) == ("discuss", "model")
    assert adjust_stance("agree", "Divers cut the cable", "Divers did not cut the cable.", None, False) == \
        ("disagree", "negation")


# --- evidence in context -------------------------------------------------------------------------
def _doc(sentences, statements):
    text = " ".join(sentences)
    return StoredDocument(1, "h", text, None, None, None, None, None, None,
                          sentences=[SentenceRecord(s) for s in sentences], statements=statements)


def test_denial_in_the_next_sentence_with_a_pronoun_is_found_and_resolved():
    from claimmap.corroborate.context import denials_near

    s = ["Interior minister Anna Roskova said Norland divers cut the Haldby cable.",
         "Norland's defence chief Piet Halvorsen was asked about the accusation on Wednesday.",
         "He denied it."]
    sts = [StatementRecord("Norland divers cut the Haldby cable", "Anna Roskova", "Anna Roskova", "velmark_government",
                           "said", "direct", "assert"),
           StatementRecord("it", "He", None, None, "denied", "indirect", "deny")]
    sts.insert(1, StatementRecord("about the accusation", "Piet Halvorsen", "Piet Halvorsen", "norland_government",
                                  "asked", "indirect", "assert"))
    out = denials_near(_doc(s, sts), s[0], {"norland", "divers", "cut", "haldby", "cable"},
                       claim_speaker="Anna Roskova")
    assert len(out) == 1 and out[0].text == "He denied it."
    assert out[0].speaker == "Piet Halvorsen" and out[0].polarity == "deny"


def test_role_noun_rejection_and_unrelated_next_sentence():
    from claimmap.corroborate.context import denials_near

    s = ["Anna Roskova said Norland divers cut the Haldby cable.",
         "The president's office rejected the claim.", "Markets were calm."]
    out = denials_near(_doc(s, []), s[0], {"norland", "divers", "cut", "cable"}, claim_speaker="Anna Roskova")
    assert len(out) == 1 and out[0].source == "cue"
    s2 = ["Anna Roskova said Norland divers cut the Haldby cable.", "Markets were calm on Monday."]
    assert denials_near(_doc(s2, []), s2[0], {"norland", "divers"}, claim_speaker="Anna Roskova") == []


def test_query_forms_add_terms_and_a_denial_form():
    from claimmap.corroborate import DENIAL_WORDS, query_forms

    forms = query_forms("Norland navy divers cut the undersea power cable near Haldby", "Anna Roskova")
    assert forms[0].endswith("Anna Roskova") and len(forms) == 4
    assert forms[-1].endswith(DENIAL_WORDS) and "Haldby" in forms[2]


# --- claimmap eval verdicts ----------------------------------------------------------------------
def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "claimmap", *args], capture_output=True, text=True,
                          timeout=600, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("content, msg", [
    ("{not json\n", "not JSON"),
    ('{"claim": "x", "claim_label": "TRUE", "evidences": []}\n', "claim_label"),
    ('{"claim": "x", "claim_label": "SUPPORTS", "evidences": "no"}\n', "evidences"),
    ("", "no claims"),
])
def test_eval_verdicts_malformed_file_is_one_line_exit_2(tmp_path, content, msg):
    p = tmp_path / "bad.jsonl"
    p.write_text(content)
    r = _cli("eval", "verdicts", str(p))
    assert r.returncode == 2, r.stderr
    assert msg in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_eval_verdicts_scores_a_small_file(tmp_path):
    pytest.importorskip("torch")
    rows = [
        {"claim_id": "1", "claim": "The Kessel river flooded the town of Orn in May.", "claim_label": "SUPPORTS",
         "evidences": [{"evidence_id": "a", "evidence": "In May the Kessel river flooded the town of Orn.",
                        "evidence_label": "SUPPORTS"}]},
        {"claim_id": "2", "claim": "The Orn bridge was painted green.", "claim_label": "NOT_ENOUGH_INFO",
         "evidences": [{"evidence_id": "b", "evidence": "Tomatoes grow well in warm climates.",
                        "evidence_label": "NOT_ENOUGH_INFO"}]},
    ]
    p = tmp_path / "claims.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    r = _cli("eval", "verdicts", str(p))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) >= {"n", "accuracy", "macro_f1", "per_class", "false_contradicted", "false_corroborated", "pairs"}
    assert out["n"] == 2 and set(out["pairs"]) >= {"macro_f1", "disagree_precision"}
    assert set(out["per_class"]) == {"corroborated", "contradicted", "disputed", "unverified"}
    # an unrelated sentence never makes a verdict
    assert out["per_class"]["unverified"]["r"] == 1.0


def test_emergent_csv_converts(tmp_path):
    from claimmap.evaluate.verdicts import read_claims

    csv = tmp_path / "e.csv"
    csv.write_text("claimId,claimHeadline,claimTruth,articleId,articleHeadline,articleHeadlineStance,url,source\n"
                   "c1,A man bit a dog,false,a1,Man reportedly bites dog,for,http://x.example/1,x.example\n"
                   "c1,A man bit a dog,false,a2,No man bit any dog,against,http://y.example/2,y.example\n")
    claims = read_claims(csv)
    assert len(claims) == 1 and claims[0]["claim_label"] == "REFUTES"
    assert [e["evidence_label"] for e in claims[0]["evidences"]] == ["SUPPORTS", "REFUTES"]
    out = tmp_path / "e.jsonl"
    r = _cli("eval", "verdicts", str(csv), "--to-jsonl", str(out))
    assert r.returncode == 0 and read_claims(out) == claims


@pytest.mark.skipif(not (DATA / "climate-fever" / "climate-fever-dev.jsonl").exists(), reason="no ../shared/data")
def test_climate_fever_test_split_floors():
    """The held split (never trained or calibrated on), a part of it to stay quick in CI."""
    pytest.importorskip("torch")
    from claimmap.evaluate.verdicts import evaluate_verdicts

    out = evaluate_verdicts(DATA / "climate-fever" / "climate-fever-dev.jsonl", split="test", limit=120)
    assert out["false_contradicted"] <= 0.10 and out["false_corroborated"] <= 0.10
    # the model mostly abstains rather than call Climate-FEVER evidence disagree: where its precision
    # there is low (1 of 4 on the whole test split), it speaks on under 1% of the pairs
    called = out["pairs"]["per_class"]["disagree"]["called"]
    assert out["pairs"]["disagree_precision"] is None or out["pairs"]["disagree_precision"] >= 0.60 \
        or called <= 0.01 * out["pairs"]["n"], out["pairs"]
