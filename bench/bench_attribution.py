"""Attribution benchmark: PolNeAR span P/R/F1 (exact + overlap) and extract() speed on the seed.

    .venv/bin/python bench/bench_attribution.py [SPLIT_DIR] [--limit N]

SPLIT_DIR defaults to $CLAIMMAP_DATA/polnear/data/dev. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def seed_speed(path: str) -> dict | None:
    from claimmap.model import Document, Zone
    from claimmap.statements import extract

    if not os.path.exists(path):
        return None
    text = open(path, encoding="utf-8").read()
    a = text.find("Earlier today, Russia responded")
    end_marker = "committed by Kiev in Donbass."
    b = text.find(end_marker)
    if a < 0 or b < 0:
        return None
    doc = Document(text=text)
    zones = [Zone("z1", "body", a, b + len(end_marker))]
    t0 = time.perf_counter()
    extract(doc, zones)
    cold = time.perf_counter() - t0
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        _, sts = extract(doc, zones)
        runs.append(time.perf_counter() - t0)
    return {"cold_s": round(cold, 3), "warm_s_median": round(sorted(runs)[2], 4),
            "statements": len(sts), "body_chars": b + len(end_marker) - a}


def main(argv: list[str] | None = None) -> int:
    from claimmap import config
    from claimmap.evaluate.attribution import evaluate_attribution

    ap = argparse.ArgumentParser()
    ap.add_argument("split", nargs="?", default=os.path.join(config.get("CLAIMMAP_DATA"), "polnear", "data", "dev"))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--rules-only", action="store_true", help="disable the learned cue detector")
    ap.add_argument("--model", default=None, help="use this cue model file instead of the shipped one")
    ap.add_argument("--articles", default=None, help="file of article names (one a line) to score only")
    ap.add_argument("--new-cue-threshold", type=float, default=None,
                    help="override attribution.NEW_CUE_THRESHOLD (tuning)")
    ap.add_argument("--no-seed", action="store_true", help="skip the seed speed measurement")
    ap.add_argument("--seed", default="/work/shared/seed/000_c6feb76e32d311d8.txt")
    args = ap.parse_args(argv)
    import claimmap.statements as statements
    from claimmap.statements import learned

    statements.USE_MODEL = not args.rules_only
    if args.model:
        learned.OVERRIDE = learned.read(args.model)
    if args.new_cue_threshold is not None:
        from claimmap.statements import attribution

        attribution.NEW_CUE_THRESHOLD = args.new_cue_threshold
    names = None
    if args.articles:
        names = [x.strip() for x in open(args.articles, encoding="utf-8") if x.strip()]
    model = learned.load() if statements.USE_MODEL else None
    out = {"mode": "rules+learned cue detector" if model else "rules only",
           "model": model.meta if model else None, "seed_speed": None if args.no_seed else seed_speed(args.seed)}
    t0 = time.perf_counter()
    out["polnear"] = evaluate_attribution(args.split, limit=args.limit, articles=names)
    out["polnear"]["split"] = args.split
    out["polnear"]["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
