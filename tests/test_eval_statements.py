"""`claimmap eval statements`: the scorer on synthetic cases, its errors, and the audit set.

The audit set (claimmap/data/audit/statements.jsonl) annotates pages of
../shared/data/article-extraction-benchmark; the test on the real pages skips where the data is
absent and reports figures without pinning floors (docs/audit-guidelines.md: an audit set).
"""

import json

import pytest

from claimmap.cli import main
from claimmap.evaluate.statements import (AuditError, analysed_text, default_gold_path,
                                          evaluate_statements, load_gold, score_page,
                                          speaker_matches, summarise, text_hash)

TEXT = ('The minister said the bridge would open in May. "It is safe," she said. "We checked it." '
        'The opposition accused the minister of hiding the costs. Police denied any wrongdoing.')


def _span(text, phrase):
    s = text.index(phrase)
    return [s, s + len(phrase)]


def _gold(**extra):
    g = {"page": "p1", "sha256": text_hash(TEXT), "statements": [
        {"content": [_span(TEXT, "the bridge would open in May")], "speaker": "The minister",
         "canonical": "Anna Kowalska", "aliases": ["the minister"], "polarity": "assert", "side": None},
        {"content": [_span(TEXT, "It is safe"), _span(TEXT, "We checked it.")], "speaker": "she",
         "canonical": "Anna Kowalska", "aliases": ["the minister"], "polarity": "assert", "side": None},
        {"content": [_span(TEXT, "the minister of hiding the costs")], "speaker": "The opposition",
         "canonical": "opposition", "polarity": "accuse", "side": "norland_government"},
        {"content": [_span(TEXT, "any wrongdoing")], "speaker": "Police", "canonical": "police",
         "polarity": "deny", "side": None},
    ], "not_statements": []}
    g.update(extra)
    return g


def _pred(phrase, speaker, polarity="assert", side=None, text=TEXT):
    return {"content": [_span(text, phrase)], "speaker": speaker, "speaker_text": speaker,
            "polarity": polarity, "side": side}


def test_perfect_reading_scores_one():
    preds = [_pred("the bridge would open in May", "Anna Kowalska"),
             _pred('"It is safe," she said. "We checked it."', "Anna Kowalska"),
             _pred("the minister of hiding the costs", "opposition", "accuse", "norland_government"),
             _pred("any wrongdoing", "police", "deny")]
    res = summarise([score_page(TEXT, _gold(), preds)])
    assert res["precision"] == 1.0 and res["recall"] == 1.0
    assert res["speaker_accuracy"] == 1.0 and res["polarity_accuracy"] == 1.0
    assert res["wrong_sides"] == 0 and res["missed_sides"] == 0


def test_wrong_speaker_polarity_side_and_false_positive_are_counted():
    preds = [_pred("the bridge would open in May", "she"),                 # pronoun: wrong speaker
             _pred("the minister of hiding the costs", "opposition", "assert", "velmark_government"),
             _pred("any wrongdoing", "Police", "deny", "norland_government"),  # side where gold has none
             _pred("Police denied", "Police")]                              # not a gold statement
    row = score_page(TEXT, _gold(), preds)
    res = summarise([row])
    assert res["precision"] == 0.75          # 3 of 4 predictions inside a gold statement
    assert res["recall"] == 0.75             # the split quotation was missed
    assert res["speaker_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert res["polarity_per_class"]["accuse"] == {"n": 1, "accuracy": 0.0, "predicted": {"assert": 1}}
    assert res["polarity_per_class"]["deny"]["accuracy"] == 1.0
    assert res["wrong_sides"] == 2           # a different side, and a side where gold has none
    assert res["recall_per_kind"] == {"unlabelled": {"n": 4, "recall": 0.75}}
    kinds = [e["type"] for e in row["errors"]]
    assert kinds.count("false_positive") == 1 and kinds.count("missed") == 1


def test_split_quotation_found_by_its_two_halves():
    preds = [_pred("It is safe", "Anna Kowalska"), _pred("We checked it", "Kowalska")]
    row = score_page(TEXT, _gold(), preds)
    assert row["tp_pred"] == 2 and row["found"] == 1 and row["speaker_ok"] == 2


def test_half_a_quotation_is_not_found():
    text = 'He said: "One two three four five six seven eight nine ten eleven twelve."'
    gold = {"page": "x", "sha256": "", "statements": [
        {"content": [_span(text, "One two three four five six seven eight nine ten eleven twelve")],
         "canonical": "He Man", "polarity": "assert"}]}
    short = [{"content": [_span(text, "One two three")], "speaker": "He Man", "polarity": "assert"}]
    assert score_page(text, gold, short)["found"] == 0
    long_ = [{"content": [_span(text, "One two three four five six seven eight")], "speaker": "He Man",
              "polarity": "assert"}]
    assert score_page(text, gold, long_)["found"] == 1


def test_nested_statement_goes_to_the_closest_gold():
    text = "Prosecutors said he told her: I will win the case tomorrow."
    gold = {"page": "x", "sha256": "", "statements": [
        {"content": [_span(text, "he told her: I will win the case tomorrow")], "canonical": "prosecutors",
         "polarity": "assert"},
        {"content": [_span(text, "I will win the case tomorrow")], "canonical": "John Smith", "polarity": "assert"}]}
    row = score_page(text, gold, [{"content": [_span(text, "I will win the case tomorrow")],
                                   "speaker": "John Smith", "polarity": "assert"}])
    assert row["speaker_ok"] == 1 and row["found"] == 1


def test_prediction_on_a_marked_non_statement_is_counted():
    text = "WASHINGTON (AP) — Officials said the road is closed."
    gold = {"page": "x", "sha256": "", "statements": [
        {"content": [_span(text, "the road is closed")], "canonical": "officials", "polarity": "assert"}],
        "not_statements": [{"span": _span(text, "WASHINGTON (AP) —"), "why": "dateline"}]}
    row = score_page(text, gold, [{"content": [_span(text, "WASHINGTON (AP)")], "speaker": "AP",
                                   "polarity": "assert"}])
    assert row["hits_on_non_statements"] == 1 and row["tp_pred"] == 0


@pytest.mark.parametrize("pred,ok", [
    ("Anna Kowalska", True), ("Kowalska", True), ("Foreign Minister Anna Kowalska", True),
    ("Anna Kowalska of the foreign ministry", True), ("the minister", True),  # an alias
    ("she", False), ("Anna", False), ("kowalska", False), (None, False),
    ("Kowalska's spokesman", False), ("Anna Kowalska's critics", False),
])
def test_speaker_matching(pred, ok):
    gold = {"canonical": "Anna Kowalska", "aliases": ["the minister"]}
    assert speaker_matches(pred, None, gold) is ok


def test_generic_speakers_need_the_whole_description():
    gold = {"canonical": "people familiar with the matter", "aliases": []}
    assert speaker_matches("multiple people familiar with the matter", None, gold)
    assert not speaker_matches("matter", None, gold)
    assert not speaker_matches("people", None, gold)


def _bench(tmp_path, body):
    root = tmp_path / "bench"
    (root / "html").mkdir(parents=True)
    (root / "ground-truth.json").write_text(json.dumps({"p1": {"articleBody": body, "url": "u"}}))
    return root


def _gold_file(tmp_path, page):
    p = tmp_path / "gold.jsonl"
    p.write_text(json.dumps(page) + "\n")
    return p


def test_end_to_end_on_a_synthetic_page(tmp_path):
    body = ("Harbour officials said on Monday that the new ferry would start service in May.\n\n"
            "The transport minister, Anna Kowalska, denied that the project was over budget.\n")
    text = analysed_text(body)
    gold = {"page": "p1", "sha256": text_hash(text), "statements": [
        {"content": [_span(text, "the new ferry would start service in May")], "speaker": "Harbour officials",
         "canonical": "harbour officials", "polarity": "assert", "side": None},
        {"content": [_span(text, "the project was over budget")], "speaker": "The transport minister, Anna Kowalska",
         "canonical": "Anna Kowalska", "polarity": "deny", "side": None}]}
    res = evaluate_statements(_bench(tmp_path, body), _gold_file(tmp_path, gold), per_page=True)
    assert res["pages"] == 1 and res["gold"] == 2
    assert 0 <= res["precision"] <= 1 and 0 <= res["recall"] <= 1
    assert "p1" in res["per_page"]


def test_changed_text_is_reported_not_scored(tmp_path):
    gold = {"page": "p1", "sha256": text_hash("another text"), "statements": []}
    with pytest.raises(AuditError, match="changed text"):
        evaluate_statements(_bench(tmp_path, "Officials said the road is closed."), _gold_file(tmp_path, gold))


@pytest.mark.parametrize("line,message", [
    ('{"page": "p1"}', "sha256"),
    ('{"page": "p1", "sha256": "x", "statements": [{"content": [[5, 2]], "canonical": "a", "polarity": "assert"}]}', "start < end"),
    ('{"page": "p1", "sha256": "x", "statements": [{"content": [[0, 2]], "canonical": "a", "polarity": "claims"}]}', "polarity"),
    ("not json", "malformed"),
])
def test_malformed_gold_is_one_error(tmp_path, line, message):
    p = tmp_path / "g.jsonl"
    p.write_text(line + "\n")
    with pytest.raises(AuditError, match=message):
        load_gold(p)


def test_cli_errors_are_one_line_exit_2(tmp_path, capsys):
    for argv in (["eval", "statements", str(tmp_path / "missing")],
                 ["eval", "statements", str(tmp_path)]):          # a folder without ground-truth.json
        with pytest.raises(SystemExit) as exc:
            main(argv)
        err = capsys.readouterr().err
        assert exc.value.code == 2
        assert err.startswith("claimmap: error: ") and err.count("\n") == 1, err
    bad = tmp_path / "bench"
    bad.mkdir()
    (bad / "ground-truth.json").write_text("{not json")
    with pytest.raises(SystemExit) as exc:
        main(["eval", "statements", str(bad)])
    assert exc.value.code == 2 and "not valid JSON" in capsys.readouterr().err


def test_shipped_gold_holds_no_page_text():
    pages = load_gold()
    assert len(pages) >= 40
    assert sum(len(p["statements"]) for p in pages) >= 300
    raw = default_gold_path().read_text(encoding="utf-8")
    assert "articleBody" not in raw and len(raw) < 200 * len(pages) * 12  # offsets and names only
    for p in pages:
        for st in p["statements"]:
            assert set(st) <= {"content", "speaker", "canonical", "aliases", "polarity", "side", "kind"}


def test_audit_set_on_the_real_pages(shared_data):
    """The shipped gold matches the benchmark's texts, and the scorer runs on them (figures are
    printed, not pinned: see BENCHMARKS.md for the full run)."""
    root = shared_data / "article-extraction-benchmark"
    if not root.is_dir():
        pytest.skip(f"{root} absent")
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for page in load_gold():
        text = analysed_text(truth[page["page"]]["articleBody"])
        assert text_hash(text) == page["sha256"], page["page"]
        for st in page["statements"]:
            assert all(e <= len(text) for _, e in st["content"])
    res = evaluate_statements(root, limit=6)
    assert res["pages"] == 6 and not res["drifted_pages"] and not res["missing_pages"]
    print({k: res[k] for k in ("precision", "recall", "speaker_accuracy", "polarity_accuracy", "wrong_sides")})


def test_whole_content_needs_the_whole_quotation():
    preds = [_pred("We checked it", "Anna Kowalska")]        # the longer half of the split quotation
    row = score_page(TEXT, _gold(), preds)
    assert row["found"] == 1 and row["whole"] == 0
    preds.append(_pred("It is safe", "Anna Kowalska"))
    assert score_page(TEXT, _gold(), preds)["whole"] == 1


def test_alignment_maps_reflowed_text_and_drops_what_is_not_there():
    from claimmap.evaluate.statements import _Align

    analysed = "Officials said the road\nis closed. The road is closed, she said."
    doc = "Menu Home\nOfficials said the road is closed.  The road is closed, she said.\nComments"
    al = _Align(analysed, doc)
    s = doc.index("the road is closed")
    (a, b), = al.span(s, s + len("the road is closed"))
    assert analysed[a:b] == "the road\nis closed"
    s2 = doc.index("The road is closed")                       # the second occurrence, by position
    (a2, _), = al.span(s2, s2 + len("The road is closed"))
    assert a2 == analysed.index("The road is closed")
    assert al.span(doc.index("Comments"), len(doc)) == []       # outside the article body


def test_html_mode_counts_statements_outside_the_body_as_false_positives(tmp_path):
    import gzip

    body = "Harbour officials said on Monday that the new ferry would start service in May."
    html = ("<html><head><title>Ferry</title></head><body><article><h1>Ferry news</h1><p>" + body +
            " The harbour master said the quay is ready.</p></article></body></html>")
    root = _bench(tmp_path, body)
    with gzip.open(root / "html" / "p1.html.gz", "wb") as fh:
        fh.write(html.encode())
    text = analysed_text(body)
    gold = {"page": "p1", "sha256": text_hash(text), "statements": [
        {"content": [_span(text, "the new ferry would start service in May")], "speaker": "Harbour officials",
         "canonical": "harbour officials", "polarity": "assert", "side": None}]}
    res = evaluate_statements(root, _gold_file(tmp_path, gold), html=True, per_page=True, min_confidence=0)
    assert res["input"] == "html" and res["pages"] == 1
    errors = res["per_page"]["p1"]["errors"]
    # the harbour master's statement is real speech but outside the article body: a false positive
    assert res["found"] == 1 and res["precision"] == 0.5
    assert [e["text"] for e in errors if e["type"] == "outside_text"] == ["the quay is ready"]


def test_html_mode_needs_the_html_folder(tmp_path):
    body = "Officials said the road is closed."
    text = analysed_text(body)
    root = _bench(tmp_path, body)
    gold = {"page": "p1", "sha256": text_hash(text), "statements": []}
    with pytest.raises(AuditError, match="html"):
        evaluate_statements(root, _gold_file(tmp_path, gold), html=True)


def test_trafilatura_eval_layout_is_read_with_its_reference_body(tmp_path):
    """A folder laid out like trafilatura-eval (evaldata.json, html/<file>.gz, no article body):
    the analysed text is trafilatura's extraction of the page, gold offsets refer to it."""
    import gzip

    from claimmap.evaluate.statements import load_pages, reference_body

    paras = ["Harbour officials said on Monday that the new ferry would start service in May, "
             "a month later than planned, because the quay needs new bollards and fenders.",
             "The transport minister, Anna Kowalska, denied that the project was over budget and "
             "said the final bill would be published with the audit next spring."]
    html = ("<html><head><title>Ferry delayed</title></head><body><nav>Home | News | Sport</nav>"
            "<article><h1>Ferry delayed</h1>" + "".join(f"<p>{p}</p>" for p in paras) +
            "</article><footer>Copyright Harbour Gazette</footer></body></html>").encode()
    root = tmp_path / "tev"
    (root / "html").mkdir(parents=True)
    with gzip.open(root / "html" / "gazette.ferry.html.gz", "wb") as fh:
        fh.write(html)
    (root / "evaldata.json").write_text(json.dumps(
        {"https://gazette.example/ferry": {"file": "gazette.ferry.html", "with": "[]", "without": "[]"}}))
    pages = load_pages(root)
    assert list(pages) == ["gazette.ferry.html"]
    body = pages["gazette.ferry.html"]["articleBody"]
    assert body == reference_body(html, "https://gazette.example/ferry")
    assert "Anna Kowalska" in body and "Copyright" not in body and "Home | News" not in body
    text = analysed_text(body)
    gold = {"page": "gazette.ferry.html", "sha256": text_hash(text), "statements": [
        {"content": [_span(text, "the project was over budget")], "speaker": "The transport minister, Anna Kowalska",
         "canonical": "Anna Kowalska", "polarity": "deny", "side": None}]}
    for html_mode in (False, True):
        res = evaluate_statements(root, _gold_file(tmp_path, gold), html=html_mode)
        assert res["pages"] == 1 and res["found"] == 1 and not res["drifted_pages"]
    with pytest.raises(AuditError, match="evaldata.json"):
        (root / "evaldata.json").write_text("[1, 2]")
        load_pages(root)
