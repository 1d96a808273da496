"""Turn raw bytes into a ``Document``: size/emptiness/binary checks, charset detection, HTML sniffing.

Charset order: byte-order mark, then the HTTP ``Content-Type`` charset, then the HTML
``<meta charset>`` / ``http-equiv`` declaration, then strict UTF-8, then the declared charset
with replacement characters when only a few bytes are bad (what a browser shows), then
charset-normalizer. One exception: bytes that are valid non-ASCII UTF-8 but declared as a
single-byte charset (a common mislabel) are read as UTF-8. The charset used is recorded in
``Document.charset`` (Python codec name, e.g. ``utf-8``, ``cp1251``).
"""

from __future__ import annotations

import codecs
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from claimmap import config
from claimmap.errors import BinaryInputError, DecodeError, EmptyInputError, InputTooLargeError
from claimmap.model import Document

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32"),  # must precede UTF-16 LE (shares its first two bytes)
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# (magic prefix, what it is) for formats that are certainly not an article
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/EPUB/ODT)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an MS Office document"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"OggS", "an Ogg media file"),
    (b"fLaC", "a FLAC audio file"),
    (b"ID3", "an MP3 audio file"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 video"),
]

_BINARY_TYPES = ("image/", "audio/", "video/", "font/")
_BINARY_SUBTYPES = {
    "application/pdf", "application/zip", "application/gzip", "application/x-gzip",
    "application/x-tar", "application/x-7z-compressed", "application/x-rar-compressed",
    "application/msword", "application/vnd.ms-excel", "application/x-bzip2",
    "application/wasm", "application/x-executable",
}

_HTML_EXTS = {".html", ".htm", ".xhtml", ".shtml", ".xht", ".php", ".asp", ".aspx", ".jsp"}
_TEXT_EXTS = {".txt", ".text", ".md", ".markdown", ".rst", ".log"}

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_CT_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_HTML_SNIFF_RE = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>", re.IGNORECASE
)
_TAG_RE = re.compile(r"</(p|div|span|article|section|a|li|h[1-6]|table|td|b|i|em|strong)>", re.IGNORECASE)


def _codec_name(name: str) -> str | None:
    """Python's canonical codec name for a declared charset, or None when unknown."""
    name = name.strip().strip("\"'").lower()
    # WHATWG: labels for Latin-1/ASCII mean windows-1252 in practice
    if name in {"iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "iso8859-1", "l1"}:
        name = "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _media_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _single_byte(codec: str) -> bool:
    try:
        return codecs.lookup(codec).name not in {"utf-8", "utf-16", "utf-32", "gb18030", "gbk", "big5",
                                                  "shift_jis", "euc_jp", "euc_kr", "iso2022_jp",
                                                  "cp932", "cp949", "cp950", "big5hkscs", "utf-8-sig"}
    except LookupError:
        return False


def _check_binary(data: bytes, mime: str | None) -> None:
    if mime and (mime.startswith(_BINARY_TYPES) or mime in _BINARY_SUBTYPES):
        raise BinaryInputError(f"input is binary ({mime}), not an article in text or HTML")
    head = data.lstrip()[:16]
    for magic, what in _MAGIC:
        if head.startswith(magic) or data.startswith(magic):
            raise BinaryInputError(f"input looks like {what}, not an article in text or HTML")
    for bom, _ in _BOMS:
        if data.startswith(bom):
            return  # UTF-16/32 text legitimately contains NUL bytes
    sample = data[:65536]
    # a few stray NULs occur in real web pages; NULs at the start or in bulk mean binary
    if b"\x00" in sample[:1024] or sample.count(b"\x00") > len(sample) / 100:
        raise BinaryInputError("input contains NUL bytes: it looks binary, not text or HTML")
    controls = len(_CONTROL_BYTES.findall(sample))
    if sample and controls / len(sample) > 0.05:
        raise BinaryInputError("input is mostly non-text bytes: it looks binary, not text or HTML")


#: control bytes of a binary file (not tab, newline, form feed, carriage return)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: control characters after decoding (C0 except tab/newline/form feed, DEL, C1)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\r\x0e-\x1f\x7f-\x9f]")


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode ``data``; return ``(text, codec name)``. Raises DecodeError when nothing works."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _try_decode(data, codec)
            if text is None:
                raise DecodeError(f"input starts with a {codec} byte-order mark but is not valid {codec}")
            if text.startswith("\ufeff"):
                text = text[1:]
            return text, "utf-8" if codec == "utf-8-sig" else codec
    declared: list[str] = []
    if content_type:
        m = _CT_CHARSET_RE.search(content_type)
        if m and (c := _codec_name(m.group(1))):
            declared.append(c)
    m = _META_CHARSET_RE.search(data[:8192])
    if m and (c := _codec_name(m.group(1).decode("ascii", "replace"))):
        declared.append(c)
    utf8 = _try_decode(data, "utf-8")
    for codec in declared:
        if utf8 is not None and not data.isascii() and _single_byte(codec):
            return utf8, "utf-8"  # valid non-ASCII UTF-8 mislabelled as a legacy charset
        text = _try_decode(data, codec)
        if text is not None:
            return text, codec
    if utf8 is not None:
        return utf8, "utf-8"
    # a declared charset with a few bad bytes: decode as a browser would, with replacements
    for codec in declared:
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") <= max(2, len(text) // 1000):
            return text, codec
    try:
        from charset_normalizer import from_bytes as _detect
    except ImportError:  # pragma: no cover - dependency declared in pyproject
        _detect = None
    if _detect is not None:
        best = _detect(data).best()
        if best is not None and best.encoding:
            codec = _codec_name(best.encoding) or best.encoding
            text = _try_decode(data, codec)
            if text is not None:
                return text, codec
    tried = ", ".join(dict.fromkeys([*declared, "utf-8"]))
    raise DecodeError(f"cannot decode input as text (tried {tried} and charset detection)")


def looks_like_html(text: str) -> bool:
    head = text[:8192]
    if _HTML_SNIFF_RE.search(head):
        return True
    stripped = head.lstrip()
    return stripped.startswith("<") and len(_TAG_RE.findall(head)) >= 2


def _is_html(text: str, mime: str | None, filename: str | None, url: str | None) -> bool:
    if mime:
        if "html" in mime:
            return True
        if mime == "text/plain":
            return False
    for name in (filename, urlsplit(url).path if url else None):
        if name:
            ext = PurePosixPath(name.replace("\\", "/")).suffix.lower()
            if ext in _TEXT_EXTS:
                return False
            if ext in _HTML_EXTS and looks_like_html(text):
                return True
    return looks_like_html(text)


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if host and host.startswith("www."):
        host = host[4:]
    return host or None


def _html_metadata(html: str, url: str | None) -> dict:
    import trafilatura

    try:
        meta = trafilatura.extract_metadata(html, default_url=url)
    except Exception:  # trafilatura is lenient, but never let metadata kill the read
        meta = None
    if meta is None:
        return {}
    authors = [a.strip() for a in re.split(r";|\|", meta.author or "") if a.strip()]
    return {
        "title": (meta.title or None),
        "subtitle": (meta.description or None),
        "site": meta.sitename or None,
        "published": meta.date or None,
        "authors": authors,
        "url": url or meta.url or None,
    }


def from_bytes(
    data: bytes,
    *,
    url: str | None = None,
    content_type: str | None = None,
    filename: str | None = None,
) -> Document:
    """Build a Document from raw bytes (a file, stdin or an HTTP body).

    Plain text gives ``Document(text=..., media_type="text")``; HTML gives
    ``Document(text="", media_type="html", html=...)`` with title/site/published/authors from
    the page's metadata (the HTML zoner fills ``text`` later).
    """
    limit = config.get_int("CLAIMMAP_MAX_BYTES")
    if len(data) > limit:
        raise InputTooLargeError(
            f"input is {len(data)} bytes, over the {limit}-byte limit"
        )
    if not data.strip():
        raise EmptyInputError("input is empty")
    mime = _media_from_content_type(content_type)
    _check_binary(data, mime)
    text, charset = decode_bytes(data, content_type)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise EmptyInputError("input is empty (only whitespace)")
    sample = text[:65536]
    controls = len(_CONTROL_CHARS.findall(sample))
    if controls / len(sample) > 0.05:
        raise BinaryInputError("input is mostly non-text characters: it looks binary, not text or HTML")
    host = host_of(url)
    if _is_html(text, mime, filename, url):
        meta = _html_metadata(text, url)
        return Document(
            text="",
            media_type="html",
            url=meta.get("url") or url,
            site=meta.get("site") or host,
            title=meta.get("title"),
            subtitle=meta.get("subtitle"),
            published=meta.get("published"),
            authors=meta.get("authors", []),
            charset=charset,
            html=text,
        )
    from claimmap.limits import check_text_length

    check_text_length(len(text))  # before any parsing (an HTML page's text is checked once extracted)
    return Document(text=text, media_type="text", url=url, site=host, charset=charset)
