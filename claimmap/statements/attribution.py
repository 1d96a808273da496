"""The dependency-parse extractor: find reporting cues in a parsed zone and their source and
content spans.

Works on one spaCy ``Doc`` per zone; character offsets are shifted by the zone's start so that
they index ``Document.text``. Speaker identity (canonical name, side) is left to
:mod:`claimmap.statements.resolve`; here a speaker is only a mention (token span).

Rules, in order, for each sentence:

* "according to X" -> source X, content = the rest of the clause it modifies (kind according_to);
* a verb whose lemma is in the cue lexicon (or a phrasal verb "call on", "point out") ->
  source = its subject (inherited along conj / participle / relative clauses), content = its
  clausal complement (ccomp, xcomp, gerund, "of"/"as" phrase, object), or, when the cue follows
  its content ("…, X said."), the clause it hangs off; a quotation opened after "X said:" is
  taken up to its closing mark;
* a noun cue ("claim", "allegation", "statements") with a content clause ("statements … that
  Kiev poses a threat") -> source = its possessor or "by" agent;
* a cue verb in a relative clause on a claim noun ("…, a claim the Kremlin has denied") -> the
  content is the claim's content (the earlier statement's content in the same sentence).

Weak cues (``[weak]`` in cues.toml: "show", "want", "tell", …) count only with a clausal
complement, a quotation, or in inverted position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from claimmap.statements.cues import Lexicon

OPEN_QUOTES = "“\"‘«„"
CLOSE_QUOTES = "”\"’»“"
QUOTE_CHARS = set(OPEN_QUOTES + CLOSE_QUOTES)
EDGE_PUNCT = set(" \t\n\r,;:.-–—()[]")
SUBJ = {"nsubj", "csubj"}
CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "prep", "pcomp", "oprd", "attr", "advcl", "dative",
                "acomp", "obj", "parataxis", "npadvmod"}
NO_CONTENT_PREPS = {"in", "on", "at", "during", "after", "before", "since", "with", "from",
                    "for", "by", "amid", "despite", "while", "under", "over", "through",
                    "without", "within", "throughout", "near", "across", "into", "via"}
REL_PRONOUNS = {"who", "which", "that", "whom", "whose"}
#: entity types of a place or a time: never a message's sender ("a report in Kansas", "a March report")
PLACE_ENTS = {"GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL", "NORP", "EVENT"}
NEW_CUE_THRESHOLD = 0.5  # chosen on held-out PolNeAR train articles (0.35/0.5/0.65/0.8)
NEW_CUE_NEEDS_SUBJECT = True  # a learned (non-lexicon) cue needs a speaker
SPEECH_NEGATORS = {"not", "n't", "never", "no"}
# a preposition that opens an object content belongs with the cue ("spoke about X", "warned of X")
CUE_PREPS = {"about", "of", "for", "on", "against", "over", "to", "with", "from"}
# a wire dateline at the head of a content: "KYIV, Feb 25 (Reuters) - "
DATELINE = re.compile(r"^[A-Z][A-Z.'’ -]{1,40}(?:/[A-Z][A-Z.'’ -]{1,40})?(?:,[^\n()–—-]{1,40})?\s*"
                      r"(?:\([^()\n]{1,30}\))?\s*[-–—]{1,2}\s+")
# "Posted by …" whatever follows; a bare "By" only before a capitalised name ("By eliminating the
# receiving line, Ms. Tchen said, …" opens a sentence, not a byline)
BYLINE = re.compile(r"\s*(?:(?i:(?:Posted|Written|Reported|Reporting|Additional reporting|Editing|Edited|"
                    r"Compiled|Photos?|Story|Text)\s+by)\s+(?:[\w@])|(?i:By)\s+(?:[A-Z@]|(?i:the)\b))")
RESUME = re.compile(r"(?:[.!?]\s+|,\s*(?:and\s+)?|:\s*|\s+[—–]\s*)(?=[“\"«„]|'')")
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "st", "jr",
                 "sr", "prof", "rev", "hon", "no", "vs", "inc", "corp", "co", "ltd", "u.s", "u.n", "u.k",
                 "e.u", "d.c", "lt.gen", "maj", "capt", "adm", "pres", "supt", "mt", "ft"}


TRAILING_DEPS = {"advcl", "appos", "relcl", "acl", "npadvmod", "advmod"}


def _drop_trailing_modifier(toks, text: str, verbs=()):
    """Content tokens without a trailing ", putting them at odds …", ", who …", ", Donald
    Trump" or "— requiring …" that the narrator adds after the reported clause (not inside a
    quotation)."""
    if len(toks) < 4:
        return toks
    ids = {t.i for t in toks}
    last = toks[-1].i
    for k in range(len(toks) - 2, 1, -1):
        p = toks[k]
        if p.text not in (",", "—", "–", "-"):
            continue
        cut = k
        if p.text == "," and k + 2 < len(toks) and toks[k + 1].text in ("”", "''", '"') and _balanced(toks[:k + 2]):
            cut = k + 2  # 'as “Spanish,” which is what …': the comma inside the closing quote
        nxt = toks[cut] if cut > k else toks[k + 1]
        # the subtree right after the comma: climb to the largest one that starts there
        h = nxt
        while h.head is not h and h.head.i in ids and h.head.left_edge.i == nxt.i:
            h = h.head
        if h.dep_ not in TRAILING_DEPS or h.head.i not in ids or h.head.i > p.i:
            continue
        if h.right_edge.i < last and not all(t.is_punct for t in toks[k + 1:] if t.i > h.right_edge.i):
            continue
        if h.dep_ in ("advcl", "acl") and h.tag_ not in ("VBG", "VBN"):
            continue
        if h.dep_ == "advmod" and not any(c.dep_ == "prep" for c in h.children):
            continue
        quoted_mod = any(t.text in QUOTE_CHARS for t in toks[cut:] if cut > k) if cut > k else any(
            t.text in QUOTE_CHARS for t in toks[k:])
        if quoted_mod and not (h.dep_ in ("advcl", "acl") and h.tag_ == "VBG" and h.lemma_.lower() in verbs) or any(
                t.text in QUOTE_CHARS for t in toks[:cut]) and not _balanced(toks[:cut]):
            return toks
        return toks[:cut]
    return toks


def _balanced(toks) -> bool:
    n = sum(1 for t in toks if t.text in QUOTE_CHARS or t.text == "''")
    return n % 2 == 0


def _sentence_end(s: str) -> bool:
    """A sentence end in ``s`` ("." after a word that is no abbreviation such as "Mr." or "U.S.")."""
    for m in re.finditer(r"([\w.]*)([.!?])(?=\s|$|[\"”’'])", s):
        word = m.group(1).rstrip(".").lower()
        if m.group(2) != "." or not (word in ABBREVIATIONS or len(word) == 1 or not word):
            return True
    return False


def _quote_ends_clause(text: str, start: int, inside: int) -> bool:
    """The quotation whose inside starts at ``inside`` finishes a clause begun without quotes at
    ``start`` ("They ''actually had chemistry,'' he said": the content is the whole clause), as
    opposed to a quotation introduced by a comma or colon ("…, telling Mic, “A,” he said")."""
    k = inside - 1
    if text[k - 1:k + 1] == "''":
        k -= 1
    before = text[start:k].rstrip()
    return bool(before) and before[-1] not in ",:;—–-([" and before[-1] not in QUOTE_CHARS


LEADING_CC = re.compile(r"^(?:But|And|Yet)\s+")

# closed-class words a title-case headline capitalises ("… Over Trump", "Has Said About")
TITLE_FUNCTION_WORDS = {
    "a", "an", "the", "of", "on", "to", "for", "in", "with", "about", "at", "by", "from", "and", "or",
    "but", "as", "over", "after", "before", "into", "than", "that", "this", "is", "are", "was", "were",
    "be", "been", "has", "have", "had", "will", "would", "can", "could", "should", "does", "do", "did",
    "his", "her", "their", "its", "our", "your", "my", "he", "she", "they", "we", "it", "who", "what",
    "why", "how", "not", "just", "up", "out", "off", "down", "again", "finally", "now", "also", "still",
}
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")


def _cue_form(word: str, lex: Lexicon) -> bool:
    """``word`` (lower case) is an inflection of a lexicon cue verb: "praises", "slammed", "finds"."""
    cands = {word}
    if word.endswith("s"):
        cands |= {word[:-1], word[:-2] if word.endswith("es") else word}
        if word.endswith("ies"):
            cands.add(word[:-3] + "y")
    if word.endswith("ed"):
        cands |= {word[:-2], word[:-1]}
        if word.endswith("ied"):
            cands.add(word[:-3] + "y")
        if len(word) > 4 and word[-3] == word[-4]:
            cands.add(word[:-3])  # "slammed"
    if word.endswith("ing"):
        cands |= {word[:-3], word[:-3] + "e"}
    return any(c in lex.verbs for c in cands)


def _verb_lemma(tok, lex: Lexicon) -> str:
    """The token's lemma, with the silent "e" the lemmatizer drops from some inflections put
    back when only that form is a lexicon verb ("hoped", "hoping", "hopes" -> "hop")."""
    lemma = tok.lemma_.lower()
    low = tok.lower_
    if lemma not in lex.verbs and lemma + "e" in lex.verbs and low != lemma and (
            low.endswith(("ed", "ing", "es"))):
        return lemma + "e"
    return lemma


def headline_case(block: str, lex: Lexicon) -> str:
    """A one-line title-case headline ("Jeb Bush Super PAC Chief Praises Marco Rubio Donor's
    Campaign") with its function words and cue-verb forms in lower case, so that the tagger does
    not take the verbs for parts of names; any other text unchanged. Same length, same offsets."""
    if "\n" in block.strip() or len(block) > 250:
        return block
    words = list(_TITLE_WORD.finditer(block))
    long = [m.group() for m in words if len(m.group()) >= 4]
    if len(long) < 3 or sum(w[0].isupper() for w in long) < 0.8 * len(long):
        return block
    out = list(block)
    for m in words[1:]:
        w = m.group()
        low = w.lower()
        if w[0].isupper() and not w.isupper() and len(low) == len(w) and (
                low in TITLE_FUNCTION_WORDS or _cue_form(low, lex)):
            out[m.start():m.end()] = low
    return "".join(out)


@dataclass
class Raw:
    """One statement as found by the parser (offsets already in document coordinates)."""

    cue_start: int
    cue_end: int
    cue_text: str
    lemma: str
    polarity: str
    content_start: int
    content_end: int
    kind: str
    sent_start: int
    sent_end: int
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_text: str | None = None
    # facts the resolver uses
    speaker_pronoun: bool = False
    speaker_relative_to: tuple[int, int] | None = None  # antecedent span of "who"/"which"
    speaker_person: bool = False                        # NER says PERSON
    speaker_appos: tuple[int, int] | None = None        # ", the Kremlin spokesman," appositive
    speaker_phrase: tuple[int, int] | None = None       # the mention with its apposition/relative clause
    content_from: str | None = None                     # "claim-of:<cue_start>" for relcl on claim
    cue_token: int = -1
    extra: dict = field(default_factory=dict)
    # a quotation interrupted by its attribution ("“A,” he said. “B.”"): the quoted pieces; the
    # content is then their envelope (first start, last end)
    parts: list[tuple[int, int]] | None = None


#: the credit line under an embedded post as page text renders it: "— Name (@handle) November 18, 2019"
EMBED_CREDIT = re.compile(r"^[ \t]*[—–-]{1,2}[ \t]*(?P<name>[^\n()@]{1,80}?)[ \t]*\(@(?P<handle>\w{1,30})\)"
                          r"[ \t]*(?P<date>[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2},[ \t]+\d{4})[ \t]*$", re.M)
#: links and arrows a post ends with ("https://t.co/…", "pic.twitter.com/…", "⬇️⬇️")
_POST_TAIL = re.compile(r"(?:[ \t\n]*(?:https?://\S+|pic\.twitter\.com/\S+|[\u2190-\u21ff\u2b00-\u2bff\ufe0f]+))+[ \t\n]*$")


class Sender(NamedTuple):
    """Who sent a message noun ("Big Machine Records issued a statement"): the noun's offset and
    its lower-case form, the sender's span (-1, -1 when the parse names no sender), and whether
    the sender is a pronoun or a PERSON (``SentenceExtractor.senders``)."""

    at: int
    noun: str
    start: int = -1
    end: int = -1
    pronoun: bool = False
    person: bool = False

    @property
    def known(self) -> bool:
        return self.start >= 0

    def shifted(self, by: int) -> "Sender":
        """The same record with its offsets moved ``by`` characters (block to document)."""
        if not self.known:
            return self._replace(at=self.at + by)
        return self._replace(at=self.at + by, start=self.start + by, end=self.end + by)


def embedded_posts(text: str, start: int, end: int) -> list[Raw]:
    """Posts embedded in a page, rendered as their text followed by a credit line ("— Rep. Jane
    Doe (@janedoe) November 19, 2019"): the text (the lines since the previous blank line,
    without its trailing links) is a direct statement of the account named. Offsets in ``text``,
    inside [start, end)."""
    out = []
    for m in EMBED_CREDIT.finditer(text, start, end):
        before = text[start:m.start()].rstrip()
        para = before.rfind("\n\n")
        cs = start + (para + 2 if para >= 0 else 0)
        tail = _POST_TAIL.search(text, cs, start + len(before))
        ce = tail.start() if tail else start + len(before)
        while cs < ce and text[cs].isspace():
            cs += 1
        body = text[cs:ce]
        if len(body.split()) < 4 or EMBED_CREDIT.match(body):
            continue  # a bare picture or link ("Club statement"), or another credit line
        name = m.group("name")
        ns = m.start("name")
        ne = ns + len(name.rstrip(" \t\u200d\ufe0f\U0001F300-\U0001FAFF"))
        while ne > ns and not text[ne - 1].isalnum() and text[ne - 1] not in ".)":
            ne -= 1
        if ne <= ns:
            continue
        dash = m.group(0).lstrip()[:1]
        d0 = text.index(dash, m.start())
        r = Raw(cue_start=d0, cue_end=d0 + 1, cue_text=dash, lemma="post", polarity="assert",
                content_start=cs, content_end=ce, kind="direct", sent_start=cs, sent_end=m.end(),
                speaker_start=ns, speaker_end=ne, speaker_text=text[ns:ne])
        r.extra["rule"] = "embed"
        out.append(r)
    return out


def _span_chars(tokens) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _after_colon(text: str, colon: int) -> tuple[int, int]:
    """Offsets of the rest of the line after a colon at ``colon``, trimmed."""
    line_end = text.find("\n", colon)
    return _trim(text, colon + 1, len(text) if line_end < 0 else line_end)


def _trim(text: str, start: int, end: int, *, strip_quotes: bool = True) -> tuple[int, int]:
    """Trim whitespace/punctuation at the edges; drop a balanced pair of outer quotes."""
    while start < end and text[start] in EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in EDGE_PUNCT:
        end -= 1
    if strip_quotes and end - start >= 2 and text[start] in OPEN_QUOTES:
        inner = text[start + 1:end]
        # a quotation closed (maybe before final punctuation) with no other quote marks inside
        j = max(inner.rfind(c) for c in CLOSE_QUOTES)
        if j >= 0 and not any(c in QUOTE_CHARS for c in inner[:j]) and all(
                ch in EDGE_PUNCT for ch in inner[j + 1:]):
            start, end = start + 1, start + 1 + j
            return _trim(text, start, end, strip_quotes=False)
    return start, end


def _is_quoted(text: str, start: int, end: int) -> bool:
    """True when [start, end) is (the inside of) a quotation."""
    before = text[max(0, start - 3):start].rstrip(" ,:")
    after = text[end:end + 3].lstrip(" ,.:;!?")
    inside = text[start:end]
    if before and before[-1] in OPEN_QUOTES and (after[:1] in QUOTE_CHARS or not after):
        return not any(c in QUOTE_CHARS for c in inside)
    if inside[:1] in OPEN_QUOTES and inside.rstrip(".,!?")[-1:] in CLOSE_QUOTES:
        inner = inside[1:].rstrip(".,!?")[:-1]
        return not any(c in QUOTE_CHARS for c in inner)
    return False


def quote_mask(text: str) -> bytearray:
    """1 for characters inside a quotation (curly, straight or '' quotes), line by line. Copy
    often mixes the marks of one quotation ("A,” he said; “B," said X): a straight mark closes a
    curly quotation and a curly closing mark a straight one when it stands where a quotation
    ends (after a word, before a space or punctuation), so the text after it is not taken for
    quoted."""
    mask = bytearray(len(text))
    depth = 0
    straight = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            depth, straight = 0, False
        elif c in "“«„":
            if c == "“" and depth > 0 and _closes(text, i, 1):
                depth -= 1  # “rapists“ while …: an opening mark typed where the quotation ends
            else:
                depth += 1
        elif c in "”»":
            if depth > 0:
                depth -= 1
            elif straight:
                straight = False
        elif c == '"' or (c == "'" and i + 1 < n and text[i + 1] == "'"):
            w = 2 if c == "'" else 1
            if not straight and depth > 0 and _closes(text, i, w):
                depth -= 1  # “A," said X: a straight mark closing a curly quotation
            else:
                straight = not straight
            if c == "'":
                mask[i] = 1 if straight or depth > 0 else 0
                i += 1
        if depth > 0 or straight:
            mask[i] = 1
        i += 1
    return mask


def _closes(text: str, i: int, w: int) -> bool:
    """The quote mark at ``text[i:i + w]`` stands where a quotation ends: after a non-space and
    before a space, punctuation or the end."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + w] if i + w < len(text) else " "
    return not before.isspace() and (after.isspace() or after in ".,;:!?)]—–-")


class SentenceExtractor:
    def __init__(self, lex: Lexicon, model=None):
        self.lex = lex
        self.model = model  # claimmap.statements.learned.Model or None
        # a verb outside the lexicon becomes a cue only when the model is this sure
        self._mask_for: str | None = None
        self._mask = bytearray()

    def in_quote(self, text: str, i: int) -> bool:
        if self._mask_for is not text:
            self._mask = quote_mask(text)
            self._mask_for = text
        return bool(self._mask[i]) if 0 <= i < len(self._mask) else False

    def quote_before(self, text: str, pos: int):
        """The quotation ending just before ``pos`` ("“…,” X said"): (start, end) of its inside."""
        k = pos
        while k > 0 and text[k - 1] in " \t,":
            k -= 1
        if k >= 3 and text[k - 3:k] == "'''":
            e = k - 3  # ''… 'B,''' X said: a nested quotation closed with the outer one
        elif k >= 2 and text[k - 2:k] == "''":
            e = k - 2
        elif k > 0 and text[k - 1] in CLOSE_QUOTES:
            e = k - 1
        else:
            return None
        self.in_quote(text, 0)  # builds the mask for this text
        m = self._mask
        if e == 0 or not m[e - 1] or m[e]:
            return None  # the mark does not close a quotation
        b = e
        while b > 0 and m[b - 1]:
            b -= 1
        if text[b:b + 2] == "''":
            return b + 2, e
        if text[b] not in OPEN_QUOTES:
            return None
        return b + 1, e

    # ----------------------------------------------------------------------------- helpers
    def verb_cue(self, tok) -> tuple[str, str, list] | None:
        """(lemma, polarity, cue tokens) when ``tok`` is a cue verb."""
        if tok.pos_ not in ("VERB", "AUX") and not (tok.tag_.startswith("VB")):
            return None
        lemma = _verb_lemma(tok, self.lex)
        for ch in tok.children:
            if ch.dep_ in ("prt", "prep") and ch.i > tok.i:
                pol = self.lex.phrasal.get(f"{lemma} {ch.lower_}")
                if pol:
                    return f"{lemma} {ch.lower_}", pol, [tok, ch]
        if lemma == "put" and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
            it = next((c for c in tok.children if c.dep_ in ("dobj", "obj") and c.lower_ == "it"), None)
            if it is not None and it.i == tok.i + 1:
                return "put it", "assert", [tok, it]  # "as X put it"
        pol = self.lex.verbs.get(lemma)
        if pol and tok.pos_ == "AUX":
            return None
        return (lemma, pol, [tok]) if pol else None

    def subject(self, tok, depth: int = 0):
        """The subject token of verb ``tok`` (inherited through conj/xcomp/participles)."""
        subjects = [ch for ch in tok.children if ch.dep_ in SUBJ]
        if subjects:
            # two subjects are a parse of a dateline ("BUFFALO, N.Y. — Hours before …, Wild coach
            # Bruce Boudreau expressed"): the verb's own subject is the one nearest before it
            ch = subjects[0]
            if ch.dep_ == "csubj" and ch.tag_ == "VBG" and ch.i < tok.i and len(subjects) == 1:
                # "Speaking from a stage at …, Chief Executive Satya Nadella said": a participle
                # clause the parse made the subject; the name before the verb is found later
                return None
            if len(subjects) > 1 and self._dateline_like(ch) and subjects[1].i < tok.i:
                ch = subjects[1]
            return self._past_dateline(ch)
        for ch in tok.children:  # passive with a by-agent: "it was announced by X"
            if ch.dep_ == "agent":
                for g in ch.children:
                    if g.dep_ == "pobj":
                        return g
        if depth > 3:
            return None
        if tok.dep_ == "xcomp" and tok.head is not tok:
            # object control: "prompting the republics to announce" -> the republics
            obj = next((c for c in tok.head.children if c.dep_ in ("dobj", "obj") and c.i < tok.i), None)
            if obj is not None and tok.head.lemma_.lower() not in ("promise", "vow", "pledge", "offer") \
                    and obj.ent_type_ not in ("DATE", "TIME"):  # "spent 45 seconds explaining": not control
                return obj
            return self.subject(tok.head, depth + 1)
        if tok.dep_ == "conj" and tok.head is not tok:
            return self.subject(self.lifted(tok) or tok.head, depth + 1)
        if tok.dep_ == "acl" and tok.tag_ in ("VBD", "VBN") and tok.head.dep_ == "ROOT" and \
                tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i < tok.i and not any(
                c.dep_ in ("agent", "auxpass") for c in tok.children) and (
                tok.doc[tok.i - 1].text == "," or any(c.dep_ in ("dobj", "ccomp") or c.dep_ == "oprd" and c.pos_ in (
                    "NOUN", "PROPN") and c.i > tok.i + 1 for c in tok.children)):
            # "Murphy, the head of X, Tweeted on Friday …", "Sanders' campaign called the report a
            # rush to judgment": the parse found no main verb and hung the finite verb on the
            # noun before it as a reduced relative; that noun is its subject
            return tok.head
        if tok.dep_ in ("advcl", "acl") and tok.tag_ == "VBG" and tok.head is not tok:
            h = tok.head
            if h.pos_ in ("NOUN", "PROPN") and tok.dep_ == "acl":
                if (h.pos_ == "NOUN" and h.dep_ in ("dobj", "obj")
                        and (h.lemma_.lower() in self.lex.message_nouns or h.lemma_.lower() in self.lex.nouns)
                        and h.head.pos_ in ("VERB", "AUX")):
                    # "sent out a press release saying …", "fired back a response saying …": the
                    # message's sender
                    sender = self.subject(h.head, depth + 1)
                    if sender is not None:
                        return sender
                return h
            le = tok.left_edge
            if tok.dep_ == "advcl" and le.i > 0 and tok.doc[le.i - 1].text == "," and h.dep_ == "ccomp" and \
                    h.head.i < h.i and h.head.tag_ in ("VBD", "VBZ", "VBP") and tok.right_edge.i >= h.right_edge.i:
                # "Khalif said [her rhetoric has been patronizing], noting …": a participle set
                # off by a comma after a reported clause goes with the reporting clause
                return self.subject(h.head, depth + 1)
            return self.subject(h, depth + 1)
        if tok.dep_ == "pcomp" and tok.tag_ == "VBG" and tok.head.pos_ == "ADP" and tok.head.dep_ == "prep":
            # "… the committee by slamming candidates", "after saying in a debate that …": the
            # subject of the verb the preposition hangs on
            v = tok.head.head
            if v.pos_ in ("VERB", "AUX"):
                return self.subject(v, depth + 1)
        if tok.dep_ == "advcl" and tok.tag_ == "VB" and tok.head.pos_ in ("VERB", "AUX") and any(
                c.dep_ == "aux" and c.tag_ == "TO" for c in tok.children):
            # a purpose infinitive: "He gave a floor speech to defend himself"
            return self.subject(tok.head, depth + 1)
        return None

    @staticmethod
    def _dateline_like(tok) -> bool:
        """A place in capitals or a place name opening the sentence, a dash soon after it."""
        doc = tok.doc
        return tok.i - tok.sent.start <= 1 and (tok.is_upper or tok.ent_type_ in ("GPE", "LOC", "NORP")) and any(
            doc[j].text in ("–", "—", "-", "--") for j in range(tok.i + 1, min(tok.i + 7, tok.sent.end)))

    @classmethod
    def _past_dateline(cls, subj):
        """A dateline parsed as the subject, the real subject hung on it as an apposition ("Indianapolis
        – Several thousand teachers … surrounded the Statehouse", "OSLO, Norway — Hours before the
        final, head coach Erik Lunde expressed"): the apposition nearest the verb is the subject."""
        if cls._dateline_like(subj):
            dash = next(j for j in range(subj.i + 1, subj.sent.end) if subj.doc[j].text in ("–", "—", "-", "--"))
            appos = [c for c in subj.children if c.dep_ == "appos" and c.i > dash and c.ent_type_ not in ("DATE", "TIME")]
            if appos:
                return appos[-1]
        return subj

    def mention_tokens(self, head):
        """The speaker mention for subject token ``head``: its subtree minus relative clauses,
        appositions and parentheticals, contiguous."""
        drop = set()
        # a list of groups keeps its commas ("Black voters, campaign organizers and veteran
        # volunteers said"); a comma before a name or a role is an apposition the parse took for
        # a conjunct ("Chris Early, senior vp partnerships and revenue at Ubisoft")
        chain = [t for t in head.subtree if t.dep_ == "conj" and t.head.i in (head.i, *(c.i for c in head.subtree if c.dep_ == "conj"))]
        last_conj = max((c.i for c in chain), default=-1) if head.tag_ == "NNS" and chain and all(
            c.tag_ == "NNS" for c in chain) else -1
        for ch in head.children:
            if ch.dep_ == "punct" and head.i < ch.i < last_conj:
                continue  # "Black voters, campaign organizers and veteran volunteers said"
            if ch.dep_ in ("relcl", "acl", "appos", "punct", "advcl", "parataxis") or (
                    ch.dep_ == "prep" and ch.i > head.i and ch.lower_ not in ("of", "for", "at", "in")):
                drop.update(t.i for t in ch.subtree)
        keep = [t for t in head.subtree if t.i not in drop]
        # contiguous block around the head
        lo = hi = head.i
        ids = {t.i for t in keep}
        while lo - 1 in ids:
            lo -= 1
        while hi + 1 in ids:
            hi += 1
        doc = head.doc
        toks = [doc[i] for i in range(lo, hi + 1)]
        while toks and (toks[0].is_punct or toks[0].dep_ == "cc"):
            toks = toks[1:]
        while toks and (toks[-1].is_punct or toks[-1].dep_ == "cc"):
            toks = toks[:-1]
        return toks or [head]

    def lifted(self, tok):
        """For a subject-less cue coordinated inside another cue's clause ("X said A and said B"
        parsed as A-and-said): the outer cue verb, else None."""
        h = tok.head
        if tok.dep_ != "conj" or any(c.dep_ in SUBJ for c in tok.children):
            return None
        while h.dep_ == "conj" and h.head is not h:
            h = h.head
        if h.dep_ == "ccomp" and self.verb_cue(h.head) and h.head.i < tok.i:
            return h.head
        return None

    def appos_of(self, head):
        for ch in head.children:
            if ch.dep_ == "appos":
                toks = [t for t in ch.subtree if not t.is_punct]
                if toks:
                    return _span_chars(toks)
        late = self._appos_after_relative(head)
        return _span_chars(late) if late else None

    @staticmethod
    def _appos_after_relative(head):
        """A name set off by commas after the subject's relative clause, which the parse hangs on
        the clause's last noun: "The company that runs the AMAs, Dick Clark Productions, denies"
        (Productions an apposition of AMAs). Only a proper name closing the relative clause and
        followed by a comma and then the head's own verb group."""
        if head.pos_ != "NOUN" or head.dep_ not in SUBJ:
            return None
        rel = next((c for c in head.children if c.dep_ in ("relcl", "acl") and c.i > head.i), None)
        if rel is None:
            return None
        ap = next((t for t in rel.subtree if t.dep_ == "appos" and t.pos_ == "PROPN"
                   and t.right_edge.i == rel.right_edge.i and t.head.i < t.i), None)
        if ap is None:
            return None
        doc = head.doc
        nxt = ap.right_edge.i + 1
        if nxt + 1 >= len(doc) or doc[nxt].text != "," or doc[ap.left_edge.i - 1].text != ",":
            return None
        verb = head.head
        after = doc[nxt + 1]
        while after.i < verb.i and after.dep_ in ("advmod", "aux", "neg", "auxpass"):
            after = doc[after.i + 1]
        if after.i != verb.i:
            return None
        return [t for t in ap.subtree if not t.is_punct]

    def senders(self, sdoc) -> list[Sender]:
        """Who sent each message noun of a parsed block ("Big Machine Records issued a
        statement", "the agency said in a statement", "a letter from the minister", "the
        company's statement"), in character offsets of ``sdoc``; no sender when the parse names
        none (or a negated one: "at no time did X distribute a statement"). A later "the
        statement said" speaks for the sender of the last such message
        (``claimmap.statements._build``); messages inside quotation marks are left out."""
        out = []
        for tok in sdoc:
            lemma = tok.lemma_.lower()
            if tok.pos_ != "NOUN" or lemma not in self.lex.message_nouns or self.in_quote(sdoc.text, tok.idx):
                continue  # (a message named inside a quotation is not the one "the statement" means)
            who = None
            for ch in tok.children:
                if ch.dep_ == "poss":
                    who = ch
                elif ch.dep_ == "prep" and ch.i > tok.i and (ch.lower_ in ("from", "by") or ch.lower_ == "in" and any(
                        g.dep_ == "pobj" and g.pos_ == "PROPN" and g.ent_type_ not in PLACE_ENTS for g in ch.children)):
                    # "a statement from X", "a survey by X", "a report in the Argus Leader"
                    who = next((g for g in ch.children if g.dep_ == "pobj"), None) or who
                elif ch.dep_ == "compound" and ch.pos_ == "PROPN" and ch.ent_type_ not in PLACE_ENTS and who is None:
                    who = ch  # "a new Fast Company report", "a Reuters report"
            head = tok.head
            if who is None and tok.dep_ in ("dobj", "obj") and head.pos_ in ("VERB", "AUX") \
                    and head.lemma_.lower() in self.lex.issue_verbs:
                who = self.subject(head)
            if who is None and tok.dep_ == "pobj" and head.lower_ in ("in", "through", "via") \
                    and head.head.pos_ in ("VERB", "AUX") and head.head.i != tok.i:
                who = self.subject(head.head)
            if who is None or who.tag_ in ("WP", "WDT", "EX") or who.pos_ not in ("PROPN", "NOUN", "PRON") \
                    or who.lemma_.lower() in self.lex.message_nouns or who.lower_ in REL_PRONOUNS \
                    or self.negated(head) or (tok.dep_ == "pobj" and self.negated(head.head)):
                out.append(Sender(tok.idx, tok.lower_))  # a message, sender unknown
                continue
            toks = self.mention_tokens(who)
            if who.pos_ == "PROPN":  # the name alone ("the Argus Leader", not "… of Sioux Falls")
                lo = hi = who.i
                while lo - 1 >= toks[0].i and sdoc[lo - 1].pos_ == "PROPN":
                    lo -= 1
                while hi + 1 <= toks[-1].i and sdoc[hi + 1].pos_ == "PROPN":
                    hi += 1
                ent = next((e for e in sdoc.ents if e.start <= who.i < e.end), None)
                if ent is not None and ent.start >= toks[0].i and ent.end - 1 <= toks[-1].i and all(
                        t.pos_ == "PROPN" or t.lower_ in ("and", "&") or t.i == ent.start and t.pos_ == "DET"
                        for t in ent):
                    # a name with a conjunction in it: "the University and College Union"
                    lo = min(lo, ent.start + (sdoc[ent.start].pos_ == "DET"))
                    hi = max(hi, ent.end - 1)
                toks = [sdoc[i] for i in range(lo, hi + 1)]
            a, b = _span_chars(toks)
            out.append(Sender(tok.idx, tok.lower_, a, b, who.tag_ in ("PRP", "PRP$"), who.ent_type_ == "PERSON"))
        return out

    @staticmethod
    def negated(tok) -> bool:
        for ch in tok.children:
            if ch.dep_ == "neg" or (ch.dep_ == "advmod" and ch.lower_ in SPEECH_NEGATORS):
                return True
        return False

    # ----------------------------------------------------------------------------- content
    def complement(self, cue, cue_toks, lemma):
        """Content tokens to the right of the cue: (tokens, how) or (None, None)."""
        clause = [ch for ch in cue.children if ch.dep_ in ("ccomp", "csubj") and ch.i > cue.i]
        if clause:
            # "said A and that B": a coordinated that-clause hangs on the cue as conj
            clause += [ch for ch in cue.children if ch.dep_ == "conj" and ch.i > clause[0].i and any(
                g.dep_ == "mark" and g.lower_ in ("that", "whether") for g in ch.children)]
            toks = sorted({t for c in clause for t in c.subtree}, key=lambda t: t.i)
            return toks, "clause"
        kids = []
        cue_ids = {t.i for t in cue_toks}
        for ch in cue.children:
            if ch.i in cue_ids and ch.i > cue.i and ch.dep_ == "prep":
                # a phrasal cue's preposition ("pointed to X", "called for X"): its object
                kids += [g for g in ch.children if g.dep_ in ("pobj", "pcomp")]
                continue
            if ch.i < cue.i or ch.i in cue_ids:
                continue
            dep = ch.dep_
            if dep in ("conj", "cc", "punct", "advmod", "aux", "neg", "mark", "npadvmod", "prt"):
                if dep == "advmod" and ch.lower_ in ("why", "how", "when", "where"):
                    kids.append(ch)  # "explained why …" handled by ccomp usually
                continue
            if dep == "prep" and (ch.lower_ in NO_CONTENT_PREPS or ch.lower_ == "according"):
                # "said in a statement", "told reporters on Monday", "said, according to
                # Reuters": not content
                continue
            if dep == "advcl" and not any(g.dep_ == "mark" and g.lower_ in ("that", "as") for g in ch.children):
                if ch.tag_ != "TO" and not any(g.lower_ == "to" for g in ch.children):
                    continue
            if dep in CONTENT_DEPS:
                kids.append(ch)
        if not kids:
            return None, None
        # addressee: "told journalists", "urged X to …" keeps X only with a following clause
        nominal = [k for k in kids if k.dep_ in ("dobj", "dative", "obj")]
        clausal = [k for k in kids if k.dep_ in ("xcomp", "ccomp", "pcomp", "advcl", "oprd")
                   or (k.dep_ == "prep" and any(g.dep_ == "pcomp" for g in k.children))
                   or (k.dep_ == "prep" and k.lower_ in ("as", "of", "that", "about"))
                   or (k.dep_ in ("dobj", "obj") and any(g.dep_ == "prep" and g.lower_ == "as" for g in k.children))]
        if lemma.split()[0] in ("tell", "inform", "brief", "assure", "remind") and nominal:
            if clausal:
                kids = [k for k in kids if k not in nominal or k.i > clausal[0].i]
            else:
                return None, "addressee"
        if not clausal and nominal:
            # an object content goes on with the cue's prepositional phrases after the object
            # ("praised X for showing courage", "blamed X for keeping rates low", "pegged his
            # wealth at $2.9 billion"), as PolNeAR marks it; before the object they stay out
            # ("said in a statement …")
            first = min(k.i for k in nominal)
            kids = kids + [ch for ch in cue.children if ch.dep_ == "prep" and ch.i > first and ch not in kids]
        toks = sorted({t for k in kids for t in k.subtree}, key=lambda t: t.i)
        how = "clause" if clausal or any(k.dep_ in ("xcomp", "ccomp") for k in kids) else "object"
        # contiguous block starting at the first content token
        out = [toks[0]]
        for t in toks[1:]:
            if t.i != out[-1].i + 1:
                break
            out.append(t)
        return out, how

    def inverted_content(self, cue, sent):
        """Content of an inverted report ("Content, X said."): the clause the cue hangs off, or
        the clausal complement placed before the cue."""
        before = [ch for ch in cue.children if ch.dep_ in ("ccomp", "parataxis") and ch.i < cue.i]
        if before:
            toks = sorted({t for c in before for t in c.subtree}, key=lambda t: t.i)
            return toks
        if cue.dep_ in ("parataxis", "ccomp", "advcl", "conj") and cue.head.i < cue.i:
            head = cue.head
            if cue.dep_ == "conj" and any(ch.dep_ == "cc" and ch.i < cue.i and ch.i > head.i for ch in head.children):
                return None  # "X did A and said B": a coordinated verb, not an inversion
            if cue.dep_ in ("parataxis", "advcl") and any(ch.dep_ in SUBJ for ch in cue.children) and not any(
                    ch.dep_ in ("mark", "advmod") and ch.i < cue.i for ch in cue.children):
                # "A, he said, B" / "A, she said." parsed with the cue hanging off A's verb: the
                # clause around the cue (not "…, as he said", "…, when she said")
                le = cue.left_edge
                prev = le if le.text in (",", "—", "–") else (cue.doc[le.i - 1] if le.i > sent.start else None)
                if prev is not None and prev.text in (",", "—", "–"):
                    cue_sub = {t.i for t in cue.subtree}
                    rest = [t for t in head.subtree if t.i not in cue_sub]
                    if rest and not _balanced(rest) and (rest[-1].text in QUOTE_CHARS or rest[-1].text == "''"):
                        rest = rest[:-1]  # the next quotation's opening mark, parsed into this one
                    return rest or None
            if cue.dep_ == "advcl":
                return None
        if cue.dep_ in ("parataxis", "ccomp", "advcl") and cue.head.i > cue.i:
            head = cue.head
            if cue.dep_ == "advcl" and not any(c.lower_ == "as" and c.dep_ == "mark" for c in cue.children):
                return None
            edge = cue.right_edge
            nxt = edge if edge.text in (",", "—", "–", "-") else (
                cue.doc[edge.i + 1] if edge.i + 1 < sent.end else None)
            if nxt is None or nxt.text not in (",", "—", "–", "-"):
                return None
            cue_sub = {t.i for t in cue.subtree}
            rest = [t for t in head.subtree if t.i not in cue_sub]
            after = [t for t in rest if t.i > cue.right_edge.i]
            before = [t for t in rest if t.i < cue.left_edge.i]
            le = cue.left_edge
            prev = le if le.text in (",", "—", "–", "-") else (cue.doc[le.i - 1] if le.i > sent.start else None)
            if before and after and prev is not None and prev.text in (",", "—", "–", "-"):
                # "If A, he said, B": a parenthetical report covers the whole clause
                return before + after
            toks = after if len(after) >= len(before) else before
            return toks or None
            # commas around the cue clause mark a parenthetical report
            prev = cue.doc[cue.left_edge.i - 1] if cue.left_edge.i > sent.start else None
            if prev is None or prev.text not in (",", "—", "–", "-", ":") and not (prev.text in CLOSE_QUOTES):
                return None
            cue_sub = {t.i for t in cue.subtree}
            toks = [t for t in head.subtree if t.i not in cue_sub and t.i < cue.left_edge.i]
            return toks or None
        return None

    def quote_after(self, cue, sent_end_char, text):
        """A quotation opened right after the cue ("X said: “…”"): its inside, maybe running
        past the sentence end."""
        j = cue.idx + len(cue.text)
        k = j
        while k < len(text) and text[k] in " \t,:":
            k += 1
        if k < len(text) and text[k] in OPEN_QUOTES and ":" in text[j:k] or (
                k < len(text) and text[k] in "“«" and k - j <= 2):
            opener = text[k]
            closer = {"“": "”", "«": "»", '"': '"', "‘": "’", "„": "“"}.get(opener, opener)
            e = text.find(closer, k + 1)
            if e == -1 or e - k > 3000:
                return None
            return k + 1, e
        return None

    # ----------------------------------------------------------------------------- main
    def run(self, sent, text) -> list[Raw]:
        """Statements in spaCy sentence ``sent`` (``text`` = the zone text it indexes)."""
        out: list[Raw] = []
        doc = sent.doc
        s0, s1 = sent.start_char, sent.end_char
        if BYLINE.match(text, s0) and s1 - s0 <= 160:
            return out  # "By Jane Doe, Reuters", "Posted by admin on …": not a statement
        head_r = self.headline(sent, text) or self.headline_tail(sent, text)
        if head_r is not None:
            head_r.extra.setdefault("rule", "headline")
            out.append(head_r)
        for tok in sent:
            # ---- "according to X"
            if tok.lower_ == "according" and tok.i + 1 < sent.end and doc[tok.i + 1].lower_ == "to":
                r = self.according(tok, sent, text)
                if r:
                    r.extra["rule"] = "according"
                    out.append(r)
                continue
            found = self.verb_cue(tok)
            confirmed = new_cue = False
            p = None
            if self.model is not None and tok.pos_ == "VERB":
                from claimmap.statements.learned import features

                inq = self.in_quote(text, tok.idx)
                p = self.model.prob(features(tok, self.lex, inq))
                if found and p < self.model.threshold * 0.5:
                    continue  # the model vetoes a lexicon cue in this context
                confirmed = p >= self.model.threshold and not inq
                if not found and confirmed and p >= NEW_CUE_THRESHOLD and tok.lemma_.lower() not in self.lex.never:
                    found = (tok.lemma_.lower(), "assert", [tok])
                    if NEW_CUE_NEEDS_SUBJECT and self.subject(tok) is None:
                        continue
                    new_cue = True
            if found and self.in_quote(text, tok.idx):
                continue
            if found:
                r = self.from_verb(tok, found, sent, text, confirmed=confirmed)
                if r and not (new_cue and NEW_CUE_NEEDS_SUBJECT and r.speaker_start is None and not r.extra.get("raised")):
                    r.extra.update(rule="learned" if new_cue else "verb", p=p, weak=found[0] in self.lex.weak,
                                   aux=tok.pos_ == "AUX" or tok.tag_ in ("VBG", "VBN"))
                    out.append(r)
                continue
            if tok.pos_ == "NOUN" and tok.lemma_.lower() in self.lex.nouns:
                r = self.from_noun(tok, sent, text)
                # a statement noun nobody holds ("the belief that …", "amid claims that …") names
                # no party's position (and PolNeAR's cue there is the verb around it)
                if r and r.speaker_start is not None:
                    r.extra["rule"] = "noun"
                    out.append(r)
        for tok in sent:
            if tok.text == ":" and tok.i > sent.start:
                r = self.colon_quote(tok, sent, text, out)
                if r is not None:
                    out.append(r)
        # "continued to portray X", "went on to rebut X": one report whose cue is the verb chain
        by_tok = {r.cue_token: r for r in out if r.cue_token >= 0}
        for inner in list(out):
            t = doc[inner.cue_token] if 0 <= inner.cue_token < len(doc) else None
            if t is None or t.dep_ != "xcomp" or t.head.i not in by_tok:
                continue
            outer = by_tok[t.head.i]
            if outer is inner or outer.lemma.split()[0] not in self.lex.chain_verbs or outer not in out:
                continue
            out.remove(outer)
            inner.cue_start = min(inner.cue_start, outer.cue_start)
            inner.cue_text = text[inner.cue_start:inner.cue_end]
            if inner.speaker_start is None and outer.speaker_start is not None:
                inner.speaker_start, inner.speaker_end, inner.speaker_text = (
                    outer.speaker_start, outer.speaker_end, outer.speaker_text)
                inner.speaker_pronoun, inner.speaker_person = outer.speaker_pronoun, outer.speaker_person
                inner.speaker_relative_to, inner.speaker_appos = outer.speaker_relative_to, outer.speaker_appos
                inner.speaker_phrase = outer.speaker_phrase
        # "X said A and said B": the first content stops before "and said"
        for r in out:
            if "cut" in r.extra:
                outer_i, cut = r.extra["cut"]
                for o in out:
                    if o.cue_token == outer_i and o.content_start < cut < o.content_end:
                        o.content_start, o.content_end = _trim(text, o.content_start, cut)
        # a cue verb in a relative clause on a claim noun takes the claim's content
        for r in out:
            if r.content_from == "claim-noun":
                head_i = r.extra["noun"]
                prev = [o for o in out if o is not r and o.cue_token < head_i and o.content_end <= doc[head_i].idx
                        and o.content_start < o.content_end]
                if prev:
                    p = prev[-1]
                    r.content_start, r.content_end = p.content_start, p.content_end
        return out

    # ----------------------------------------------------------------------------- block
    def _quote_run(self, text: str, a: int, b: int) -> tuple[int, int] | None:
        """(opening mark, closing mark) positions of the one quotation that holds [a, b)."""
        if a >= b:
            return None
        self.in_quote(text, a)  # builds the mask for this text
        m = self._mask
        if not all(m[a:b]):
            return None
        j = a
        while j > 0 and m[j - 1]:
            j -= 1
        k = b
        while k < len(text) and m[k]:
            k += 1
        if k >= len(text) or not (text[j] in OPEN_QUOTES or text[j:j + 2] == "''"):
            return None
        if text[k] not in CLOSE_QUOTES and text[k:k + 2] != "''":
            return None
        return j, k

    def finish(self, raws: list[Raw], text: str) -> None:
        """Block-level fixes over the statements of one parsed block (``text``): whole quotations
        (every sentence of a quotation next to its cue, and a quotation resumed after the
        attribution: "“A,” he said. “B.”"), no wire dateline and no leading "But"/"And"."""
        # a Q&A answer line that carries reports of its own ("A: I think …", "A: They told us …"):
        # those reports are its statements, not the whole line as well (it has no speaker and
        # confidence 0 anyway; PolNeAR marks the inner attributions)
        for q in [r for r in raws if r.extra.get("rule") == "qa"]:
            if any(o is not q and q.content_start <= o.cue_start < q.content_end for o in raws):
                raws.remove(q)
        cues = sorted(r.cue_start for r in raws)
        for r in raws:
            self._addressee_quote(r, text, cues)
        for r in raws:
            if r.speaker_start is not None:
                m = DATELINE.match(text[r.speaker_start:r.speaker_end])
                if m and m.end() < r.speaker_end - r.speaker_start:
                    r.speaker_start += m.end()
                    r.speaker_text = text[r.speaker_start:r.speaker_end]
            if r.content_start >= r.content_end:
                continue
            a, b = r.content_start, r.content_end
            while a < b and text[a] in QUOTE_CHARS:
                a += 1
            while b > a and text[b - 1] in QUOTE_CHARS or b > a + 1 and text[b - 1] in ".,!?" and text[b - 2] in QUOTE_CHARS:
                b -= 1
            run = self._quote_run(text, a, b)
            if run is not None:
                j, k = run
                open_w = 2 if text[j:j + 2] == "''" else 1
                close_w = 2 if text[k:k + 2] == "''" else 1
                between_after = text[k + close_w:r.cue_start] if r.cue_start >= k + close_w else None
                between_before = text[r.cue_end:j] if r.cue_end <= j else None
                near = (between_after is not None and len(between_after) <= 80
                        and not _sentence_end(between_after)) or (
                        between_before is not None and len(between_before) <= 12
                        and not _sentence_end(between_before))
                spk_in = r.speaker_start is not None and j <= r.speaker_start < k
                # the cue's content begins where the quotation opens ("said in a statement on
                # Monday: \"A. B.\""): the whole quotation, however far the cue
                opens = r.content_start <= j + open_w and r.cue_end <= j
                if (near or opens) and not spk_in:
                    cs, ce = _trim(text, j + open_w, k, strip_quotes=False)
                    if cs < ce:
                        r.content_start, r.content_end = cs, ce
                        r.kind = "direct"
                        if between_after is not None:
                            self._continue_quote(r, k + close_w, text, cues)
                        elif near:
                            self._quote_before_cue(r, j, text, cues)
                continue
            if self._whole_quote_in_content(r, text, cues):
                continue
            if r.kind != "direct":
                m = DATELINE.match(text[r.content_start:r.content_end])
                if m and m.end() < r.content_end - r.content_start:
                    r.content_start += m.end()
                m = LEADING_CC.match(text[r.content_start:r.content_end])
                if m and m.end() < r.content_end - r.content_start:
                    r.content_start += m.end()
                # "… falls flat for one reason: The pride Mr. Cruz feels …": a content that stops
                # at a colon goes on with what the colon introduces, to the sentence end
                k = r.content_end
                while k < r.sent_end and text[k] in " \t.,;!?\"”’'":
                    k += 1
                if not r.parts and k < r.sent_end and text[k] == ":" \
                        and r.cue_start < r.content_start and not any(k < c < r.sent_end for c in cues):
                    a2, b2 = _trim(text, k + 1, r.sent_end, strip_quotes=False)
                    if a2 < b2 and text[a2] not in QUOTE_CHARS and "\n" not in text[k:b2]:
                        r.content_end = b2

    def _addressee_quote(self, r: Raw, text: str, cues: list[int]) -> None:
        """"telling reporters, “A”", "tweeting at him, "A"", "told him: "A"": a content that is
        only the addressee right after the cue, followed by a comma or colon and a quotation,
        is that quotation (unless the quotation has an attribution of its own)."""
        if r.kind == "direct" or r.parts or r.content_start < r.cue_end or r.content_start - r.cue_end > 2:
            return
        words = text[r.content_start:r.content_end].split()
        if not 0 < len(words) <= 4 or not (r.lemma.split()[0] in self.lex.addressee_verbs or words[0].lower() in ("at", "to")):
            return
        m = re.match(r"\s*[,:]\s*(?=[“\"«]|'')", text[r.content_end:r.content_end + 8])
        if m is None:
            return
        k = r.content_end + m.end()
        w = 2 if text[k:k + 2] == "''" else 1
        run = self._quote_run(text, k + w, k + w + 1) if k + w + 1 < len(text) else None
        if run is None or run[0] != k or any(k < c < run[1] + 40 for c in cues):
            return
        cs, ce = _trim(text, k + w, run[1], strip_quotes=False)
        if ce - cs >= 8:
            r.content_start, r.content_end, r.kind = cs, ce, "direct"

    def _whole_quote_in_content(self, r: Raw, text: str, cues: list[int]) -> bool:
        """A content that holds part of a quotation, not all of it: True when fixed.

        * it ends inside a quotation it opened (he said "A. B." parsed as the first sentence):
          the content runs on to the closing mark, across sentence ends;
        * it is the clause before the cue and ends with a quotation opened inside it ("X weighed
          in, telling Y, “A,” he said"): the content is that quotation."""
        a, b = r.content_start, r.content_end
        if r.parts or a >= b:
            return False
        self.in_quote(text, a)
        m = self._mask
        if m[b - 1] and not (b < len(text) and text[b] in CLOSE_QUOTES and not m[b]):
            # the opening mark of the quotation that holds the content's end
            j = b - 1
            while j > 0 and m[j - 1]:
                j -= 1
            if j >= a - 2 and (text[j] in OPEN_QUOTES or text[j:j + 2] == "''"):
                k = b
                while k < len(text) and m[k]:
                    k += 1
                if k < len(text) and k - b < 1500 and not any(b <= c < k for c in cues) and (
                        text[k] in CLOSE_QUOTES or text[k:k + 2] == "''"):
                    _s, e = _trim(text, a, k, strip_quotes=False)
                    if e > b:
                        r.content_end = e
                        return True
        if b <= r.cue_start:
            e = b
            while e < len(text) and (text[e] in ".,!?" or text[e] in CLOSE_QUOTES or text[e:e + 2] == "''"):
                e += 1
            q = self.quote_before(text, e)
            if q is not None and a < q[0] - 1 and q[1] >= b - 1 and not re.search(r"[.!?]", text[q[1]:r.cue_start]) \
                    and not _quote_ends_clause(text, a, q[0]):
                cs, ce = _trim(text, *q, strip_quotes=False)
                if cs < ce:
                    r.content_start, r.content_end = cs, ce
                    r.kind = "direct"
                    return True
        return False

    def continuation(self, prev: Raw, prev_shift: int, text: str, shift: int) -> Raw | None:
        """A paragraph that is only a quotation (``text``, at ``shift``), right after a paragraph
        whose last statement ``prev`` (at ``prev_shift``) is a direct quotation: the same speaker
        goes on ("He said: “A.”" / "“B.”"). No cue of its own; None when it does not apply."""
        if prev.kind != "direct" or prev.speaker_start is None:
            return None
        a = len(text) - len(text.lstrip())
        if a >= len(text) or not (text[a] in "“«„\"" or text[a:a + 2] == "''"):
            return None
        open_w = 2 if text[a:a + 2] == "''" else 1
        run = self._quote_run(text, a + open_w, a + open_w + 1) if a + open_w + 1 < len(text) else None
        if run is not None and run[0] == a:
            end = run[1]
            if text[end:].strip(" \t.,\"”»'"):
                return None  # the paragraph goes on after the quotation (an attribution of its own)
        elif self.in_quote(text, len(text.rstrip()) - 1):
            end = len(text.rstrip())  # a quotation running on into the next paragraph
        else:
            return None
        cs, ce = _trim(text, a + open_w, end, strip_quotes=False)
        if ce - cs < 15:
            return None
        r = Raw(cue_start=cs, cue_end=cs, cue_text="", lemma="", polarity="assert", content_start=cs,
                content_end=ce, kind="direct", sent_start=a, sent_end=len(text.rstrip()), cue_token=-1)
        d = prev_shift - shift
        r.speaker_start, r.speaker_end = prev.speaker_start + d, prev.speaker_end + d
        r.speaker_text, r.speaker_pronoun, r.speaker_person = prev.speaker_text, prev.speaker_pronoun, prev.speaker_person
        r.speaker_relative_to = (prev.speaker_relative_to[0] + d, prev.speaker_relative_to[1] + d) \
            if prev.speaker_relative_to else None
        r.speaker_appos = (prev.speaker_appos[0] + d, prev.speaker_appos[1] + d) if prev.speaker_appos else None
        r.speaker_phrase = (prev.speaker_phrase[0] + d, prev.speaker_phrase[1] + d) if prev.speaker_phrase else None
        r.extra["rule"] = "continuation"
        return r

    def _quote_before_cue(self, r: Raw, b_open: int, text: str, cues: list[int] = ()) -> None:
        """“A,” she said, “B.” where the content found is B: the content starts at A (not when
        another cue stands between A and this one: “A,” he said, adding, “B”)."""
        left = min(r.cue_start, r.speaker_start if r.speaker_start is not None else r.cue_start)
        q = left
        while q > 0 and text[q - 1] in " \t":
            q -= 1
        k = q - 1
        if k < 1 or not (text[k] in CLOSE_QUOTES or text[k - 1:k + 1] == "''"):
            return
        k = k - 1 if text[k - 1:k + 1] == "''" else k
        while k > 0 and text[k - 1] in ",.!?":
            k -= 1
        run = self._quote_run(text, k - 1, k) if k > 0 else None
        if run is None or re.search(r"[.!?]", text[left:b_open]) or any(k < c < r.cue_start for c in cues):
            return
        j, _k = run
        open_w = 2 if text[j:j + 2] == "''" else 1
        a_s, a_e = _trim(text, j + open_w, k, strip_quotes=False)
        if a_s < a_e:
            r.parts = [(a_s, a_e), (r.content_start, r.content_end)]
            r.content_start = a_s

    def _continue_quote(self, r: Raw, after_close: int, text: str, cues: list[int]) -> None:
        """“A,” he said. “B.” -> the content runs on to the end of B (parts A and B), unless B
        carries an attribution of its own."""
        end_attr = max(x for x in (r.cue_end, r.speaker_end or 0, after_close))
        # the attribution clause runs to its sentence end or to a ", “" resuming the quote
        m = RESUME.search(text, end_attr, min(len(text), max(r.sent_end, end_attr) + 3))
        if m is None or "\n" in text[end_attr:m.start()]:
            return
        p = m.end()
        for c in cues:
            w = re.match(r"\w+", text[c:p]) if end_attr <= c < p else None
            if w and text[c + w.end():p].strip(" ,:\t") == "":
                return  # "“A,” he said, adding, “B”": B is the second cue's
        run = self._quote_run(text, p + 1, p + 2) if p + 2 < len(text) else None
        if run is None or run[0] != p:
            return
        j, k = run
        close_w = 2 if text[k:k + 2] == "''" else 1
        # an attribution of its own ("“B,” she said") or inside it: not a continuation
        if any(j < c < k + close_w + 40 for c in cues):
            return
        open_w = 2 if text[j:j + 2] == "''" else 1
        bs, be = _trim(text, j + open_w, k, strip_quotes=False)
        if bs >= be:
            return
        r.parts = (r.parts or [(r.content_start, r.content_end)]) + [(bs, be)]
        r.content_end = be

    def headline(self, sent, text) -> Raw | None:
        """Headline-style "Kremlin: Kiev Broke Off Contact" at the start of a line."""
        a = sent.start_char
        if a > 0 and text[a - 1] != "\n":
            return None
        doc = sent.doc
        colon = next((t for t in doc[sent.start:min(sent.end, sent.start + 7)] if t.text == ":"), None)
        if colon is None or colon.i == sent.start:
            return None
        before = [t for t in doc[sent.start:colon.i]]
        # drop a leading kicker ("EXCLUSIVE –")
        for k, t in enumerate(before):
            if t.text in ("–", "—", "-", "|"):
                before = before[k + 1:]
        if len(before) == 1 and before[0].text in ("A", "Answer", "A.") and colon.i == before[0].i + 1:
            # a Q&A interview's answer line ("A: …"): the interviewee's statement (speaker left to
            # the reader: "A" names nobody)
            cs, ce = _after_colon(text, colon.idx)
            if ce - cs < 8:
                return None
            r = Raw(cue_start=colon.idx, cue_end=colon.idx + 1, cue_text=":", lemma=":", polarity="assert",
                    content_start=cs, content_end=ce, kind="direct", sent_start=sent.start_char,
                    sent_end=sent.end_char, cue_token=colon.i)
            r.extra["rule"] = "qa"
            return r
        if not before or not any(t.pos_ == "PROPN" for t in before) or any(
                t.pos_ in ("VERB", "AUX", "ADP", "SCONJ", "NUM") for t in before):
            return None
        # a named party ("Kremlin:", "Zelensky:"), not a topic label ("Ukraine crisis:", "Analysis:")
        if before[-1].pos_ != "PROPN" or not before[-1].ent_type_ or any(
                t.pos_ not in ("PROPN", "DET", "PART", "PUNCT") for t in before):
            return None
        if any(t.text == "," for t in before) and all(t.ent_type_ in ("GPE", "LOC") or t.is_punct for t in before):
            return None  # a dateline ("Washington, DC, United States: …"), not a party
        cs, ce = _after_colon(text, colon.idx)
        if ce - cs < 8:
            return None
        r = Raw(cue_start=colon.idx, cue_end=colon.idx + 1, cue_text=":", lemma=":", polarity="assert",
                content_start=cs, content_end=ce, kind="direct" if _is_quoted(text, cs, ce) else "indirect",
                sent_start=sent.start_char, sent_end=sent.end_char, cue_token=colon.i)
        head = next((t for t in reversed(before) if t.pos_ == "PROPN"), before[-1])
        self._set_speaker(r, head, before, text)
        return r

    def headline_tail(self, sent, text) -> Raw | None:
        """A one-line headline crediting its source at the end ("Putin ready for talks in Minsk:
        Kremlin", "Russian forces interfering at nuclear plant: IAEA", "Russia ready to talk -
        Kremlin"): the whole line before the separator is the content, the one to three name
        tokens after it the speaker. A topic label ("Ukraine war: What we know") puts its name
        first and is not this; a line with a cue verb of its own is read by that verb."""
        a = sent.start_char
        if a > 0 and text[a - 1] != "\n":
            return None
        line_end = text.find("\n", a)
        line_end = len(text) if line_end < 0 else line_end
        if sent.end_char < line_end - 1 or line_end - a > 200:
            return None  # one sentence that is the whole line, headline-long
        doc = sent.doc
        toks = [t for t in doc[sent.start:sent.end] if not (t.is_punct and t.i == sent.end - 1 and t.text in ".!")]
        sep = next((t for t in reversed(toks[:-1]) if t.text in (":", "-", "–", "—")), None)
        if sep is None:
            return None
        source = [t for t in toks if t.i > sep.i]
        before = [t for t in toks if t.i < sep.i]
        if not 1 <= len(source) <= 3 or len(before) < 4:
            return None
        if sep.text != ":" and not (text[sep.idx - 1:sep.idx] == " "):  # "-RIA" / " - Kremlin", not "Nord-Stream"
            return None
        named = all(t.pos_ == "PROPN" and t.text[:1].isupper() or t.is_upper and len(t.text) >= 2
                    or t.text in (".", "'s") for t in source)
        if not named or not any(t.ent_type_ in ("ORG", "PERSON", "GPE", "NORP") or t.is_upper for t in source):
            return None
        if not any(t.pos_ in ("VERB", "AUX", "ADJ") for t in before):
            return None  # a proposition, not a bare name list
        if any(self.verb_cue(t) for t in before if t.pos_ == "VERB"):
            return None
        cs, ce = _trim(text, before[0].idx, sep.idx)
        if ce - cs < 12:
            return None
        r = Raw(cue_start=sep.idx, cue_end=sep.idx + len(sep.text), cue_text=sep.text, lemma=":", polarity="assert",
                content_start=cs, content_end=ce, kind="according_to", sent_start=sent.start_char,
                sent_end=sent.end_char, cue_token=sep.i)
        head = next((t for t in reversed(source) if t.pos_ == "PROPN" or t.is_upper), source[-1])
        self._set_speaker(r, head, source, text)
        r.extra["rule"] = "headline_tail"
        return r

    def colon_quote(self, colon, sent, text, found) -> Raw | None:
        """A quotation introduced by a colon after its source, with no cue verb ("… doesn't
        surprise pollster Daron Shaw: “A.”", "- Philip Bump: “A.”", "From the report: “A.”"): the
        noun phrase that ends at the colon is the speaker, the colon the cue."""
        k = colon.idx + 1
        while k < len(text) and text[k] in " \t":
            k += 1
        if k >= len(text) or not (text[k] in "“«„\"" or text[k:k + 2] == "''"):
            return None
        w = 2 if text[k:k + 2] == "''" else 1
        run = self._quote_run(text, k + w, k + w + 1) if k + w + 1 < len(text) else None
        if run is None or run[0] != k:
            return None
        cs, ce = _trim(text, k + w, run[1], strip_quotes=False)
        if ce - cs < 15 or any(r.content_start < ce and cs < r.content_end for r in found):
            return None  # a cue of its own took it ("X said: “A”")
        doc = colon.doc
        chunk = next((c for c in doc.noun_chunks if c.end == colon.i and c.start >= sent.start), None)
        if chunk is None:
            return None
        root = chunk.root
        # a named source ("Philip Bump:", "Pew Research:") or what a text comes from ("From the
        # report:"), not a list's head ("three parts: “…”")
        named = root.pos_ == "PROPN" or root.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
        source = root.pos_ == "NOUN" and root.dep_ == "pobj" and root.head.lower_ == "from"
        if not (named or source) or root.dep_ == "pobj" and root.head.lower_ not in ("from", "by"):
            return None
        r = Raw(cue_start=colon.idx, cue_end=colon.idx + 1, cue_text=":", lemma=":", polarity="assert",
                content_start=cs, content_end=ce, kind="direct", sent_start=sent.start_char,
                sent_end=sent.end_char, cue_token=colon.i)
        self._set_speaker(r, chunk.root, list(chunk), text)
        r.extra["rule"] = "colon"
        return r

    def according(self, tok, sent, text) -> Raw | None:
        doc = sent.doc
        to = doc[tok.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None) or next(
            (c for c in tok.children if c.dep_ == "pobj"), None)
        src_toks = self.mention_tokens(pobj) if pobj is not None else None
        phrase = {tok.i, to.i} | ({t.i for t in pobj.subtree} if pobj is not None else set())
        lo, hi = min(phrase), max(phrase)
        # content: the clause the phrase modifies, minus the phrase; the side with more words
        left = [t for t in sent if t.i < lo]
        right = [t for t in sent if t.i > hi]
        words = lambda ts: sum(not t.is_punct for t in ts)  # noqa: E731  (hyphens are tokens too)
        cand = right if words(right) >= words(left) else left
        h = tok.head
        while h.dep_ in ("prep", "pobj", "advmod") and h.head is not h and h.i in phrase:
            h = h.head
        if h.pos_ in ("VERB", "AUX") and h.i not in phrase and (h.dep_ == "ROOT" or h.head.i in phrase or h.head.i == h.i):
            # the clause the phrase modifies: the side that holds its verb ("A, according to X,
            # despite B" is A)
            cand = left if h.i < lo else right
            found = self.verb_cue(h)
            if found and h.i < lo and found[0].split()[0] not in self.lex.weak and self.subject(h) is not None:
                # "“…,” he said, according to the Intelligencer": the outlet only relays a named
                # party's statement, which is the statement (docs/audit-guidelines.md, nesting)
                return None
        if not cand:
            return None
        cs, ce = _trim(text, cand[0].idx, cand[-1].idx + len(cand[-1].text))
        if cs >= ce:
            return None
        r = Raw(cue_start=tok.idx, cue_end=to.idx + len(to.text), cue_text=text[tok.idx:to.idx + len(to.text)],
                lemma="according to", polarity="assert", content_start=cs, content_end=ce,
                kind="according_to", sent_start=sent.start_char, sent_end=sent.end_char, cue_token=tok.i)
        if src_toks:
            self._set_speaker(r, pobj, src_toks, text)
        return r

    def _set_speaker(self, r: Raw, head, toks, text) -> None:
        a, b = _span_chars(toks)
        a, b = _trim(text, a, b, strip_quotes=False)
        if a >= b:
            return
        r.speaker_start, r.speaker_end, r.speaker_text = a, b, text[a:b]
        low = head.lower_
        r.speaker_pronoun = head.tag_ in ("PRP", "WP") or low in REL_PRONOUNS and len(toks) == 1
        person = False
        if low in REL_PRONOUNS and len(toks) == 1:
            # "Putin, who said …": antecedent = the noun the relative clause hangs on
            v = head.head
            while v.dep_ not in ("relcl", "acl") and v.head is not v and v.dep_ in ("conj",):
                v = v.head
            if v.dep_ in ("relcl", "acl"):
                n = v.head
                if low in ("who", "whom", "whose") and n.ent_type_ != "PERSON":
                    # "Chi Onwurah, the Labour MP for Newcastle Central, who is …": the relative
                    # clause of a person's apposition hung on the place in her title; "who" is her
                    m = n
                    while m.dep_ in ("pobj", "prep", "compound", "appos") and m.head is not m:
                        m = m.head
                        if m.ent_type_ == "PERSON" and m.pos_ == "PROPN":
                            n = m
                            break
                ant = self.mention_tokens(n)
                r.speaker_relative_to = _span_chars(ant)
                person = n.ent_type_ == "PERSON"
        r.speaker_person = head.ent_type_ == "PERSON" or person
        r.speaker_appos = self.appos_of(head)
        r.speaker_phrase = self.phrase_of(head, r, a, b, text)

    @staticmethod
    def phrase_of(head, r: Raw, a: int, b: int, text: str) -> tuple[int, int] | None:
        """The whole source phrase of a noun/name speaker whose mention is [a, b): its subtree
        with appositions and relative clauses ("Hany Farid, chairman of …, who co-developed …"),
        contiguous, from the mention on, holding neither the cue nor the content; None when it
        is the mention itself."""
        if head.pos_ not in ("PROPN", "NOUN"):
            return None
        ids = {t.i for t in head.subtree}
        hi = head.i
        while hi + 1 in ids and hi + 1 != r.cue_token:
            hi += 1
        doc = head.doc
        pa, pb = _trim(text, a, doc[hi].idx + len(doc[hi].text), strip_quotes=False)
        if pb <= b or pa != a or pa <= r.cue_start < pb or pa <= r.content_start < pb or (
                r.parts and any(pa < e and s < pb for s, e in r.parts)):
            return None
        return pa, pb

    def quote_left_of(self, cue, cue_toks, sent, text):
        """(quotation inside, speaker token or None) for a cue that directly follows a quotation,
        with at most its subject in between ("“A,” X said", "“A,” said X", "“A,” she said, and
        “B”"), unless the cue has a clause of its own to the right; else None."""
        late_subj = min((ch.i for ch in cue.children if ch.dep_ in SUBJ and ch.i > cue.i), default=None)
        if any(ch.dep_ == "ccomp" and ch.i > cue_toks[-1].i and not (late_subj is not None and ch.i > late_subj)
               for ch in cue.children):
            # a clause of its own to the right (but not one the parser hung on the cue from inside
            # the speaker's phrase after it: "“A,” said X, chairman of Y, who co-developed Z")
            return None
        doc = cue.doc
        k = cue.i  # the verb group: "has said", "also added"
        while k - 1 >= sent.start and (doc[k - 1].dep_ in ("aux", "neg") or doc[k - 1].lower_ in self.lex.aux_adverbs) \
                and doc[k - 1].head.i == cue.i:
            k -= 1
        subjs = [ch for ch in cue.children if ch.dep_ in SUBJ]
        left = [ch for ch in subjs if ch.i < k and ch.right_edge.i == k - 1]
        starts = [doc[k]] + [ch.left_edge for ch in left]
        # the speaker's phrase in pieces the parse hung on the cue ("“A,” Deborah Tamargo, the
        # chairwoman of X, recalled": the name an npadvmod, the apposition the subject)
        pieces = [ch for ch in cue.children if ch.i < k and ch.dep_ in SUBJ | {"npadvmod", "appos", "dep"}
                  and ch.pos_ in ("PROPN", "NOUN", "PRON")]
        if pieces:
            lo = min(ch.left_edge.i for ch in pieces)
            covered = {t.i for ch in pieces for t in ch.subtree}
            if lo > sent.start and all(x in covered or doc[x].text in (",", "—", "–") for x in range(lo, k)):
                starts.append(doc[lo])
                left = sorted(set(left) | set(pieces), key=lambda ch: ch.i)  # the name first
        for st in starts:
            q = self.quote_before(text, st.idx)
            if q is None or q[1] >= cue.idx or q[0] < sent.start_char - 1 and q[1] < sent.start_char and not (
                    text[q[1] - 1:q[1]] in ("?", "!") and text[q[1]:sent.start_char].strip(" \t\"”’'»") == ""):
                # a quotation in an earlier sentence, unless the parser ended the sentence at its
                # own "?" or "!" ("“Why …?” Lichtman said about …")
                continue
            if text[q[1]:st.idx].strip(" \t,\"”’'»") != "" or _quote_ends_clause(text, sent.start_char, q[0]):
                continue
            inside = lambda t: q[0] <= t.idx < q[1]  # noqa: E731
            spk = next((c for c in left if not inside(c) and c.idx >= q[1]), None)
            if spk is None:
                spk = next((c for c in cue.children if c.i > cue_toks[-1].i and c.dep_ in (
                    "nsubj", "dobj", "attr", "npadvmod", "nsubjpass") and c.pos_ in ("PROPN", "NOUN", "PRON")), None)
            return q, spk
        return None

    @staticmethod
    def name_before(cue, sent):
        """The name right before a finite cue verb the parser gave no subject ("…, Trump accused
        Cruz …" parsed as a noun phrase): its tokens, else None."""
        if cue.tag_ not in ("VBD", "VBZ", "VBP", "VBN") or any(c.dep_ in ("auxpass", "aux") for c in cue.children):
            return None
        doc = cue.doc
        j = cue.i - 1
        while j >= sent.start and doc[j].tag_ in ("RB", "MD") and doc[j].dep_ != "neg":
            j -= 1  # "Trump also accused"
        if j < sent.start or doc[j].pos_ != "PROPN":
            return None
        k = j
        while k - 1 >= sent.start and doc[k - 1].pos_ in ("PROPN",) and not doc[k - 1].is_punct:
            k -= 1
        if k - 1 >= sent.start and doc[k - 1].pos_ in ("VERB", "ADP", "AUX", "DET") or \
                doc[j].ent_type_ not in ("PERSON", "ORG", "NORP", "GPE"):
            return None  # a name in another role ("voted for Trump …"), or no name at all
        return [doc[i] for i in range(k, j + 1)]

    @staticmethod
    def np_before(cue, sent):
        """The noun phrase right before a finite cue verb the parse left without a subject because
        it hung that phrase on an earlier one ("At Boca West, Jay DiPietro, the club's president,
        suggested …" with DiPietro an apposition of West; "In a message to Clinton, Tanden, head
        of X, recounted …"; "After a day of tensions, the Speaker's office announced …" with the
        office a conjunct of a preceding object): the head of that phrase, else None. The phrase
        must open the clause (after a comma, dash or parenthesis, or at the sentence start) and end
        right before the verb group."""
        doc = cue.doc
        finite = cue.tag_ in ("VBD", "VBZ", "VBP") or any(
            c.dep_ == "aux" and c.tag_ in ("MD", "VBZ", "VBP", "VBD") for c in cue.children)
        if not finite or cue.dep_ not in ("ROOT", "ccomp") or any(
                c.dep_ in ("nsubj", "nsubjpass", "csubj", "csubjpass", "expl", "auxpass") for c in cue.children):
            return None
        k = cue.i  # the verb group: "have said", "also noted"
        while k - 1 >= sent.start and doc[k - 1].head.i == cue.i and (
                doc[k - 1].dep_ in ("aux", "neg") or doc[k - 1].dep_ == "advmod" and doc[k - 1].tag_ == "RB"):
            k -= 1
        j = k - 1
        if j >= sent.start and doc[j].text in (",", "—", "–", "-"):
            j -= 1  # "…, the club's president, suggested"
        if j < sent.start or doc[j].pos_ not in ("NOUN", "PROPN"):
            return None
        n = doc[j]
        while n.head is not n and n.head.i < k:
            h = n.head
            if n.dep_ == "pobj" and h.dep_ == "prep" and h.head.pos_ in ("NOUN", "PROPN") and h.head.i < h.i:
                n = h.head  # "head of the Center for American Progress"
            elif n.dep_ in ("conj", "appos", "compound") and h.pos_ in ("NOUN", "PROPN") and h.dep_ not in (
                    "pobj", "dobj", "obj", "dative") and (n.dep_ != "conj" or any(
                    c.dep_ == "cc" and h.i < c.i < n.i for c in h.children)):
                n = h  # "DiPietro, the club's president"; "X and Y"
            else:
                break
        if n.dep_ not in ("appos", "conj", "npadvmod", "dep") or n.head.i >= n.i:
            return None
        if n.dep_ == "appos":
            # "Tanden, head of X": the first of the apposed phrases
            sib = [c for c in n.head.children if c.dep_ == "appos" and c.i < n.i]
            if sib:
                n = sib[0]
        if n.dep_ == "conj" and any(c.dep_ == "cc" and n.head.i < c.i < n.i for c in n.head.children):
            return None  # a coordinated object ("met with X and Y"), not a new clause
        le = n.left_edge
        if le.i > sent.start and doc[le.i - 1].text not in (",", "—", "–", "-", "(", ";"):
            return None
        if any(t.pos_ in ("VERB", "AUX") for t in doc[le.i:k] if t.i in {x.i for x in n.subtree}
               and t.dep_ not in ("amod", "compound")) and n.pos_ != "PROPN":
            return None
        return n

    @staticmethod
    def modal_name(cue):
        """A capitalised "modal" the parse put before a finite verb form ("Will wrote", "Will
        believes Christie has …"): a modal takes the bare infinitive, so before a past or
        present-tense form the word is a name, the verb's subject. The token, else None."""
        if cue.tag_ not in ("VBD", "VBZ", "VBN"):
            return None
        doc = cue.doc
        for ch in cue.children:
            if ch.dep_ == "aux" and ch.tag_ == "MD" and ch.i < cue.i and ch.text[:1].isupper() and \
                    ch.text[1:].islower() and all(doc[k].tag_ in ("RB", "RBR") for k in range(ch.i + 1, cue.i)) and \
                    not any(c.dep_ in ("aux", "auxpass") and c.i != ch.i for c in cue.children):
                return ch
        return None

    @staticmethod
    def np_after(cue, cue_toks, sent):
        """The noun phrase right after an inverted cue whose content came first ("“A,” said David
        Brock, a Clinton confidant who heads …", "A, said a former spokesman for X") when the parse
        hung it elsewhere (the subject of a verb inside its relative clause, a second complement):
        its head, else None."""
        doc = cue.doc
        i = cue_toks[-1].i + 1
        if cue.tag_ not in ("VBD", "VBZ") or i >= sent.end or doc[i].pos_ not in ("DET", "ADJ", "PROPN", "NOUN"):
            return None
        best = None
        for t in doc[i:sent.end]:
            if t.pos_ in ("NOUN", "PROPN") and t.left_edge.i == i and t.head.i != cue.i:
                best = t if best is None or t.right_edge.i > best.right_edge.i else best
            if t.is_punct:
                break
        if best is None or best.dep_ in ("pobj", "compound") or best.tag_ == "NNS" and best.pos_ == "NOUN":
            return None
        return best

    def from_verb(self, cue, found, sent, text, confirmed: bool = False) -> Raw | None:
        """``confirmed``: the learned detector says this is a cue (weak-cue limits are lifted and
        a content is always found: at worst the rest of the cue's phrase)."""
        lemma, polarity, cue_toks = found
        base = lemma.split()[0]
        if lemma in ("accuse", "charge", "blame", "fault") and not any(c.dep_ in ("dobj", "obj", "ccomp", "aux", "auxpass")
                                                                     for c in cue.children) \
                and any(c.dep_ == "prep" and c.lower_ in ("of", "for") for c in cue.children):
            # "Mark Meadows accused of timing retirement …" (a headline's passive without its
            # auxiliary): the subject is the accused, not the accuser, and nobody is named
            return None
        if any(c.dep_ == "auxpass" for c in cue.children) and not any(c.dep_ == "agent" for c in cue.children):
            # perception passive ("is said to have been", "is believed to", "it was reported that"):
            # its subject is not the speaker and nobody is named
            return None
        weak = base in self.lex.weak and " " not in lemma and not confirmed
        if lemma == "call" and not any(c.dep_ in ("oprd", "xcomp", "attr", "acomp") or c.dep_ == "ccomp" and c.tag_ != "VBG"
                                       or c.dep_ in ("dobj", "obj") and any(g.dep_ in ("amod", "appos", "oprd") and g.i > c.i
                                                                            for g in c.subtree)  # (a misparsed "called X a Y")
                                       for c in cue.children):
            return None  # "called the police", "called a meeting": a call made, nothing named or said
        subj = self.subject(cue)
        name_aux = self.modal_name(cue) if subj is None else None
        if name_aux is not None:
            subj = name_aux
        kind = "indirect"
        how = None
        # relative clause on a claim noun: "a claim the Kremlin has denied"
        if cue.dep_ == "relcl" and cue.head.lemma_.lower() in self.lex.nouns and not any(
                ch.dep_ in ("ccomp", "dobj", "xcomp") and ch.lower_ not in REL_PRONOUNS for ch in cue.children):
            noun = cue.head
            own = self._noun_clause(noun, exclude=cue)
            if own:
                toks = own
            else:
                toks = [t for t in noun.subtree if t.i not in {x.i for x in cue.subtree}]
            cs, ce = _trim(text, *_span_chars(toks))
            r = self._make(cue, cue_toks, lemma, polarity, cs, ce, "indirect", sent, text)
            if not own:
                r.content_from = "claim-noun"
                r.extra["noun"] = noun.i
            if subj is not None and subj.lower_ not in REL_PRONOUNS:
                self._set_speaker(r, subj, self.mention_tokens(subj), text)
            return r
        toks = how = quote = parts = None
        raised = False
        pre = self.quote_left_of(cue, cue_toks, sent, text)
        if pre is not None:
            # "“A,” X said" / "“A,” said X" whatever the parse made of it (the quotation taken for
            # the subject, the cue for a parenthetical of the quoted clause)
            quote, subj = pre
        left_clause = any(ch.dep_ in ("ccomp", "parataxis") and ch.i < cue.i for ch in cue.children)
        if left_clause and any(ch.dep_ == "ccomp" and ch.i > cue.i for ch in cue.children):
            # a clause on either side: the one before is the content only when punctuation sets
            # it off ("A, X said that …" is rare; "Few would admit this, but X (…) says he …" is
            # a parse of the sentence's first half as the cue's clause)
            lc = max((ch for ch in cue.children if ch.dep_ in ("ccomp", "parataxis") and ch.i < cue.i),
                     key=lambda ch: ch.i)
            edge = lc.right_edge
            gap = text[edge.idx if edge.is_punct else edge.idx + len(edge.text):cue.idx]
            if not re.match(r"\s*(?:[,:;—–]|[”\"’']|'')", gap):
                left_clause = False
        if quote is None and left_clause and (subj is None or subj.i > cue.i or (
                subj.left_edge.i > sent.start and self.quote_before(text, subj.left_edge.idx) is not None)):
            # "“…,” added another Democrat": content before, speaker after the cue
            inv = self.inverted_content(cue, sent)
            if inv:
                toks, how = inv, "inverted"
                if subj is None:
                    subj = next((ch for ch in cue.children if ch.dep_ in ("dobj", "attr", "npadvmod", "nsubjpass")
                                 and ch.i > cue.i and ch.pos_ in ("PROPN", "NOUN", "PRON")), None)
        if toks is None and quote is None and lemma != "put it":
            toks, how = self.complement(cue, cue_toks, lemma)
        if toks is None and quote is None:
            quote = self.quote_after(cue, sent.end_char, text)
        if toks is None and quote is None:
            inv = self.inverted_content(cue, sent)
            if inv:
                toks, how = inv, "inverted"
        if toks is None and quote is None:
            # the quotation that ends right before this clause ("“…?” Borger asked.")
            left = min([cue.left_edge.idx] + ([subj.left_edge.idx] if subj is not None else []))
            if left - sent.start_char <= 1 or text[sent.start_char:left].strip(" ,") == "":
                quote = self.quote_before(text, left)
        if toks is None and quote is None and confirmed:
            skip = {t.i for ch in cue.children if ch.dep_ in ("agent", "nsubj", "nsubjpass", "npadvmod")
                    for t in ch.subtree}
            right = [t for t in cue.subtree if t.i > cue_toks[-1].i and t.dep_ not in ("cc",) and t.i not in skip]
            # it stops at a coordinated verb, and at a report of the same speaker set off by a comma
            # ("pushed back on those claims, saying that …")
            cut = next((k for k, t in enumerate(right) if t.head.i == cue.i and (t.dep_ == "conj" or (
                t.dep_ == "advcl" and t.tag_ == "VBG" and k > 1 and t.lemma_.lower() in self.lex.verbs
                and t.doc[t.left_edge.i - 1].text == ","))), None)
            if cut is not None:
                right = right[:cut]
            if not right:
                right = [t for t in sent if t.i > cue_toks[-1].i]
            if right:
                toks, how = right, "object"
        if toks is None and quote is None:
            return None
        if quote is not None:
            cs, ce = quote
            cs, ce = _trim(text, cs, ce, strip_quotes=False)
            kind = "direct"
        else:
            # drop a leading complementiser "that"
            if toks and toks[0].lower_ == "that" and toks[0].dep_ == "mark":
                toks = toks[1:]
            # "spoke about X", "warned of X": the preposition goes with the cue
            if (len(toks) > 1 and toks[0].dep_ == "prep" and toks[0].head.i == cue.i
                    and toks[0].lower_ in CUE_PREPS and toks[1].dep_ in ("pobj", "pcomp", "det", "amod",
                                                                        "compound", "poss", "nummod")):
                if toks[0].i == cue_toks[-1].i + 1 and len(cue_toks) == 1:
                    cue_toks = cue_toks + [toks[0]]
                toks = toks[1:]
            if not toks:
                return None
            if weak and how == "object":
                return None
            toks = _drop_trailing_modifier(toks, text, self.lex.verbs)
            raw_s, raw_e = _span_chars(toks)
            runs = [[toks[0]]]
            for t in toks[1:]:
                if t.i == runs[-1][-1].i + 1:
                    runs[-1].append(t)
                else:
                    runs.append([t])
            if len(runs) > 1 and runs[0][-1].i < cue.i < runs[-1][0].i:
                # a parenthetical report ("If A, he said, B"): the pieces around it
                parts = [_trim(text, *_span_chars(run)) for run in runs]
                parts = [p for p in parts if p[0] < p[1]]
            quoted = _is_quoted(text, *_trim(text, raw_s, raw_e, strip_quotes=False))
            cs, ce = _trim(text, raw_s, raw_e)
            if quoted or (cs, ce) != _trim(text, raw_s, raw_e, strip_quotes=False) and _is_quoted(text, cs, ce):
                kind = "direct"
            elif how == "object":
                kind = "narrated"
        if cs >= ce:
            return None
        if lemma == "report" and kind != "direct":
            kind = "according_to"
        if self.negated(cue):
            polarity = self.lex.negated(lemma, polarity)
        if (lemma in self.lex.raising_verbs and kind != "direct" and subj is not None
                and subj.dep_ in ("nsubj", "nsubjpass") and subj.head.i == cue.i and subj.i < cue.i and not parts
                and subj.lower_ not in REL_PRONOUNS and subj.right_edge.i < cue.i):
            # "X seems to be Y", "the race appears to tighten": the subject is part of what is
            # reported, not a speaker (nobody is named)
            sa, sb = _trim(text, *_span_chars(list(subj.subtree)))
            if sa < sb <= cs:
                parts = [(sa, sb), (cs, ce)]
                cs = sa
                subj = None
                raised = True
        r = self._make(cue, cue_toks, lemma, polarity, cs, ce, kind, sent, text)
        if name_aux is not None and r.cue_start <= name_aux.idx:
            nxt = cue.doc[name_aux.i + 1]  # the name is no part of the verb group
            r.cue_start, r.cue_text = nxt.idx, text[nxt.idx:r.cue_end]
        if raised:
            r.extra["raised"] = True
        outer = self.lifted(cue)
        if outer is not None:
            cc = [c for c in cue.head.children if c.dep_ == "cc" and c.i < cue.i]
            r.extra["cut"] = (outer.i, (cc[-1] if cc else cue.left_edge).idx)
        if subj is not None:
            self._set_speaker(r, subj, self.mention_tokens(subj) if subj.dep_ != "acl" else [subj], text)
        else:
            left = self.name_before(cue, sent)
            if left:
                self._set_speaker(r, left[-1], left, text)
            elif (n := self.np_before(cue, sent)) is not None:
                self._set_speaker(r, n, self.mention_tokens(n), text)
            elif ce <= cue.idx and (n := self.np_after(cue, cue_toks, sent)) is not None:
                self._set_speaker(r, n, self.mention_tokens(n), text)
        if parts and len(parts) > 1:
            r.parts = parts
        if r.speaker_start is not None and any(a <= r.speaker_start < b for a, b in (parts or [(cs, ce)])):
            # speaker inside the content (parse error or inheritance gone wrong): drop speaker
            r.speaker_start = r.speaker_end = r.speaker_text = None
        return r

    def _make(self, cue, cue_toks, lemma, polarity, cs, ce, kind, sent, text) -> Raw:
        a, b = _span_chars(cue_toks) if len(cue_toks) == 1 or cue_toks[-1].i == cue_toks[0].i + 1 else _span_chars(cue_toks[:1])
        if cue.pos_ in ("VERB", "AUX"):
            # the verb group: "has (vehemently) denied", "did not deny", "to explain"
            # with the adverbs right before it ("also says", "practically pleaded", "has
            # repeatedly denied"), as PolNeAR marks cues
            kids = {c.i for c in cue.children if c.dep_ in ("aux", "auxpass", "neg")
                    or (c.dep_ == "advmod" and c.i < cue.i and c.tag_ in ("RB", "RBR", "RBS"))}
            j = cue.i - 1
            first = cue.i
            while j >= sent.start and j in kids:
                first = j
                j -= 1
            if first < cue.i:
                a = cue.doc[first].idx
            # and its particle ("opens up", "harking back")
            last = cue_toks[-1]
            nxt = cue.doc[last.i + 1] if last.i + 1 < sent.end else None
            if nxt is not None and nxt.dep_ == "prt" and nxt.head.i == cue.i:
                b = nxt.idx + len(nxt.text)
        r = Raw(cue_start=a, cue_end=b, cue_text=text[a:b], lemma=lemma, polarity=polarity,
                content_start=cs, content_end=ce, kind=kind, sent_start=sent.start_char,
                sent_end=sent.end_char, cue_token=cue.i)
        mark = next((c.lower_ for c in cue.children if c.dep_ == "mark"), None)
        if mark in ("if", "unless") or mark == "as" and any(c.lower_ == "would" for c in cue.children):
            r.extra["hypothetical"] = True  # "if the person reports …", "As Sherlock would say"
        if any(c.dep_ == "auxpass" for c in cue.children) and any(c.dep_ == "agent" for c in cue.children):
            r.extra["passive_agent"] = True  # "was approved by shareholders"
        return r

    def _noun_clause(self, noun, exclude=None):
        """Content clause of a claim noun: "the claim that X", "statements … that X"."""
        for ch in list(noun.children) + [g for c in noun.children if c.dep_ == "acl" for g in c.children]:
            if exclude is not None and ch.i == exclude.i:
                continue
            if ch.dep_ in ("acl", "relcl", "ccomp") and ch.i > noun.i:
                marks = [g for g in ch.children if g.dep_ == "mark" and g.lower_ == "that"]
                if marks and any(g.dep_ in SUBJ or g.dep_ in ("nsubjpass", "expl") for g in ch.children) and any(
                        g.dep_ in ("dobj", "attr", "acomp", "ccomp", "xcomp", "prep", "auxpass", "advcl", "agent")
                        for g in ch.children):
                    toks = sorted((t for t in ch.subtree if t.i != marks[0].i), key=lambda t: t.i)
                    return toks
        return None

    def from_noun(self, noun, sent, text) -> Raw | None:
        clause = self._noun_clause(noun)
        if not clause:
            return None
        lemma = noun.lemma_.lower()
        polarity = self.lex.nouns[lemma]
        cs, ce = _trim(text, *_span_chars(clause))
        if cs >= ce:
            return None
        kind = "direct" if _is_quoted(text, cs, ce) else "indirect"
        r = self._make(noun, [noun], lemma, polarity, cs, ce, kind, sent, text)
        spk = None
        for ch in noun.children:
            if ch.dep_ == "poss":
                spk = ch
            elif ch.dep_ == "acl":
                for g in ch.children:
                    if g.dep_ == "agent":
                        spk = next((p for p in g.children if p.dep_ == "pobj"), None) or spk
            elif ch.dep_ == "prep" and ch.lower_ == "by":
                spk = next((p for p in ch.children if p.dep_ == "pobj"), None) or spk
        if spk is not None:
            self._set_speaker(r, spk, self.mention_tokens(spk), text)
        return r
