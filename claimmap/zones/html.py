"""HTML zoner: trafilatura extracts the article and its comments; claimmap adds zones.

``zone_html(doc)`` assembles ``Document.text`` as::

    header (title [+ "\\n" + subtitle])  "\\n\\n"  body paragraphs ("\\n\\n"-separated)
    [disclaimer / boilerplate / related paragraphs]  [comments, one zone each]

and returns zones whose offsets index that text (``text[z.start:z.end]`` is the zone's text).

What trafilatura does: main-content extraction. The body comes from
``bare_extraction(include_comments=False)`` (trafilatura's benchmarked setting: with comments on,
its comment finder sometimes swallows part of the article); its comments section
(``include_comments=True``, ``commentsbody``) is the fallback for comments. Title, description
and other metadata come from the Document (``sources.from_bytes``), else from trafilatura.
What is added here:

- disclaimer detection: trailing body paragraphs with publisher vocabulary from
  ``claimmap/data/disclaimer_cues.toml`` (``[disclaimer]``) become a ``disclaimer`` zone;
  short paragraphs with ``[boilerplate]`` vocabulary anywhere become ``boilerplate`` zones;
  a "Related …"/"Read more" heading followed by list items becomes a ``related`` zone.
- comment threading: comment items are found in the raw HTML (WordPress ``li.comment`` with
  nested ``ul.children``, ``article.comment``/``div.comment``-style items, ``id="comment-N"``)
  so each comment is its own zone and ``parent`` is the zone id of the comment it answers.
  Without such markup, trafilatura's comment paragraphs each become a top-level comment zone.
  Body paragraphs repeated inside a comment are removed from the body; an "item" that holds the
  article's lead paragraph is a wrapper of the article, not a comment, and is ignored; comment
  section furniture ("3 Kommentare", "Reply", "Leave a comment") is not a comment.
- the header: the title (and the description, when it does not repeat the lead); copies of the
  headline or kicker at the top of trafilatura's body are dropped from the body.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from claimmap.errors import NoArticleTextError
from claimmap.model import Document, Zone

PARA_SEP = "\n\n"
ZONE_SEP = "\n\n"
COMMENT_PARA_SEP = "\n"

DISCLAIMER_MAX_CHARS = 700  # a longer paragraph is article text even if it mentions "policies"
BOILERPLATE_MAX_CHARS = 200
MIN_BODY_CHARS = 15  # letters/digits: less is a navigation stub ("Home"), not an article

_RELATED_HEADINGS = {
    "related", "related articles", "related stories", "related posts", "related content",
    "related coverage", "read more", "read also", "more on this", "more on this story",
    "see also", "you may also like", "recommended", "more stories", "also read",
    "further reading", "more from this author", "latest news", "most read", "most popular",
}


# --------------------------------------------------------------------------- cue vocabulary
def load_cues() -> dict[str, tuple[str, ...]]:
    """The shared vocabulary (``claimmap/data/disclaimer_cues.toml`` via :mod:`claimmap.zones.cues`),
    lower-cased: ``{"disclaimer", "boilerplate", "boilerplate_lines", "related", "comment_headings"}``."""
    from claimmap.zones.cues import cue_list

    return {
        "disclaimer": cue_list("disclaimer", "phrases"),
        "boilerplate": cue_list("boilerplate", "phrases"),
        "boilerplate_lines": cue_list("boilerplate", "lines"),
        "related": cue_list("related", "markers"),
        "comment_headings": cue_list("comments", "headings"),
    }


def _has_cue(text: str, section: str) -> bool:
    low = " ".join(text.lower().split())
    return any(p in low for p in load_cues()[section])


_COUNT_RE = re.compile(r"^[\d\s.,()\[\]]+|[\s(\[]*[\d.,]+[)\]]?\s*$|[\s↓→»›>]+$")


def _whole_line_cue(text: str, section: str) -> bool:
    """``text`` is one of the section's phrases, give or take a count ("12 Comments", "Likes (3)")."""
    key = _COUNT_RE.sub("", " ".join(text.lower().split())).strip(" :")
    return bool(key) and key in load_cues()[section]


def is_disclaimer(par: str) -> bool:
    return len(par) <= DISCLAIMER_MAX_CHARS and _has_cue(par, "disclaimer")


def is_boilerplate(par: str) -> bool:
    if len(par) > BOILERPLATE_MAX_CHARS:
        return False
    return _has_cue(par, "boilerplate") or _whole_line_cue(par, "boilerplate_lines")


# --------------------------------------------------------------------------- text helpers
_WS_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def _clean_line(line: str) -> str:
    return _WS_RE.sub(" ", unicodedata.normalize("NFC", line)).strip()


def _norm(text: str) -> str:
    """Comparison key: lowercase, single spaces, no trailing ellipsis/punctuation."""
    text = re.sub(r"\s+", " ", text.lower()).strip()
    return text.rstrip(" .…:").strip()


def _paragraphs(text: str) -> list[str]:
    return [c for c in (_clean_line(x) for x in text.split("\n")) if c]


# --------------------------------------------------------------------------- comment threading
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "section", "article", "dd", "dt", "dl", "hr", "header", "footer", "aside",
}
_SKIP_TAGS = {"script", "style", "noscript", "form", "button", "textarea", "input", "select",
              "svg", "img", "iframe", "time", "template", "object", "video", "audio", "nav"}
_ITEM_TAGS = {"li", "article", "div", "section", "dd", "p", "blockquote"}
# one class token naming a single comment: "comment", "c-comment", "comment-item", "comments__item",
# "mo-comment-card", "leserbrief", "kommentar", "commentaire", "comentario"…
_ITEM_CLASS_RE = re.compile(
    r"^(?:[a-z0-9]+[-_]{1,2})?(?:comment|kommentar|leserbrief|commentaire|comentario|commento|komentarz)"
    r"(?:s?(?:[-_]{1,2})?item|[-_]{1,2}(?:entry|node|box|card|wrap|wrapper|container|single))?$"
)
_CONTENT_WORDS = ("content", "text", "body", "message", "copy", "inner", "entry")
_NOT_ITEM_PREFIX_RE = re.compile(
    r"^(?:leave|add|post|no|new|write|reply|respond|submit|load|show|more|toggle|category|cat|tag|tags|"
    r"format|type|status|topic|has|with|is|count|icon|fa|ico|btn|button|link|open|close|view|hide|read|"
    r"recent|latest|last|top|popular|most|widget|sidebar)[-_]"
)
_TEASER_RE = re.compile(r"teaser|story|stories|article|entit|promo|headline|related|premium|opinion|column|"
                        r"card|tile|grid|carousel|slide")
_ITEM_ID_RE = re.compile(r"^(?:li-)?comment-?\d+$", re.IGNORECASE)
_META_WORDS = ("meta", "author", "vcard", "avatar", "reply", "date", "time", "permalink", "says",
               "action", "footer", "vote", "like", "share", "report", "flag", "edit", "rating",
               "badge", "byline", "header", "toolbar", "count")
_THREAD_CONTAINER_RE = re.compile(r"children|replies|reply-list|thread|child|subcomments|sub-comments")
_AUTHOR_RE = re.compile(r"(?:^|[-_])(?:author|fn|username|user-name|nickname|name)(?:$|[-_])")


def _tokens(el) -> list[str]:
    return (el.get("class") or "").lower().split()


def _is_item(el) -> bool:
    if not isinstance(el.tag, str) or el.tag.lower() not in _ITEM_TAGS:
        return False
    toks = _tokens(el)
    hits = [t for t in toks if _ITEM_CLASS_RE.match(t) and not _NOT_ITEM_PREFIX_RE.match(t)]
    # "comment" as an article type on a teaser card ("list-of-entities__item comment premium")
    if any(_TEASER_RE.search(t) for t in toks if t not in hits):
        return False
    return bool(hits) or bool(_ITEM_ID_RE.match(el.get("id") or ""))


def _is_meta(el) -> bool:
    if not isinstance(el.tag, str):
        return True
    tag = el.tag.lower()
    if tag in _SKIP_TAGS:
        return True
    toks = [t for t in _tokens(el) + [(el.get("id") or "").lower()] if t]
    if any(w in t for t in toks for w in _CONTENT_WORDS):
        return False
    return any(w in t for t in toks for w in _META_WORDS)


def _block_text(el, exclude: set) -> str:
    """Text of ``el`` with newlines at block boundaries, skipping ``exclude`` subtrees and metadata."""
    parts: list[str] = []

    def walk(node, top: bool) -> None:
        if not top and (node in exclude or _is_meta(node)):
            if node.tail:
                parts.append(node.tail)
            return
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            walk(child, False)
        if block:
            parts.append("\n")
        if not top and node.tail:
            parts.append(node.tail)

    walk(el, True)
    return COMMENT_PARA_SEP.join(_paragraphs("".join(parts)))


_MONTHS = (r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai|juni|juli|"
           r"oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre")
# "… on September 12, 2018 at 4:47 pm", "… 12. März 2019", "… 05.10.18 11:15", "… 2 hours ago"
_LABEL_DATE_RE = re.compile(
    r"\s*(?:\b(?:on|am|le|el)\s+)?(?:"
    rf"\b(?:{_MONTHS})[a-zäéû]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\b\d{{1,2}}\.?\s+(?:{_MONTHS})[a-zäéû]*\.?,?\s+\d{{4}}"
    r"|\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}"
    r"|\b\d{1,2}:\d{2}"
    r"|\b\d+\s+(?:second|minute|hour|day|week|month|year)s?\s+ago"
    r").*$",
    re.IGNORECASE,
)


def _link_share(el, exclude: set) -> float:
    """Share of the item's own text that sits inside links (teaser cards are nearly all link)."""
    total = linked = 0
    stack = [(el, False)]
    while stack:
        node, in_link = stack.pop()
        if node is not el and (node in exclude or not isinstance(node.tag, str)):
            continue
        in_link = in_link or node.tag == "a"
        n = len((node.text or "").strip())
        total += n
        linked += n if in_link else 0
        for child in node:
            stack.append((child, in_link))
            t = len((child.tail or "").strip())
            total += t
            linked += t if in_link else 0
    return linked / total if total else 0.0


def _author_label(el, exclude: set) -> str | None:
    stack = list(el)[::-1]
    while stack:
        node = stack.pop()
        if node in exclude or not isinstance(node.tag, str):
            continue
        toks = _tokens(node)
        if node.tag.lower() == "cite" or node.get("itemprop") == "author" or any(_AUTHOR_RE.search(t) for t in toks):
            lines = [ln for ln in (_clean_line(x) for x in "".join(node.itertext()).splitlines()) if ln]
            text = _LABEL_DATE_RE.sub("", " ".join(lines))
            text = re.sub(r"\s*(says|said|wrote|sagt|schreibt|schrieb|dit|dice|disse|napisał)\s*:?\s*$", "", text, flags=re.IGNORECASE)
            text = text.strip(" ,:|-–—·")
            if 0 < len(text) <= 80:
                return text
        stack.extend(list(node)[::-1])
    return None


_COMMENT_WORD_RE = re.compile(
    r"comment|kommentar|kommentier|koment|coment|reply|replies|antwort|réponse|respuesta|odpowied|reaktion|"
    r"reactie|leserbrief|diskussion|discussion|discuss|تعليق|комментар|відгук|отзыв", re.IGNORECASE)


def is_comment_furniture(text: str) -> bool:
    """A heading or button of the comment section ("3 Kommentare", "Leave a reply"), not a comment."""
    words = text.split()
    if len(words) <= 5 and _COMMENT_WORD_RE.search(text):
        return True
    if _whole_line_cue(text, "comment_headings") or _whole_line_cue(text, "boilerplate_lines"):
        return True
    return len(text) <= BOILERPLATE_MAX_CHARS and _has_cue(text, "boilerplate")


@dataclasses.dataclass
class _Comment:
    text: str
    parent: int | None  # index into the comment list
    label: str | None


def _find_items(tree) -> list:
    items = [el for el in tree.iter() if _is_item(el)]
    # a comment item must not be (or contain) the reply form
    items = [el for el in items if el.find(".//textarea") is None]
    return items


def thread_comments(tree) -> list[_Comment]:
    """Comment items found in the page markup, in document order, with their reply parents."""
    items = _find_items(tree)
    if not items:
        return []
    item_set = set(items)

    def nearest_map() -> dict:
        near = {}
        for x in items:
            near[x] = next((a for a in x.iterancestors() if a in item_set), None)
        return near

    def children_map(near: dict) -> dict:
        kids: dict = {x: [] for x in items}
        for x, y in near.items():
            if y is not None:
                kids[y].append(x)
        return kids

    # merge wrapper pairs (li#li-comment-1 > div#comment-1): an item whose own text is empty and
    # whose only non-thread child item holds the text is one comment, not two
    near = nearest_map()
    kids = children_map(near)
    dropped = False
    for y in items:
        direct = []
        for x in kids[y]:
            between = []
            for anc in x.iterancestors():
                if anc is y:
                    break
                between.append(anc)
            if not any(
                (isinstance(a.tag, str) and a.tag.lower() in ("ul", "ol"))
                or _THREAD_CONTAINER_RE.search(" ".join(_tokens(a)))
                for a in between
            ):
                direct.append(x)
        if len(direct) == 1 and not _block_text(y, set(kids[y])):
            item_set.discard(direct[0])
            dropped = True
    if dropped:
        items = [el for el in items if el in item_set]
        near = nearest_map()
        kids = children_map(near)

    comments: list[_Comment] = []
    index: dict = {}
    for el in items:
        inner = set(kids[el])
        # buttons left inside the item ("Reply", "Like", "Report") are not the comment's words
        lines = [ln for ln in _block_text(el, inner).split(COMMENT_PARA_SEP)
                 if not _whole_line_cue(ln, "boilerplate_lines")]
        text = COMMENT_PARA_SEP.join(lines)
        if not text or _link_share(el, inner) > 0.8:  # empty, or a teaser card made of links
            continue
        parent_el = near[el]
        while parent_el is not None and parent_el not in index:
            parent_el = near.get(parent_el)
        parent = index.get(parent_el) if parent_el is not None else None
        index[el] = len(comments)
        comments.append(_Comment(text=text, parent=parent, label=_author_label(el, inner)))
    return comments


# --------------------------------------------------------------------------- assembly
class _Builder:
    def __init__(self) -> None:
        self.text = ""
        self.pieces: list[tuple[str, int, int, int | None, str | None]] = []  # kind, start, end, parent idx, label

    def add(self, kind: str, text: str, parent: int | None = None, label: str | None = None) -> int:
        if self.text:
            self.text += ZONE_SEP
        start = len(self.text)
        self.text += text
        self.pieces.append((kind, start, len(self.text), parent, label))
        return len(self.pieces) - 1

    def zones(self) -> list[Zone]:
        return [
            Zone(id=f"z{i}", kind=kind, start=s, end=e,
                 parent=(f"z{parent}" if parent is not None else None), label=label)
            for i, (kind, s, e, parent, label) in enumerate(self.pieces)
        ]


def _classify_body(paras: list[str]) -> list[tuple[str, str]]:
    """Label each body paragraph body/disclaimer/boilerplate/related."""
    kinds = ["body"] * len(paras)
    for i, p in enumerate(paras):
        if is_boilerplate(p):
            kinds[i] = "boilerplate"
    # related: heading followed by list items ("- …")
    i = 0
    while i < len(paras):
        if (_norm(paras[i]) in _RELATED_HEADINGS or _whole_line_cue(paras[i], "related")) and i + 1 < len(paras) and paras[i + 1].startswith("- "):
            j = i + 1
            while j < len(paras) and paras[j].startswith("- "):
                j += 1
            for k in range(i, j):
                kinds[k] = "related"
            i = j
        else:
            i += 1
    # trailing disclaimers (boilerplate/related may be interleaved in the tail)
    k = len(paras) - 1
    while k >= 0:
        if kinds[k] in ("boilerplate", "related"):
            k -= 1
        elif is_disclaimer(paras[k]):
            kinds[k] = "disclaimer"
            k -= 1
        else:
            break
    # a body that is nothing but furniture is still the body
    if "body" not in kinds:
        kinds = ["body"] * len(paras)
    return list(zip(kinds, paras))


def _group(labelled: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, list[str]]] = []
    for kind, p in labelled:
        if out and out[-1][0] == kind:
            out[-1][1].append(p)
        else:
            out.append((kind, [p]))
    return [(kind, PARA_SEP.join(ps)) for kind, ps in out]


def _covered(par: str, haystacks: list[str]) -> bool:
    key = _norm(par)
    return len(key) >= 15 and any(key in h for h in haystacks)


def _drop_comments(comments: list[_Comment], drop: list[bool]) -> list[_Comment]:
    """Remove comments flagged in ``drop``; replies to a removed comment move to its parent."""
    new_index: dict[int, int] = {}
    out: list[_Comment] = []
    for i, c in enumerate(comments):
        if drop[i]:
            continue
        parent = c.parent
        while parent is not None and drop[parent]:
            parent = comments[parent].parent
        new_index[i] = len(out)
        out.append(_Comment(text=c.text, parent=new_index.get(parent) if parent is not None else None,
                            label=c.label))
    return out


def zone_html(doc: Document) -> tuple[Document, list[Zone]]:
    """Extract and zone an HTML document; return ``(doc with text filled, zones)``.

    Raises NoArticleTextError when trafilatura finds no article text.
    """
    import trafilatura
    from trafilatura.utils import load_html
    from trafilatura.xml import xmltotxt

    html = doc.html if doc.html is not None else doc.text
    if not html or not html.strip():
        raise NoArticleTextError("no article text found in the page")
    def run(include_comments: bool, with_metadata: bool = False, fast: bool = False):
        try:
            return trafilatura.bare_extraction(
                html, url=doc.url, include_comments=include_comments, include_tables=True,
                with_metadata=with_metadata, fast=fast,
            )
        except Exception:  # trafilatura should not raise, but a broken page is the user's input
            return None

    # 1. the article body: trafilatura with comments off (its benchmarked setting; with comments
    #    on, its comment finder sometimes swallows part of the article)
    extracted = run(False, with_metadata=doc.title is None)
    body_paras = _paragraphs(xmltotxt(extracted.body, False)) if extracted is not None else []
    with_comments = None
    if not body_paras:
        # pruning "comment" containers can remove an article wrapped in one: try with comments on
        with_comments = run(True, with_metadata=doc.title is None)
        if with_comments is not None and with_comments.body is not None:
            extracted = with_comments
            body_paras = _paragraphs(xmltotxt(with_comments.body, False))
    if extracted is None or not body_paras:
        raise NoArticleTextError("no article text found in the page")

    title = doc.title or getattr(extracted, "title", None) or None
    title = _clean_line(title) if title else None
    desc = doc.subtitle or getattr(extracted, "description", None) or None
    # trafilatura keeps the <h1> (and a kicker) in the body: drop leading copies of the title
    if title:
        tkey = _norm(title)
        while len(body_paras) > 1 and (len(_norm(body_paras[0])) >= 10 or _norm(body_paras[0]) == tkey) \
                and _norm(body_paras[0]) in tkey:
            body_paras = body_paras[1:]

    # 2. comments: threaded items from the raw markup, else trafilatura's comments section
    comments: list[_Comment] = []
    tree = load_html(html)
    if tree is not None:
        try:
            comments = thread_comments(tree)
        except Exception:  # heuristics must never break extraction
            comments = []
    if comments:
        keys = [_norm(c.text) for c in comments]
        # an item holding the article's lead paragraph is a wrapper of the article, not a comment
        lead = next((p for p in body_paras if len(p) >= 40), body_paras[0] if body_paras else "")
        if lead:
            comments = _drop_comments(comments, [_covered(lead, [k]) for k in keys])
    if not comments:
        if with_comments is None:
            # only the comments section is read from this run: trafilatura takes it (from the
            # cleaned tree) before extracting the body, and its fast mode changes only the body
            # stages (no readability/jusText comparison), so the comments are the same for less
            with_comments = run(True, fast=True)
        if with_comments is not None and with_comments.commentsbody is not None:
            tf_comments = _paragraphs(xmltotxt(with_comments.commentsbody, False))
            # trafilatura sometimes takes the article for the comment section: then it has none
            head_keys = [k for k in (_norm(title or ""), _norm(desc or "")[:80]) if len(k) >= 15]
            body_key = _norm(" ".join(body_paras))
            if any(any(k in _norm(c) for k in head_keys) for c in tf_comments[:5]) or (
                sum(_norm(c) in body_key for c in tf_comments) > len(tf_comments) / 2
            ):
                tf_comments = []
            # no markup to go by: also leave out comment-policy and form notices
            comments = [_Comment(text=p, parent=None, label=None) for p in tf_comments
                        if not (is_disclaimer(p) or is_boilerplate(p))]
    comments = _drop_comments(comments, [is_comment_furniture(c.text) for c in comments])
    if comments:
        keys = [_norm(c.text) for c in comments]
        kept = [p for p in body_paras if not _covered(p, keys)]
        if kept:
            body_paras = kept
        else:
            comments = []

    if sum(ch.isalnum() for p in body_paras for ch in p) < MIN_BODY_CHARS:
        raise NoArticleTextError("no article text found in the page")

    subtitle = _clean_line(desc) if desc else None
    header = title
    if subtitle:
        skey = _norm(subtitle)
        body_key = _norm(" ".join(body_paras[:3]))
        dup = (not skey) or skey[:60] in body_key or (title and _norm(title) == skey)
        if not dup:
            header = f"{title}\n{subtitle}" if title else subtitle
        else:
            subtitle = doc.subtitle

    b = _Builder()
    if header:
        b.add("header", header)
    for kind, text in _group(_classify_body(body_paras)):
        b.add(kind, text)
    idx: list[int] = []
    for c in comments:
        parent = idx[c.parent] if c.parent is not None else None
        idx.append(b.add("comment", c.text, parent=parent, label=c.label))

    authors = doc.authors or [a.strip() for a in (getattr(extracted, "author", None) or "").split(";") if a.strip()]
    # trafilatura sometimes takes a commenter's byline for the article's author
    commenters = {_norm(c.label) for c in comments if c.label}
    authors = [a for a in authors if not any(_norm(a) == k or _norm(a).startswith(k + " ") for k in commenters)]
    new_doc = dataclasses.replace(
        doc,
        text=b.text,
        title=title,
        subtitle=subtitle,
        site=doc.site or getattr(extracted, "sitename", None) or None,
        published=doc.published or getattr(extracted, "date", None) or None,
        authors=authors,
    )
    return new_doc, b.zones()
