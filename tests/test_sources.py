"""Sources: bytes -> Document (errors, charsets, HTML sniffing), URL fetching, read_source.

URL tests talk only to a throwaway HTTP server on 127.0.0.1 started here.
"""

from __future__ import annotations

import io
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from claimmap.errors import (
    BinaryInputError,
    BlockedURLError,
    ClaimmapError,
    DecodeError,
    EmptyInputError,
    FetchError,
    InputError,
    InputTooLargeError,
)
from claimmap.sources import check_url, fetch_url, from_bytes, read_source

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _allow_loopback_targets(monkeypatch):
    """These tests fetch from a server on 127.0.0.1, which the address guard refuses by default
    (tests/test_ssrf.py covers the guard): open loopback only, nothing else."""
    monkeypatch.setenv("CLAIMMAP_ALLOW_PRIVATE_URLS", "127.0.0.0/8")
RUSSIAN = (
    "Министр заявил журналистам, что сообщение о его отставке не соответствует действительности. "
    "Оппозиция потребовала провести расследование и обвинила правительство в сокрытии правды."
)


def one_line(exc: BaseException) -> str:
    msg = str(exc)
    assert msg and "\n" not in msg, msg
    return msg


# ----------------------------------------------------------------------------- from_bytes errors
@pytest.mark.parametrize("data", [b"", b"   \n\t \r\n"])
def test_empty_input(data):
    with pytest.raises(EmptyInputError) as ei:
        from_bytes(data)
    assert "empty" in one_line(ei.value)
    assert ei.value.exit_code == 2


def test_bom_only_whitespace_is_empty():
    with pytest.raises(EmptyInputError):
        from_bytes(b"\xef\xbb\xbf   \n")


def test_too_large(monkeypatch):
    monkeypatch.setenv("CLAIMMAP_MAX_BYTES", "100")
    with pytest.raises(InputTooLargeError) as ei:
        from_bytes(b"a" * 101)
    msg = one_line(ei.value)
    assert "101 bytes" in msg and "100-byte limit" in msg and "CLAIMMAP_" not in msg  # messages name no settings
    assert from_bytes(b"a" * 100).text == "a" * 100


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"hello\x00world, this has a NUL byte", "NUL"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"\x1f\x8b\x08\x00\x00\x00", "gzip"),
        (bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 15, 16]) * 20 + b"some text", "non-text"),
    ],
)
def test_binary_input(data, fragment):
    with pytest.raises(BinaryInputError) as ei:
        from_bytes(data)
    assert fragment in one_line(ei.value)


def test_binary_content_type():
    with pytest.raises(BinaryInputError) as ei:
        from_bytes(b"not really an image", content_type="image/png")
    assert "image/png" in one_line(ei.value)


def test_a_few_stray_nuls_in_a_large_page_are_tolerated():
    page = b"<html><body>" + b"<p>Some article text here.</p>" * 200 + b"\x00\x00\x00" + b"</body></html>"
    doc = from_bytes(page)
    assert doc.media_type == "html" and "\x00" not in doc.html


def test_undecodable():
    with pytest.raises(DecodeError) as ei:
        from_bytes(bytes(range(0x80, 0x100)) * 3)
    assert "cannot decode" in one_line(ei.value)


def test_broken_utf16_bom():
    with pytest.raises(DecodeError) as ei:
        from_bytes(b"\xff\xfe" + "Hello".encode("utf-16-le") + b"\x00")
    assert "utf-16" in one_line(ei.value)


def test_errors_are_claimmap_errors():
    for cls in (EmptyInputError, BinaryInputError, DecodeError, InputTooLargeError):
        assert issubclass(cls, InputError) and issubclass(cls, ClaimmapError)


# ----------------------------------------------------------------------------- charsets
def test_charset_from_http_header():
    doc = from_bytes(RUSSIAN.encode("cp1251"), content_type="text/plain; charset=windows-1251")
    assert doc.text == RUSSIAN
    assert doc.charset == "cp1251"
    assert doc.media_type == "text"


def test_charset_from_meta():
    html = ("<html><head><meta charset=\"windows-1251\"><title>Отставка</title></head>"
            f"<body><article><p>{RUSSIAN}</p></article></body></html>").encode("cp1251")
    doc = from_bytes(html)
    assert doc.media_type == "html"
    assert doc.charset == "cp1251"
    assert RUSSIAN in doc.html
    assert doc.title == "Отставка"


def test_charset_from_http_equiv():
    html = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">"
            f"</head><body><p>{RUSSIAN}</p></body></html>").encode("koi8-r")
    doc = from_bytes(html)
    assert doc.charset == "koi8-r"
    assert RUSSIAN in doc.html


def test_http_header_wins_over_meta():
    html = ("<html><head><meta charset=\"koi8-r\"></head>"
            f"<body><p>{RUSSIAN}</p></body></html>").encode("cp1251")
    doc = from_bytes(html, content_type="text/html; charset=cp1251")
    assert doc.charset == "cp1251" and RUSSIAN in doc.html


def test_charset_fallback_detection():
    doc = from_bytes((RUSSIAN + " " + RUSSIAN).encode("cp1251"))
    assert doc.charset == "cp1251"
    assert doc.text.startswith(RUSSIAN)


def test_utf8_default_and_bom():
    assert from_bytes("Grüße aus Köln".encode()).charset == "utf-8"
    doc = from_bytes(b"\xef\xbb\xbf" + "Grüße".encode())
    assert doc.text == "Grüße" and doc.charset == "utf-8"
    doc = from_bytes("Grüße aus Köln".encode("utf-16"))
    assert doc.text == "Grüße aus Köln" and doc.charset == "utf-16"


def test_utf8_mislabelled_as_latin1_is_read_as_utf8():
    doc = from_bytes("Grüße aus Köln".encode(), content_type="text/plain; charset=iso-8859-1")
    assert doc.text == "Grüße aus Köln" and doc.charset == "utf-8"


def test_declared_charset_with_a_bad_byte_decodes_with_replacement():
    data = ("<html><head><meta charset=\"utf-8\"></head><body><p>"
            + "Grüße aus Köln. " * 200 + "</p></body></html>").encode() + b"\xff"
    doc = from_bytes(data)
    assert doc.charset == "utf-8" and "Grüße" in doc.html


def test_newlines_normalised():
    doc = from_bytes(b"line one\r\nline two\rline three\n")
    assert doc.text == "line one\nline two\nline three\n"


# ----------------------------------------------------------------------------- HTML vs text
def test_html_sniffed_and_metadata():
    doc = from_bytes((FIXTURES / "wordpress.html").read_bytes(), url="https://www.dailyplanet.example/news/1")
    assert doc.media_type == "html"
    assert doc.text == ""
    assert doc.title == "Minister denies report"
    assert doc.site == "Daily Planet"
    assert doc.published == "2024-05-01"
    assert doc.authors == ["Lois Lane"]
    assert doc.url == "https://www.dailyplanet.example/news/1"
    assert doc.charset == "utf-8"


def test_html_site_falls_back_to_host():
    doc = from_bytes(b"<html><head><title>T</title></head><body><p>Text of the page.</p></body></html>",
                     url="https://www.example.org/a")
    assert doc.site == "example.org"


def test_plain_text_document():
    doc = from_bytes(b"The minister said on Tuesday that the report was false.",
                     url="https://news.example.com/story.txt")
    assert doc.media_type == "text"
    assert doc.site == "news.example.com"
    assert doc.url == "https://news.example.com/story.txt"
    assert doc.html is None


def test_content_type_decides():
    markup = b"<p>A paragraph</p><p>Another</p>"
    assert from_bytes(markup, content_type="text/html").media_type == "html"
    assert from_bytes(markup, content_type="text/plain").media_type == "text"


def test_extension_decides():
    assert from_bytes(b"<b>bold</b> claims", filename="a.txt").media_type == "text"
    assert from_bytes(b"<html><body><p>x</p></body></html>", filename="page.html").media_type == "html"


def test_text_with_angle_brackets_stays_text():
    doc = from_bytes(b"He said 3 < 4 and 5 > 2, which is true.")
    assert doc.media_type == "text"


# ----------------------------------------------------------------------------- check_url
@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://example.com/1", "ftp://example.com/x",
                                 "javascript:alert(1)", "data:text/plain,hi", "example.com/page"])
def test_check_url_refuses_other_schemes(url):
    with pytest.raises(BlockedURLError) as ei:
        check_url(url)
    msg = one_line(ei.value)
    assert "only http:// and https://" in msg
    assert ei.value.exit_code == 4


def test_check_url_needs_a_host():
    with pytest.raises(BlockedURLError) as ei:
        check_url("http:///path")
    assert "no host" in one_line(ei.value)


def test_check_url_allows_http_and_https(monkeypatch):
    import socket as _socket

    # no DNS in tests: the resolver answers with a public address
    monkeypatch.setattr(_socket, "getaddrinfo",
                        lambda host, port, *a, **k: [(_socket.AF_INET, _socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))])
    assert check_url("http://example.com/a") is None
    assert check_url("HTTPS://example.com/a?b=c") is None


# ----------------------------------------------------------------------------- local HTTP server
ARTICLE = (FIXTURES / "wordpress.html").read_bytes()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body is not None and "Content-Length" not in (headers or {}) and not (headers or {}).get("no-length"):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):
        p = self.path
        if p == "/article":
            self._send(200, ARTICLE, {"Content-Type": "text/html; charset=utf-8"})
        elif p == "/ru":
            self._send(200, RUSSIAN.encode("cp1251"), {"Content-Type": "text/plain; charset=windows-1251"})
        elif p.startswith("/hop/"):
            n = int(p.rsplit("/", 1)[1])
            self._send(302, b"", {"Location": "/article" if n == 0 else f"/hop/{n - 1}"})
        elif p == "/loop":
            self._send(301, b"", {"Location": "/loop"})
        elif p == "/to-file":
            self._send(302, b"", {"Location": "file:///etc/passwd"})
        elif p == "/to-gopher":
            self._send(307, b"", {"Location": "gopher://127.0.0.1/"})
        elif p == "/big":
            self._send(200, b"x" * 5000, {"Content-Type": "text/plain"})
        elif p == "/big-nolength":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"y" * 1000)
        elif p == "/error":
            self._send(500, b"boom", {"Content-Type": "text/plain"})
        else:
            self._send(404, b"not here", {"Content-Type": "text/plain"})


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.handle_error = lambda request, client_address: None  # client hung up on /big: expected
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_ok(server):
    data, final, ctype = fetch_url(server + "/article")
    assert data == ARTICLE
    assert final == server + "/article"
    assert ctype.startswith("text/html")


def test_fetch_redirect_chain(server):
    data, final, _ = fetch_url(server + "/hop/3")
    assert data == ARTICLE and final == server + "/article"


def test_too_many_redirects(server, monkeypatch):
    monkeypatch.setenv("CLAIMMAP_MAX_REDIRECTS", "2")
    fetch_url(server + "/hop/1")  # 2 redirects: fine
    with pytest.raises(FetchError) as ei:
        fetch_url(server + "/hop/2")
    assert "too many redirects" in one_line(ei.value)
    with pytest.raises(FetchError):
        fetch_url(server + "/loop")


@pytest.mark.parametrize("path, scheme", [("/to-file", "file://"), ("/to-gopher", "gopher://")])
def test_redirect_to_other_scheme_is_blocked(server, path, scheme):
    with pytest.raises(BlockedURLError) as ei:
        fetch_url(server + path)
    assert scheme in one_line(ei.value)


@pytest.mark.parametrize("path", ["/big", "/big-nolength"])
def test_oversized_body(server, monkeypatch, path):
    monkeypatch.setenv("CLAIMMAP_MAX_BYTES", "1000")
    with pytest.raises(InputTooLargeError) as ei:
        fetch_url(server + path)
    assert "1000-byte limit" in one_line(ei.value)


@pytest.mark.parametrize("path, code", [("/missing", "404"), ("/error", "500")])
def test_http_errors(server, path, code):
    with pytest.raises(FetchError) as ei:
        fetch_url(server + path)
    msg = one_line(ei.value)
    assert f"HTTP {code}" in msg and path in msg


def test_unreachable_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with pytest.raises(FetchError) as ei:
        fetch_url(f"http://127.0.0.1:{port}/")
    assert "cannot connect to 127.0.0.1" in one_line(ei.value)


def test_fetch_timeout(monkeypatch):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)  # accepts the TCP connection but never answers
    monkeypatch.setenv("CLAIMMAP_FETCH_TIMEOUT", "0.3")
    try:
        with pytest.raises(FetchError) as ei:
            fetch_url(f"http://127.0.0.1:{sock.getsockname()[1]}/")
        assert "timed out" in one_line(ei.value)
    finally:
        sock.close()


# ----------------------------------------------------------------------------- read_source
def test_read_source_url(server):
    doc = read_source(server + "/article")
    assert doc.media_type == "html" and doc.url == server + "/article"
    assert doc.site == "Daily Planet"


def test_read_source_url_charset(server):
    doc = read_source(server + "/ru")
    assert doc.text == RUSSIAN and doc.charset == "cp1251" and doc.site == "127.0.0.1"


@pytest.mark.parametrize("src", ["file:///etc/passwd", "gopher://example.com/", "ftp://example.com/a.txt"])
def test_read_source_refuses_other_schemes(src):
    with pytest.raises(BlockedURLError) as ei:
        read_source(src)
    one_line(ei.value)


def test_read_source_stdin_bytes():
    doc = read_source("-", stdin=b"Plain text from stdin.")
    assert doc.text == "Plain text from stdin." and doc.media_type == "text"


def test_read_source_stdin_stream(monkeypatch):
    class FakeStdin:
        buffer = io.BytesIO(b"<html><body><p>From a pipe.</p></body></html>")

    monkeypatch.setattr(sys, "stdin", FakeStdin())
    assert read_source("-").media_type == "html"


def test_read_source_empty_stdin():
    with pytest.raises(EmptyInputError):
        read_source("-", stdin=b"")


def test_read_source_file(tmp_path):
    f = tmp_path / "story.txt"
    f.write_bytes(RUSSIAN.encode("cp1251"))
    doc = read_source(str(f))
    assert doc.text == RUSSIAN and doc.media_type == "text"
    h = tmp_path / "page.html"
    h.write_bytes(ARTICLE)
    assert read_source(str(h)).media_type == "html"


def test_read_source_missing_file(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError) as ei:
        read_source(str(missing))
    msg = one_line(ei.value)
    assert str(missing) in msg and "no such file" in msg


def test_read_source_directory(tmp_path):
    with pytest.raises(InputError) as ei:
        read_source(str(tmp_path))
    msg = one_line(ei.value)
    assert str(tmp_path) in msg and "directory" in msg


def test_read_source_large_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMMAP_MAX_BYTES", "10")
    f = tmp_path / "big.txt"
    f.write_bytes(b"x" * 50)
    with pytest.raises(InputTooLargeError) as ei:
        read_source(str(f))
    assert str(f) in one_line(ei.value)
