"""Fetch an http(s) URL with httpx: manual redirects (each hop checked), timeouts, size cap.

``check_url`` is the single per-hop decision point: it raises ``BlockedURLError`` for a URL
that must not be fetched and returns None otherwise. It never connects, so it can be tested
on its own; the private-address guard will be added there.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from claimmap import config
from claimmap.errors import BlockedURLError, FetchError, InputTooLargeError

ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = "claimmap/0.1 (+https://pypi.org/project/claimmap/)"
_REDIRECT_CODES = {301, 302, 303, 307, 308}


def _short(url: str, limit: int = 200) -> str:
    url = url.replace("\n", "%0A").replace("\r", "%0D")
    return url if len(url) <= limit else url[: limit - 1] + "…"


def check_url(url: str) -> None:
    """Decide whether ``url`` may be fetched; raise BlockedURLError if not. Never connects."""
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
    except ValueError:
        host = None
    if not host:
        raise BlockedURLError(f"refusing to fetch {_short(url)!r}: the URL has no host")


def fetch_url(url: str) -> tuple[bytes, str, str | None]:
    """GET ``url``; return ``(body bytes, final URL after redirects, Content-Type header or None)``.

    Raises BlockedURLError (scheme refused, at any hop), InputTooLargeError (body over
    CLAIMMAP_MAX_BYTES) or FetchError (unreachable, timeout, HTTP 4xx/5xx, too many redirects).
    """
    import httpx

    timeout_s = config.get_float("CLAIMMAP_FETCH_TIMEOUT")
    max_redirects = config.get_int("CLAIMMAP_MAX_REDIRECTS")
    max_bytes = config.get_int("CLAIMMAP_MAX_BYTES")
    timeout = httpx.Timeout(timeout_s, connect=timeout_s, read=timeout_s)
    current = url
    # trust_env=False: no proxy from the environment, so check_url sees the real destination
    with httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False,
                      headers={"User-Agent": USER_AGENT}) as client:
        for _hop in range(max_redirects + 1):
            check_url(current)
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
                            " (set CLAIMMAP_MAX_BYTES to raise it)"
                        )
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise InputTooLargeError(
                                f"{_short(current)} sent more than the {max_bytes}-byte limit"
                                " (set CLAIMMAP_MAX_BYTES to raise it)"
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
