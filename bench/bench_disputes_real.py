"""Disputes on real pages, for a person to judge: every dispute claimmap finds in the English
article bodies of article-extraction-benchmark (no gold exists for disputes), printed with both
statements. Prints only; nothing from the pages is written to the repository.

    .venv/bin/python bench/bench_disputes_real.py [BENCHMARK_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    import claimmap
    from claimmap.errors import ClaimmapError
    from claimmap.evaluate import statements as S

    root = sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared" / "data" / "article-extraction-benchmark")
    truth = S.load_pages(root)
    n_pages = n = 0
    for key, page in sorted(truth.items()):
        try:
            r = claimmap.analyze_text(S.analysed_text(page["articleBody"]), framing=False, techniques=False)
        except ClaimmapError:
            continue  # not English, too short: refused with a reason
        n_pages += 1
        by = {s.id: s for s in r.statements}
        for d in r.disputes:
            a, b = by[d.statements[0]], by[d.statements[1]]
            n += 1
            who = lambda st: st.speaker.canonical if st.speaker else "narrator"  # noqa: E731
            print(f"{key[:8]} {d.id} score={d.similarity:.2f}\n  {who(a)} ({a.polarity}): {a.content.text[:140]!r}"
                  f"\n  {who(b)} ({b.polarity}): {b.content.text[:140]!r}")
    print(f"{n} disputes on {n_pages} pages")


if __name__ == "__main__":
    main()
