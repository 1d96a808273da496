"""Report rendering on hand-built reports: JSON contract, schema, HTML escaping, terminal."""

import io
import json

import pytest

from claimmap.model import Cue, Dispute, Document, Report, Sentence, Span, Speaker, Statement, Zone
from claimmap.report.json import validate

EVIL = 'Headline <script>alert(1)</script>'
BODY = ('The ministry said <img src=x onerror="alert(2)"> was "fine". '
        'The mayor denied that it was fine.')


def _report() -> Report:
    text = EVIL + "\n\n" + BODY
    b0 = len(EVIL) + 2
    c1 = text.index("<img")
    c1e = text.index(" was") + len(' was "fine"')
    c2 = text.index("that it was fine") + len("that ")
    s1 = Statement("s1", "z1", Speaker("The ministry", b0, b0 + 12, "Ministry", "side_a"),
                   Cue("said", b0 + 13, b0 + 17, "say"), Span(text[c1:c1e], c1, c1e), "indirect", "assert")
    ms = text.index("The mayor")
    s2 = Statement("s2", "z1", Speaker("The mayor", ms, ms + 9, "Mayor", "side_b"),
                   Cue("denied", ms + 10, ms + 16, "deny"), Span(text[c2:c2 + 11], c2, c2 + 11), "indirect", "deny")
    return Report(
        document=Document(text=text, title=EVIL, url="javascript:alert(3)", language="en"),
        zones=[Zone("z0", "header", 0, len(EVIL)), Zone("z1", "body", b0, len(text))],
        sentences=[Sentence(b0, len(text), "z1")],
        statements=[s1, s2],
        disputes=[Dispute("d1", ["s1", "s2"], s1.content.text, 0.9, ["side_a", "side_b"])],
    )


def test_json_contract_validates_and_offsets_hold():
    data = _report().to_dict()
    validate(data)
    text = data["document"]["text"]
    for st in data["statements"]:
        assert text[st["content"]["start"]:st["content"]["end"]] == st["content"]["text"]
    assert data["disputes"][0]["statements"] == ["s1", "s2"]
    assert data["sides"]["side_a"]["speakers"] == ["Ministry"]
    json.dumps(data)


def test_schema_rejects_a_broken_report():
    import jsonschema

    data = _report().to_dict()
    data["statements"][0]["polarity"] = "shrug"
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


def test_html_escapes_every_piece_of_article_text():
    html = _report().to_html()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html
    assert 'href="javascript:' not in html  # non-http URLs are not linked
    assert "Content-Security-Policy" in html and "script-src" not in html.split("Content-Security-Policy")[1][:200]
    assert "<script" not in html.lower().replace("&lt;script", "")
    # statements highlighted with their speaker/side/polarity, dispute listed
    assert 'class="speaker"' in html and "pol-deny" in html and "dispute-d1" in html


def test_terminal_summary_lists_statements_and_disputes():
    from rich.console import Console

    from claimmap.report.terminal import print_report

    buf = io.StringIO()
    print_report(_report(), Console(file=buf, width=160, force_terminal=False))
    out = buf.getvalue()
    assert "Ministry" in out and "deny" in out and "d1: Ministry (assert) vs Mayor (deny)" in out


def test_report_round_trips_through_json():
    from claimmap.report.load import report_from_dict

    original = _report()
    again = report_from_dict(json.loads(original.to_json()))
    assert again.to_dict() == original.to_dict()
