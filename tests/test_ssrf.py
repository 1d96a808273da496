"""The URL fetch guard (claimmap.sources.fetch): private, loopback, link-local, multicast and
reserved targets are refused after DNS resolution and on every redirect hop, before any
connection; the connection goes to the vetted address (no second lookup: no DNS rebinding).

No test here sends traffic anywhere but 127.0.0.1: ``socket.create_connection`` is wrapped so
that an attempt to reach any other address fails the test instead of leaving the machine.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from claimmap.errors import BlockedURLError, FetchError
from claimmap.sources import fetch as fetch_mod
from claimmap.sources.fetch import (
    address_problem,
    check_url,
    fetch_url,
    parse_ip_host,
    vet_url,
)

REAL_GETADDRINFO = socket.getaddrinfo
REAL_CREATE_CONNECTION = socket.create_connection
LOOPBACK_ONLY = (ipaddress.ip_network("127.0.0.0/8"),)


@pytest.fixture
def connections(monkeypatch):
    """Record every outgoing TCP connection attempt; only 127.0.0.1 is ever really dialled."""
    attempts: list[tuple[str, int]] = []

    def guarded(address, *args, **kwargs):
        host, port = address[0], address[1]
        attempts.append((host, port))
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"test tried to connect to {host}:{port}")
        return REAL_CREATE_CONNECTION(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    return attempts


@pytest.fixture
def resolver(monkeypatch):
    """A fake DNS: ``names[host] = [addresses]`` (a list per call pops in turn); IP literals pass."""
    names: dict[str, list] = {}
    calls: list[str] = []

    def fake(host, port, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        try:
            ipaddress.ip_address(host)
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        except ValueError:
            pass
        calls.append(host)
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = names[host]
        addrs = answer.pop(0) if answer and isinstance(answer[0], list) else answer
        out = []
        for a in addrs:
            fam = socket.AF_INET6 if ":" in a else socket.AF_INET
            out.append((fam, socket.SOCK_STREAM, 6, "", (a, port) if fam == socket.AF_INET else (a, port, 0, 0)))
        return out

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    fake.names, fake.calls = names, calls
    return fake


@pytest.fixture(autouse=True)
def _guard_on(monkeypatch):
    monkeypatch.delenv("CLAIMMAP_ALLOW_PRIVATE_URLS", raising=False)


# ----------------------------------------------------------------------------- the decision function
BLOCKED = [
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://192.168.1.1/admin",
    "http://[fd00::1]/",
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/x",
    "http://[::1]/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://0x7f.0.0.1/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://[fe80::1]/",
    "http://100.64.0.1/",
    "http://172.16.5.4/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://[2002:7f00:1::]/",        # 6to4 around 127.0.0.1
    "http://[64:ff9b::a00:1]/",       # NAT64 around 10.0.0.1
    "https://10.0.0.1:8443/",
    "http://user:pw@10.0.0.1/",
]


@pytest.mark.parametrize("url", BLOCKED)
def test_private_and_special_addresses_are_refused(url, resolver, connections):
    with pytest.raises(BlockedURLError) as ei:
        check_url(url)
    msg = str(ei.value)
    assert msg.startswith("refusing to fetch") and "\n" not in msg
    assert "allow-private option" in msg and "CLAIMMAP_" not in msg   # messages name no settings
    assert resolver.calls == []  # literal addresses never reach the resolver
    assert connections == []


@pytest.mark.parametrize("host, expected", [
    ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
    ("127.1", "127.0.0.1"), ("10.1", "10.0.0.1"), ("0x0a.0.0.1", "10.0.0.1"), ("[::1]", "::1"),
    ("::ffff:127.0.0.1", "::ffff:7f00:1"), ("127.0.0.1.", "127.0.0.1"),
    ("example.com", None), ("0x", None), ("1.2.3.4.5", None), ("256.1.1.1", None), ("08.0.0.1", None),
    ("4294967296", None), ("1e3", None),
])
def test_parse_ip_host(host, expected):
    ip = parse_ip_host(host)
    assert (str(ip) if ip else None) == expected


def test_public_addresses_pass():
    for a in ["93.184.215.14", "2606:4700:4700::1111", "8.8.8.8"]:
        assert address_problem(ipaddress.ip_address(a)) is None


def test_hostname_resolving_to_private_is_refused(resolver, connections):
    resolver.names["intranet.example.com"] = ["10.20.30.40"]
    with pytest.raises(BlockedURLError) as ei:
        check_url("http://intranet.example.com/wiki")
    assert "private address (10.20.30.40)" in str(ei.value)
    assert resolver.calls == ["intranet.example.com"] and connections == []


def test_every_resolved_address_must_be_public(resolver, connections):
    resolver.names["mixed.example.com"] = ["93.184.215.14", "::1"]
    with pytest.raises(BlockedURLError) as ei:
        check_url("http://mixed.example.com/")
    assert "loopback" in str(ei.value) and connections == []


def test_hostname_resolving_to_public_is_allowed_without_connecting(resolver, connections):
    resolver.names["news.example.com"] = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    assert check_url("https://news.example.com/story") is None
    assert [str(a) for a in vet_url("https://news.example.com/story")] == [
        "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    assert connections == []


def test_unresolvable_host_is_a_fetch_error(resolver, connections):
    with pytest.raises(FetchError) as ei:
        check_url("http://no-such-host.invalid/")
    assert not isinstance(ei.value, BlockedURLError) and "cannot resolve" in str(ei.value)
    assert connections == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1/", "ftp://10.0.0.1/", "dict://127.0.0.1:11211/"])
def test_other_schemes_refused_before_resolving(url, resolver, connections):
    with pytest.raises(BlockedURLError):
        check_url(url, allow_private=True)
    assert resolver.calls == [] and connections == []


def test_allow_private_flag_and_networks(monkeypatch, resolver):
    assert check_url("http://10.0.0.1/", allow_private=True) is None
    assert check_url("http://127.0.0.1/", allow_private=LOOPBACK_ONLY) is None
    assert check_url("http://[::ffff:127.0.0.1]/", allow_private=LOOPBACK_ONLY) is None
    with pytest.raises(BlockedURLError):
        check_url("http://10.0.0.1/", allow_private=LOOPBACK_ONLY)
    monkeypatch.setenv("CLAIMMAP_ALLOW_PRIVATE_URLS", "1")
    assert check_url("http://192.168.1.1/") is None
    monkeypatch.setenv("CLAIMMAP_ALLOW_PRIVATE_URLS", "10.0.0.0/8, fd00::/8")
    assert check_url("http://10.9.9.9/") is None and check_url("http://[fd00::1]/") is None
    with pytest.raises(BlockedURLError):
        check_url("http://192.168.1.1/")
    monkeypatch.setenv("CLAIMMAP_ALLOW_PRIVATE_URLS", "0")
    with pytest.raises(BlockedURLError):
        check_url("http://10.0.0.1/")


# ----------------------------------------------------------------------------- redirects, pinning
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    hosts: ClassVar[list[str]] = []  # Host headers seen

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.hosts.append(self.headers.get("Host", ""))
        targets = {
            "/to-private": "http://10.0.0.1/",
            "/to-metadata": "http://169.254.169.254/latest/meta-data/",
            "/to-name": "http://intranet.example.com/",
            "/to-int": "http://2130706433/",
            "/to-mapped": "http://[::ffff:10.0.0.1]/",
        }
        if self.path in targets:
            self.send_response(302)
            self.send_header("Location", targets[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"<html><body><p>Harbour officials said the ferry would start in May.</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


class _AllowFirstOnly(tuple):
    """An allow-list that admits 127.0.0.1 the first time it is consulted, then nothing: the
    first hop reaches the loopback test server, every later hop meets the guard fully on."""

    def __new__(cls):
        return super().__new__(cls, (ipaddress.ip_network("127.0.0.1/32"),))

    def __init__(self):
        self.used = False

    def __iter__(self):
        if self.used:
            return iter(())
        self.used = True
        return super().__iter__()


@pytest.mark.parametrize("path, why", [("/to-private", "private"), ("/to-metadata", "link-local"),
                                       ("/to-name", "private"), ("/to-int", "loopback"),
                                       ("/to-mapped", "private")])
def test_redirect_to_private_refused_before_connecting(server, path, why, resolver, connections):
    resolver.names["intranet.example.com"] = ["192.168.0.10"]
    with pytest.raises(BlockedURLError) as ei:
        fetch_url(f"http://127.0.0.1:{server}{path}", allow_private=_AllowFirstOnly())
    assert why in str(ei.value)
    # exactly one connection: the first hop, to the loopback server; none to the redirect target
    assert connections == [("127.0.0.1", server)]


def test_redirect_allow_list_scopes_the_flag(server, connections):
    """Loopback allowed by the setting, the 10.0.0.1 redirect target still refused."""
    with pytest.raises(BlockedURLError) as ei:
        fetch_url(f"http://127.0.0.1:{server}/to-private", allow_private=LOOPBACK_ONLY)
    assert "10.0.0.1" in str(ei.value)
    assert connections == [("127.0.0.1", server)]


def test_connection_goes_to_the_vetted_address(server, resolver, connections):
    """DNS rebinding: the second lookup would answer 10.0.0.1, but there is no second lookup."""
    resolver.names["rebind.test"] = [["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]]
    data, final, _ = fetch_url(f"http://rebind.test:{server}/article", allow_private=LOOPBACK_ONLY)
    assert b"Harbour officials" in data and final == f"http://rebind.test:{server}/article"
    assert resolver.calls == ["rebind.test"]  # resolved once, by the guard
    assert connections == [("127.0.0.1", server)]
    assert Handler.hosts[-1] == f"rebind.test:{server}"  # the Host header keeps the name


def test_unvetted_host_is_never_dialled(monkeypatch, connections):
    """Defence in depth: the pinned backend refuses a host the guard did not vet."""
    transport, _backend = fetch_mod._pinned_transport()
    import httpx

    with httpx.Client(transport=transport) as client, pytest.raises(httpx.ConnectError):
        client.get("http://127.0.0.1:9/")
    assert connections == []


def test_guard_is_on_by_default_for_fetch_url(server, connections):
    with pytest.raises(BlockedURLError):
        fetch_url(f"http://127.0.0.1:{server}/article")
    assert connections == []


# ----------------------------------------------------------------------------- end to end, through the API
@pytest.fixture(scope="module")
def api():
    import tempfile

    pytest.importorskip("fastapi", reason="the web app needs fastapi (pip install fastapi uvicorn)")
    from fastapi.testclient import TestClient

    from claimmap.api import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(db_path=f"{tmp}/t.db", allow_private=False, warm=False)
        with TestClient(app) as client:
            yield client


@pytest.mark.parametrize("url, fragment", [
    ("http://127.0.0.1:{port}/article", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://[::1]:{port}/article", "loopback"),
    ("http://0x7f000001/", "loopback"),
    ("http://2130706433:{port}/article", "loopback"),
    ("http://[::ffff:127.0.0.1]:{port}/", "loopback"),
    ("http://localhost:{port}/article", "loopback"),
    ("file:///etc/passwd", "file://"),
    ("gopher://127.0.0.1:{port}/_GET%20/", "gopher://"),
])
def test_api_refuses_loopback_and_other_schemes(api, server, url, fragment, connections):
    r = api.post("/api/analyze", json={"url": url.format(port=server)})
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["error"] == "blocked_url" and body["status"] == 400
    assert fragment in body["message"] and "Traceback" not in r.text
    assert connections == []


@pytest.mark.parametrize("ip, why", [
    ("192.0.2.10", "documentation-range (TEST-NET-1)"), ("203.0.113.5", "documentation-range (TEST-NET-3)"),
    ("2001:db8::1", "documentation-range"), ("198.18.0.1", "benchmarking-range"), ("10.1.2.3", "private"),
    ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fd00::1", "private"), ("127.0.0.1", "loopback"),
    ("169.254.169.254", "link-local"), ("100.64.0.1", "shared (carrier-grade NAT)"), ("0.1.2.3", "'this network' (0.0.0.0/8)"),
    ("8.8.8.8", None)])
def test_address_classes_are_named_for_what_they_are(ip, why):
    from claimmap.sources.fetch import address_problem

    assert address_problem(ipaddress.ip_address(ip)) == why
