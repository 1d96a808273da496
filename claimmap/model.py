"""Dataclasses shared by every pipeline stage.

Offsets everywhere: every ``start``/``end`` is a character offset into ``Document.text``
(the plain text claimmap reads; for HTML input it is the text the HTML zoner assembled
from the page). ``text[start:end]`` always equals the span's ``text``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ZoneKind = Literal["header", "body", "disclaimer", "comment", "boilerplate", "related"]
ZONE_KINDS: tuple[str, ...] = ("header", "body", "disclaimer", "comment", "boilerplate", "related")

StatementKind = Literal["direct", "indirect", "according_to", "narrated"]
STATEMENT_KINDS: tuple[str, ...] = ("direct", "indirect", "according_to", "narrated")

Polarity = Literal["assert", "deny", "accuse", "appeal", "propose", "promise", "reject"]
POLARITIES: tuple[str, ...] = ("assert", "deny", "accuse", "appeal", "propose", "promise", "reject")


@dataclass
class Document:
    """One article as read from a source, before and after zoning.

    ``text`` is what all offsets refer to. ``html`` keeps the raw page when the input was
    HTML (never serialised into the report). ``media_type`` is ``"html"`` or ``"text"``.
    """

    text: str
    media_type: str = "text"
    url: str | None = None
    site: str | None = None
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    charset: str | None = None
    copy_of: str | None = None          # url of the original when a corpus shows this is a copy
    copy_of_outlet: str | None = None   # outlet whose story it copies (also when not in the corpus)
    html: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("html", None)
        return d


@dataclass
class Zone:
    """A region of ``Document.text``: header, body, disclaimer, comment, boilerplate or related.

    ``parent`` is the id of the comment a reply answers (comments only), else None.
    """

    id: str
    kind: str
    start: int
    end: int
    parent: str | None = None
    label: str | None = None  # e.g. the comment's own number "3." or author, when known
    flags: list[str] | None = None  # comments: loaded_language / name_calling / dehumanising / violence
    side: str | None = None  # comments: the side whose contested vocabulary the comment uses

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


@dataclass
class Span:
    text: str
    start: int
    end: int


@dataclass
class Sentence:
    start: int
    end: int
    zone: str
    checkworthiness: float | None = None  # 0..1, body sentences (None where not scored)


@dataclass
class Speaker:
    """Who makes a statement: the mention in the text plus its resolved identity.

    ``text``/``start``/``end`` is the mention nearest the cue (may be a pronoun or a role such
    as "the Kremlin spokesman"); ``canonical`` the name it resolves to within the document;
    ``side`` comes from the actors registry (None when the actor is unknown). ``phrase`` is the
    whole source phrase as written when it is longer than the mention: the name with its
    apposition or relative clause ("Thomas Burke, a leader of the Coalition,"), as annotators
    mark a source; the mention stays the name that ``canonical`` resolves.
    """

    text: str
    start: int
    end: int
    canonical: str
    side: str | None = None
    phrase: "Span | None" = None


@dataclass
class Cue:
    text: str
    start: int
    end: int
    lemma: str


@dataclass
class Statement:
    id: str
    zone: str
    speaker: Speaker | None
    cue: Cue | None
    content: Span
    kind: str
    polarity: str
    sentence: Span | None = None
    parent: str | None = None  # id of the statement this one is nested in ("X said Y claimed Z")
    checkworthiness: float | None = None  # 0..1: a factual claim a checker would want verified
    # 0..1: calibrated probability that this is a real attribution with this speaker and content
    # (claimmap/statements/confidence.py); reports, disputes, verdicts and ClaimReview use only
    # statements at or above the setting CLAIMMAP_STATEMENT_THRESHOLD (see ``trusted``)
    confidence: float | None = None
    # the quoted pieces when a quotation is interrupted by its attribution ("“A,” he said.
    # “B.”"): ``content`` is then their envelope, these are what the speaker said
    content_parts: list[Span] | None = None

    @property
    def trusted(self) -> bool:
        """At or above the statement threshold (a statement never scored counts as trusted)."""
        from claimmap.statements.confidence import threshold

        return self.confidence is None or self.confidence >= threshold()

    @property
    def said(self) -> str:
        """What the speaker said: the quoted pieces joined, else the content text."""
        if self.content_parts:
            return " … ".join(p.text for p in self.content_parts)
        return self.content.text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Dispute:
    id: str
    statements: list[str]  # [id of the asserting/accusing statement, id of the denying/rejecting one]
    proposition: str
    similarity: float = 0.0
    sides: list[str | None] = field(default_factory=list)


@dataclass
class Report:
    """The result of ``claimmap.analyze``. ``to_dict()`` gives the versioned JSON contract."""

    document: Document
    zones: list[Zone]
    sentences: list[Sentence]
    statements: list[Statement]
    disputes: list[Dispute]
    warnings: list[str] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)  # later stages add keys here

    def zone(self, zone_id: str) -> Zone | None:
        return next((z for z in self.zones if z.id == zone_id), None)

    def to_dict(self) -> dict[str, Any]:
        from claimmap.report.json import report_to_dict

        return report_to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_html(self) -> str:
        from claimmap.report.html import render_html

        return render_html(self)

    def _repr_html_(self) -> str:  # Jupyter
        return self.to_html()
