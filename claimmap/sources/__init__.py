"""Sources: turn a file path, stdin bytes or an http(s) URL into a ``Document``.

Public API (implemented in submodules):
- ``read_source(source: str, *, stdin: bytes | None = None) -> Document``
- ``from_bytes(data: bytes, *, url=None, content_type=None, filename=None) -> Document``
- ``fetch_url(url: str) -> tuple[bytes, str, str | None]`` (body, final URL, Content-Type)
- ``check_url(url: str) -> None`` (the per-hop fetch guard; raises BlockedURLError)
"""

from claimmap.sources.decode import decode_bytes, from_bytes, looks_like_html
from claimmap.sources.fetch import check_url, fetch_url
from claimmap.sources.read import read_source

__all__ = ["check_url", "decode_bytes", "fetch_url", "from_bytes", "looks_like_html", "read_source"]
