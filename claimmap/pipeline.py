"""The pipeline: sources → zones → statements → disputes → framing → Report.

Each stage is a typed function over the dataclasses in ``claimmap.model``; this module only
wires them together, so a later stage (framing, corroboration) plugs in here.
"""

from __future__ import annotations

import re
import threading

from claimmap.errors import NoArticleTextError, UnsupportedLanguageError
from claimmap.model import Document, Report, Zone

SUPPORTED_LANGUAGES = ("en",)
#: zones whose statements can form disputes (the article's own reporting, not its comments)
ARTICLE_ZONES = ("header", "body")


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and confidence (0..1) from py3langid; (None, 0) for too little text."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < 20:
        return None, 0.0
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    global _IDENTIFIER
    if _IDENTIFIER is None:
        _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    lang, prob = _IDENTIFIER.classify(text[:5000])
    return lang, float(prob)


_IDENTIFIER = None


def check_language(doc: Document, zones: list[Zone]) -> Document:
    """Fill ``doc.language`` from the body; refuse confidently non-English articles."""
    from dataclasses import replace

    body = "\n".join(doc.text[z.start:z.end] for z in zones if z.kind == "body")
    lang, prob = detect_language(body or doc.text)
    if lang and lang not in SUPPORTED_LANGUAGES and prob >= 0.9:
        raise UnsupportedLanguageError(
            f"the article looks like language {lang!r} (confidence {prob:.2f}); "
            "claimmap analyses English text only for now"
        )
    return replace(doc, language=lang if lang in SUPPORTED_LANGUAGES or prob >= 0.9 else (lang or None))


def infer_published(doc: Document) -> Document:
    """The page's date from its URL or the top of its text when the source gave none
    (``claimmap.corpus.dates``); the document unchanged otherwise."""
    if doc.published:
        return doc
    from dataclasses import replace

    from claimmap.corpus.dates import infer_date

    guess = infer_date(doc.text, doc.url)
    return replace(doc, published=guess.day) if guess else doc


def _has_prose(text: str) -> bool:
    """At least one sentence-like run of words: a lone menu item or link label is not an article."""
    words = re.findall(r"[^\W\d_]{2,}", text)
    return len(words) >= 8 or (len(words) >= 3 and bool(re.search(r"[.!?…»”\"']\s*$", text.strip())))


def add_framing(report: Report) -> Report:
    """Framing stage: contested terms and narrator alignment for the article, flags and side for
    each comment zone, and a summary of the comment section."""
    from claimmap.framing import analyze_framing

    out = analyze_framing(report.document, report.zones, report.statements)
    by_zone = {c["zone"]: c for c in out["comments"]}
    for z in report.zones:
        if z.kind == "comment" and z.id in by_zone:
            z.flags = list(by_zone[z.id]["flags"])
            z.side = by_zone[z.id]["side"]
    report.extras.update(out)
    return report


#: zones the persuasion-technique model reads
TECHNIQUE_ZONES = ("header", "body", "comment")
#: model techniques that also raise a comment flag (the lexicon raises them too; both are recorded)
TECHNIQUE_FLAGS = {"Loaded_Language": "loaded_language", "Name_Calling,Labeling": "name_calling"}
TECHNIQUE_FLAG_SCORE = 0.5


def find_techniques(text: str, zones: list[Zone]) -> list[dict]:
    """Persuasion techniques in the article and comment zones of ``text`` (fast variant: first
    3 encoder layers, on onnxruntime; see ``claimmap.techniques``), document offsets. The
    zones are encoded together (``detect_techniques_many``): their windows in length-sorted
    batches with little padding, instead of a padded pass per zone."""
    from claimmap.techniques import detect_techniques_many

    zs = [z for z in zones if z.kind in TECHNIQUE_ZONES and z.end > z.start]
    found: list[dict] = []
    for z, ts in zip(zs, detect_techniques_many([text[z.start:z.end] for z in zs], fast=True)):
        for t in ts:
            found.append({"start": t["start"] + z.start, "end": t["end"] + z.start,
                          "technique": t["technique"], "score": round(float(t["score"]), 4),
                          "zone": z.id, "text": text[t["start"] + z.start:t["end"] + z.start]})
    return found


_TECHNIQUE_POOL = None
_POOL_LOCK = threading.Lock()


def start_techniques(text: str, zones: list[Zone]):
    """``find_techniques`` in a background thread (a Future): it needs only the zones, so it
    runs beside the spaCy parse of the statements stage (onnxruntime releases the GIL while it
    encodes; the first call also loads the model there)."""
    from concurrent.futures import ThreadPoolExecutor

    global _TECHNIQUE_POOL
    with _POOL_LOCK:
        if _TECHNIQUE_POOL is None:
            _TECHNIQUE_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="claimmap-techniques")
    return _TECHNIQUE_POOL.submit(find_techniques, text, list(zones))


def add_techniques(report: Report, pending=None) -> Report:
    """Persuasion techniques (SemEval-2020 Task 11 classes) in the article and each comment,
    from the learned span tagger + classifier in ``claimmap.techniques`` (``pending``: the
    Future of ``start_techniques`` when it was started earlier). Where a dependency is
    missing, the stage is skipped with a warning rather than failing the analysis."""
    try:
        found = pending.result() if pending is not None else find_techniques(report.document.text, report.zones)
    except ImportError as exc:  # pragma: no cover - optional dependency
        report.warnings.append(f"persuasion techniques skipped: {exc.name} is not installed")
        return report
    report.extras["techniques"] = found
    by_zone: dict[str, list[dict]] = {}
    for t in found:
        by_zone.setdefault(t["zone"], []).append(t)
    for c in report.extras.get("comments", []):
        ts = by_zone.get(c["zone"], [])
        c["techniques"] = ts
        sources = {f: ["lexicon"] for f in c["flags"]}
        for t in ts:
            flag = TECHNIQUE_FLAGS.get(t["technique"])
            if flag and t["score"] >= TECHNIQUE_FLAG_SCORE and "model" not in sources.setdefault(flag, []):
                sources[flag].append("model")
        c["flag_sources"] = sources
        c["flags"] = [f for f in ("loaded_language", "name_calling", "dehumanising", "violence") if f in sources]
        zone = report.zone(c["zone"])
        if zone is not None:
            zone.flags = list(c["flags"])
    return report


def add_checkworthiness(report: Report) -> Report:
    """Score body sentences and statements (0..1) with the check-worthiness model."""
    from claimmap.checkworthiness import score_report

    scores = score_report(report)
    by_span = {(s["start"], s["end"]): s["checkworthiness"] for s in scores["sentences"]}
    for sent in report.sentences:
        sent.checkworthiness = by_span.get((sent.start, sent.end))
    for st in report.statements:
        st.checkworthiness = scores["statements"].get(st.id)
    return report


def analyze_document(doc: Document, *, framing: bool = True, techniques: bool = True,
                     comments: bool = True, disputes: bool = True) -> Report:
    """Run every stage on an already-read Document (see ``_analyze_document``), with numpy's
    BLAS on one thread (``claimmap.blas``: the analysis's products are small and the technique
    encoder runs beside the parse)."""
    from claimmap.blas import one_blas_thread

    with one_blas_thread():
        return _analyze_document(doc, framing=framing, techniques=techniques, comments=comments,
                                 disputes=disputes)


def _analyze_document(doc: Document, *, framing: bool = True, techniques: bool = True,
                      comments: bool = True, disputes: bool = True) -> Report:
    """Run every stage on an already-read Document. ``framing=False`` stops after disputes (no
    framing, techniques or check-worthiness); ``techniques=False`` skips only the persuasion-
    technique model (the one stage that needs torch); ``comments=False`` leaves comment zones
    unparsed (no sentences or statements from them: what the corpus ingest needs);
    ``disputes=False`` (only with ``framing=False``) leaves ``report.disputes`` empty: the corpus
    stores statements, not the disputes between them, and finding them re-parses every
    statement's content."""
    from claimmap.claims.disputes import find_disputes
    from claimmap.limits import check_text_length
    from claimmap.statements import PARSED_KINDS, extract
    from claimmap.zones import zone_document

    if doc.media_type != "html":
        check_text_length(len(doc.text))  # before any parsing
    doc, zones = zone_document(doc)
    check_text_length(len(doc.text))  # an HTML page: the text its markup gave, before spaCy
    body_text = " ".join(doc.text[z.start:z.end] for z in zones if z.kind == "body")
    if not _has_prose(body_text):
        raise NoArticleTextError("no article text found: the input has no body paragraphs")
    doc = check_language(doc, zones)
    doc = infer_published(doc)
    # persuasion techniques need only the zones: run beside the parse, joined in add_techniques
    pending = start_techniques(doc.text, zones) if framing and techniques else None
    # the sentences' tags are kept for check-worthiness, which runs only with framing
    sentences, statements = extract(doc, zones, PARSED_KINDS if comments else ARTICLE_ZONES,
                                    remember=framing)
    article_zones = {z.id for z in zones if z.kind in ARTICLE_ZONES}
    if disputes or framing:
        disputes = find_disputes([s for s in statements if s.zone in article_zones and s.trusted], sentences)
    else:
        disputes = []
    from claimmap.zones.genre import page_warnings

    warnings = page_warnings(doc.text, zones)  # several articles in one input; not news
    if not statements:
        warnings.append("no attributed statements found in the article")
    report = Report(document=doc, zones=zones, sentences=sentences, statements=statements,
                    disputes=disputes, warnings=warnings)
    if not framing:
        return report
    add_framing(report)
    if techniques:
        add_techniques(report, pending)
    return add_checkworthiness(report)


def analyze(source: str, *, stdin: bytes | None = None, framing: bool = True,
            techniques: bool = True) -> Report:
    """Analyze a local file path, an http(s) URL, or ``"-"`` (stdin)."""
    from claimmap.sources import read_source

    return analyze_document(read_source(source, stdin=stdin), framing=framing, techniques=techniques)


def analyze_text(text: str, *, url: str | None = None, framing: bool = True,
            techniques: bool = True) -> Report:
    """Analyze already-decoded plain text (a scraped dump or a pasted article)."""
    from claimmap.sources import from_bytes

    return analyze_document(from_bytes(text.encode("utf-8"), url=url, content_type="text/plain; charset=utf-8"), framing=framing, techniques=techniques)


def analyze_html(html: str, *, url: str | None = None, framing: bool = True,
            techniques: bool = True) -> Report:
    """Analyze an HTML page given as a string."""
    from claimmap.sources import from_bytes

    return analyze_document(from_bytes(html.encode("utf-8"), url=url, content_type="text/html; charset=utf-8"), framing=framing, techniques=techniques)
