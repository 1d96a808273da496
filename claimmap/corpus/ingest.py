"""``claimmap corpus add``: read sources, analyse each article, store it.

Sources: HTML/text files, folders (recursively), JSONL (one ``{url, html|text, published?,
outlet?, title?}`` per line), WARC / WARC.gz (``response`` records with an HTML or text body;
needs warcio), URL lists (a ``.txt`` whose non-empty lines are all http(s) URLs, fetched through
``claimmap.sources.read_source``, so the private-address guard applies), single URLs, and RSS/Atom
feeds (``.rss``/``.atom``/``.xml`` files, or ``feed:URL``; needs feedparser): every entry's link is
fetched through the same guarded fetcher and keeps the entry's date when the page has none.

Each item runs ``analyze_document(doc, framing=False)`` and stores the document (url, outlet id
from the registry, published date, title, content hash of the body text), its body sentences,
its article statements, their embeddings and a MinHash signature of the body. Items are
committed ``batch_size`` at a time; an item already stored (same body hash) or already seen (same
input bytes) is skipped, so a rerun after a crash adds exactly what is missing. A bad item gives
one error line and never stops the run.

The per-record steps are pure functions shared with ``claimmap batch`` (Spark): ``jsonl_records``
and ``warc_records`` cut a file into ``RawRecord``s, ``load_record`` turns one into a Document,
``prepare`` analyses it and ``embed_prepared`` embeds a group of prepared documents;
``process(record)`` chains them for one record and returns what ``Store.add_document`` takes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, NamedTuple

from claimmap.corpus.store import (
    DocRecord,
    SentenceRecord,
    StatementRecord,
    Store,
    embedder_mismatch,
)
from claimmap.errors import ClaimmapError
from claimmap.model import Document

ARTICLE_ZONES = ("header", "body")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
FILE_SUFFIXES = (".html", ".htm", ".txt", ".text", ".jsonl", ".warc", ".warc.gz") + FEED_SUFFIXES
FEED_PREFIX = "feed:"  # "feed:https://example.org/rss": fetch the feed, then each entry's link
_URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)


@dataclass
class Item:
    """One article to ingest: a label for messages and a loader giving (raw key, Document)."""

    label: str
    load: Callable[[], tuple[str, Document]]


@dataclass
class IngestResult:
    added: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.skipped + self.failed

    def to_dict(self) -> dict:
        return {"added": self.added, "skipped": self.skipped, "failed": self.failed,
                "errors": [{"source": s, "error": e} for s, e in self.errors]}


def _key(*parts: str | bytes | None) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") if isinstance(p, str) else (p or b""))
        h.update(b"\0")
    return h.hexdigest()


def _from_bytes(data: bytes, *, url=None, content_type=None, filename=None) -> Document:
    from claimmap.sources import from_bytes

    return from_bytes(data, url=url, content_type=content_type, filename=filename)


def _file_item(path: Path) -> Item:
    def load():
        from claimmap.sources import read_source

        doc = read_source(str(path))
        return _key("file", path.read_bytes()), doc
    return Item(str(path), load)


def _url_item(url: str, label: str, published: str | None = None) -> Item:
    def load():
        from claimmap.sources import read_source

        doc = read_source(url)  # fetch guard (SSRF) applies
        if published and not doc.published:
            doc.published = published  # a feed entry's date when the page itself has none
        return _key("url", url, doc.text), doc
    return Item(label, load)


def _failing(label: str, message: str) -> Item:
    def fail():
        raise ClaimmapError(message)
    return Item(label, fail)


def _feed_items(data: bytes, label: str) -> Iterator[Item]:
    """RSS/Atom: one item per entry, each entry's link fetched through the guarded fetcher."""
    try:
        import feedparser
    except ImportError:
        yield _failing(label, "reading RSS/Atom feeds needs feedparser (pip install feedparser)")
        return
    parsed = feedparser.parse(data)
    broken = _feed_problem(parsed)
    if not parsed.entries:
        if broken:
            yield _failing(label, f"not a valid RSS/Atom feed: {broken}")
        elif not parsed.get("version"):
            yield _failing(label, "not an RSS/Atom feed (no <rss>, <feed> or RDF root element)")
        else:
            yield _failing(label, "the feed has no entries")
        return
    for n, entry in enumerate(parsed.entries, 1):
        link = (entry.get("link") or "").strip()
        if not _URL_RE.match(link):
            yield _failing(f"{label}#{n}", f"feed entry {n} has no http(s) link")
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = "%04d-%02d-%02d" % tuple(when[:3]) if when else None
        yield _url_item(link, f"{label}#{n} {link}", published)
    if broken:  # the entries before the damage were read; the damage is reported once
        yield _failing(label, f"the feed is malformed after entry {len(parsed.entries)}: {broken}")


def _feed_problem(parsed) -> str | None:
    """What is wrong with a feed feedparser had to recover from ("malformed XML at line 2,
    column 75: no element found"), or None. An undeclared or mislabelled character encoding,
    which feedparser also flags, is not damage."""
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    line = getattr(exc, "getLineNumber", None)
    if line is not None:
        msg = exc.getMessage() if hasattr(exc, "getMessage") else str(exc)
        return f"malformed XML at line {exc.getLineNumber()}, column {exc.getColumnNumber()}: {msg}"
    name = exc.__class__.__name__ if exc is not None else ""
    if "Encoding" in name or "encoding" in str(exc):
        return None
    return str(exc) or name or None


def _remote_feed_items(url: str) -> Iterator[Item]:
    from claimmap.sources import fetch_url

    try:
        data, final_url, _ctype = fetch_url(url)  # fetch guard (SSRF) applies
    except ClaimmapError as exc:
        yield _failing(FEED_PREFIX + url, str(exc))
        return
    yield from _feed_items(data, FEED_PREFIX + final_url)


@dataclass
class RawRecord:
    """One article as read from its container, before decoding: ``kind`` is "file" (a whole
    HTML/text file; ``label`` is its path), "jsonl" (one JSONL line, raw bytes), "warc" (the
    body of a WARC response record) or "error" (a record that is already known to be bad;
    ``error`` says why). Picklable, so Spark can ship it."""

    label: str
    kind: str
    data: bytes = b""
    url: str | None = None
    content_type: str | None = None
    error: str | None = None


def jsonl_records(fh: IO[bytes], label: str) -> Iterator[RawRecord]:
    """One RawRecord per non-empty line of a JSONL stream, labelled ``{label}:{line number}``.
    A line over CLAIMMAP_MAX_BYTES is an "error" record, skipped in chunks (never held)."""
    from claimmap import config

    limit = config.get_int("CLAIMMAP_MAX_BYTES")
    n = 0
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        n += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:  # skip the rest of the line
                more = fh.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            yield RawRecord(f"{label}:{n}", "error", error=f"line {n} is over the {limit:,}-byte limit (not analysed)")
            continue
        if not raw.strip():
            continue
        yield RawRecord(f"{label}:{n}", "jsonl", raw)


WARC_TYPES = {"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion",
              "continuation"}


def warc_records(fh: IO[bytes], label: str) -> Iterator[RawRecord]:
    """One RawRecord per HTML/text ``response`` record of a WARC stream (needs warcio),
    labelled ``{label}#{record number} {url}``; a non-2xx response is an "error" record, and a
    corrupt archive ends with one "error" record labelled ``label`` that says what is wrong
    (not a WARC, a malformed or truncated record, a truncated or corrupt gzip stream).

    Bounded: a gzip-compressed archive is inflated as a stream (``claimmap.limits``, capped
    at CLAIMMAP_MAX_RATIO times its compressed size), and each record body is read up to
    CLAIMMAP_MAX_BYTES (a larger one is an "error" record; the rest of it is skipped, not
    held), so a decompression bomb is one error line, never an out-of-memory kill."""
    from warcio.archiveiterator import ArchiveIterator

    from claimmap import config
    from claimmap.limits import CompressedInputError, open_maybe_gzip

    limit = config.get_int("CLAIMMAP_MAX_BYTES")
    n, last = 0, None

    def truncated(rec) -> bool:
        left = getattr(rec.raw_stream, "limit", 0) if rec is not None else 0
        return bool(left)

    try:
        stream = open_maybe_gzip(fh)  # error records carry the label already
        if not stream.peek(5)[:5].startswith(b"WARC/"):
            head = stream.peek(5)[:5]
            if not head:
                yield RawRecord(label, "error", error="the WARC file is empty")
            else:
                yield RawRecord(label, "error", error=(
                    "not a WARC file (it does not start with a 'WARC/1.x' record header)"))
            return
        for n, rec in enumerate(ArchiveIterator(stream), 1):
            if truncated(last):
                yield RawRecord(label, "error", error=f"record {n - 1} is truncated (the file ends inside it)")
                return
            last = rec
            if rec.rec_type not in WARC_TYPES or rec.length is None:
                yield RawRecord(label, "error", error=(
                    f"record {n} has a malformed or truncated header (type {rec.rec_type!r})"))
                return
            if rec.rec_type != "response" or rec.http_headers is None:
                continue
            ctype = rec.http_headers.get_header("Content-Type") or ""
            status = rec.http_headers.get_statuscode()
            if "html" not in ctype and "text/plain" not in ctype:
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI")
            rlabel = f"{label}#{n} {url}"
            data = rec.content_stream().read(limit + 1)
            if len(data) > limit:
                yield RawRecord(rlabel, "error", url=url, error=(
                    f"the WARC record's body is over the {limit:,}-byte limit (not analysed)"))
                continue
            if truncated(rec):
                yield RawRecord(label, "error", error=f"record {n} ({url}) is truncated (the file ends inside it)")
                return
            if status and not str(status).startswith("2"):
                yield RawRecord(rlabel, "error", url=url,
                                error=f"HTTP status {status} in the WARC record")
                continue
            yield RawRecord(rlabel, "warc", data, url=url, content_type=ctype)
        if truncated(last):
            yield RawRecord(label, "error", error=f"record {n} is truncated (the file ends inside it)")
    except CompressedInputError as exc:
        yield RawRecord(label, "error", error=str(exc))
    except Exception:  # noqa: BLE001 - a corrupt archive is one error line, saying where
        yield RawRecord(label, "error", error=(
            f"malformed WARC: the header of record {n + 1} cannot be parsed"
            + ("" if n else " (is it a WARC file?)")))


_SITE_BAD = re.compile(r"[<>\x00-\x1f\x7f]")


def check_doc_url(url: str | None) -> str | None:
    """The url a corpus document is stored with: an http(s) url with a host, stripped (None for
    none). Anything else (``javascript:``, ``data:``, a bare path) is refused: stored urls become
    links in reports and evidence panels."""
    from urllib.parse import urlsplit

    if url is None or not str(url).strip():
        return None
    url = str(url).strip()
    try:
        parts = urlsplit(url)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok or any(c.isspace() for c in url):
        shown = url if len(url) <= 80 else url[:79] + "…"
        raise ClaimmapError(f"url: only http:// and https:// urls with a host are stored (got {shown!r})")
    return url


def check_site(site: str | None) -> str | None:
    """A site (outlet) name as stored: plain text, whitespace collapsed (None for blank);
    markup or control characters are refused."""
    if site is None or not str(site).strip():
        return None
    site = " ".join(str(site).split())
    if _SITE_BAD.search(site):
        raise ClaimmapError("site: plain text only (no markup or control characters)")
    return site


def load_record(rec: RawRecord) -> tuple[str, Document]:
    """(input key, Document) of a RawRecord; raises ClaimmapError for a bad record. The key
    identifies the input bytes (``Store.mark_seen``)."""
    if rec.kind == "error":
        raise ClaimmapError(rec.error or "bad record")
    if rec.kind == "warc":
        return (_key("warc", rec.url, rec.data),
                _from_bytes(rec.data, url=check_doc_url(rec.url), content_type=rec.content_type))
    if rec.kind == "file":
        return _key("file", rec.data), _from_bytes(rec.data, filename=rec.label)
    if rec.kind != "jsonl":
        raise ValueError(f"unknown record kind {rec.kind!r}")
    raw = rec.data
    try:
        obj = json.loads(raw)
    except ValueError as exc:
        raise ClaimmapError(f"not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise ClaimmapError("a JSONL line must be an object")
    body, ctype = obj.get("html"), "text/html; charset=utf-8"
    if not isinstance(body, str):
        body, ctype = obj.get("text"), "text/plain; charset=utf-8"
    if not isinstance(body, str):
        raise ClaimmapError("the object has neither 'html' nor 'text'")
    url = check_doc_url(obj.get("url")) if isinstance(obj.get("url"), str) else None
    outlet = check_site(obj.get("outlet")) if isinstance(obj.get("outlet"), str) else None
    doc = _from_bytes(body.encode("utf-8"), url=url, content_type=ctype)
    for k in ("published", "title"):
        if isinstance(obj.get(k), str) and obj[k]:
            setattr(doc, k, obj[k])
    if outlet:
        doc._outlet = outlet  # read by prepare()
    return _key("jsonl", raw), doc


def _record_item(rec: RawRecord) -> Item:
    return Item(rec.label, partial(load_record, rec))


def _jsonl_items(path: Path) -> Iterator[Item]:
    with path.open("rb") as fh:
        for rec in jsonl_records(fh, str(path)):
            yield _record_item(rec)


def _warc_items(path: Path) -> Iterator[Item]:
    try:
        import warcio  # noqa: F401
    except ImportError:
        yield Item(str(path), lambda: (_ for _ in ()).throw(
            ClaimmapError("reading WARC files needs warcio (pip install warcio)")))
        return
    try:
        fh = path.open("rb")
    except Exception as exc:  # noqa: BLE001 - an unreadable archive is one error line
        msg = f"cannot read WARC: {exc.__class__.__name__}: {exc}"
        yield Item(str(path), lambda: (_ for _ in ()).throw(ClaimmapError(msg)))
        return
    with fh:
        for rec in warc_records(fh, str(path)):
            yield _record_item(rec)


def is_url_list(text: str) -> bool:
    """True when every non-empty, non-comment line of ``text`` is an http(s) URL."""
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    return bool(lines) and all(_URL_RE.match(ln) for ln in lines)


def _is_url_list(path: Path) -> bool:
    from claimmap import config

    try:
        if path.stat().st_size > config.get_int("CLAIMMAP_MAX_BYTES"):
            return False  # read_source refuses it with the size in the message
        return is_url_list(path.read_text("utf-8", errors="replace"))
    except OSError:
        return False


def _path_items(path: Path) -> Iterator[Item]:
    name = path.name.lower()
    if name.endswith(".jsonl"):
        yield from _jsonl_items(path)
    elif name.endswith((".warc", ".warc.gz")):
        yield from _warc_items(path)
    elif name.endswith(FEED_SUFFIXES):
        from claimmap import config

        limit = config.get_int("CLAIMMAP_MAX_BYTES")
        try:
            with path.open("rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            yield _failing(str(path), f"cannot read {path}: {exc.strerror or exc}")
            return
        if len(data) > limit:
            yield _failing(str(path), f"{path}: the feed is over the {limit:,}-byte limit")
            return
        yield from _feed_items(data, str(path))
    elif name.endswith(".txt") and _is_url_list(path):
        for n, ln in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
            ln = ln.strip()
            if ln and not ln.startswith("#"):
                yield _url_item(ln, f"{path}:{n} {ln}")
    else:
        yield _file_item(path)


def iter_items(sources: list[str]) -> Iterator[Item]:
    """Expand sources (files, folders, URLs) into items, in a stable order."""
    for src in sources:
        if src.lower().startswith(FEED_PREFIX):
            yield from _remote_feed_items(src[len(FEED_PREFIX):])
            continue
        if _URL_RE.match(src):
            yield _url_item(src, src)
            continue
        p = Path(src).expanduser()
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                if f.name.lower().endswith(FILE_SUFFIXES) and not f.name.startswith("."):
                    yield from _path_items(f)
        elif p.is_file():
            yield from _path_items(p)
        else:
            def missing(src=src):
                raise ClaimmapError(f"no such file or folder: {src}")
            yield Item(src, missing)


@dataclass
class Prepared:
    record: DocRecord
    sentences: list[SentenceRecord]
    statements: list[StatementRecord]
    signature: bytes
    embedded: tuple | None = None  # (sentence embeddings, statement embeddings) when done early


def prepare(doc: Document, source: str | None = None) -> Prepared:
    """Analyse a document (framing off) and build what the store keeps. A document in a
    language the analysis does not read is kept too (``prepare_unanalysed``)."""
    from claimmap.errors import UnsupportedLanguageError

    try:
        return _prepare_analysed(doc, source)
    except UnsupportedLanguageError:
        return prepare_unanalysed(doc, source)


def prepare_unanalysed(doc: Document, source: str | None = None) -> Prepared:
    """What the store keeps of a document the (English) analysis refuses for its language:
    its language, its body zones, their sentences split by rule
    (``claimmap.corpus.multilingual.split_sentences``), no statements; its date from the
    page when the source gave none. Full-text indexed and embedded like any other document."""
    from claimmap.corpus.multilingual import split_sentences
    from claimmap.outlets import load_registry
    from claimmap.outlets.minhash import Signature
    from claimmap.pipeline import detect_language, infer_published
    from claimmap.zones import zone_document

    outlet_hint = getattr(doc, "_outlet", None)
    doc, zones = zone_document(doc)
    text = doc.text
    body_zones = [z for z in zones if z.kind == "body"]
    body = "\n".join(text[z.start:z.end] for z in body_zones)
    if not body.strip():
        from claimmap.errors import NoArticleTextError

        raise NoArticleTextError("no article text found: the input has no body paragraphs")
    lang, _prob = detect_language(body)
    doc = infer_published(doc)
    sentences = [SentenceRecord(text[z.start + a:z.start + b], z.start + a, z.start + b)
                 for z in body_zones for a, b in split_sentences(text[z.start:z.end])]
    registry = load_registry()
    outlet = registry.get(outlet_hint) if outlet_hint else registry.lookup_url(doc.url)
    outlet_id = outlet.id if outlet else (outlet_hint or None)
    rec = DocRecord(text=body, url=doc.url, outlet=outlet_id, published=doc.published,
                    title=doc.title, source=source, language=lang)
    return Prepared(rec, sentences, [], Signature.from_text(body).to_bytes())


def _prepare_analysed(doc: Document, source: str | None = None) -> Prepared:
    """``prepare`` for a document the analysis reads (raises UnsupportedLanguageError)."""
    from claimmap.outlets import load_registry
    from claimmap.outlets.minhash import Signature
    from claimmap.pipeline import analyze_document

    from claimmap.limits import time_limit

    outlet_hint = getattr(doc, "_outlet", None)
    with time_limit():  # CLAIMMAP_ANALYSIS_TIMEOUT per article (main thread of a process)
        report = analyze_document(doc, framing=False, comments=False, disputes=False)
    d = report.document
    text = d.text
    body_zones = {z.id for z in report.zones if z.kind == "body"}
    article_zones = {z.id for z in report.zones if z.kind in ARTICLE_ZONES}
    body = "\n".join(text[z.start:z.end] for z in report.zones if z.id in body_zones)
    sentences = [SentenceRecord(text[s.start:s.end].strip(), s.start, s.end)
                 for s in report.sentences if s.zone in body_zones and text[s.start:s.end].strip()]
    statements = [StatementRecord(
        content=st.content.text, speaker=st.speaker.text if st.speaker else None,
        canonical=st.speaker.canonical if st.speaker else None,
        side=st.speaker.side if st.speaker else None, cue=st.cue.lemma if st.cue else None,
        kind=st.kind, polarity=st.polarity)
        # only statements a report would show (CLAIMMAP_STATEMENT_THRESHOLD): a misreading
        # ("Why does Russia want to …" read as Russia speaking) must not report anyone as evidence
        for st in report.statements if st.zone in article_zones and st.content.text.strip() and st.trusted]
    registry = load_registry()
    outlet = registry.get(outlet_hint) if outlet_hint else registry.lookup_url(d.url)
    outlet_id = outlet.id if outlet else (outlet_hint or None)
    rec = DocRecord(text=body, url=d.url, outlet=outlet_id, published=d.published,
                    title=d.title, source=source, language=d.language)
    return Prepared(rec, sentences, statements, Signature.from_text(body).to_bytes())


def embed_prepared(preps: list[Prepared], embedder) -> list[tuple]:
    """(sentence embeddings, None) of each prepared document, encoded in one call; (None, None)
    each when ``embedder`` is None. Only body sentences are embedded: they are what vector
    retrieval searches (statement contents are matched through their sentences), and skipping
    the statements saves about a third of the embedding time."""
    if embedder is None:
        return [(None, None)] * len(preps)
    texts = [s.text for p in preps for s in p.sentences]
    sent_emb = embedder.encode(texts) if texts else None
    out, i = [], 0
    for p in preps:
        ns = len(p.sentences)
        e = sent_emb[i:i + ns] if sent_emb is not None else _empty(embedder, ns)
        i += ns
        out.append((e, None))
    return out


class Processed(NamedTuple):
    """What ``Store.add_document`` / ``add_many`` take for one article (same order as an
    ``add_many`` tuple)."""

    record: DocRecord
    sentences: list[SentenceRecord]
    statements: list[StatementRecord]
    embeddings: object            # np.ndarray (one row per sentence) or None
    signature: bytes
    statement_embeddings: object  # np.ndarray (one row per statement) or None


def process(record: RawRecord | Document, *, embedder=None, source: str | None = None) -> Processed:
    """The ``corpus add`` pipeline for one article, with no store: load (a RawRecord), analyse,
    embed (``embedder`` None = no embeddings). Raises ClaimmapError for a bad record.
    ``source`` defaults to the record's label."""
    if isinstance(record, RawRecord):
        _, doc = load_record(record)
        source = source if source is not None else record.label
    else:
        doc = record
    prep = prepare(doc, source=source)
    (e, se), = embed_prepared([prep], embedder)
    return Processed(prep.record, prep.sentences, prep.statements, e, prep.signature, se)


def refresh_families(store: Store) -> list[dict]:
    """Recompute syndication/owner/state families over every stored document and store them.

    What is per document (its MinHash signature and its credit lines) is computed once and
    stored (``Store.set_family_inputs``; credits again only when the patterns or the outlet
    registry change, see ``credits_key``), so a refresh after adding a few documents to a large
    corpus reads no texts but theirs."""
    from claimmap.outlets.families import (
        FamilyInput, credits_from_json, credits_key, credits_to_json, detect_credits,
        group_families,
    )
    from claimmap.outlets.minhash import Signature
    from claimmap.outlets.registry import load_registry

    registry = load_registry()
    key = credits_key(registry)
    items, sigs, credits, updates = [], {}, {}, []
    for doc_id, sig, stored, url, outlet, published, text in store.family_inputs(key):
        d = str(doc_id)
        items.append(FamilyInput(d, "", url=url, outlet=outlet, published=published))
        new_sig = None
        if not sig:
            sig = new_sig = Signature.from_text(text or "").to_bytes()
        sigs[d] = sig
        if stored is None:
            credits[d] = detect_credits(text or "", registry)
            updates.append((doc_id, new_sig, credits_to_json(credits[d]), key))
        else:
            credits[d] = credits_from_json(stored)
            if new_sig is not None:
                updates.append((doc_id, new_sig, stored, key))
    fams = [f.to_dict() for f in group_families(items, registry, signatures=sigs,
                                                credits=credits)] if items else []
    for f in fams:
        f["members"] = [int(m) for m in f["members"]]
        f["origin"] = int(f["origin"]) if f.get("origin") is not None else None
    with store.batch():
        if updates:
            store.set_family_inputs(updates)
        store.set_families(fams)
    return fams


_WORKER_EMBEDDER = None


def _warm_worker(embedder_name: str | None = None) -> None:  # pragma: no cover - in the workers
    global _WORKER_EMBEDDER
    from claimmap import nlp
    from claimmap.corpus.embed import needs_torch

    if not (embedder_name and needs_torch(embedder_name)):
        nlp.import_spacy_without_torch()  # 2 s less start-up per worker
    nlp.load()
    try:  # numpy's BLAS (the spaCy layers' matrix products): one thread, as the workers fill the cores
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass
    if embedder_name:
        # one thread for the Rust tokenizers too (model2vec, sentence-transformers): their
        # thread pool kept spinning beside spaCy and cost 40 ms of CPU per article with 2 workers
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        if needs_torch(embedder_name):  # the static and hashing embedders run without torch
            try:  # one thread per worker: the workers already fill the cores
                import torch

                torch.set_num_threads(1)
            except ImportError:
                pass
        from claimmap.corpus.embed import get_embedder

        _WORKER_EMBEDDER = get_embedder(embedder_name)


def _prepare_remote(doc: Document, source: str | None):  # pragma: no cover - in the workers
    prep = prepare(doc, source=source)
    if _WORKER_EMBEDDER is not None:
        prep.embedded = embed_prepared([prep], _WORKER_EMBEDDER)[0]
    return prep


def _prepared_stream(loaded, workers: int, embedder=None):
    """(item, key, doc, Prepared or the exception) in input order; ``workers`` > 1 analyses in
    that many processes (spawned: no fork after torch), ``workers * 4`` documents in flight.
    With workers, ``embedder`` (when ``get_embedder`` can load it by its name) also runs in the
    workers, one thread each, and each Prepared comes back with ``embedded`` set."""
    if workers <= 1:
        for item, key, doc in loaded:
            if doc is None:
                yield item, key, None, None
                continue
            try:
                yield item, key, doc, prepare(doc, source=item.label)
            except Exception as exc:  # noqa: BLE001 - reported per item by the caller
                yield item, key, doc, exc
        return
    import multiprocessing as mp
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    name = getattr(embedder, "name", None) if embedder is not None else None
    if name is not None:
        from claimmap.corpus.embed import get_embedder

        try:
            if get_embedder(name) is not embedder:  # a custom object: embed here instead
                name = None
        except ClaimmapError:
            name = None
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                             initializer=_warm_worker, initargs=(name,)) as pool:
        window: deque = deque()
        for item, key, doc in loaded:
            fut = pool.submit(_prepare_remote, doc, item.label) if doc is not None else None
            window.append((item, key, doc, fut))
            while len(window) > workers * 4:
                yield _resolve(window.popleft())
        while window:
            yield _resolve(window.popleft())


def _resolve(entry):
    item, key, doc, fut = entry
    if fut is None:
        return item, key, doc, None
    try:
        return item, key, doc, fut.result()
    except Exception as exc:  # noqa: BLE001 - reported per item by the caller
        return item, key, doc, exc


def ingest(store: Store, sources: list[str], *, embedder=None, batch_size: int = 20,
           on_item: Callable[[str, str, str | None], None] | None = None,
           progress: bool = False, families: bool = True, workers: int = 1) -> IngestResult:
    """Ingest every item of ``sources`` into ``store``. ``embedder`` None = no embeddings.
    ``on_item(label, status, error)`` is called per item (status added/skipped/failed).
    ``workers`` > 1 runs the per-article analysis in that many processes (results are stored
    in input order, so the outcome equals a one-process run)."""
    result = IngestResult()
    # the corpus keeps the name of the embedder its vectors came from: vectors of another
    # model (even of the same size) are refused before anything is read
    emb_name = getattr(embedder, "name", None) if embedder is not None else None
    recorded = store.embedder() if emb_name else None
    if recorded is not None and recorded != emb_name:
        raise embedder_mismatch(recorded, emb_name)
    named = recorded is not None or not emb_name  # recorded once, with the first vectors
    items = iter_items(sources)  # lazy: a large WARC is never held in memory at once
    pending: list[tuple[Item, str, Prepared | None]] = []

    def flush() -> None:
        nonlocal named
        if not pending:
            return
        preps = [p for _, _, p in pending if p is not None and p.embedded is None]
        embs = iter(embed_prepared(preps, embedder))
        with store.batch():
            for item, key, p in pending:
                if p is None:
                    store.mark_seen(key, None)
                    continue
                e, se = p.embedded if p.embedded is not None else next(embs)
                if e is not None and not named:
                    store.set_embedder(emb_name)
                    named = True
                doc_id, added = store.add_document(p.record, p.sentences, p.statements, e,
                                                   p.signature, statement_embeddings=se)
                store.mark_seen(key, doc_id)
                if added:
                    result.added += 1
                else:
                    result.skipped += 1
                if on_item:
                    on_item(item.label, "added" if added else "skipped", None)
        pending.clear()

    bar = None
    if progress:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        bar = Progress(TextColumn("adding articles"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=Console(stderr=True), transient=True)
        task = bar.add_task("add", total=None)
        bar.start()
    def fail(item: Item, exc: BaseException) -> None:
        msg = str(exc) if isinstance(exc, ClaimmapError) else f"{exc.__class__.__name__}: {exc}"
        result.failed += 1
        result.errors.append((item.label, msg))
        if on_item:
            on_item(item.label, "failed", msg)

    keys_in_flight: set[str] = set()

    def loaded():
        """(item, key, doc): doc None = already seen (skipped); load errors reported here."""
        for item in items:
            try:
                key, doc = item.load()
            except Exception as exc:  # noqa: BLE001 - one bad item never stops the batch
                fail(item, exc)
                if bar is not None:
                    bar.advance(task)
                continue
            if store.seen(key) or key in keys_in_flight:
                yield item, key, None
            else:
                keys_in_flight.add(key)
                yield item, key, doc

    try:
        for item, key, doc, prep in _prepared_stream(loaded(), workers, embedder):
            try:
                if doc is None:
                    result.skipped += 1
                    if on_item:
                        on_item(item.label, "skipped", None)
                elif isinstance(prep, BaseException):
                    raise prep
                elif store.has_document(prep.record.hash) or any(
                        p is not None and p.record.hash == prep.record.hash for _, _, p in pending):
                    pending.append((item, key, None))
                    result.skipped += 1
                    if on_item:
                        on_item(item.label, "skipped", None)
                else:
                    pending.append((item, key, prep))
            except Exception as exc:  # noqa: BLE001 - one bad item never stops the batch
                fail(item, exc)
            if sum(p is not None for _, _, p in pending) >= batch_size:
                flush()
            if bar is not None:
                bar.advance(task)
        flush()
    finally:
        if bar is not None:
            bar.stop()
    if families and result.added:
        refresh_families(store)
    return result


def _empty(embedder, n: int):
    import numpy as np

    return np.zeros((n, embedder.dim), dtype=np.float32)
