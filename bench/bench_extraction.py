#!/usr/bin/env python3
"""Run the extraction and comment-zone evaluations over CLAIMMAP_DATA and print JSON.

Usage: .venv/bin/python bench/bench_extraction.py [--limit N] [--baseline] [--kinds body,disclaimer]
"""

from __future__ import annotations

import argparse
import json
import time

from claimmap.evaluate.extraction import (
    data_dir,
    evaluate_body_segments,
    evaluate_comment_zones,
    evaluate_extraction,
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages of each set")
    ap.add_argument("--baseline", action="store_true",
                    help="also score trafilatura alone (its comments section, its body)")
    ap.add_argument("--kinds", default="body", help="zone kinds submitted as articleBody")
    args = ap.parse_args()
    out = {"data": str(data_dir())}
    t0 = time.perf_counter()
    out["extraction"] = evaluate_extraction(limit=args.limit, kinds=args.kinds.split(","))
    t1 = time.perf_counter()
    out["comment_zones"] = evaluate_comment_zones(limit=args.limit, baseline=args.baseline)
    t2 = time.perf_counter()
    out["body_segments"] = evaluate_body_segments(limit=args.limit, baseline=args.baseline)
    t3 = time.perf_counter()
    out["seconds"] = {"extraction": round(t1 - t0, 1), "comment_zones": round(t2 - t1, 1),
                      "body_segments": round(t3 - t2, 1)}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
