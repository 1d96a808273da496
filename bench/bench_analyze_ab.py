"""Warm analysis of the seed in this process, for A/B runs of two checkouts.

    PYTHONPATH=CHECKOUT .venv/bin/python bench/bench_analyze_ab.py [--framing] [--runs 10]

Loads the pipeline, then analyses the seed (``../shared/seed``; the shipped example without it)
``--runs`` times, each time as a new article (a distinct last line, caches cleared), and times
the spaCy parse of its blocks alone the same way. Run it alternately with ``PYTHONPATH`` set to
each checkout: on a noisy machine only alternating runs compare two versions fairly.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_c6feb76e32d311d8.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--framing", action="store_true", help="every stage (default: no framing)")
    args = ap.parse_args()
    import claimmap
    from claimmap import nlp
    from claimmap.pipeline import analyze_text

    if SEED.exists():
        text, source = SEED.read_text("utf-8"), str(SEED)
    else:
        text = resources.files("claimmap").joinpath("data/examples/harbour_talks.txt").read_text("utf-8")
        source = "shipped example (seed absent)"
    analyze_text(text, framing=args.framing)  # load every model
    total, parse = [], []
    for i in range(args.runs):
        nlp.clear_caches()
        t = time.perf_counter()
        analyze_text(text + f"\n{i}", framing=args.framing)
        total.append(time.perf_counter() - t)
        nlp.clear_caches()
        blocks = [text[a:b] for a, b in nlp.blocks(text, 0, len(text))]
        t = time.perf_counter()
        nlp.parse_cached(blocks)
        parse.append(time.perf_counter() - t)
    print(json.dumps({"code": str(Path(claimmap.__file__).resolve().parents[1]), "input": source,
                      "framing": args.framing, "runs": args.runs,
                      "analyze_p50_s": round(statistics.median(total), 3),
                      "parse_p50_s": round(statistics.median(parse), 3)}))


if __name__ == "__main__":
    sys.exit(main())
