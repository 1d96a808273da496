"""Sides only in context, on real news pages: how many statements get a conflict side with and
without claimmap.statements.sides, and every side it changes (to read by hand).

    .venv/bin/python bench/bench_sides.py [N_PAGES]      # pages of ../shared/data/article-extraction-benchmark

The 181 pages are news from many sites and topics (US politics, science, business, sport, a few
on China, Afghanistan, Israel, the 2019 Ukraine impeachment inquiry). Prints a JSON summary, then
one line per changed statement ("changed": page, title, mention, canonical and side without the
stage, then with it, and the conflicts found in context), then one per statement that has a side
("side").
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimmap.errors import DataError  # noqa: E402
from claimmap.evaluate.extraction import benchmark_pages  # noqa: E402
from claimmap.pipeline import analyze_document  # noqa: E402
from claimmap.statements import actors, sides  # noqa: E402


def main() -> None:
    try:
        files = list(benchmark_pages(limit=int(sys.argv[1]) if len(sys.argv) > 1 else None))
    except DataError as exc:
        raise SystemExit(str(exc)) from None
    orig = sides.apply
    changes, kept = [], []
    n_before = n_after = n_st = pages = 0
    for fname, doc in files:
        sides.apply = lambda *a, **k: {}
        try:
            r0 = analyze_document(doc, framing=False, disputes=False)
        except Exception:  # noqa: BLE001 - a page without article text
            continue
        finally:
            sides.apply = orig
        r1 = analyze_document(doc, framing=False, disputes=False)
        pages += 1
        ctx = sorted(sides.conflicts_in_context(r1.document.text, r1.zones, actors.load()))
        for a, b in zip(r0.statements, r1.statements):
            n_st += 1
            sa = a.speaker.side if a.speaker else None
            sb = b.speaker.side if b.speaker else None
            n_before += sa is not None
            n_after += sb is not None
            if sb is not None:
                kept.append([fname[:10], (r1.document.title or "")[:50], b.speaker.text, b.speaker.canonical, sb, ctx])
            if sa != sb:
                changes.append([fname[:10], (r1.document.title or "")[:50], a.speaker.text, a.speaker.canonical, sa,
                                b.speaker.canonical, sb, ctx])
    print(json.dumps({"pages": pages, "statements": n_st, "with_side_without_stage": n_before,
                      "with_side_with_stage": n_after, "changed": len(changes)}))
    for c in changes:
        print("changed", json.dumps(c, ensure_ascii=False))
    for c in kept:
        print("side", json.dumps(c, ensure_ascii=False))


if __name__ == "__main__":
    main()
