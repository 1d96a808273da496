"""Fetch an http(s) URL with httpx: manual redirects (each hop checked), timeouts, size cap.

``check_url`` (``vet_url``, which also returns the vetted IP addresses) is the single per-hop
decision point: it raises ``BlockedURLError`` for a URL that must not be fetched. It never connects to
the target (it only asks the resolver), so it can be tested on its own.

The address guard (on by default, everywhere): after DNS resolution every address a host
resolves to must be public; loopback, private, link-local, shared (CGNAT), multicast,
reserved and unspecified addresses are refused, IPv4 and IPv6 alike, including IPv4-mapped,
6to4, Teredo and NAT64 IPv6 addresses with a private IPv4 inside and the integer/hex/octal
IPv4 spellings (``http://2130706433/``, ``http://0x7f000001/``). The check runs on every
redirect hop, and the connection then goes to the vetted address itself (a pinned network
backend under httpx: no second DNS lookup, so DNS rebinding cannot swap the target; TLS still
verifies the certificate and sends SNI for the host name). ``CLAIMMAP_ALLOW_PRIVATE_URLS``
(or ``allow_private=``) opens private targets for intranet use: ``1`` allows every address,
a comma-separated list of networks (``10.0.0.0/8,fd00::/8``) only those.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from typing import Union
from urllib.parse import urljoin, urlsplit

from claimmap import config
from claimmap.errors import BlockedURLError, FetchError, InputTooLargeError

ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = "claimmap/0.1 (+https://pypi.org/project/claimmap/)"
_REDIRECT_CODES = {301, 302, 303, 307, 308}

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
#: ``allow_private``: False (guard fully on), True (any address), or the networks allowed
AllowPrivate = Union[bool, "tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]", None]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SHARED = ipaddress.ip_network("100.64.0.0/10")
#: special-purpose ranges Python files under ``is_private`` that are not private networks, named
#: for what they are (IANA special-purpose address registries)
_SPECIAL = [(ipaddress.ip_network(n), name) for n, name in (
    ("192.0.2.0/24", "documentation-range (TEST-NET-1)"), ("198.51.100.0/24", "documentation-range (TEST-NET-2)"),
    ("203.0.113.0/24", "documentation-range (TEST-NET-3)"), ("2001:db8::/32", "documentation-range"),
    ("198.18.0.0/15", "benchmarking-range"), ("2001:2::/48", "benchmarking-range"),
    ("192.0.0.0/24", "IETF protocol-assignment"), ("0.0.0.0/8", "'this network' (0.0.0.0/8)"),
    ("240.0.0.0/4", "reserved (240.0.0.0/4)"), ("255.255.255.255/32", "broadcast"),
    ("100::/64", "discard-only"), ("2001::/23", "IETF protocol-assignment"))]
#: the private networks proper (RFC 1918, IPv6 unique local)
_PRIVATE = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")]
_INT_PART = re.compile(r"^(0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$", re.IGNORECASE)


def _short(url: str, limit: int = 200) -> str:
    url = url.replace("\n", "%0A").replace("\r", "%0D")
    return url if len(url) <= limit else url[: limit - 1] + "…"


# ----------------------------------------------------------------------------- address policy
def parse_ip_host(host: str) -> IPAddress | None:
    """The address a URL host spells literally, or None for a name.

    Accepts dotted IPv4, IPv6 (with or without brackets, with a zone id), and the legacy
    ``inet_aton`` spellings resolvers accept: one to four parts, each decimal, hex (``0x``)
    or octal (leading ``0``), e.g. ``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``.
    """
    h = host.strip().strip("[]").rstrip(".")
    if not h:
        return None
    if ":" in h:
        try:
            return ipaddress.IPv6Address(h)
        except ValueError:
            return None
    parts = h.split(".")
    if not 1 <= len(parts) <= 4 or not all(_INT_PART.match(p) for p in parts):
        return None
    try:
        nums = [int(p, 16) if p.lower().startswith("0x") else int(p, 8) if len(p) > 1 and p.startswith("0")
                else int(p or "0") for p in parts]
    except ValueError:  # "0x" alone
        return None
    last_bits = 32 - 8 * (len(nums) - 1)
    if any(n > 255 for n in nums[:-1]) or nums[-1] >= 1 << last_bits:
        return None
    value = 0
    for n in nums[:-1]:
        value = value << 8 | n
    value = value << last_bits | nums[-1]
    return ipaddress.IPv4Address(value)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    out = []
    if ip.ipv4_mapped is not None:
        out.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        out.append(ip.sixtofour)
    if ip.teredo is not None:
        out.extend(ip.teredo)
    if ip in _NAT64:
        out.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return out


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address (e.g. ``"loopback"``), or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in _embedded_ipv4(ip):
            why = address_problem(inner)
            if why:
                return f"{why} (inside {ip})"
        if ip.scope_id:
            return "scoped (zone id)"
    special = next((name for net, name in _SPECIAL if ip.version == net.version and ip in net), None)
    private = any(ip.version == net.version and ip in net for net in _PRIVATE)
    checks = [("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
              ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
              ("private", private), (special, special is not None),
              ("special-purpose (not public)", ip.is_private), ("reserved", ip.is_reserved),
              ("shared (carrier-grade NAT)", isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED),
              ("not globally routable", not ip.is_global)]
    return next((name for name, hit in checks if hit), None)


def allow_private_setting() -> AllowPrivate:
    """CLAIMMAP_ALLOW_PRIVATE_URLS: empty/0/false = guard on; 1/true/yes = any address; else networks."""
    raw = config.get("CLAIMMAP_ALLOW_PRIVATE_URLS").strip()
    if raw.lower() in ("", "0", "false", "no", "off"):
        return False
    if raw.lower() in ("1", "true", "yes", "on", "all"):
        return True
    return parse_networks(raw)


def parse_networks(raw: str | Iterable[str]) -> tuple:
    items = [p.strip() for p in (raw.split(",") if isinstance(raw, str) else raw) if p.strip()]
    try:
        return tuple(ipaddress.ip_network(p, strict=False) for p in items)
    except ValueError as exc:
        from claimmap.errors import ClaimmapError

        raise ClaimmapError(f"setting CLAIMMAP_ALLOW_PRIVATE_URLS: {exc}") from None


def _allowed(ip: IPAddress, allow_private: AllowPrivate) -> bool:
    if address_problem(ip) is None or allow_private is True:
        return True
    if allow_private:
        plain = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip
        return any(plain.version == net.version and plain in net for net in allow_private)
    return False


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (literal addresses without asking the resolver)."""
    literal = parse_ip_host(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(f"cannot resolve host {host!r}: {getattr(exc, 'strerror', None) or exc}") from None
    out: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        try:
            ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        except ValueError:
            raise BlockedURLError(f"refusing to fetch from {host!r}: unexpected address {sockaddr[0]!r}") from None
        if ip not in out:
            out.append(ip)
    if not out:
        raise FetchError(f"cannot resolve host {host!r}: no address")
    return out


def check_url(url: str, *, allow_private: AllowPrivate = None) -> None:
    """Decide whether ``url`` may be fetched; raise BlockedURLError if not. Never connects.

    The same decision as ``vet_url`` (see there), without handing back the addresses.
    """
    vet_url(url, allow_private=allow_private)


def vet_url(url: str, *, allow_private: AllowPrivate = None) -> list[IPAddress]:
    """Decide whether ``url`` may be fetched; raise BlockedURLError if not.

    Returns the vetted addresses (all public, or allowed by ``allow_private``; None reads
    CLAIMMAP_ALLOW_PRIVATE_URLS). Resolves the host name but never connects to it.
    """
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise BlockedURLError(f"refusing to fetch {_short(url)!r}: invalid URL ({exc})") from None
    scheme = (parts.scheme or "").lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}://" if scheme else "no scheme"
        raise BlockedURLError(
            f"refusing to fetch {_short(url)!r}: {shown} is not allowed, only http:// and https:// URLs"
        )
    try:
        host = parts.hostname
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        host, port = None, 0
    if not host:
        raise BlockedURLError(f"refusing to fetch {_short(url)!r}: the URL has no host")
    if allow_private is None:
        allow_private = allow_private_setting()
    addresses = resolve_host(host, port)
    for ip in addresses:
        if not _allowed(ip, allow_private):
            raise BlockedURLError(
                f"refusing to fetch {_short(url)!r}: {host} is a {address_problem(ip)} address"
                f"{'' if str(ip) == host else f' ({ip})'}; "
                "only public addresses are fetched (intranet addresses need the allow-private option)"
            )
    return addresses


# ----------------------------------------------------------------------------- pinned connections
class _PinnedBackend:
    """httpcore network backend that connects only to addresses ``check_url`` vetted.

    ``pins`` maps a URL host (lower-case, no brackets) to its vetted addresses; a connection to
    a host that is not pinned is refused, so nothing reaches the network unvetted.
    """

    def __init__(self) -> None:
        import httpcore

        self._inner = httpcore.SyncBackend()
        self.pins: dict[str, list[IPAddress]] = {}

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        import httpcore

        addresses = self.pins.get(host.strip("[]").lower())
        if not addresses:
            raise httpcore.ConnectError(f"{host} was not vetted by the fetch guard")
        last: Exception | None = None
        for ip in addresses:
            try:
                return self._inner.connect_tcp(str(ip), port, timeout=timeout, local_address=local_address,
                                               socket_options=socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        raise last  # type: ignore[misc]

    def connect_unix_socket(self, *args, **kwargs):  # pragma: no cover - never used
        import httpcore

        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:  # pragma: no cover
        self._inner.sleep(seconds)


def _httpx_host(url: str) -> str:
    """The host as httpx will hand it to the network backend (IDNA-encoded, no brackets)."""
    import httpx

    try:
        return httpx.URL(url).host.lower()
    except Exception:  # noqa: BLE001 - httpx refuses it; the request will fail the same way
        return ""


def _pinned_transport():
    import httpx

    transport = httpx.HTTPTransport(trust_env=False)
    backend = _PinnedBackend()
    transport._pool._network_backend = backend  # httpcore.ConnectionPool's backend hook
    return transport, backend


def fetch_url(url: str, *, allow_private: AllowPrivate = None) -> tuple[bytes, str, str | None]:
    """GET ``url``; return ``(body bytes, final URL after redirects, Content-Type header or None)``.

    Raises BlockedURLError (scheme or address refused, at any hop), InputTooLargeError (body over
    CLAIMMAP_MAX_BYTES) or FetchError (unreachable, timeout, HTTP 4xx/5xx, too many redirects).
    ``allow_private``: see ``check_url`` (None reads CLAIMMAP_ALLOW_PRIVATE_URLS).
    """
    import httpx

    timeout_s = config.get_float("CLAIMMAP_FETCH_TIMEOUT")
    max_redirects = config.get_int("CLAIMMAP_MAX_REDIRECTS")
    max_bytes = config.get_int("CLAIMMAP_MAX_BYTES")
    if allow_private is None:
        allow_private = allow_private_setting()
    timeout = httpx.Timeout(timeout_s, connect=timeout_s, read=timeout_s)
    transport, backend = _pinned_transport()
    current = url
    # trust_env=False: no proxy from the environment, so check_url sees the real destination
    with httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False, transport=transport,
                      headers={"User-Agent": USER_AGENT}) as client:
        for _hop in range(max_redirects + 1):
            addresses = vet_url(current, allow_private=allow_private)
            for key in {(urlsplit(current).hostname or "").lower(), _httpx_host(current)}:
                backend.pins[key] = addresses
            try:
                with client.stream("GET", current) as resp:
                    if resp.status_code in _REDIRECT_CODES and resp.headers.get("location"):
                        current = urljoin(current, resp.headers["location"].strip())
                        continue
                    if resp.status_code >= 400:
                        reason = resp.reason_phrase or ""
                        raise FetchError(
                            f"fetching {_short(current)} failed: HTTP {resp.status_code} {reason}".rstrip()
                        )
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise InputTooLargeError(
                            f"{_short(current)} is {declared} bytes, over the {max_bytes}-byte limit"
                        )
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise InputTooLargeError(
                                f"{_short(current)} sent more than the {max_bytes}-byte limit"
                            )
                        chunks.append(chunk)
                    return b"".join(chunks), str(resp.url), resp.headers.get("content-type")
            except httpx.TimeoutException:
                raise FetchError(f"fetching {_short(current)} timed out after {timeout_s:g} s") from None
            except httpx.ConnectError as exc:
                host = urlsplit(current).hostname or current
                detail = str(exc).splitlines()[0] if str(exc) else "connection failed"
                raise FetchError(f"cannot connect to {host}: {detail}") from None
            except httpx.InvalidURL as exc:
                raise FetchError(f"cannot fetch {_short(current)}: invalid URL ({exc})") from None
            except httpx.HTTPError as exc:
                detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise FetchError(f"fetching {_short(current)} failed: {detail}") from None
    raise FetchError(f"fetching {_short(url)} failed: too many redirects (more than {max_redirects})")
