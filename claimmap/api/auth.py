"""Token mode, end to end (setting CLAIMMAP_API_TOKEN).

With a token set, everything but the form, the docs and the static files needs it: the REST API
(``Authorization: Bearer <token>``), and every report page, job page and download. In a browser
the token is entered once (on the analyze form or the sign-in page) and kept in a session
cookie, ``HttpOnly`` (no script reads it), ``SameSite=Strict`` (never sent on a request from
another site, so it cannot be ridden by a cross-site form or link) and ``Secure`` over https, so
the report page's own links (JSON, ClaimReview, HTML download) work. ``POST /signout`` clears it.

The cookie holds no secret: it is ``<issued unix time>.<HMAC-SHA256 of it under the token>``,
valid for ``SESSION_SECONDS``; changing the token invalidates every session. On ``/api`` it is
accepted for reading (GET/HEAD) only: a POST to the API always needs the header.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlsplit

COOKIE = "claimmap_session"
SESSION_SECONDS = 12 * 3600
#: paths that need the token when one is set (prefixes)
PROTECTED = ("/api", "/reports", "/jobs")


def _mac(token: str, issued: int) -> str:
    return hmac.new(token.encode(), f"claimmap-session:{issued}".encode(), hashlib.sha256).hexdigest()


def new_session(token: str, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    return f"{issued}.{_mac(token, issued)}"


def valid_session(token: str, value: str | None, now: float | None = None) -> bool:
    if not token or not value or "." not in value:
        return False
    issued_s, _, mac = value.partition(".")
    try:
        issued = int(issued_s)
    except ValueError:
        return False
    age = (now if now is not None else time.time()) - issued
    return 0 <= age <= SESSION_SECONDS and hmac.compare_digest(mac, _mac(token, issued))


def token_matches(token: str, given: str | None) -> bool:
    return bool(token) and given is not None and hmac.compare_digest(given.strip().encode(), token.encode())


def bearer(headers) -> str | None:
    scheme, _, value = (headers.get("authorization") or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def needs_token(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PROTECTED)


def authorised(request, token: str) -> bool:
    """The request carries the token (header) or, for a page or a read, a valid session cookie."""
    if token_matches(token, bearer(request.headers)):
        return True
    reading = request.method in ("GET", "HEAD") or not request.url.path.startswith("/api")
    return reading and valid_session(token, request.cookies.get(COOKIE))


def set_session_cookie(response, request, token: str) -> None:
    response.set_cookie(COOKIE, new_session(token), max_age=SESSION_SECONDS, path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


def clear_session_cookie(response, request) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")


def safe_next(value: str | None) -> str:
    """A same-site path to go back to after signing in (never another host or scheme)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value
