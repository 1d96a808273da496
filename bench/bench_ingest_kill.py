"""kill -9 during a 1,000-article ingest, rerun: counts equal an uninterrupted run.

    .venv/bin/python bench/bench_ingest_kill.py [--articles 1000] [--kills 2] [--embed]

Generates N articles (bench_corpus.article, one JSONL file: the ingest streams it), runs
``claimmap corpus add`` uninterrupted into one store, and into a second store kills the process
with SIGKILL ``--kills`` times at growing document counts, resuming each time, then compares
``corpus stats``, the set of document hashes, per-document sentence/statement counts and the
FTS5 integrity check. Prints one JSON object (write it into BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_corpus import article  # noqa: E402


def count(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def add_cmd(src: Path, db: Path, embed: bool) -> list[str]:
    return [sys.executable, "-m", "claimmap", "corpus", "add", str(src), "--db", str(db), "-f", "json",
            *([] if embed else ["--no-embed"])]


def snapshot(db: Path) -> dict:
    con = sqlite3.connect(db)
    try:
        con.execute("INSERT INTO sentences_fts(sentences_fts) VALUES('integrity-check')")
        per_doc = con.execute(
            "SELECT d.hash, (SELECT count(*) FROM sentences s WHERE s.doc_id=d.id),"
            " (SELECT count(*) FROM statements t WHERE t.doc_id=d.id),"
            " (SELECT count(*) FROM sentences s WHERE s.doc_id=d.id AND s.embedding IS NOT NULL)"
            " FROM documents d ORDER BY d.hash").fetchall()
        return {"documents": len(per_doc), "per_doc": per_doc,
                "sentences": con.execute("SELECT count(*) FROM sentences").fetchone()[0],
                "statements": con.execute("SELECT count(*) FROM statements").fetchone()[0],
                "fts_rows": con.execute("SELECT count(*) FROM sentences_fts").fetchone()[0]}
    finally:
        con.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--kills", type=int, default=2)
    ap.add_argument("--embed", action="store_true", help="with MiniLM embeddings (slower)")
    args = ap.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS="1")
    tmp = Path(tempfile.mkdtemp(prefix="claimmap-kill-"))
    rng = random.Random(7)
    src = tmp / "articles.jsonl"
    with src.open("w") as fh:
        for i in range(args.articles):
            fh.write(json.dumps({"url": f"https://news.example/{i}", "text": article(i, rng),
                                 "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"}) + "\n")
    clean, killed = tmp / "clean.db", tmp / "killed.db"
    t0 = time.time()
    r = subprocess.run(add_cmd(src, clean, args.embed), env=env, cwd=ROOT, capture_output=True, text=True)
    clean_s = time.time() - t0
    assert r.returncode == 0, r.stderr[-2000:]
    kills = []
    for k in range(args.kills):
        target = (k + 1) * args.articles // (args.kills + 2)
        proc = subprocess.Popen(add_cmd(src, killed, args.embed), env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None and count(killed) < target:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills.append({"target": target, "documents_at_kill": count(killed), "returncode": proc.returncode})
    r = subprocess.run(add_cmd(src, killed, args.embed), env=env, cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    resume = json.loads(r.stdout)
    a, b = snapshot(clean), snapshot(killed)
    out = {"articles": args.articles, "embed": args.embed, "clean_run_s": round(clean_s, 1),
           "kills": kills, "resume": {k: resume[k] for k in ("added", "skipped", "failed")},
           "clean": {k: a[k] for k in ("documents", "sentences", "statements", "fts_rows")},
           "killed_and_resumed": {k: b[k] for k in ("documents", "sentences", "statements", "fts_rows")},
           "identical_per_document": a["per_doc"] == b["per_doc"]}
    print(json.dumps(out, indent=2))
    return 0 if out["identical_per_document"] and out["clean"] == out["killed_and_resumed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
