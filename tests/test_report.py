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


def _with_doubtful_statement() -> Report:
    """_report plus a statement the statements stage doubts (confidence under the threshold)."""
    r = _report()
    text = r.document.text
    it = text.index("it was fine")
    doubt = Statement("s3", "z1", Speaker("It", it, it + 2, "It"), Cue("was", it + 3, it + 6, "be"),
                      Span("fine", it + 7, it + 11), "indirect", "assert")
    doubt.confidence = 0.05
    r.statements[0].confidence, r.statements[1].confidence = 0.9, 0.8
    r.statements.append(doubt)
    return r


def test_reports_list_only_trusted_statements(monkeypatch):
    """Terminal and HTML list and mark only statements at or above CLAIMMAP_STATEMENT_THRESHOLD,
    and say how many are held back; the JSON keeps them all with their confidence."""
    from rich.console import Console

    from claimmap.report.html import build_view
    from claimmap.report.terminal import print_report

    monkeypatch.setenv("CLAIMMAP_STATEMENT_THRESHOLD", "0.5")
    r = _with_doubtful_statement()
    buf = io.StringIO()
    print_report(r, Console(file=buf, width=200, force_terminal=False))
    out = buf.getvalue()
    assert "Statements (2)" in out and "1 more below confidence 0.5" in out
    assert " s3 " not in out and "s1 " in out and "s2 " in out
    view = build_view(r)
    assert [s.id for s in view["statements"]] == ["s1", "s2"]
    assert [s.id for s in view["below_threshold"]] == ["s3"]
    assert "s3: It" not in r.to_html() and "1 more below the confidence threshold" in r.to_html()
    assert [s["id"] for s in json.loads(r.to_json())["statements"]] == ["s1", "s2", "s3"]
    monkeypatch.setenv("CLAIMMAP_STATEMENT_THRESHOLD", "0")  # 0: every statement is listed
    buf = io.StringIO()
    print_report(r, Console(file=buf, width=200, force_terminal=False))
    assert "Statements (3)" in buf.getvalue() and "below confidence" not in buf.getvalue()


def test_reports_keep_comment_statements_apart_from_the_articles():
    """A trusted statement in a reader comment is not listed among the article's statements:
    the terminal counts it apart, the HTML lists it under 'outside the article'."""
    from rich.console import Console

    from claimmap.report.html import build_view
    from claimmap.report.terminal import print_report

    r = _report()
    text = r.document.text + "\n\nKarel wrote: the mayor said the bridge was safe."
    r.document.text = text
    cz = text.index("Karel wrote")
    r.zones.append(Zone("z2", "comment", cz, len(text)))
    ms, bs = text.index("the mayor said"), text.index("the bridge was")
    r.statements.append(Statement("s3", "z2", Speaker("the mayor", ms, ms + 9, "Mayor"),
                                  Cue("said", ms + 10, ms + 14, "say"),
                                  Span(text[bs:len(text) - 1], bs, len(text) - 1), "indirect", "assert"))
    buf = io.StringIO()
    print_report(r, Console(file=buf, width=200, force_terminal=False))
    out = buf.getvalue()
    assert "Statements (2)" in out and " s3 " not in out
    assert "1 more outside the article (1 in comment zones)" in out
    view = build_view(r)
    assert [s.id for s in view["statements"]] == ["s1", "s2"]
    assert [s.id for s in view["outside_statements"]] == ["s3"]
    html = r.to_html()
    assert "1 statement outside the article" in html and "Reader comment" in html


def test_report_round_trips_through_json():
    from claimmap.report.load import report_from_dict

    original = _report()
    again = report_from_dict(json.loads(original.to_json()))
    assert again.to_dict() == original.to_dict()


# ----------------------------------------------------------------------------- corroboration
EVIDENCE_EVIL = 'They said <script>alert(4)</script> and <img src=x onerror="alert(5)">.'


def _corroborated() -> Report:
    r = _report()
    r.document.url = "https://mirror.example/story"
    r.document.copy_of = 'https://orig.example/x?a=1&b="><script>alert(6)</script>'
    r.document.copy_of_outlet = "orig_news"
    r.extras["verdicts"] = [
        {"statement": "s1", "said": "claimant_side_only", "so": "disputed", "claim": "it was fine",
         "confidence": {"said": 0.71, "so": 0.64}, "reason": "1 independent family confirms it; 1 contradicts it",
         "speaker": "Ministry", "claimant_keys": ["state:side_a", "speaker:Ministry"],
         "counts": {"so_agree_independent": 1, "so_disagree": 1},
         "evidence": [
             {"url": "https://indep.example/1", "outlet": "indep_news", "family": "owner:indep", "stance": "agree",
              "independent": True, "text": EVIDENCE_EVIL, "published": "2026-03-11", "start": 0, "end": 10,
              "document": 3, "copy_of": None, "attributed_to": None, "reports_speaker": False},
             {"url": "javascript:alert(7)", "outlet": "<b>Side A Daily</b>", "family": "state:side_a",
              "stance": "agree", "independent": False, "text": "Ministry said it was fine.", "published": None,
              "document": 4, "copy_of": None, "attributed_to": "Ministry", "reports_speaker": True},
             {"url": "https://other.example/2", "outlet": None, "family": "state:side_b", "stance": "disagree",
              "independent": True, "text": "It was not fine.", "published": "2026-03-12T10:00:00Z",
              "document": 5, "copy_of": None, "attributed_to": None, "reports_speaker": False},
         ]},
    ]
    r.extras["corroboration_run"] = {"window": ["2026-03-03", "2026-03-17"], "window_days": 7, "claims": 1,
                                     "documents_searched": 5}
    return r


def test_json_with_verdicts_validates():
    data = _corroborated().to_dict()
    validate(data)
    assert data["document"]["copy_of"].startswith("https://orig.example/") and data["verdicts"][0]["so"] == "disputed"


def test_html_shows_verdicts_evidence_and_copy_escaped():
    html = _corroborated().to_html()
    for bad in ("<script>alert", "<img src=x", 'href="javascript:', "<b>Side A Daily</b>"):
        assert bad not in html, bad
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in html and "onerror=&#34;alert(5)&#34;" in html
    assert "&lt;b&gt;Side A Daily&lt;/b&gt;" in html and "javascript:alert(7)" in html   # shown, not linked
    assert 'href="https://indep.example/1"' in html and ">other.example<" in html        # host when no outlet
    v = html.split('id="verdict-s1"', 1)[1].split("</details>", 1)[0]
    assert "said: claimant&#39;s side only" in v and "only outlets on the speaker&#39;s side report that it was said" in v
    assert "so: disputed" in v and "independent sources state it and others contradict it" in v
    assert "independent · agrees: 1 family" in v and "claimant&#39;s side · agrees: 1 family" in v
    assert "independent · disagrees: 1 family" in v and "2026-03-12" in v and "on the speaker&#39;s side: counts for said only as the claimant&#39;s side" in v
    assert "reports the speaker saying it" in v
    assert 'id="copy-of"' in html and "(orig_news)" in html
    assert 'href="https://orig.example/x?a=1&amp;b=&#34;&gt;&lt;script&gt;alert(6)&lt;/script&gt;"' in html
    assert "5 corpus documents" in html and html.count("<circle") == 3
    # the statement corroboration did not check says so; the CSP still forbids every script
    assert "not checked" in html.split('id="verdict-s1"', 1)[1]
    head = html.split("Content-Security-Policy", 1)[1][:200]
    assert "default-src 'none'" in head and "script-src" not in head
    assert "<script" not in html.lower().replace("&lt;script", "")


def test_html_without_verdicts_keeps_the_empty_state():
    html = _report().to_html()
    assert "no corpus: corroboration not run" in html and 'id="verdict-' not in html and 'id="copy-of"' not in html


def test_copy_of_outlet_alone():
    r = _report()
    r.document.copy_of_outlet = "sputnik"
    html = r.to_html()
    assert 'id="copy-of">copy of a story by Sputnik' in html   # the registry's display name


def test_terminal_summary_shows_verdicts():
    from rich.console import Console

    from claimmap.report.terminal import print_report

    buf = io.StringIO()
    print_report(_corroborated(), Console(file=buf, width=200, force_terminal=False))
    out = buf.getvalue()
    assert "copy of https://orig.example/x" in out and "(orig_news)" in out
    assert "Corroboration" in out and "5 corpus documents" in out
    assert "s1 Ministry  said: claimant_side_only  so: disputed  (3 evidence)" in out
    buf = io.StringIO()
    print_report(_report(), Console(file=buf, width=200, force_terminal=False))
    assert "Corroboration" not in buf.getvalue()


def test_claimreview_from_a_report_object():
    from claimmap.report.claimreview import UNVERIFIED, to_claimreview

    s1, s2 = to_claimreview(_corroborated())["@graph"]
    assert s1["reviewRating"]["alternateName"] == "Disputed"
    assert "Was it said? Only the claimant's side confirms" in s1["reviewRating"]["ratingExplanation"]
    assert s1["citation"] == ["https://indep.example/1", "https://other.example/2"]
    assert s2["reviewRating"]["alternateName"] == "Unverified"
    assert to_claimreview(_report())["@graph"][0]["reviewRating"]["alternateName"] == UNVERIFIED
