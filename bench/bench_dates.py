"""How often ``claimmap.corpus.dates.infer_date`` dates a page, and how often it agrees with
the page's own metadata date (trafilatura's: meta tags, JSON-LD, <time>), on the news pages of
the article-extraction benchmark (../shared/data/article-extraction-benchmark: html + url).

    .venv/bin/python bench/bench_dates.py [--data ../shared/data/article-extraction-benchmark]

The inference is run as if the page had no metadata (URL and extracted text only), so the
pages that do carry a metadata date measure its precision: "agree" = the same day, "near" =
within a day (time zones), "wrong" = further off. Pages without a metadata date show how many
undated pages it rescues (unchecked). A second pass ("raw_dump") reads only the top of the
page's whole visible text (every text node, scripts dropped: what a scraped text dump holds,
menus and all), without the URL, to measure the text reader alone. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/article-extraction-benchmark")
    args = ap.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no data at {args.data} (the article-extraction benchmark)")
    import lxml.html

    from claimmap.corpus.dates import date_from_text, infer_date
    from claimmap.sources import from_bytes

    truth = json.loads((args.data / "ground-truth.json").read_text("utf-8"))
    out = {"pages": 0, "with_metadata_date": 0, "inferred": 0, "agree": 0, "near": 0,
           "wrong": 0, "inferred_without_metadata": 0, "by_how": {}, "wrong_examples": []}
    raw = {"inferred": 0, "agree": 0, "near": 0, "wrong": 0, "by_how": {}}
    secs = 0.0
    for key, rec in sorted(truth.items()):
        path = args.data / "html" / f"{key}.html.gz"
        if not path.exists():
            continue
        data = gzip.decompress(path.read_bytes())
        doc = from_bytes(data, url=rec.get("url"), content_type="text/html")
        out["pages"] += 1
        meta = (doc.published or "")[:10] or None
        t = time.perf_counter()
        guess = infer_date(doc.text, doc.url)
        secs += time.perf_counter() - t
        if meta:
            out["with_metadata_date"] += 1
            tree = lxml.html.fromstring(data)
            for bad in tree.xpath("//script|//style|//noscript"):
                bad.drop_tree()
            dump = "\n".join(ln.strip() for ln in tree.text_content().splitlines() if ln.strip())
            g = date_from_text(dump)
            if g is not None:
                raw["inferred"] += 1
                raw["by_how"][g.how] = raw["by_how"].get(g.how, 0) + 1
                gap = abs(date.fromisoformat(g.day).toordinal() - date.fromisoformat(meta).toordinal())
                raw["agree" if gap == 0 else "near" if gap <= 1 else "wrong"] += 1
        if guess is None:
            continue
        out["inferred"] += 1
        out["by_how"][guess.how] = out["by_how"].get(guess.how, 0) + 1
        if not meta:
            out["inferred_without_metadata"] += 1
            continue
        gap = abs(date.fromisoformat(guess.day).toordinal() - date.fromisoformat(meta).toordinal())
        if gap == 0:
            out["agree"] += 1
        elif gap <= 1:
            out["near"] += 1
        else:
            out["wrong"] += 1
            out["wrong_examples"].append({"url": doc.url, "metadata": meta, "inferred": guess.day,
                                          "how": guess.how, "text": guess.text[:60]})
    checked = out["agree"] + out["near"] + out["wrong"]
    out["precision_same_day"] = round(out["agree"] / checked, 3) if checked else None
    out["precision_within_a_day"] = round((out["agree"] + out["near"]) / checked, 3) if checked else None
    out["ms_per_page"] = round(1000 * secs / max(1, out["pages"]), 3)
    rc = raw["agree"] + raw["near"] + raw["wrong"]
    raw["precision_within_a_day"] = round((raw["agree"] + raw["near"]) / rc, 3) if rc else None
    out["raw_dump"] = raw
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
