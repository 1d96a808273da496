"""The web app's SQLite store of analysed reports by id.

``ReportStore`` keeps each report's JSON (the ``claimmap analyze --format json`` contract plus
its ``id``) under a short random token, in one SQLite file (setting CLAIMMAP_DB,
``claimmap serve --db PATH``). Each operation opens its own short-lived connection, so the store
is safe to use from the thread pool.

The corpus is not kept here: the corpus endpoints and corroboration use the real corpus store
(``claimmap.corpus``, through ``claimmap.api.corpus``), by default ``corpus.db`` beside this file.
(Older versions kept a small FTS5 ``documents`` table in this file; it is left untouched and
unused.)
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimmap import config

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    source TEXT NOT NULL,          -- 'url', 'text' or 'html'
    url TEXT,
    title TEXT,
    json TEXT NOT NULL
);
"""

_ID_RE = re.compile(r"^[A-Za-z0-9_-]{6,32}$")


def default_db_path() -> Path:
    """CLAIMMAP_DB, else ``$XDG_DATA_HOME/claimmap/claimmap.db`` (``~/.local/share`` by default)."""
    raw = config.get("CLAIMMAP_DB").strip()
    if raw:
        return Path(raw).expanduser()
    try:
        import platformdirs  # optional

        return Path(platformdirs.user_data_dir("claimmap", appauthor=False)) / "claimmap.db"
    except ImportError:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "claimmap" / "claimmap.db"


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class _SQLite:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn, conn:
            conn.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn


class ReportStore(_SQLite):
    """Reports by id: ``save`` returns a new short random id, ``get`` the stored JSON dict."""

    def save(self, data: dict[str, Any], *, source: str) -> str:
        for _ in range(5):
            report_id = secrets.token_urlsafe(9)  # 12 characters, 72 random bits
            stored = {"id": report_id, **{k: v for k, v in data.items() if k != "id"}}
            try:
                with closing(self._connect()) as conn, conn:
                    conn.execute(
                        "INSERT INTO reports (id, created, source, url, title, json) VALUES (?, ?, ?, ?, ?, ?)",
                        (report_id, _now(), source, (data.get("document") or {}).get("url"),
                         (data.get("document") or {}).get("title"), json.dumps(stored, ensure_ascii=False)),
                    )
                return report_id
            except sqlite3.IntegrityError:  # pragma: no cover - a 72-bit collision
                continue
        raise RuntimeError("could not allocate a report id")  # pragma: no cover

    def get(self, report_id: str) -> dict[str, Any] | None:
        if not _ID_RE.match(report_id or ""):
            return None
        with closing(self._connect()) as conn:
            row = conn.execute("SELECT json FROM reports WHERE id = ?", (report_id,)).fetchone()
        return json.loads(row["json"]) if row else None

    def count(self) -> int:
        with closing(self._connect()) as conn:
            return conn.execute("SELECT count(*) FROM reports").fetchone()[0]
