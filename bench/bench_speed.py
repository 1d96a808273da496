"""Speed: analyze the seed warm (pipeline loaded) and the CLI cold start, side by side with
the spaCy floor.

    .venv/bin/python bench/bench_speed.py [--runs 20] [--cold-runs 5] [--seed PATH]

Prints one JSON object. The seed lives in ../shared/seed (never copied into the repo); without
it, the shipped example is used and the output says so.

Cold start: ``claimmap analyze SEED --format json`` in a new process, alternating with the
spaCy floor, a bare ``python -c`` that imports spaCy, loads the same pipeline
(CLAIMMAP_SPACY_MODEL) and parses the same text (``import spacy`` loads torch through thinc,
as any spaCy user pays; ``floor_no_torch_s`` is the same with thinc's torch import blocked).
``cold_ratio`` is the median of the per-pair ratios cold / floor. One CLI run before the
timed ones builds the ONNX graphs into the cache (first use only) and warms the page cache.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_c6feb76e32d311d8.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--seed", type=Path, default=SEED)
    args = ap.parse_args()
    if args.seed.exists():
        path, text = args.seed, args.seed.read_text("utf-8")
    else:
        path = None
        text = resources.files("claimmap.data.examples").joinpath("harbour_talks.txt").read_text("utf-8")

    t0 = time.perf_counter()
    from claimmap.nlp import import_spacy_without_torch

    import_spacy_without_torch()  # as `claimmap analyze` does: torch in the process slowed the warm runs 3x
    import claimmap

    claimmap.analyze_text(text)  # loads spaCy and every data file
    first = time.perf_counter() - t0
    times, times_nf = [], []
    from claimmap import nlp

    from claimmap.techniques import load_model as technique_model

    for _ in range(args.runs):
        nlp.clear_caches()  # measure a new article, not a cache hit
        technique_model(fast=True)._encoded.clear()
        t = time.perf_counter()
        claimmap.analyze_text(text)
        times.append(time.perf_counter() - t)
        nlp.clear_caches()
        t = time.perf_counter()
        claimmap.analyze_text(text, framing=False)
        times_nf.append(time.perf_counter() - t)

    cli = [sys.executable, "-m", "claimmap", "analyze", str(path) if path else "-", "--format", "json"]
    from claimmap import config

    floor_code = ("import sys; import spacy; nlp = spacy.load(sys.argv[1]); "
                  "nlp(sys.stdin.buffer.read().decode('utf-8'))")
    no_torch = "import sys; sys.modules['torch'] = None; import spacy; del sys.modules['torch']; "
    floor_cmd = [sys.executable, "-c", floor_code, config.get("CLAIMMAP_SPACY_MODEL")]
    floor_nt_cmd = [sys.executable, "-c", no_torch + floor_code.split("; ", 2)[2], config.get("CLAIMMAP_SPACY_MODEL")]

    def timed(cmd, stdin: bytes | None) -> float:
        t = time.perf_counter()
        subprocess.run(cmd, input=stdin, capture_output=True, check=True)
        return time.perf_counter() - t

    subprocess.run(cli, input=None if path else text.encode(), capture_output=True, check=True)  # cache, page cache
    cold, floor, floor_nt, ratios = [], [], [], []
    for _ in range(args.cold_runs):
        floor.append(timed(floor_cmd, text.encode()))
        cold.append(timed(cli, None if path else text.encode()))
        floor_nt.append(timed(floor_nt_cmd, text.encode()))
        ratios.append(cold[-1] / floor[-1])
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "claimmap", "--help"], capture_output=True, check=True)
    help_s = time.perf_counter() - t

    print(json.dumps({
        "input": str(path) if path else "shipped example (seed absent)",
        "chars": len(text),
        "first_call_s": round(first, 3),
        "warm_p50_s": round(statistics.median(times), 4),
        "warm_max_s": round(max(times), 4),
        "warm_no_framing_p50_s": round(statistics.median(times_nf), 4),
        "warm_no_framing_max_s": round(max(times_nf), 4),
        "load_average": __import__("os").getloadavg()[0],
        "cli_cold_analyze_s_median": round(statistics.median(cold), 3),
        "cli_cold_analyze_s": [round(x, 3) for x in cold],
        "spacy_floor_s": [round(x, 3) for x in floor],
        "floor_no_torch_s": [round(x, 3) for x in floor_nt],
        "cold_ratio": round(statistics.median(ratios), 3),
        "cold_ratios": [round(x, 3) for x in ratios],
        "cli_help_s": round(help_s, 3),
        "runs": args.runs,
    }, indent=2))


if __name__ == "__main__":
    main()
