"""Verdicts on the development corpus of tests/fixtures/verdicts_dev (all fictional, written by
the claimmap authors: the Gulf of Serran dispute between Tarvonia and Solmira; see its README).

The pages reproduce patterns of real coverage: a state wire's story and a same-day copy of it
(the article under analysis), undated pages, third-party relays of the wire with and without a
credit line, a counterparty's denial in the sentence after "X said ...", a claim carrying its own
negation relayed by the claimant's media, a fact-check, a hedged relay and a distractor outside
the date window. ``expected.json`` holds what a careful fact-checker concludes from the pages;
this module asserts the pipeline's verdicts agree with it.

Real components throughout (default corpus embedder, MiniLM relevance gate, shipped stance model,
MinHash families); one store build and one corroboration run per module.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytest.importorskip("torch")

FX = Path(__file__).parent / "fixtures" / "verdicts_dev"
EXPECTED = json.loads((FX / "expected.json").read_text("utf-8"))
ROWS = [json.loads(line) for line in (FX / "corpus.jsonl").read_text("utf-8").splitlines() if line.strip()]
URL = {r["id"]: r["url"] for r in ROWS}
NAME = {u: i for i, u in URL.items()}
CLAIMS = EXPECTED["claims"]


@pytest.fixture(scope="module")
def dev_env():
    """The fixture's fictional outlets and actors, for this module only."""
    from claimmap.outlets.registry import clear_cache

    old = {k: os.environ.get(k) for k in ("CLAIMMAP_OUTLETS", "CLAIMMAP_ACTORS")}
    os.environ["CLAIMMAP_OUTLETS"] = str(FX / "outlets.toml")
    os.environ["CLAIMMAP_ACTORS"] = str(FX / "actors.toml")
    clear_cache()
    yield
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    clear_cache()


@pytest.fixture(scope="module")
def store(dev_env, tmp_path_factory):
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.ingest import ingest, refresh_families
    from claimmap.corpus.sqlite import SQLiteStore

    s = SQLiteStore(tmp_path_factory.mktemp("verdicts_dev") / "corpus.db")
    res = ingest(s, [str(FX / "corpus.jsonl")], embedder=get_embedder())
    assert res.added == len(ROWS) and res.failed == 0
    refresh_families(s)
    yield s
    s.close()


def _analyze(published):
    from claimmap.model import Document
    from claimmap.pipeline import analyze_document

    art = EXPECTED["article"]
    doc = Document(text=(FX / art["file"]).read_text("utf-8"), url=art["url"], published=published)
    return analyze_document(doc, framing=False)


@pytest.fixture(scope="module")
def report(store):
    from claimmap.corroborate import corroborate

    return corroborate(_analyze(EXPECTED["article"]["published"]), store)


def _verdict(report, claim: dict) -> dict:
    got = report.extras["verdicts"]
    for v in got:
        if claim["contains"].lower() in v["claim"].lower() and v["speaker"] == claim["speaker"]:
            return v
    raise AssertionError(f"no verdict for {claim['speaker']!r}: {claim['contains']!r}; verdicts: "
                         f"{[(v['speaker'], v['claim']) for v in got]}")


def _show(v: dict) -> str:
    """The evidence of a verdict, one line each, for failure messages."""
    lines = [f"{v['speaker']}: {v['claim']!r} -> said={v['said']} so={v['so']} ({v.get('reason')})"]
    for e in v["evidence"]:
        lines.append(f"  {NAME.get(e['url'], e['url'])}: stance={e['stance']} source={e['stance_source']} "
                     f"independent={e['independent']} family={e['family']} reports_speaker={e['reports_speaker']} "
                     f"hedged={e.get('hedged')} by={e.get('attributed_to')!r} | {e['text'][:100]}")
    return "\n".join(lines)


def _by_doc(v: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for e in v["evidence"]:
        out.setdefault(NAME.get(e["url"], e["url"]), []).append(e)
    return out


# --- copy_of ----------------------------------------------------------------------------------
def test_article_is_a_copy_of_the_wire_story(report):
    assert report.document.copy_of == EXPECTED["copy_of"]
    assert report.document.copy_of_outlet == EXPECTED["copy_of_outlet"]


@pytest.fixture(scope="module")
def report_undated_article(store):
    """The same article with no date given: no window."""
    from claimmap.corroborate import corroborate

    return corroborate(_analyze(None), store)


def test_copy_of_found_without_the_articles_date(report_undated_article):
    r = report_undated_article
    assert r.extras["corroboration_run"]["window"] == [None, None]
    assert r.document.copy_of == EXPECTED["copy_of"]
    assert r.document.copy_of_outlet == EXPECTED["copy_of_outlet"]


# --- verdicts ---------------------------------------------------------------------------------
#: expectations the pipeline does not meet yet, with the measured reason (strict: a fix shows up)
KNOWN_GAPS = {
    "shipping": "the relevance gate (MiniLM cosine >= 0.6) drops Tarvonia One's own-voice paraphrase "
                "(cosine 0.54); a 0.5 gate admits it but also same-topic sentences the stance model "
                "calls disagree (this file's radar and shipping verdicts then turn contradicted)",
}
#: verdicts that rest on a known gap above (strict: a fix shows up)
VERDICT_GAPS = {
    "shipping": "so=claimant_side_only needs Tarvonia One's own-voice paraphrase, which the relevance "
                "gate drops (see KNOWN_GAPS); the FNC-1-era model reached it only by reading "
                "'Tarvonian warships have been holding exercises in the gulf since Monday' as agreeing "
                "that they pose no threat, which the mixture model rightly calls discuss",
}


@pytest.mark.parametrize("claim", [pytest.param(c, marks=pytest.mark.xfail(reason=VERDICT_GAPS[c["id"]], strict=True))
                                   if c["id"] in VERDICT_GAPS else c for c in CLAIMS],
                         ids=[c["id"] for c in CLAIMS])
def test_expected_verdict(report, claim):
    v = _verdict(report, claim)
    assert (v["said"], v["so"]) == (claim["said"], claim["so"]), (
        f"expected said={claim['said']} so={claim['so']}: {claim['why']}\n{_show(v)}")




@pytest.mark.parametrize("claim", [pytest.param(c, marks=pytest.mark.xfail(reason=KNOWN_GAPS[c["id"]], strict=True))
                                   if c["id"] in KNOWN_GAPS else c for c in CLAIMS],
                         ids=[c["id"] for c in CLAIMS])
def test_expected_evidence(report, claim):
    v = _verdict(report, claim)
    by = _by_doc(v)
    for d in claim.get("present", []):
        assert d in by, f"{d} not among the evidence\n{_show(v)}"
    for d in claim.get("reports_speaker", []):
        assert any(e["reports_speaker"] for e in by.get(d, [])), (
            f"{d} does not report {claim['speaker']} saying it\n{_show(v)}")
    for d in claim.get("own_voice_agree", []):  # the outlet asserts it itself, not quoting the speaker
        assert any(e["stance"] == "agree" and not e["reports_speaker"] for e in by.get(d, [])), (
            f"{d} does not assert it in its own voice\n{_show(v)}")
    for d, who in claim.get("independent_disagree", {}).items():
        denials = [e for e in by.get(d, []) if e["stance"] == "disagree" and e["independent"]]
        assert denials, f"no independent disagreement from {d}\n{_show(v)}"
        if who is not None:  # the counterparty's denial is labelled as the counterparty's
            assert any(who.lower() in (e.get("attributed_to") or "").lower() for e in denials), (
                f"the denial in {d} is not attributed to {who}\n{_show(v)}")
    if claim.get("no_independent_disagree"):
        bad = [e for e in v["evidence"] if e["stance"] == "disagree" and e["independent"]]
        assert not bad, f"the claimant's own negative claim became a contradiction\n{_show(v)}"


# --- independence, relays, dates ----------------------------------------------------------------
def test_no_claimant_side_or_relay_item_counts_as_independent(report):
    named = set(EXPECTED["claimant_side"]) | set(EXPECTED["relays"])
    seen = set()
    for v in report.extras["verdicts"]:
        for d, items in _by_doc(v).items():
            if d in named:
                seen.add(d)
                assert not any(e["independent"] for e in items), f"{d} counted independent\n{_show(v)}"
    assert seen == named, f"never used as evidence: {sorted(named - seen)}"


def test_relays_belong_to_the_wires_family(report):
    fam: dict[str, set[str]] = {}
    for v in report.extras["verdicts"]:
        for d, items in _by_doc(v).items():
            fam.setdefault(d, set()).update(e["family"] for e in items)
    for relay, wire in EXPECTED["relays"].items():
        assert fam.get(relay) and fam.get(relay) == fam.get(wire), (relay, fam.get(relay), wire, fam.get(wire))


def test_undated_pages_are_used(report):
    used = {}
    for v in report.extras["verdicts"]:
        for d, items in _by_doc(v).items():
            used.setdefault(d, []).extend(items)
    for d in EXPECTED["undated"]:
        assert d in used, f"undated page {d} never used as evidence"
        assert all(e["undated"] for e in used[d]), f"{d} not flagged undated"
    run = report.extras["corroboration_run"]
    if "undated_documents" in run:
        assert run["undated_documents"] >= len(EXPECTED["undated"])


def test_distractor_outside_the_window_is_not_evidence(report, report_undated_article):
    used = {NAME.get(e["url"]) for v in report.extras["verdicts"] for e in v["evidence"]}
    assert not used & set(EXPECTED["outside_window"])
    # without a window it is found: the window, not retrieval, is what keeps it out
    used = {NAME.get(e["url"]) for v in report_undated_article.extras["verdicts"] for e in v["evidence"]}
    assert set(EXPECTED["outside_window"]) <= used


def test_independent_outlets_keep_their_own_family(report):
    """Independence follows the outlet: the independent newspapers and the fact-checker are
    never folded into the claimant's family, whoever they quote."""
    seen = set()
    for v in report.extras["verdicts"]:
        for d, items in _by_doc(v).items():
            if d in EXPECTED["independent_outlets"]:
                seen.add(d)
                assert not {e["family"] for e in items} & set(v["claimant_keys"]), f"{d}\n{_show(v)}"
    assert seen == set(EXPECTED["independent_outlets"]), f"never used: {set(EXPECTED['independent_outlets']) - seen}"


def test_report_with_verdicts_matches_the_schema(report):
    import jsonschema

    from claimmap.report.json import schema

    d = report.to_dict()
    jsonschema.validate(d, schema())
    for v in d["verdicts"]:
        assert v["reason"] and 0 <= v["confidence"]["so"] <= 1
