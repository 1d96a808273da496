"""Audit of statement extraction on real news pages: ``claimmap eval statements DIR``.

Gold: ``claimmap/data/audit/statements.jsonl`` (shipped with the package; ``--gold FILE``
overrides), one JSON object per page of scrapinghub's article-extraction-benchmark, written by
hand under ``docs/audit-guidelines.md``. It holds annotations only, never page text:

    {"page": "<key in ground-truth.json>", "sha256": "<hash of the analysed text>",
     "chars": <its length>, "site": "...", "topic": "...",
     "statements": [{"content": [[start, end], ...], "speaker": "as written",
                     "canonical": "Full Name", "aliases": [...], "polarity": "assert",
                     "side": null, "kind": "direct"}],
     "not_statements": [{"span": [start, end], "why": "byline"}]}

``DIR`` may also be laid out like trafilatura's evaluation set (``evaldata.json``, a page's key
is its ``file``); those pages have no hand-made body, so their ``articleBody`` is
``trafilatura.extract`` of the page (:func:`reference_body`).

**The analysed text** is the page's ``articleBody`` from ``DIR/ground-truth.json`` with line
ends normalised as claimmap's reader does (``\\r\\n`` and ``\\r`` -> ``\\n``, NUL removed), run
through ``claimmap.analyze_document`` as plain text (``text/plain``: every stage a report runs
but the persuasion-technique model, which does not touch statements). All gold offsets are character offsets
into that string; ``sha256`` is the hash of its UTF-8 bytes, so a changed dataset is reported
(``drifted`` pages are skipped, never scored against wrong offsets). By default the HTML zoner
is left out: it is scored by ``eval extraction``, and gold offsets must not depend on it. With
``html=True`` (``--html``) claimmap reads the page's ``html/<key>.html.gz`` instead, the way a
user's page goes through it, and each predicted content is looked up in the analysed text
(whitespace-insensitive, nearest relative position); one not found there is outside the article
body and counts as a false positive. Should claimmap ever rewrite the text it reads in plain-text
mode, the same lookup maps its offsets back.

**What is scored**: the statements the report lists as the article's claims, i.e. those in
``header`` and ``body`` zones that are ``trusted`` (confidence at or above the setting
``CLAIMMAP_STATEMENT_THRESHOLD``); with ``min_confidence`` those whose confidence is at least
that instead (``0`` scores every statement of the JSON). A statement's content is its
``content_parts`` when the quotation is interrupted by its attribution, else ``content``. A gold statement's content may be several segments (a quotation split by
its attribution, a quotation continued in the next paragraph); it counts as one statement.

**Matching** (by characters, after trimming spaces, quote marks and end punctuation off each
span's edges):

* each predicted statement is assigned to a gold statement that holds at least half of the
  predicted content's characters (``PRED_IN_GOLD = 0.5``), the one with the highest Dice
  overlap ``2|P∩G| / (|P| + |G|)`` when several do (nested statements: "X said Y claimed Z");
  a prediction assigned to no gold statement is a false positive. Several predictions may share one gold statement (a quotation split in two);
* a gold statement is found when the predicted contents assigned to it together cover at
  least half of its characters (``GOLD_COVERED = 0.5``);
* precision = assigned predictions / predictions; recall = found gold / gold statements (also
  per gold ``kind``: direct, indirect, according_to, narrated);
  ``recall_whole_content`` = gold statements found whose assigned contents, together, have a
  Dice overlap of at least 0.8 with the gold content (whole quotations, no attribution or
  dateline swallowed).

Over assigned (prediction, gold) pairs:

* **speaker accuracy**: the predicted canonical speaker (falling back to the mention when there
  is no canonical name) names the gold speaker. After case-folding and dropping punctuation and
  a leading article, it equals the gold canonical name or one of its ``aliases``; or it is that
  name (or an alias of two words or more) preceded by a title or descriptor ("White House Press
  Secretary Stephanie Grisham") or followed by a post-modifier starting with of/in/at/from/for/
  on/with/who/which/that ("Joneigh Khaldun of the Michigan Department..."); or, when the
  canonical name is a proper name, the prediction is capitalised and its words are the end of
  that name ("Kowalska" for "Anna Kowalska"). A pronoun, a role without the name the article
  gives ("China's ambassador" for "Liu Xiaming") or a missing speaker is wrong;
* **polarity accuracy per class** of the gold polarity (``assert``, ``deny``, ``accuse``,
  ``appeal``, ``propose``, ``promise``, ``reject``), with the confusion counts;
* **wrong sides**: the prediction gives a conflict side where gold has none, or a different
  one (``wrong_sides``); a side on a false positive is counted apart
  (``sides_on_false_positives``); gold sides left empty are ``missed_sides``.

Predictions that fall on spans marked ``not_statements`` (bylines, headline labels, captions)
are counted as ``hits_on_non_statements`` (they are also false positives).

``--per-page`` adds each page's counts and its errors, each typed ``false_positive``,
``missed``, ``wrong_speaker`` or ``wrong_polarity`` (with what was predicted and expected).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path
from collections.abc import Iterator, Mapping
from typing import Any, Iterable

from claimmap.errors import ClaimmapError
from claimmap.model import POLARITIES

PRED_IN_GOLD = 0.5
GOLD_COVERED = 0.5
WHOLE_CONTENT = 0.8
SCORED_ZONES = ("header", "body")
_EDGE = set(" \t\n\r,;:.!?-–—\"'“”‘’«»…")
_PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "who", "which", "that", "this",
             "him", "her", "them", "us", "one", "someone", "somebody", "whom", "these", "those"}
_POST_MODIFIERS = {"of", "in", "at", "from", "for", "on", "with", "who", "which", "that"}


class AuditError(ClaimmapError):
    """The benchmark folder or the gold file is missing or malformed (exit 2)."""

    exit_code = 2


# ----------------------------------------------------------------- text and gold
def analysed_text(article_body: str) -> str:
    """The string gold offsets refer to: articleBody with claimmap's line-end normalisation."""
    return article_body.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_gold_path() -> Path:
    return Path(str(resources.files("claimmap") / "data" / "audit" / "statements.jsonl"))


def load_gold(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Read and check the gold file; raises AuditError with a one-line message when malformed."""
    p = Path(path) if path is not None else default_gold_path()
    if not p.is_file():
        raise AuditError(f"no gold statements file at {p}")
    pages = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            page = json.loads(line)
            _check_page(page)
        except (ValueError, TypeError, KeyError) as exc:
            raise AuditError(f"{p}:{n}: malformed gold line ({exc})") from None
        pages.append(page)
    if not pages:
        raise AuditError(f"{p} holds no pages")
    return pages


def _check_page(page: dict[str, Any]) -> None:
    if not isinstance(page.get("page"), str) or not isinstance(page.get("sha256"), str):
        raise ValueError("page and sha256 are required strings")
    for st in page.get("statements", []):
        segs = st["content"]
        if not segs or not all(len(s) == 2 and 0 <= s[0] < s[1] for s in segs):
            raise ValueError("content must be a list of [start, end] with start < end")
        if st.get("polarity") not in POLARITIES:
            raise ValueError(f"unknown polarity {st.get('polarity')!r}")
        if not isinstance(st.get("canonical"), str) or not st["canonical"].strip():
            raise ValueError("every statement needs a canonical speaker")
    for ns in page.get("not_statements", []):
        s, e = ns["span"]
        if not 0 <= s < e:
            raise ValueError("not_statements span must be [start, end] with start < end")


def load_pages(root: str | Path) -> Mapping[str, dict[str, Any]]:
    """The pages of an audit folder, key -> {"articleBody", "url", "html_path"}.

    Two layouts: scrapinghub's article-extraction-benchmark (``ground-truth.json`` with each
    page's ``articleBody``, HTML in ``html/<key>.html.gz``) and trafilatura's evaluation set
    (``evaldata.json`` keyed by URL, HTML in ``html/<file>.gz``; the key is ``file``). The latter
    has no article body, so a page's analysed text is what ``trafilatura.extract`` (a library
    independent of claimmap's zoner, see :func:`reference_body`) returns for its HTML; the gold
    ``sha256`` reports a trafilatura release that extracts differently as a drifted page."""
    root = Path(root)
    if not root.is_dir():
        raise AuditError(f"no such directory: {root}")
    gt = root / "ground-truth.json"
    if not gt.is_file():
        if (root / "evaldata.json").is_file():
            return _TrafilaturaEvalPages(root)
        raise AuditError(f"no ground-truth.json or evaldata.json in {root} "
                         "(expected an article-extraction-benchmark or trafilatura-eval folder)")
    truth = _read_json(gt)
    if not isinstance(truth, dict) or not all(isinstance(v, dict) and isinstance(v.get("articleBody"), str)
                                              for v in truth.values()):
        raise AuditError(f"{gt} is not a mapping of page -> {{'articleBody': ...}}")
    for key, v in truth.items():
        v.setdefault("html_path", str(root / "html" / f"{key}.html.gz"))
    return truth


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise AuditError(f"{path} is not valid JSON ({exc})") from None


def reference_body(html: bytes, url: str | None = None) -> str:
    """The article text of a page without a hand-made body: trafilatura's main-text extraction
    with its defaults (comments and tables left out), paragraphs joined by line ends."""
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - trafilatura is a core dependency
        raise AuditError(f"trafilatura is needed to read a trafilatura-eval folder ({exc})") from None
    text = trafilatura.extract(html.decode("utf-8", errors="replace"), url=url, include_comments=False,
                               include_tables=False, deduplicate=False, with_metadata=False)
    return text or ""


class _TrafilaturaEvalPages(Mapping):
    """trafilatura-eval's pages, extracted on first access (a few hundred pages, most unused)."""

    def __init__(self, root: Path):
        data = _read_json(root / "evaldata.json")
        if not isinstance(data, dict) or not all(isinstance(v, dict) and isinstance(v.get("file"), str)
                                                 for v in data.values()):
            raise AuditError(f"{root / 'evaldata.json'} is not a mapping of url -> {{'file': ...}}")
        self._root = root
        self._url = {v["file"]: url for url, v in data.items()}
        self._cache: dict[str, dict[str, Any]] = {}

    def __getitem__(self, key: str) -> dict[str, Any]:
        if key not in self._url:
            raise KeyError(key)
        if key not in self._cache:
            path = self._root / "html" / f"{key}.gz"
            try:
                with gzip.open(path, "rb") as fh:
                    html = fh.read()
            except OSError as exc:
                raise AuditError(f"cannot read {path} ({exc})") from None
            self._cache[key] = {"articleBody": reference_body(html, self._url[key]),
                                "url": self._url[key], "html_path": str(path)}
        return self._cache[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._url)

    def __len__(self) -> int:
        return len(self._url)


# ----------------------------------------------------------------- spans
def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    s, e = max(0, s), min(len(text), e)
    while s < e and text[s] in _EDGE:
        s += 1
    while e > s and text[e - 1] in _EDGE:
        e -= 1
    return s, e


def _chars(text: str, segments: Iterable[Iterable[int]]) -> set[int]:
    out: set[int] = set()
    for s, e in segments:
        s, e = _trim(text, s, e)
        out.update(range(s, e))
    return out


def _norm_name(name: str | None) -> str:
    name = re.sub(r"[^\w\s]", " ", (name or "").casefold())
    name = re.sub(r"\s+", " ", name).strip()
    return re.sub(r"^(the|a|an) ", "", name)


def _is_proper_name(name: str) -> bool:
    words = re.findall(r"[^\W\d_][\w'’.-]*", name)
    return len(words) >= 2 and all(w[0].isupper() for w in words)


def speaker_matches(pred_canonical: str | None, pred_text: str | None, gold: dict[str, Any]) -> bool:
    """Does a predicted speaker name the gold speaker? (rules in the module docstring)"""
    raw = pred_canonical or pred_text or ""
    pred = _norm_name(raw)
    if not pred or pred in _PRONOUNS:
        return False
    canonical = _norm_name(gold["canonical"])
    aliases = [_norm_name(a) for a in gold.get("aliases", [])]
    if pred == canonical or pred in aliases:
        return True
    pw = pred.split()
    for name in [canonical] + [a for a in aliases if len(a.split()) >= 2]:
        nw = name.split()
        # a title or descriptor before the name: "White House Press Secretary Stephanie Grisham"
        if len(pw) > len(nw) and pw[len(pw) - len(nw):] == nw:
            return True
        # a post-modifier after it: "Joneigh Khaldun of the Michigan Department of Health"
        if len(pw) > len(nw) and pw[:len(nw)] == nw and pw[len(nw)] in _POST_MODIFIERS:
            return True
    # a surname or the end of a proper name: "Kowalska" for "Anna Kowalska"
    cw = canonical.split()
    return (_is_proper_name(gold["canonical"]) and raw[:1].isupper() and len(pw) < len(cw)
            and cw[len(cw) - len(pw):] == pw)


class _Align:
    """Maps spans of claimmap's document text onto the analysed text.

    Identity when the two strings are equal (plain-text mode). Otherwise (``--html``, or a reader
    that rewrote the text) each span is looked up in the analysed text with runs of whitespace
    collapsed on both sides; of several occurrences the one nearest the span's relative position
    wins. A span not found there lies outside the article body and maps to nothing.
    """

    def __init__(self, analysed: str, doc_text: str):
        self.identity = analysed == doc_text
        self.doc_len = max(1, len(doc_text))
        self.doc_text = doc_text
        if self.identity:
            return
        chars, self.index = [], []
        prev_space = True
        for i, ch in enumerate(analysed):
            if ch.isspace():
                if prev_space:
                    continue
                chars.append(" ")
                prev_space = True
            else:
                chars.append(ch)
                prev_space = False
            self.index.append(i)
        self.squashed = "".join(chars)

    def span(self, s: int, e: int) -> list[tuple[int, int]]:
        if self.identity:
            return [(s, e)]
        needle = " ".join(self.doc_text[s:e].split())
        if not needle:
            return []
        want = s / self.doc_len * len(self.squashed)
        best, pos = None, self.squashed.find(needle)
        while pos >= 0:
            if best is None or abs(pos - want) < abs(best - want):
                best = pos
            pos = self.squashed.find(needle, pos + 1)
        if best is None:
            return []
        return [(self.index[best], self.index[best + len(needle) - 1] + 1)]


# ----------------------------------------------------------------- scoring
def _snippet(text: str, segments: list, n: int = 90) -> str:
    s, e = min(a for a, _ in segments), max(b for _, b in segments)
    t = " ".join(text[s:e].split())
    return t if len(t) <= n else t[:n - 1] + "…"


def score_page(text: str, gold: dict[str, Any], preds: list[dict[str, Any]]) -> dict[str, Any]:
    """Score one page. ``preds``: dicts with ``content`` (list of [s, e] in ``text``),
    ``speaker`` (canonical or None), ``speaker_text``, ``polarity``, ``side``."""
    golds = gold.get("statements", [])
    gchars = [_chars(text, g["content"]) for g in golds]
    neg = [_chars(text, [n["span"]]) for n in gold.get("not_statements", [])]
    assigned: dict[int, list[int]] = defaultdict(list)
    out: dict[str, Any] = {"pred": len(preds), "gold": len(golds), "tp_pred": 0, "found": 0, "whole": 0,
                           "speaker_ok": 0, "pairs": 0, "wrong_sides": 0, "missed_sides": 0,
                           "sides_on_false_positives": 0, "hits_on_non_statements": 0,
                           "polarity": Counter(), "kinds": Counter(), "errors": []}
    for pi, p in enumerate(preds):
        pc = _chars(text, p["content"])
        if not pc:  # nothing of it in the analysed text (--html: outside the article body)
            if p.get("side"):
                out["sides_on_false_positives"] += 1
            out["errors"].append({"type": "outside_text", "pred": pi, "text": p.get("raw", "")[:90]})
            continue
        best, best_dice = None, 0.0
        for gi, gc in enumerate(gchars):
            n = len(pc & gc)
            dice = 2 * n / (len(pc) + len(gc)) if gc else 0.0
            if n >= PRED_IN_GOLD * len(pc) and dice > best_dice:
                best, best_dice = gi, dice
        if best is None:
            if p.get("side"):
                out["sides_on_false_positives"] += 1
            if any(len(pc & nc) >= 0.5 * min(len(pc), len(nc)) for nc in neg if nc):
                out["hits_on_non_statements"] += 1
            out["errors"].append({"type": "false_positive", "pred": pi, "text": _snippet(text, p["content"])})
            continue
        out["tp_pred"] += 1
        assigned[best].append(pi)
        g = golds[best]
        out["pairs"] += 1
        if speaker_matches(p.get("speaker"), p.get("speaker_text"), g):
            out["speaker_ok"] += 1
        else:
            out["errors"].append({"type": "wrong_speaker", "pred": pi, "gold": best,
                                  "predicted": p.get("speaker") or p.get("speaker_text"),
                                  "expected": g["canonical"], "text": _snippet(text, p["content"])})
        out["polarity"][(g["polarity"], p.get("polarity"))] += 1
        if g["polarity"] != p.get("polarity"):
            out["errors"].append({"type": "wrong_polarity", "pred": pi, "gold": best, "predicted": p.get("polarity"),
                                  "expected": g["polarity"], "text": _snippet(text, p["content"])})
        gside, pside = g.get("side"), p.get("side")
        if pside and pside != gside:
            out["wrong_sides"] += 1
            out["errors"].append({"type": "wrong_side", "pred": pi, "gold": best,
                                  "speaker": p.get("speaker") or p.get("speaker_text"),
                                  "predicted": pside, "expected": gside})
        elif gside and not pside:
            out["missed_sides"] += 1
    for gi, gc in enumerate(gchars):
        covered: set[int] = set()
        for pi in assigned.get(gi, []):
            covered |= _chars(text, preds[pi]["content"])
        kind = golds[gi].get("kind") or "unlabelled"
        out["kinds"][(kind, "gold")] += 1
        if gc and len(covered & gc) >= GOLD_COVERED * len(gc):
            out["found"] += 1
            out["kinds"][(kind, "found")] += 1
            if 2 * len(covered & gc) >= WHOLE_CONTENT * (len(covered) + len(gc)):
                out["whole"] += 1
        else:
            out["errors"].append({"type": "missed", "gold": gi, "text": _snippet(text, golds[gi]["content"])})
    return out


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def summarise(pages: list[dict[str, Any]]) -> dict[str, Any]:
    """Micro-averaged figures over scored pages (outputs of ``score_page``)."""
    tot = Counter()
    pol: Counter = Counter()
    kinds: Counter = Counter()
    for r in pages:
        kinds.update(r.get("kinds", {}))
        for k in ("pred", "gold", "tp_pred", "found", "whole", "speaker_ok", "pairs", "wrong_sides",
                  "missed_sides", "sides_on_false_positives", "hits_on_non_statements"):
            tot[k] += r[k]
        pol.update(r["polarity"])
    p = _ratio(tot["tp_pred"], tot["pred"])
    rec = _ratio(tot["found"], tot["gold"])
    f1 = round(2 * p * rec / (p + rec), 4) if p and rec else 0.0
    per_class: dict[str, Any] = {}
    for cls in POLARITIES:
        row = {k[1] or "none": v for k, v in pol.items() if k[0] == cls}
        n = sum(row.values())
        per_class[cls] = {"n": n, "accuracy": _ratio(pol[(cls, cls)], n), "predicted": dict(sorted(row.items()))}
    return {
        "precision": p, "recall": rec, "f1": f1,
        "recall_whole_content": _ratio(tot["whole"], tot["gold"]),
        "speaker_accuracy": _ratio(tot["speaker_ok"], tot["pairs"]),
        "polarity_accuracy": _ratio(sum(v for k, v in pol.items() if k[0] == k[1]), tot["pairs"]),
        "polarity_per_class": per_class,
        "recall_per_kind": {k: {"n": kinds[(k, "gold")], "recall": _ratio(kinds[(k, "found")], kinds[(k, "gold")])}
                            for k in sorted({k for k, _ in kinds})},
        "wrong_sides": tot["wrong_sides"],
        "sides_on_false_positives": tot["sides_on_false_positives"],
        "missed_sides": tot["missed_sides"],
        "hits_on_non_statements": tot["hits_on_non_statements"],
        "predicted": tot["pred"], "correct_predicted": tot["tp_pred"],
        "gold": tot["gold"], "found": tot["found"], "pairs": tot["pairs"],
    }


def predict(text: str, min_confidence: float | None = None, *, html: bytes | None = None,
            url: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """Run claimmap on the analysed text (or on the page's ``html``); returns (document text,
    predictions in document offsets)."""
    from claimmap.pipeline import analyze_document
    from claimmap.sources import from_bytes

    if html is not None:
        doc = from_bytes(html, url=url, content_type="text/html")
    else:
        doc = from_bytes(text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    report = analyze_document(doc, techniques=False, comments=False)  # as reports are built
    zones = {z.id: z.kind for z in report.zones}
    preds = []
    for st in report.statements:
        if zones.get(st.zone) not in SCORED_ZONES:
            continue
        conf = getattr(st, "confidence", None)
        if min_confidence is None:
            if not getattr(st, "trusted", True):  # below CLAIMMAP_STATEMENT_THRESHOLD: not in reports
                continue
        elif conf is not None and conf < min_confidence:
            continue
        parts = getattr(st, "content_parts", None)  # a quotation interrupted by its attribution
        segments = [(x.start, x.end) for x in parts] if parts else [(st.content.start, st.content.end)]
        sp = st.speaker
        preds.append({"id": st.id, "content": segments, "raw": " ".join(st.content.text.split()),
                      "speaker": sp.canonical if sp else None, "speaker_text": sp.text if sp else None,
                      "side": sp.side if sp else None, "polarity": st.polarity, "kind": st.kind,
                      "confidence": conf})
    return report.document.text, preds


def _effective_threshold(min_confidence: float | None) -> float | None:
    if min_confidence is not None:
        return min_confidence
    try:
        from claimmap.statements.confidence import threshold
    except ImportError:
        return None
    return threshold()


def evaluate_statements(root: str | Path, gold_path: str | Path | None = None, *,
                        min_confidence: float | None = None, per_page: bool = False,
                        limit: int | None = None, html: bool = False) -> dict[str, Any]:
    """Score claimmap's statements on the audit set; see the module docstring. ``html=True``
    analyses each page's ``html/<key>.html.gz`` instead of its articleBody (the whole path a
    user's page takes: HTML zoner, then statements) and maps the statements onto the analysed
    text; a statement whose content is not in the article body counts as a false positive."""
    truth = load_pages(root)
    gold = load_gold(gold_path)
    if limit is not None:
        gold = gold[:limit]
    rows, scored, drifted, missing, failed, details = [], [], [], [], [], {}
    for page in gold:
        key = page["page"]
        if key not in truth:
            missing.append(key)
            continue
        text = analysed_text(truth[key]["articleBody"])
        if text_hash(text) != page["sha256"]:
            drifted.append(key)
            continue
        try:
            page_html = None
            if html:
                html_path = Path(truth[key]["html_path"])
                if not html_path.is_file():
                    raise AuditError(f"no {html_path} (--html needs the benchmark's html/ folder)")
                with gzip.open(html_path, "rb") as fh:
                    page_html = fh.read()
            doc_text, preds = predict(text, min_confidence, html=page_html, url=truth[key].get("url"))
        except AuditError:
            raise
        except ClaimmapError as exc:
            failed.append(key)
            preds, doc_text = [], text
            details.setdefault(key, {})["error"] = str(exc)
        align = _Align(text, doc_text)
        for p in preds:
            p["content"] = [seg for a, b in p["content"] for seg in align.span(a, b)]
        row = score_page(text, page, preds)
        rows.append(row)
        scored.append(key)
        if per_page:
            details.setdefault(key, {}).update(
                {k: row[k] for k in ("pred", "gold", "tp_pred", "found", "speaker_ok", "wrong_sides")}
                | {"errors": row["errors"]})
    if not rows:
        raise AuditError(f"none of the {len(gold)} gold pages could be scored against {root} "
                         f"({len(missing)} missing, {len(drifted)} with a changed text)")
    result = summarise(rows)
    result["wrong_side_cases"] = [
        {"page": key[:10], "speaker": e["speaker"], "predicted": e["predicted"], "expected": e["expected"]}
        for key, row in zip(scored, rows) for e in row["errors"] if e["type"] == "wrong_side"]
    result |= {"pages": len(rows), "missing_pages": missing, "drifted_pages": drifted,
               "failed_pages": failed, "min_confidence": _effective_threshold(min_confidence),
               "input": "html" if html else "articleBody"}
    if per_page or failed:
        result["per_page"] = details
    return result
