"""Page warnings (several articles in one input; not news: recipe, product page) on real pages.

    .venv/bin/python bench/bench_page_warnings.py      # ../shared/data/article-extraction-benchmark

Zoning only (no parse). Prints the number of pages read and of pages warned, then each warned
page with its title, to read by hand.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimmap.errors import DataError  # noqa: E402
from claimmap.evaluate.extraction import benchmark_pages  # noqa: E402
from claimmap.zones import zone_document  # noqa: E402
from claimmap.zones.genre import page_warnings  # noqa: E402


def main() -> None:
    n, warned = 0, []
    try:
        for name, page in benchmark_pages():
            try:
                doc, zones = zone_document(page)
            except Exception:  # noqa: BLE001 - a page the zoner refuses is not counted
                continue
            n += 1
            w = page_warnings(doc.text, zones)
            if w:
                warned.append((name[:10], (doc.title or "")[:60], w))
    except DataError as exc:
        raise SystemExit(str(exc)) from None
    print(f"pages {n}, warned {len(warned)}")
    for x in warned:
        print(*x, sep=" | ")


if __name__ == "__main__":
    main()
