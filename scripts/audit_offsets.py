"""Turn an annotator's draft (text anchors) into the gold offsets file of the statement audit.

The draft quotes the page, so it stays OUT of the repository; only the output (offsets, speakers,
labels, hashes) is committed. See docs/audit-guidelines.md.

Draft format, one page after another::

    = PAGEKEY_PREFIX | site | topic
    S | polarity | kind | side or - | speaker as written | canonical [| alias; alias]
    > content anchor                       (one line per segment of the content)
    N | why | anchor                       (a span that is NOT a statement: byline, label...)

An anchor is the exact text of the span, or ``first words ... last words`` (the span runs from
the first occurrence of the first words, searched from the end of the previous anchor of the
same page, to the end of the first occurrence of the last words after them). ``@N`` at the end of
an anchor's first words picks their N-th occurrence in the whole text instead.

    python scripts/audit_offsets.py DRAFT ../shared/data/article-extraction-benchmark OUT.jsonl
    python scripts/audit_offsets.py DRAFT ../shared/data/trafilatura-eval OUT.jsonl   (key: evaldata's file)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from claimmap.evaluate.statements import analysed_text, load_pages, text_hash  # noqa: E402


def _find(text: str, needle: str, start: int, nth: int | None) -> int:
    if nth:
        pos = -1
        for _ in range(nth):
            pos = text.find(needle, pos + 1)
            if pos < 0:
                break
    else:
        pos = text.find(needle, start)
        if pos < 0:
            pos = text.find(needle)
    if pos < 0:
        raise ValueError(f"anchor not found: {needle!r}")
    return pos


def locate(text: str, anchor: str, cursor: int) -> tuple[int, int]:
    anchor = anchor.strip()
    nth = None
    m = re.search(r"\s*@(\d+)$", anchor.split(" ... ")[0])
    if m:
        first = anchor.split(" ... ")[0][:m.start()]
        nth = int(m.group(1))
        rest = anchor.split(" ... ")[1:]
    else:
        first, *rest = anchor.split(" ... ")
    s = _find(text, first, cursor, nth)
    if not rest:
        return s, s + len(first)
    last = rest[-1]
    e = text.find(last, s + len(first))
    if e < 0:
        raise ValueError(f"end anchor not found: {last!r} after {first!r}")
    return s, e + len(last)


def convert(draft: str, root: Path) -> list[dict]:
    truth = load_pages(root)  # article-extraction-benchmark or trafilatura-eval
    pages, page, text, cursor, cur = [], None, "", 0, None
    for n, raw in enumerate(draft.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            if line.startswith("="):
                prefix, site, topic = [x.strip() for x in line[1:].split("|")]
                keys = [k for k in truth if k.startswith(prefix)]
                if len(keys) != 1:
                    raise ValueError(f"page prefix {prefix!r} matches {len(keys)} pages")
                text = analysed_text(truth[keys[0]]["articleBody"])
                page = {"page": keys[0], "sha256": text_hash(text), "chars": len(text),
                        "url": truth[keys[0]].get("url"), "site": site, "topic": topic,
                        "statements": [], "not_statements": []}
                pages.append(page)
                cursor, cur = 0, None
            elif line.startswith("S"):
                f = [x.strip() for x in line.split("|")]
                cur = {"content": [], "speaker": f[4], "canonical": f[5],
                       "aliases": [a.strip() for a in f[6].split(";")] if len(f) > 6 and f[6] else [],
                       "polarity": f[1], "side": None if f[3] in ("-", "") else f[3], "kind": f[2]}
                page["statements"].append(cur)
            elif line.lstrip().startswith(">"):
                s, e = locate(text, line.lstrip()[1:], cursor)
                cur["content"].append([s, e])
                cursor = e
            elif line.startswith("N"):
                _, why, anchor = [x.strip() for x in line.split("|", 2)]
                s, e = locate(text, anchor, 0)
                page["not_statements"].append({"span": [s, e], "why": why})
            else:
                raise ValueError("unknown line")
        except (ValueError, IndexError, TypeError, AttributeError) as exc:
            raise SystemExit(f"draft line {n}: {exc}: {line[:100]}")
    for p in pages:
        for st in p["statements"]:
            if not st["content"]:
                raise SystemExit(f"page {p['page'][:10]}: a statement without content")
    return pages


def main() -> None:
    draft, root, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    pages = convert(Path(draft).read_text(encoding="utf-8"), root)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for p in pages:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    n = sum(len(p["statements"]) for p in pages)
    print(f"{len(pages)} pages, {n} statements -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
