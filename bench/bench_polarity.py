"""Polarity per class on the labelled sample of fictional sentences (tests/fixtures/polarity_sample.tsv),
with and without the content rules of claimmap.claims.polarity (claimmap/data/polarity.toml).

    .venv/bin/python bench/bench_polarity.py [SAMPLE.tsv]
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimmap.evaluate.polarity import evaluate  # noqa: E402


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else ROOT / "tests" / "fixtures" / "polarity_sample.tsv"
    out = {"cue lexicon only": evaluate(path, refine=False), "with content rules": evaluate(path, refine=True)}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
