"""Verdicts on real coverage without gold labels: RuWA headlines that attribute a claim
("…, Kremlin says", "Ukraine accuses …", "… denies …") corroborated against every RuWA headline
of the same weeks (Reuters, NBC, Al Jazeera, BBC, Ukrinform, Censor.NET, RT, TASS, News Front).
There is no truth label, so this measures the error direction the issue is about: how often
claimmap says "contradicted" or "disputed" at all on real coverage, each such verdict printed
for a person to judge, and how often a claim is confirmed only by its own side.

    .venv/bin/python bench/bench_ruwa_verdicts.py [--from 2022-02-24 --to 2022-03-10 --claims 150]
        [--out bench/results-ruwa-verdicts.json]

Reads ../shared/data/ruwa (CLAIMMAP_DATA / --data); the corpus goes to a temporary directory;
``--out`` keeps counts, verdicts, reasons and outlets, never RuWA text.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_ruwa_seed import rows  # noqa: E402

CUE = re.compile(r"\b(says?|said|claims?|accuses?|accused|denies|denied|rejects?|warns?|according to|tells?)\b", re.I)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("CLAIMMAP_DATA", str(ROOT.parent / "shared" / "data")))
    ap.add_argument("--from", dest="date_from", default="2022-02-24")
    ap.add_argument("--to", dest="date_to", default="2022-03-10")
    ap.add_argument("--claims", type=int, default=150)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "ruwa").is_dir():
        sys.exit(f"needs {data / 'ruwa'}")
    lo, hi = date.fromisoformat(args.date_from), date.fromisoformat(args.date_to)
    mid = lo + (hi - lo) / 2
    items = [x for x in rows(data, (hi - lo).days, center=mid)
             if lo <= date.fromisoformat(x["published"]) <= hi]
    attributed = [x for x in items if x["title"] and CUE.search(x["title"])]
    random.Random(args.seed).shuffle(attributed)
    claims = attributed[: args.claims]

    from claimmap.corpus.sqlite import SQLiteStore
    from claimmap.corroborate import corroborate
    from claimmap.pipeline import analyze_document
    from claimmap.sources import from_bytes

    out_rows, t_claims = [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        feed, db = Path(tmp) / "ruwa.jsonl", Path(tmp) / "ruwa.db"
        feed.write_text("".join(json.dumps(x) + "\n" for x in items), encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "claimmap"), "corpus", "add", str(feed), "--db", str(db)],
                       check=True, stdout=subprocess.DEVNULL)
        t_add = time.perf_counter() - t0
        store = SQLiteStore(str(db))
        for x in claims:
            doc = from_bytes(x["text"].encode("utf-8"), url=x["url"], content_type="text/plain; charset=utf-8")
            doc.published, doc.site = x["published"], x["outlet"]
            t0 = time.perf_counter()
            report = analyze_document(doc, framing=False, techniques=False, comments=False)
            corroborate(report, store)
            t_claims += time.perf_counter() - t0
            for v in report.extras.get("verdicts") or []:
                out_rows.append({"outlet": x["outlet"], "published": x["published"], "headline": x["text"][:200],
                                 "speaker": v.get("speaker"), "claim": v.get("claim"), "said": v.get("said"),
                                 "so": v.get("so"), "reason": v.get("reason"),
                                 "evidence": [(e.get("outlet_name") or e.get("outlet"), e.get("stance"),
                                               e.get("independent"), (e.get("text") or "")[:160])
                                              for e in v.get("evidence") or [] if e.get("stance") != "unrelated"]})
    n = len(out_rows)
    summary = {
        "corpus_documents": len(items), "headlines_analysed": len(claims), "claims": n,
        "corpus_add_s": round(t_add, 1), "per_headline_s": round(t_claims / max(1, len(claims)), 2),
        "said": dict(Counter(r["said"] for r in out_rows)), "so": dict(Counter(r["so"] for r in out_rows)),
        "so_contradicted_share": round(sum(r["so"] == "contradicted" for r in out_rows) / max(1, n), 3),
        "so_disputed_share": round(sum(r["so"] == "disputed" for r in out_rows) / max(1, n), 3),
        "flagged": [r for r in out_rows if r["so"] in ("contradicted", "disputed") or r["said"] in ("contradicted", "disputed")],
        # for a person to judge too: every so- and said-corroborated claim
        "so_corroborated": [r for r in out_rows if r["so"] == "corroborated"],
        "said_corroborated": [r for r in out_rows if r["said"] == "corroborated"],
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    if args.out:
        for r in summary["flagged"] + summary["so_corroborated"] + summary["said_corroborated"]:
            r.pop("headline", None), r.pop("claim", None)  # (a row may be in two lists)
            r["evidence"] = [e[:3] for e in r["evidence"]]
        Path(args.out).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
