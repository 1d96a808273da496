"""The seed against real coverage: RuWA's headlines and subheadings (Reuters, BBC, Al Jazeera,
MSNBC, Ukrinform, Censor.NET, RT, TASS, News Front) of the days around 2022-02-25 as a corpus,
then the seed's claims corroborated against it. RuWA has no article bodies, so this is the
thinnest real coverage there is: what matters is what claimmap does NOT say (no claim
"contradicted" by a headline that reports the same event, no claimant-side outlet counted
independent), and which claims find their real reports.

    .venv/bin/python bench/bench_ruwa_seed.py [--days 3] [--out bench/results-ruwa-seed.json]

Prints every verdict with its claim and evidence; ``--out`` keeps verdicts, reasons, outlets
and stances only (no seed or RuWA text).

Reads ../shared/data/ruwa/RUWA_01.08.23.csv.zip and ../shared/seed (CLAIMMAP_DATA / --data);
writes the corpus to a temporary directory; nothing from RuWA is stored in the repository.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = "000_c6feb76e32d311d8.txt"
SEED_DATE = date(2022, 2, 25)


def rows(data: Path, days: int, center: date = SEED_DATE) -> list[dict]:
    """RuWA rows within ``days`` of ``center`` as corpus JSONL objects (title. subheading)."""
    with zipfile.ZipFile(data / "ruwa" / "RUWA_01.08.23.csv.zip") as z:
        with z.open(z.namelist()[0]) as fh:
            reader = csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8", errors="replace"))
            out = []
            for r in reader:
                try:
                    m, d, y = (int(x) for x in r["Date"].split("/"))
                    day = date(y, m, d)
                except (ValueError, KeyError):
                    continue
                if abs((day - center).days) > days:
                    continue
                title, desc = (r.get("title") or "").strip(), (r.get("desc") or "").strip()
                text = ". ".join(x.rstrip(".") for x in (title, desc) if x) + "."
                if len(text) < 20:
                    continue
                out.append({"text": text, "title": title or None, "url": r.get("src") or None,
                            "outlet": (r.get("Site") or "").removeprefix("www.").removeprefix("en.") or None,
                            "published": day.isoformat()})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("CLAIMMAP_DATA", str(ROOT.parent / "shared" / "data")))
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    data = Path(args.data)
    seed = data.parent / "seed" / SEED
    if not (data / "ruwa").is_dir() or not seed.is_file():
        sys.exit(f"needs {data / 'ruwa'} and {seed}")
    items = rows(data, args.days)
    cm = str(ROOT / ".venv" / "bin" / "claimmap")
    with tempfile.TemporaryDirectory() as tmp:
        feed, db = Path(tmp) / "ruwa.jsonl", Path(tmp) / "ruwa.db"
        feed.write_text("".join(json.dumps(x) + "\n" for x in items), encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run([cm, "corpus", "add", str(feed), "--db", str(db)], check=True,
                       stdout=subprocess.DEVNULL)
        t_add = time.perf_counter() - t0
        t0 = time.perf_counter()
        res = subprocess.run([cm, "analyze", str(seed), "--db", str(db), "--published", SEED_DATE.isoformat(),
                              "--format", "json"], check=True, capture_output=True, text=True)
        t_an = time.perf_counter() - t0
    report = json.loads(res.stdout)
    verdicts = report.get("verdicts") or []
    by_id = {s["id"]: s for s in report["statements"]}
    rows_out = []
    for v in verdicts:
        ev = [e for e in v.get("evidence") or [] if e.get("stance") != "unrelated"]
        rows_out.append({
            "statement": v.get("statement"), "speaker": v.get("speaker"),
            "claim": (v.get("claim") or by_id.get(v.get("statement"), {}).get("content", {}).get("text", ""))[:160],
            "said": v.get("said"), "so": v.get("so"), "confidence": v.get("confidence"), "reason": v.get("reason"),
            "evidence": [{"outlet": e.get("outlet"), "stance": e.get("stance"), "independent": e.get("independent"),
                          "text": (e.get("text") or "")[:200]} for e in ev],
        })
    summary = {
        "documents": len(items), "outlets": dict(Counter(x["outlet"] for x in items).most_common()),
        "corpus_add_s": round(t_add, 1), "analyze_s": round(t_an, 1),
        "copy_of": report["document"].get("copy_of"),
        "said": dict(Counter(r["said"] for r in rows_out)), "so": dict(Counter(r["so"] for r in rows_out)),
        "claims_with_evidence": sum(1 for r in rows_out if r["evidence"]),
        "verdicts": rows_out,
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    if args.out:  # without the seed's and RuWA's text (third-party text stays out of the repository)
        for r in summary["verdicts"]:
            r.pop("claim")
            for e in r["evidence"]:
                e.pop("text")
        Path(args.out).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
