"""Plain-text zoner: the seed dump (when ../shared/seed is present) and synthetic dumps written
for these tests."""

from __future__ import annotations

import pytest

from claimmap.model import ZONE_KINDS, Document
from claimmap.zones.cues import cue_list, load_cues
from claimmap.zones.text import zone_text


def check_invariants(text: str, zones) -> None:
    """Sorted, non-overlapping, trimmed, ids in order, parents valid, every non-blank line in
    exactly one zone."""
    assert [z.id for z in zones] == [f"z{i}" for i in range(len(zones))]
    ids = {z.id: z for z in zones}
    prev_end = -1
    for z in zones:
        assert z.kind in ZONE_KINDS
        assert z.start < z.end
        assert z.start >= prev_end, f"{z.id} overlaps the zone before it"
        prev_end = z.end
        span = text[z.start:z.end]
        assert span == span.strip()
        if z.parent is not None:
            assert z.kind == "comment"
            assert ids[z.parent].kind == "comment"
            assert ids[z.parent].start < z.start
    pos = 0
    for line in text.splitlines(keepends=True):
        s = line.strip()
        if s:
            a = pos + line.index(s)
            b = a + len(s)
            inside = [z for z in zones if z.start <= a and b <= z.end]
            assert len(inside) == 1, f"line {s[:40]!r} lies in {len(inside)} zones"
            # and no zone cuts through it
            assert not [z for z in zones if z not in inside and z.start < b and a < z.end]
        pos += len(line)


def zone(text: str):
    doc, zones = zone_text(Document(text))
    check_invariants(text, zones)
    return doc, zones


def texts(text, zones, kind):
    return [text[z.start:z.end] for z in zones if z.kind == kind]


# ------------------------------------------------------------------------------------------
# the seed


@pytest.fixture
def seed(seed_text):  # seed_text (conftest.py) skips when ../shared/seed is absent
    text = seed_text
    doc, zones = zone_text(Document(text))
    return text, doc, zones


def test_seed_invariants(seed):
    text, _, zones = seed
    check_invariants(text, zones)


def test_seed_header(seed):
    text, doc, zones = seed
    header = [z for z in zones if z.kind == "header"]
    assert [text[z.start:z.end] for z in header] == [
        "Kremlin: Kiev Proposed Talks in Warsaw but then Broke Off Contact",
        'Zelensky appealed to his Russian counterpart on Thursday to sit down for talks in order to '
        'stop "people\'s deaths"',
        "Being updated",
    ]
    assert [z.label for z in header] == ["title", "subtitle", "update"]
    assert zones[:3] == header
    assert doc.title == "Kremlin: Kiev Proposed Talks in Warsaw but then Broke Off Contact"
    assert doc.subtitle.startswith("Zelensky appealed")


def test_seed_keeps_given_title(seed):
    text, _, _ = seed
    doc, _ = zone_text(Document(text, title="Given"))
    assert doc.title == "Given"
    assert doc.subtitle.startswith("Zelensky appealed")


def test_seed_body(seed):
    text, _, zones = seed
    body = texts(text, zones, "body")
    assert len(body) == 1
    assert body[0].startswith("Earlier today, Russia responded")
    assert body[0].endswith("war crimes committed by Kiev in Donbass.")
    assert zones[3].kind == "body"


def test_seed_disclaimer(seed):
    text, _, zones = seed
    disc = texts(text, zones, "disclaimer")
    assert len(disc) == 1
    assert disc[0].startswith("We See The World From All Sides")
    assert "About VT - Policies & Disclosures - Comment Policy" in disc[0]
    assert disc[0].endswith("NOT VT.")
    assert zones[4].kind == "disclaimer"


def test_seed_comments(seed):
    text, _, zones = seed
    comments = [z for z in zones if z.kind == "comment"]
    assert len(comments) == 16
    top = [z for z in comments if z.parent is None]
    assert [z.label for z in top] == ["1.", "2.", "3.", "4."]
    assert [text[z.start:z.end][:2] for z in top] == ["1.", "2.", "3.", "4."]
    replies = [z for z in comments if z.parent is not None]
    assert len(replies) == 12
    assert all(text[z.start:z.end].startswith("•") for z in replies)
    by_parent = {t.id: [r for r in replies if r.parent == t.id] for t in top}
    assert [len(by_parent[t.id]) for t in top] == [0, 3, 5, 4]
    # numbers inside comment text are not markers
    c3 = text[top[2].start:top[2].end]
    assert c3.startswith("3. 5. “Since 2014, 481 criminal cases")
    assert "Courts must be open!" in c3
    first_reply_3 = text[by_parent[top[2].id][0].start:by_parent[top[2].id][0].end]
    assert first_reply_3.startswith("• 6. Fanatics from Odessa")
    assert "burned alive" in first_reply_3  # continuation paragraphs stay with the reply
    c2 = text[top[1].start:top[1].end]
    assert c2.startswith("2. Hi Andrew") and "Notice that NATO" in c2
    c4 = text[top[3].start:top[3].end]
    assert "There is no forgiveness" in c4 and "here it is" in c4
    assert text[by_parent[top[3].id][-1].start:by_parent[top[3].id][-1].end].rstrip().endswith(
        "The answer to my question was there:")


def test_seed_closing_boilerplate(seed):
    text, _, zones = seed
    assert zones[-1].kind == "boilerplate"
    assert text[zones[-1].start:zones[-1].end] == "Comments are closed."
    assert [z.kind for z in zones].count("boilerplate") == 1


# ------------------------------------------------------------------------------------------
# synthetic dumps (written for these tests)


LOCAL_NEWS = """\
Council Approves New Bike Lanes on Harbour Road
Residents split over the loss of parking spaces

By Maria Jensen
12 March 2024

The city council voted 7-2 on Tuesday night to add protected bike lanes along Harbour Road, a \
decision that will remove about 40 parking spaces.

Councillor Dev Patel said the lanes would make the route safer for children cycling to school. \
"We have waited too long," he said.

Shop owners on the street said they feared losing customers. The chamber of commerce said it \
would ask the council to reconsider.

Work is expected to start in June.

Views expressed in reader comments are those of the commenters and do not necessarily reflect \
the views of the Harbour Gazette.

  1. About time. I cycle there every day and it is terrifying.
     - Agreed, the junction by the bakery is the worst part.
     - Parking was never the problem, speeding is.
  2. Nobody asked the shop owners what they think.
     They will lose half their trade.

     - The chamber did ask, read the article.

Leave a comment
"""


def test_local_news_with_dash_replies():
    doc, zones = zone(LOCAL_NEWS)
    t = LOCAL_NEWS
    assert doc.title == "Council Approves New Bike Lanes on Harbour Road"
    assert doc.subtitle == "Residents split over the loss of parking spaces"
    assert [z.label for z in zones if z.kind == "header"] == ["title", "subtitle", "byline", "date"]
    body = texts(t, zones, "body")
    assert len(body) == 1
    assert body[0].startswith("The city council voted") and body[0].endswith("start in June.")
    assert texts(t, zones, "disclaimer") == [
        "Views expressed in reader comments are those of the commenters and do not necessarily "
        "reflect the views of the Harbour Gazette."]
    comments = [z for z in zones if z.kind == "comment"]
    assert len(comments) == 5
    c1, r11, r12, c2, r21 = comments
    assert (c1.parent, c2.parent) == (None, None)
    assert (r11.parent, r12.parent, r21.parent) == (c1.id, c1.id, c2.id)
    assert t[c2.start:c2.end].endswith("They will lose half their trade.")
    assert t[r21.start:r21.end] == "- The chamber did ask, read the article."
    assert zones[-1].kind == "boilerplate" and t[zones[-1].start:zones[-1].end] == "Leave a comment"


NUMBERED_BODY = """\
Five Things to Know About the Water Price Rise

Water bills in the region will rise from April. Here is what changes:

1. The standing charge goes up by 8 percent.
2. Households on meters pay 3 pence more per cubic metre.
3. Pensioners keep their existing discount.

The regulator said the increase was needed to fund pipe repairs, and that the company had
missed its own leakage targets for two years.

  4. Bills will be reviewed again in 2026.
  5. Complaints go to the ombudsman.

Consumer groups said the timing was poor.

3 Comments

1. Another rise, and the leaks are still there on my street.
2. At least the discount stays.
   > Until next year, probably.
3. Does anyone know if this applies to businesses?
"""


def test_numbered_list_in_body_then_comments_heading():
    doc, zones = zone(NUMBERED_BODY)
    t = NUMBERED_BODY
    assert doc.title == "Five Things to Know About the Water Price Rise"
    assert doc.subtitle is None
    body = texts(t, zones, "body")
    assert len(body) == 1
    assert "1. The standing charge" in body[0] and "5. Complaints go to the ombudsman." in body[0]
    assert body[0].endswith("the timing was poor.")
    heading = [z for z in zones if z.label == "comments-heading"]
    assert len(heading) == 1 and heading[0].kind == "boilerplate"
    assert t[heading[0].start:heading[0].end] == "3 Comments"
    comments = [z for z in zones if z.kind == "comment"]
    assert [t[z.start:z.end][:2] for z in comments] == ["1.", "2.", "> ", "3."]
    assert [z.parent for z in comments] == [None, None, comments[1].id, None]
    assert not texts(t, zones, "disclaimer")


NO_COMMENTS = """\
Regional Airport Reopens After Runway Repairs

The regional airport reopened on Friday after six weeks of repairs to its only runway, the \
operator said.

Advertisement

Flights to the capital resumed at 6 a.m., and the operator said the summer timetable would \
start as planned. The opposition said the views expressed by the operator were too optimistic \
given that the contractor had already missed two deadlines and the terminal roof still leaks.

Read more: Airport operator names new chief executive

Passenger numbers fell by a third during the closure, according to figures published on \
Thursday.

Copyright 2024 Valley Courier. All rights reserved.
"""


def test_story_without_comments():
    doc, zones = zone(NO_COMMENTS)
    t = NO_COMMENTS
    assert doc.title == "Regional Airport Reopens After Runway Repairs"
    assert not [z for z in zones if z.kind == "comment"]
    body = texts(t, zones, "body")
    # the article resumes after inline chrome; a weak disclaimer phrase inside prose stays body
    assert len(body) == 3
    assert body[0].startswith("The regional airport") and body[2].startswith("Passenger numbers")
    assert "the views expressed by the operator" in body[1]
    assert texts(t, zones, "boilerplate") == ["Advertisement"]
    assert texts(t, zones, "related") == ["Read more: Airport operator names new chief executive"]
    assert texts(t, zones, "disclaimer") == ["Copyright 2024 Valley Courier. All rights reserved."]
    assert [z.kind for z in zones] == [
        "header", "body", "boilerplate", "body", "related", "body", "disclaimer"]


RELATED = """\
Storm Closes Schools Across the North
Updated 07:45 GMT

Heavy snow forced more than 200 schools to close on Monday, officials said.

Forecasters expect another 10 cm overnight. The transport ministry urged drivers to avoid \
unnecessary journeys.

Related:
Winter storms: how to prepare your home
Train operators cut timetables as snow falls

Power restored to 3,000 homes in the valley

Share this article
Facebook
Email

© 2024 Northern Daily. All rights reserved.
"""


def test_related_links():
    doc, zones = zone(RELATED)
    t = RELATED
    assert doc.title == "Storm Closes Schools Across the North"
    assert [(z.label, t[z.start:z.end]) for z in zones if z.kind == "header"] == [
        ("title", "Storm Closes Schools Across the North"), ("update", "Updated 07:45 GMT")]
    assert len(texts(t, zones, "body")) == 1
    related = texts(t, zones, "related")
    assert len(related) == 1
    assert related[0].startswith("Related:") and related[0].endswith("homes in the valley")
    assert texts(t, zones, "boilerplate") == ["Share this article\nFacebook\nEmail"]
    assert texts(t, zones, "disclaimer") == ["© 2024 Northern Daily. All rights reserved."]


TABS = (
    "Ministers Clash Over Grain Deal\n"
    "Live\n"
    "\n"
    "Agriculture ministers from five countries failed to agree on Wednesday on how to extend the "
    "grain corridor, two officials said.\n"
    "\n"
    "The talks will resume next week in Vienna.\n"
    "\n"
    "Disclaimer: This site republishes news from public sources for informational purposes only.\n"
    "About us - Contact\n"
    "Our comment policy: be civil.\n"
    "\n"
    "\t1.\tGreat summary, thanks.\n"
    "\t\t↳ Agreed, very clear.\n"
    "\t\t\t↳ Not clear to me at all.\n"
    "\t2.\tWhere is the original source? I counted:\n"
    "\t\t1. five countries\n"
    "\t\t2. two officials\n"
    "\t\t5. Since 2014 nothing has changed.\n"
    "\n"
    "\t\t* It is linked at the top.\n"
    "\t\tand again in the last paragraph.\n"
    "\t3.\tThanks.\n"
)


def test_tab_indentation_and_nested_replies():
    doc, zones = zone(TABS)
    t = TABS
    assert doc.title == "Ministers Clash Over Grain Deal"
    assert [z.label for z in zones if z.kind == "header"] == ["title", "update"]
    disc = texts(t, zones, "disclaimer")
    assert len(disc) == 1 and disc[0].endswith("be civil.")
    comments = [z for z in zones if z.kind == "comment"]
    assert len(comments) == 6
    c1, r1, r11, c2, r2, c3 = comments
    assert [z.parent for z in comments] == [None, c1.id, r1.id, None, c2.id, None]
    # a list inside a comment and a number inside its text are not replies
    assert t[c2.start:c2.end].endswith("5. Since 2014 nothing has changed.")
    assert t[r2.start:r2.end].endswith("and again in the last paragraph.")
    assert c3.label == "3."


AUTHORS = """\
Library Extends Opening Hours

The central library will open until 9 p.m. on weekdays from next month, the council said on Monday.

2 Comments

Jane Doe says:
Wonderful news for students.

I hope the cafe stays open too.

    Tom Reed says:
    It will, according to the notice at the door.

Comments are closed.
"""


def test_unnumbered_comments_with_author_lines():
    _, zones = zone(AUTHORS)
    t = AUTHORS
    comments = [z for z in zones if z.kind == "comment"]
    assert [z.label for z in comments] == ["Jane Doe", "Tom Reed"]
    assert comments[1].parent == comments[0].id
    assert t[comments[0].start:comments[0].end].endswith("cafe stays open too.")
    assert texts(t, zones, "boilerplate") == ["2 Comments", "Comments are closed."]


def test_plain_article_and_edge_cases():
    text = "First sentence of a tiny article.\n\nSecond paragraph here.\n"
    doc, zones = zone(text)
    assert [z.kind for z in zones] == ["body"]
    assert doc.title is None
    assert zone_text(Document(""))[1] == []
    assert zone_text(Document(" \n\n\t\n"))[1] == []
    _, zones = zone("Just a headline\n")
    assert [z.kind for z in zones] == ["body"]


def test_cues_file_sections():
    cues = load_cues()
    for section, key in [("disclaimer", "phrases"), ("boilerplate", "phrases"),
                         ("header", "markers"), ("related", "markers")]:
        assert cues[section][key], (section, key)
    assert "seek corroboration" in cue_list("disclaimer", "phrases")
    assert load_cues() is load_cues()


def test_indented_numbered_run_after_body_is_comments():
    text = (
        "Mayor Resigns After Audit\n\n"
        "The mayor resigned on Friday after an audit found irregularities in the city's accounts.\n\n"
        "She denied wrongdoing and said she would cooperate with investigators.\n\n"
        "  1. Good riddance.\n"
        "  2. Innocent until proven guilty, folks.\n"
        "     • Exactly.\n"
        "  3. Who will replace her?\n"
    )
    _, zones = zone(text)
    assert len(texts(text, zones, "body")) == 1
    comments = [z for z in zones if z.kind == "comment"]
    assert [z.label for z in comments] == ["1.", "2.", None, "3."]
    assert comments[2].parent == comments[1].id


def test_reply_buttons_and_unmarked_name_lines():
    text = (
        "Harvest Festival Cancelled\n\n"
        "Organisers cancelled the festival because of the flood warning, they said on Sunday.\n\n"
        "Leave a Reply\n\n"
        "1. What a shame, we had tickets.\n\n"
        "Will there be refunds? Nobody says.\n"
        "Reply\n"
        "2. Safety first.\n"
        "Reply\n"
        "   - Agreed.\n"
    )
    _, zones = zone(text)
    comments = [z for z in zones if z.kind == "comment"]
    assert len(comments) == 3
    assert text[comments[0].start:comments[0].end].endswith("Nobody says.")
    assert comments[2].parent == comments[1].id
    assert texts(text, zones, "boilerplate") == ["Leave a Reply", "Reply", "Reply"]

    text = (
        "Bridge Toll to Rise in May\n\n"
        "The toll on the river bridge will rise to 3 euros in May, the transport authority said.\n\n"
        "Comments (2)\n\n"
        "Anna K.\n"
        "  Is there a discount for residents?\n"
        "Paul\n"
        "  - Yes, read the second paragraph.\n"
    )
    _, zones = zone(text)
    comments = [z for z in zones if z.kind == "comment"]
    assert [text[z.start:z.end].split("\n")[0] for z in comments] == [
        "Anna K.", "Paul", "- Yes, read the second paragraph."]
    assert [z.parent for z in comments] == [None, None, comments[1].id]


def test_note_above_title_and_wrapped_prose_start():
    text = (
        "Editor's note: The views expressed in this column are the author's own.\n\n"
        "Why the Tram Plan Will Fail\n\n"
        "The city wants a tram by 2030. It will not happen, for three reasons.\n"
    )
    doc, zones = zone(text)
    assert [z.kind for z in zones] == ["disclaimer", "header", "body"]
    assert doc.title == "Why the Tram Plan Will Fail"

    text = (
        "The regulator said the increase was needed to fund pipe repairs and that the company\n"
        "had missed its own leakage targets for two years, according to the report.\n\n"
        "Consumer groups said the timing was poor.\n"
    )
    doc, zones = zone(text)
    assert doc.title is None
    assert [z.kind for z in zones] == ["body"]


def test_one_sentence_per_line_dump():
    lines = [f"Sentence number {i} of the article says something about the budget." for i in range(8)]
    text = ("Budget Passes After Long Night\n\n" + "\n".join(lines)
            + "\nReprinted with permission from the Example Gazette.\n")
    _, zones = zone(text)
    assert [z.kind for z in zones] == ["header", "body", "disclaimer"]
    assert texts(text, zones, "disclaimer") == ["Reprinted with permission from the Example Gazette."]
