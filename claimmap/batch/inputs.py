"""Batch inputs: list the files on the driver, cut each into records on the executors.

The driver turns the command-line inputs into an ordered list of ``InputFile`` in the order
``claimmap corpus add`` would read them (inputs in order, a folder's files sorted the way
``sorted(Path.rglob("*"))`` sorts them, the same file suffixes, hidden files skipped). Local
paths are listed with ``pathlib``; object-store URIs (``s3a://…``, ``gs://…``, ``hdfs://…``) are
listed by Spark itself (its ``binaryFile`` source, so the Hadoop connector for the scheme is
needed; Spark skips names that start with ``_`` or ``.``).

On the executors ``expand`` turns one file into ``(ord, RawRecord)`` pairs with the same
functions ``corpus add`` uses (``jsonl_records``, ``warc_records``). ``ord`` orders every record
of the run: ``file ord << 32 | record number in the file``. URLs, URL lists and RSS/Atom feeds
are not fetched in batch mode: they become error rows (use ``claimmap corpus add`` for them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from claimmap.corpus.ingest import (
    _URL_RE,
    FEED_PREFIX,
    FEED_SUFFIXES,
    FILE_SUFFIXES,
    RawRecord,
    is_url_list,
    jsonl_records,
    warc_records,
)

SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
RECORD_BITS = 32  # records per file < 2**32

NOT_FETCHED = ("{what} {src!r} is not read by 'claimmap batch', which fetches nothing from the"
               " web: use 'claimmap corpus add'")


@dataclass(frozen=True)
class InputFile:
    """One file to read: ``ord`` its place in the input order, ``label`` its name in labels and
    ``DocRecord.source`` (the path as ``corpus add`` would print it, or the URI), ``path`` what
    is opened (a local path, or a URI that Spark reads), ``error`` set when the input is already
    known to be bad (missing path, a URL)."""

    ord: int
    label: str
    path: str
    remote: bool = False
    size: int = -1
    error: str | None = None


def is_remote(src: str) -> bool:
    m = SCHEME_RE.match(src)
    return bool(m) and m.group(1).lower() not in ("file", "http", "https")


def _local_path(src: str) -> Path:
    if src.lower().startswith("file://"):
        src = src[len("file://"):]
    return Path(src).expanduser()


def _wanted(name: str) -> bool:
    return name.lower().endswith(FILE_SUFFIXES) and not name.startswith(".")


def _parts_key(path: str) -> tuple[str, ...]:
    return PurePosixPath(path).parts


def list_inputs(sources: list[str], spark=None) -> list[InputFile]:
    """The files of ``sources`` in ``corpus add`` order (see module doc). ``spark`` is needed
    only for object-store URIs."""
    out: list[InputFile] = []

    def add(label: str, path: str, *, remote=False, size=-1, error=None) -> None:
        out.append(InputFile(len(out), label, path, remote, size, error))

    for src in sources:
        if src.lower().startswith(FEED_PREFIX):
            add(src, src, error=NOT_FETCHED.format(what="the feed", src=src))
        elif _URL_RE.match(src):
            add(src, src, error=NOT_FETCHED.format(what="the URL", src=src))
        elif is_remote(src):
            if spark is None:
                raise ValueError("listing object-store inputs needs a SparkSession")
            found = _list_remote(spark, src)
            if found is None:
                add(src, src, error=f"no such file or folder: {src}")
            for path, size in found or []:
                add(path, path, remote=True, size=size)
        else:
            p = _local_path(src)
            if p.is_dir():
                for f in sorted(x for x in p.rglob("*") if x.is_file()):
                    if _wanted(f.name):
                        add(str(f), str(f.resolve()), size=_size(f))
            elif p.is_file():
                add(str(p), str(p.resolve()), size=_size(p))
            else:
                add(src, src, error=f"no such file or folder: {src}")
    return out


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return -1


def _list_remote(spark, src: str) -> list[tuple[str, int]] | None:
    """(URI, size) of the wanted files under ``src`` (a file, a folder or a glob), sorted; None
    when it does not exist. Spark lists (in parallel for many folders) without reading contents."""
    try:
        rows = (spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(src)
                .select("path", "length").collect())
    except Exception as exc:  # noqa: BLE001 - AnalysisException PATH_NOT_FOUND and the like
        if "PATH_NOT_FOUND" in str(exc) or "does not exist" in str(exc):
            return None
        raise
    files = [(r.path, int(r.length)) for r in rows if _wanted(r.path.rsplit("/", 1)[-1])]
    return sorted(files, key=lambda f: _parts_key(f[0].split("://", 1)[-1]))


def record_ord(file_ord: int, n: int) -> int:
    return (file_ord << RECORD_BITS) | n


def expand(file: InputFile, fh: IO[bytes] | None, open_error: str | None = None
           ) -> Iterator[tuple[int, RawRecord]]:
    """The records of one input file: ``(ord, RawRecord)``. ``fh`` is the open file (None when
    it could not be opened; ``open_error`` says why)."""
    from claimmap import config

    n = 0

    def tag(rec: RawRecord) -> tuple[int, RawRecord]:
        nonlocal n
        out = (record_ord(file.ord, n), rec)
        n += 1
        return out

    label = file.label
    if file.error or fh is None:
        yield tag(RawRecord(label, "error", error=file.error or open_error or "cannot read"))
        return
    name = label.rsplit("/", 1)[-1].lower()
    if name.endswith(".jsonl"):
        for rec in jsonl_records(fh, label):
            yield tag(rec)
    elif name.endswith((".warc", ".warc.gz")):
        try:
            import warcio  # noqa: F401
        except ImportError:
            yield tag(RawRecord(label, "error",
                                error="reading WARC files needs warcio (pip install warcio)"))
            return
        for rec in warc_records(fh, label):
            yield tag(rec)
    elif name.endswith(FEED_SUFFIXES):
        yield tag(RawRecord(label, "error", error=NOT_FETCHED.format(
            what="the RSS/Atom feed", src=label)))
    else:
        limit = config.get_int("CLAIMMAP_MAX_BYTES")
        if file.size > limit:  # the message read_source gives
            yield tag(RawRecord(label, "error", error=(
                f"{label} is {file.size} bytes, over the {limit}-byte limit")))
            return
        data = fh.read(limit + 1)
        if name.endswith(".txt") and is_url_list(data.decode("utf-8", errors="replace")):
            yield tag(RawRecord(label, "error", error=NOT_FETCHED.format(
                what="the URL list", src=label)))
            return
        yield tag(RawRecord(label, "file", data))


def open_local(file: InputFile) -> tuple[IO[bytes] | None, str | None]:
    """Open a local input file; (None, message) with ``read_source``'s message when it fails."""
    try:
        return open(file.path, "rb"), None
    except PermissionError:
        return None, f"cannot read {file.label}: permission denied"
    except IsADirectoryError:
        return None, f"{file.label} is a directory, not a file"
    except OSError as exc:
        return None, f"cannot read {file.label}: {exc.strerror or exc}"
