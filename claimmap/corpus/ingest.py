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
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from claimmap.corpus.store import DocRecord, SentenceRecord, StatementRecord, Store
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
    if not parsed.entries:
        why = f": {parsed.get('bozo_exception')}" if parsed.get("bozo") else ""
        yield _failing(label, f"not an RSS/Atom feed with entries{why}")
        return
    for n, entry in enumerate(parsed.entries, 1):
        link = (entry.get("link") or "").strip()
        if not _URL_RE.match(link):
            yield _failing(f"{label}#{n}", f"feed entry {n} has no http(s) link")
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = "%04d-%02d-%02d" % tuple(when[:3]) if when else None
        yield _url_item(link, f"{label}#{n} {link}", published)


def _remote_feed_items(url: str) -> Iterator[Item]:
    from claimmap.sources import fetch_url

    try:
        data, final_url, _ctype = fetch_url(url)  # fetch guard (SSRF) applies
    except ClaimmapError as exc:
        yield _failing(FEED_PREFIX + url, str(exc))
        return
    yield from _feed_items(data, FEED_PREFIX + final_url)


def _jsonl_items(path: Path) -> Iterator[Item]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            label = f"{path}:{n}"

            def load(raw=raw):
                try:
                    rec = json.loads(raw)
                except ValueError as exc:
                    raise ClaimmapError(f"not JSON: {exc}") from None
                if not isinstance(rec, dict):
                    raise ClaimmapError("a JSONL line must be an object")
                body, ctype = rec.get("html"), "text/html; charset=utf-8"
                if not isinstance(body, str):
                    body, ctype = rec.get("text"), "text/plain; charset=utf-8"
                if not isinstance(body, str):
                    raise ClaimmapError("the object has neither 'html' nor 'text'")
                doc = _from_bytes(body.encode("utf-8"), url=rec.get("url"), content_type=ctype)
                for k in ("published", "title"):
                    if isinstance(rec.get(k), str) and rec[k]:
                        setattr(doc, k, rec[k])
                if isinstance(rec.get("outlet"), str) and rec["outlet"]:
                    doc._outlet = rec["outlet"]  # read by prepare()
                return _key("jsonl", raw), doc
            yield Item(label, load)


def _warc_items(path: Path) -> Iterator[Item]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield Item(str(path), lambda: (_ for _ in ()).throw(
            ClaimmapError("reading WARC files needs warcio (pip install warcio)")))
        return
    try:
        with path.open("rb") as fh:
            for n, rec in enumerate(ArchiveIterator(fh), 1):
                if rec.rec_type != "response" or rec.http_headers is None:
                    continue
                ctype = rec.http_headers.get_header("Content-Type") or ""
                status = rec.http_headers.get_statuscode()
                if "html" not in ctype and "text/plain" not in ctype:
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI")
                data = rec.content_stream().read()
                label = f"{path}#{n} {url}"
                if status and not str(status).startswith("2"):
                    def fail(status=status):
                        raise ClaimmapError(f"HTTP status {status} in the WARC record")
                    yield Item(label, fail)
                    continue

                def load(data=data, url=url, ctype=ctype):
                    return _key("warc", url, data), _from_bytes(data, url=url, content_type=ctype)
                yield Item(label, load)
    except Exception as exc:  # noqa: BLE001 - a corrupt archive is one error line
        msg = f"cannot read WARC: {exc.__class__.__name__}: {exc}"
        yield Item(str(path), lambda: (_ for _ in ()).throw(ClaimmapError(msg)))


def _is_url_list(path: Path) -> bool:
    try:
        lines = [ln.strip() for ln in path.read_text("utf-8", errors="replace").splitlines()]
    except OSError:
        return False
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    return bool(lines) and all(_URL_RE.match(ln) for ln in lines)


def _path_items(path: Path) -> Iterator[Item]:
    name = path.name.lower()
    if name.endswith(".jsonl"):
        yield from _jsonl_items(path)
    elif name.endswith((".warc", ".warc.gz")):
        yield from _warc_items(path)
    elif name.endswith(FEED_SUFFIXES):
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield _failing(str(path), f"cannot read {path}: {exc.strerror or exc}")
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


def prepare(doc: Document, source: str | None = None) -> Prepared:
    """Analyse a document (framing off) and build what the store keeps."""
    from claimmap.outlets import load_registry
    from claimmap.outlets.minhash import Signature
    from claimmap.pipeline import analyze_document

    outlet_hint = getattr(doc, "_outlet", None)
    report = analyze_document(doc, framing=False)
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
        for st in report.statements if st.zone in article_zones and st.content.text.strip()]
    registry = load_registry()
    outlet = registry.get(outlet_hint) if outlet_hint else registry.lookup_url(d.url)
    outlet_id = outlet.id if outlet else (outlet_hint or None)
    rec = DocRecord(text=body, url=d.url, outlet=outlet_id, published=d.published,
                    title=d.title, source=source)
    return Prepared(rec, sentences, statements, Signature.from_text(body).to_bytes())


def refresh_families(store: Store) -> list[dict]:
    """Recompute syndication/owner/state families over every stored document and store them."""
    from claimmap.outlets.families import FamilyInput, group_families

    items, sigs = [], {}
    for doc_id, sig, text, url, outlet, published in store.signatures():
        items.append(FamilyInput(str(doc_id), text or "", url=url, outlet=outlet,
                                 published=published))
        if sig:
            sigs[str(doc_id)] = sig
    fams = [f.to_dict() for f in group_families(items, signatures=sigs)] if items else []
    for f in fams:
        f["members"] = [int(m) for m in f["members"]]
        f["origin"] = int(f["origin"]) if f.get("origin") is not None else None
    store.set_families(fams)
    return fams


def ingest(store: Store, sources: list[str], *, embedder=None, batch_size: int = 20,
           on_item: Callable[[str, str, str | None], None] | None = None,
           progress: bool = False, families: bool = True) -> IngestResult:
    """Ingest every item of ``sources`` into ``store``. ``embedder`` None = no embeddings.
    ``on_item(label, status, error)`` is called per item (status added/skipped/failed)."""
    result = IngestResult()
    items = iter_items(sources)  # lazy: a large WARC is never held in memory at once
    pending: list[tuple[Item, str, Prepared | None]] = []

    def flush() -> None:
        if not pending:
            return
        preps = [p for _, _, p in pending if p is not None]
        sent_emb = stmt_emb = None
        if embedder is not None and preps:
            texts = [s.text for p in preps for s in p.sentences]
            stexts = [s.content for p in preps for s in p.statements]
            sent_emb = embedder.encode(texts) if texts else None
            stmt_emb = embedder.encode(stexts) if stexts else None
        i = j = 0
        with store.batch():
            for item, key, p in pending:
                if p is None:
                    store.mark_seen(key, None)
                    continue
                ns, nt = len(p.sentences), len(p.statements)
                e = sent_emb[i:i + ns] if sent_emb is not None else (None if embedder is None else
                                                                     _empty(embedder, ns))
                se = stmt_emb[j:j + nt] if stmt_emb is not None else (None if embedder is None else
                                                                      _empty(embedder, nt))
                i, j = i + ns, j + nt
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
    try:
        for item in items:
            try:
                key, doc = item.load()
                if store.seen(key) or any(k == key for _, k, _ in pending):
                    result.skipped += 1
                    if on_item:
                        on_item(item.label, "skipped", None)
                else:
                    prep = prepare(doc, source=item.label)
                    if store.has_document(prep.record.hash) or any(
                            p is not None and p.record.hash == prep.record.hash for _, _, p in pending):
                        pending.append((item, key, None))
                        result.skipped += 1
                        if on_item:
                            on_item(item.label, "skipped", None)
                    else:
                        pending.append((item, key, prep))
            except Exception as exc:  # noqa: BLE001 - one bad item never stops the batch
                msg = str(exc) if isinstance(exc, ClaimmapError) else f"{exc.__class__.__name__}: {exc}"
                result.failed += 1
                result.errors.append((item.label, msg))
                if on_item:
                    on_item(item.label, "failed", msg)
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
