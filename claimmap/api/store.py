"""The web app's SQLite store: analysed reports by id, and a minimal corpus with FTS5 search.

``ReportStore`` keeps each report's JSON (the ``claimmap analyze --format json`` contract plus
its ``id``) under a short random token. ``CorpusStore`` is the *embedded* corpus: documents
(text, title, url, site) with an FTS5 index over title and text and a few counts. It is a
stand-in with a deliberately small interface (``add``, ``stats``, ``search``) for the corpus
issue's ``Store``, which will replace it; the REST endpoints only use those three methods.

One SQLite file holds both (setting CLAIMMAP_DB, ``claimmap serve --db PATH``). Each operation
opens its own short-lived connection, so the store is safe to use from the thread pool.
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
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    added TEXT NOT NULL,
    url TEXT,
    site TEXT,
    title TEXT,
    text TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
    title, text, content='documents', content_rowid='id'
);
CREATE TRIGGER IF NOT EXISTS documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, coalesce(new.title, ''), new.text);
END;
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


def fts_query(q: str) -> str:
    """User words -> an FTS5 query of quoted terms (all must match): no FTS syntax is interpreted."""
    words = re.findall(r"\w+", q, flags=re.UNICODE)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words[:32])


class CorpusStore(_SQLite):
    """The embedded corpus (to be replaced by the corpus issue's Store): add, stats, search."""

    def add(self, *, text: str, title: str | None = None, url: str | None = None,
            site: str | None = None) -> int:
        with closing(self._connect()) as conn, conn:
            cur = conn.execute("INSERT INTO documents (added, url, site, title, text) VALUES (?, ?, ?, ?, ?)",
                               (_now(), url, site, title, text))
            return int(cur.lastrowid)

    def stats(self) -> dict[str, Any]:
        with closing(self._connect()) as conn:
            row = conn.execute("SELECT count(*), count(DISTINCT site), coalesce(sum(length(text)), 0) "
                               "FROM documents").fetchone()
            reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        return {"documents": row[0], "sites": row[1], "characters": row[2], "reports": reports,
                "store": "embedded"}

    def search(self, q: str, *, limit: int = 20) -> list[dict[str, Any]]:
        query = fts_query(q)
        if not query:
            return []
        with closing(self._connect()) as conn:
            rows = conn.execute(
                "SELECT d.id, d.url, d.site, d.title, "
                "snippet(documents_fts, 1, '[', ']', '…', 16) AS snippet, bm25(documents_fts) AS score "
                "FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid "
                "WHERE documents_fts MATCH ? ORDER BY score LIMIT ?",
                (query, max(1, min(limit, 100))),
            ).fetchall()
        return [{"id": r["id"], "url": r["url"], "site": r["site"], "title": r["title"],
                 "snippet": r["snippet"], "score": round(-float(r["score"]), 4)} for r in rows]
