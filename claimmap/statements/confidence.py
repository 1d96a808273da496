"""Statement confidence: a calibrated probability that an extracted statement is a real
attribution (its cue, speaker and content match what a human annotator marks).

A logistic regression over features of the statement (cue lemma and its lexicon class, kind,
how the speaker was found and resolved, the learned cue detector's score, quotation marks,
content length, …) trained on PolNeAR train by ``train/train_confidence.py``: candidates are the
statements ``extract()`` finds, a positive one matches a gold attribution (cue and content
overlap). Its raw scores are calibrated (Platt scaling) on train articles held out of the fit.
The artefact is gzipped JSON (``claimmap/data/models/statement_conf.json.gz``), standard library
only. Without it every statement keeps ``confidence = None`` (treated as trusted).

``threshold()`` is the setting CLAIMMAP_STATEMENT_THRESHOLD: reports, disputes, verdicts and
ClaimReview use ``statements_above()``; the JSON keeps every statement with its confidence.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from functools import lru_cache
from importlib import resources

MODEL_PATH = "data/models/statement_conf.json.gz"


def threshold() -> float:
    """The confidence a statement needs to be used downstream (CLAIMMAP_STATEMENT_THRESHOLD)."""
    from claimmap import config
    from claimmap.errors import ClaimmapError

    t = config.get_float("CLAIMMAP_STATEMENT_THRESHOLD")
    if not 0.0 <= t <= 1.0:
        raise ClaimmapError(f"setting CLAIMMAP_STATEMENT_THRESHOLD={t} is not between 0 and 1")
    return t


def statements_above(report_or_statements, threshold_: float | None = None) -> list:
    """The statements (of a Report, or a list) whose confidence reaches the threshold (the
    setting unless given); a statement without a confidence counts as above it."""
    sts = getattr(report_or_statements, "statements", report_or_statements)
    t = threshold() if threshold_ is None else threshold_
    return [s for s in sts if s.confidence is None or s.confidence >= t]


PRONOUNS = {"he", "she", "him", "her", "it", "they", "them", "i", "me", "we", "us", "you", "this",
            "his", "its", "their", "my", "our", "your",
            "that", "these", "those", "one", "someone", "somebody", "anyone", "everyone"}
RELATIVE = {"who", "which", "that", "whom", "whose", "what", "how", "where", "when", "why"}


#: speakers that are evidence or a market, not a party: "The video shows", "Blood tests revealed",
#: "Multiple lines of evidence point to", "The stock added 2%" (docs/audit-guidelines.md: evidence
#: that is not a party makes no statement); by the last word of the canonical speaker
NOT_A_PARTY = {
    "video", "videos", "footage", "image", "images", "photo", "photos", "photograph", "photographs",
    "picture", "pictures", "data", "evidence", "test", "tests", "scan", "scans", "recording",
    "recordings", "camera", "cameras", "stock", "stocks", "shares", "index", "price", "prices",
    "market", "markets", "research", "polls",  # "existing research shows", "polls show": no party
}
#: a modal before the cue is the writer's speculation, not a report: "China's leaders may still
#: believe …", "critics might argue …"
#: cues of a question: their content is asked, not claimed
QUESTION_CUES = {"ask", "inquire", "enquire", "query"}  # (not "question": "questioned the ruling" challenges it)
_QUESTION = re.compile(r"\?\W*$|^\W*(?:how|what|why|whether|if|who|whom|when|where|which)\b"
                       r"|^\W*(?:[\w'’.-]+\s+){0,3}?about\b", re.I)  # ("asked the mayor about …")
_NEGATED = re.compile(r"\b(?:not|never|n['’]t)\b", re.I)
_FOUND_IN_STATE = re.compile(r"^\W*(?:her|him|them|it|us|me|themselves|himself|herself|itself)\s+(?:\w+ly\s+)?"
                             r"(?:\w+ed|\w+en|dead|alive|unconscious|missing|asleep)\b", re.I)
#: a refusal to comment reported as a statement ("she couldn't comment on …")
_NO_COMMENT = re.compile(r"^\W*(?:he|she|they|it|we|i)\s+(?:could not|couldn['’]t|cannot|can['’]t|would not|"
                         r"wouldn['’]t|will not|won['’]t|was not able to|is not able to)\s+(?:immediately\s+)?"
                         r"(?:comment|discuss|speak|say)\b", re.I)
SPECULATIVE = re.compile(r"^(?:may|might|could|would(?:\s+\w+)?\s+have)\b", re.I)  # ("would then have claimed")
#: aspect and refusal, not speech: "declined to comment", "continues to offer free repairs"
NO_CONTENT = {"decline", "continue"}
#: verbs that report speech with a clause ("concluded that …") but an act with a noun object
#: ("concluded its third hearing", "released a video", "highlighting alarms"): narrated, never a statement
NARRATED_ACTS = {"conclude", "complete", "hold", "release", "publish", "launch", "highlight", "characterize",
                 "characterise", "feature", "mark", "deliberate", "testify", "open", "close", "start", "end",
                 # with a noun object: a sight ("saw the reaction"), a thing offered ("will offer NASA
                 # its lander"; "offered to …" stays a proposal), a work written ("wrote hundreds of songs")
                 "see", "offer", "write"}
#: what a "citing …" names when it names a source, not a reason ("CNBC reported, citing an
#: anonymous government source" vs "citing internal business issues")
CITED_SOURCES = {"source", "sources", "official", "officials", "person", "people", "spokesman", "spokeswoman",
                 "spokesperson", "commission", "ministry", "agency", "authorities", "media", "report",
                 "reports", "newspaper", "outlet", "statement", "document", "documents", "aide", "aides"}
_TO_VERB = re.compile(r"^\W*to\s+\w")
#: what a company reports that is a figure, not a statement ("reported third-quarter earnings",
#: "Lowe's reports earnings Wednesday", "reported in-line or better than expected results")
RESULT_NOUNS = {"earnings", "results", "profit", "profits", "loss", "losses", "revenue", "revenues",
                "sales", "income", "eps", "ebitda", "dividend", "dividends"}
RESULT_VERBS = {"report", "post", "announce", "book", "deliver", "record"}
#: a cognition or report verb as a participle with "to …" after a comma or a form of "be" is a
#: perception passive, agentless ("Hilly areas, thought to represent …", "is believed to be …"):
#: its subject is what is talked about, not who talks
PASSIVE_LEMMAS = {"think", "believe", "say", "know", "consider", "expect", "report", "rumor", "rumour",
                  "understand", "presume", "assume", "suppose", "estimate", "deem", "allege", "reckon"}
_BEFORE_PARTICIPLE = re.compile(r"(?:,|\b(?:is|are|was|were|be|been|being|am))\s*$", re.I)
_BE_FORM = re.compile(r"^(?:is|are|was|were|be|been|being|am)\s", re.I)
_PLACE_PREP = re.compile(r"^(?:before|at|in|during|after|since|until|into|within|near|inside|outside)\s", re.I)


def _bucket(n: int, edges=(1, 2, 3, 6, 11, 21, 41, 81)) -> int:
    return sum(1 for e in edges if n >= e)


def unresolved_speaker(st) -> bool:
    """A pronoun, relative pronoun or question phrase as the speaker that resolution left as it
    is ("he" with no antecedent, "who", "It", "How many deputies")."""
    sp = st.speaker
    if sp is None:
        return False
    canon = sp.canonical.lower().strip()
    words = canon.split()
    first = words[0].strip("\"'“”‘’,") if words else ""
    return not words or canon in PRONOUNS or first in RELATIVE or (
        first in PRONOUNS and canon == sp.text.lower().strip())


def _proper(words: list[str]) -> bool:
    return any(w[:1].isupper() for w in words[1:]) or bool(words) and words[0][:1].isupper() and (
        words[0].lower() not in ("the", "a", "an", "this", "that", "these", "those", "some", "many", "most"))


def named_party(st) -> bool:
    """The speaker is a named party: a registered actor or a proper name."""
    sp = st.speaker
    if sp is None:
        return False
    return sp.side is not None or _proper(sp.canonical.split()) and not unresolved_speaker(st)


def features(raw, st, text: str, lex) -> list[str]:
    """Features of one extracted statement (``raw`` the parser's record, ``st`` the resolved
    Statement, ``lex`` the cue lexicon)."""
    ex = raw.extra
    rule = ex.get("rule", "verb")
    lemma = st.cue.lemma if st.cue else "-"
    f = ["b", f"rule={rule}", f"kind={st.kind}", f"pol={st.polarity}", f"l={lemma}",
         f"lk={lemma}|{st.kind}", f"rk={rule}|{st.kind}"]
    p = ex.get("p")
    f.append(f"p={int(p * 10) if p is not None else 'none'}")
    if ex.get("weak"):
        f.append("weak")
    if ex.get("aux"):
        f.append("nonfinite")
    if lemma in lex.nonspeech:
        f.append("nonspeech")
    if ex.get("dep") in ("acl", "amod") and ex.get("tag") in ("VBN", "VBD") and st.kind != "direct":
        f.append("perception_participle")  # "officials deemed responsible", "seen as", "dubbed X by"
    if st.kind == "narrated" and (lemma.split()[0] in NARRATED_ACTS or _PLACE_PREP.match(st.content.text)):
        f.append("no_content")  # "testified before the committee": a setting, not what was said
    head = (lemma.split() or ["-"])[0]
    if head in QUESTION_CUES and _QUESTION.search(st.content.text) and not _TO_VERB.match(st.content.text):
        f.append("no_content")  # a question asked ("Schiff asked.", "asked Morrison about …"), not a claim
    if head in ("agree", "refer", "speak") and (_TO_VERB.match(st.content.text) or (
            st.cue is not None and st.cue.text.lower().endswith((" to", " of")) and st.kind != "direct")):
        f.append("no_content")  # "agreed to return the cash", "referring to the gas company"
    if head == "respond" and st.cue is not None and _NEGATED.search(st.cue.text):
        f.append("no_content")  # "did not immediately respond to a request for comment"
    if st.kind == "narrated" and st.cue is not None and _NEGATED.search(st.cue.text):
        f.append("no_content")  # "have not disclosed the victims' identities": nothing was said
    if head in QUESTION_CUES and st.cue is not None and st.cue.text.lower().endswith(" about"):
        f.append("no_content")  # "Asked about the tattoo by newspaper GP": a question
    if head == "find" and _FOUND_IN_STATE.match(st.content.text):
        f.append("no_content")  # "found her buried in a basket": a discovery, not a finding
    if _NO_COMMENT.match(st.content.text):
        f.append("no_content")  # "said she couldn't comment on the investigation"
    if lemma in ("cite", "quote") and st.kind == "narrated" and (
            st.content.text.split() or ["-"])[-1].lower().strip(".,;:'’\"”") in CITED_SOURCES:
        f.append("no_content")  # whom the report relies on, not what anyone said
    if ex.get("hypothetical"):
        f.append("speculative")  # a condition or a manner of speaking, not a report
    if ex.get("passive_agent") and (rule == "learned" or lemma in lex.weak):
        f.append("nonspeech")  # "was approved by shareholders", "won't be seen by other users"
    if st.cue is not None and SPECULATIVE.match(st.cue.text):
        f.append("speculative")
    if lemma in NO_CONTENT and st.kind != "direct" and _TO_VERB.match(st.content.text):
        f.append("no_content")
    if st.cue is not None and st.kind != "direct" and head in PASSIVE_LEMMAS \
            and re.match(r"^\W*to\s+[a-z]", st.content.text) \
            and (_BEFORE_PARTICIPLE.search(text[max(0, st.cue.start - 12):st.cue.start]) or _BE_FORM.match(st.cue.text)):
        f.append("perception_participle")
    if (lemma.split() or ["-"])[0] in RESULT_VERBS and st.kind in ("narrated", "according_to") and st.cue is not None:
        after = re.findall(r"[a-z]+", text[st.cue.end:st.cue.end + 80].lower())[:7]
        if after[:1] != ["that"] and RESULT_NOUNS & set(after):  # not "reported that sales fell"
            f.append("no_content")  # a figure reported, not something said
    sp = st.speaker
    if sp is None:
        f += ["spk=none", f"spk=none|{st.kind}"]
    else:
        words = sp.canonical.split()
        if {w[-1].lower().strip(".,'’") for w in (words, sp.text.split()) if w} & NOT_A_PARTY:
            f.append("spk=not_a_party")
        low = sp.text.lower()
        if unresolved_speaker(st):
            f.append("spk=unresolved")
        elif raw.speaker_pronoun or low in PRONOUNS:
            f.append("spk=pronoun_resolved")
        elif _proper(sp.text.split()):
            f.append("spk=name")
        else:
            f.append("spk=common")
        f.append(f"side={'yes' if sp.side else 'no'}")
        if raw.speaker_person:
            f.append("person")
        f.append(f"swords={_bucket(len(sp.text.split()), (1, 2, 3, 5, 8))}")
        if sp.start > st.cue.start if st.cue else False:
            f.append("spk_after_cue")
        if st.cue is not None:
            gap = st.cue.start - sp.end if sp.end <= st.cue.start else sp.start - st.cue.end
            f.append(f"gap={_bucket(max(gap, 0), (1, 3, 10, 30, 80))}")
    n = len(st.content.text.split())
    f += [f"clen={_bucket(n)}", f"clen|k={_bucket(n)}|{st.kind}"]
    if st.content_parts:
        f.append("parts")
    if st.cue is not None:
        f.append("content_before" if st.content.end <= st.cue.start else "content_after")
    c = st.content.text
    if c[-1:] in ".!?":
        f.append("c_ends_punct")
    if st.sentence is not None and st.cue is not None and st.cue.start - st.sentence.start < 3:
        f.append("cue_first")
    return f


class Model:
    def __init__(self, weights: dict[str, float], a: float = 1.0, b: float = 0.0, meta: dict | None = None):
        self.w, self.a, self.b, self.meta = weights, a, b, meta or {}

    def raw(self, feats: list[str]) -> float:
        return sum(self.w.get(x, 0.0) for x in feats)

    def prob(self, feats: list[str]) -> float:
        z = self.a * self.raw(feats) + self.b
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def to_json(self) -> dict:
        return {"a": self.a, "b": self.b, "meta": self.meta,
                "weights": {k: round(v, 4) for k, v in self.w.items() if abs(v) >= 1e-3}}

    def save(self, path: str) -> None:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(self.to_json(), fh, separators=(",", ":"), sort_keys=True)


def _from_bytes(raw: bytes) -> Model:
    data = json.loads(gzip.decompress(raw).decode("utf-8"))
    return Model(data["weights"], float(data["a"]), float(data["b"]), data.get("meta"))


def read(path: str) -> Model:
    with open(path, "rb") as fh:
        return _from_bytes(fh.read())


#: set to a Model (or False for none) to override the shipped one (training, tests)
OVERRIDE: Model | bool | None = None


def load() -> Model | None:
    if OVERRIDE is not None:
        return OVERRIDE or None
    return _shipped()


@lru_cache(maxsize=1)
def _shipped() -> Model | None:
    try:
        return _from_bytes(resources.files("claimmap").joinpath(MODEL_PATH).read_bytes())
    except (OSError, ValueError, KeyError):
        return None


#: features that make a statement unusable whatever the model says
NEVER = {"nonspeech", "spk=unresolved", "spk=not_a_party", "speculative", "no_content",
         "perception_participle"}


def score(feats: list[str], st, model: Model | None) -> float | None:
    """The statement's confidence: the model's calibrated probability, 0 for what is never a
    statement a reader can use (an unresolved pronoun or relative pronoun as the speaker, a
    non-speech verb such as "plan", "hope", "vote" or "worry", evidence or a market as the
    speaker, the writer's speculation "may believe", "declined to comment", no speaker at all, a
    narrated action of no named party or with a cue only the learned detector found)."""
    if NEVER & set(feats):
        return 0.0
    if st.kind == "narrated" and (not named_party(st) or "rule=learned" in feats):
        return 0.0  # a narrated act needs a named party and a speech verb of the lexicon
    if st.speaker is None:
        return 0.0  # no party says it: "It's worth noting that …", "the claim that …"
    if model is None:
        return None
    return round(model.prob(feats), 4)
