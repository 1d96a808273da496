"""Claim-level verdicts on claim/evidence benchmarks (Climate-FEVER's JSONL layout).

``evaluate_verdicts(path)`` labels every claim/evidence pair with the stance model, treats each
evidence as its own independent family (the claim has no speaker, so no item is claimant-side),
applies the verdict rule (:func:`claimmap.corroborate.verdict.decide`) and scores the ``so``
value against the claim label: SUPPORTS -> corroborated, REFUTES -> contradicted, DISPUTED ->
disputed, NOT_ENOUGH_INFO -> unverified.

The layout, one JSON object a line::

    {"claim_id", "claim", "claim_label", "evidences": [{"evidence_id", "evidence",
     "evidence_label"?, "article"?}, ...]}

``emergent_to_jsonl`` converts Emergent's CSV (``read_claims`` also reads the CSV directly) (claim headline, one row per outlet headline)
into the same layout: the outlet headlines are the evidences, for / against / observing ->
SUPPORTS / REFUTES / NOT_ENOUGH_INFO, claim truth true / false / unknown -> SUPPORTS / REFUTES
/ NOT_ENOUGH_INFO, and ``article`` is the outlet's host (one family per host).

``split_of(claim_id)`` is the fixed train / cal / test split used by the stance training
script (60 / 20 / 20 by a hash of the claim id): ``--split test`` scores only claims never
trained or calibrated on.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

from claimmap.errors import InputError

CLAIM_TO_VERDICT = {"SUPPORTS": "corroborated", "REFUTES": "contradicted", "DISPUTED": "disputed",
                    "NOT_ENOUGH_INFO": "unverified"}
PAIR_TO_STANCE = {"SUPPORTS": "agree", "REFUTES": "disagree", "NOT_ENOUGH_INFO": "discuss"}
EMERGENT_STANCE = {"for": "SUPPORTS", "against": "REFUTES", "observing": "NOT_ENOUGH_INFO"}
EMERGENT_TRUTH = {"true": "SUPPORTS", "false": "REFUTES", "unknown": "NOT_ENOUGH_INFO"}
SPLITS = ("train", "cal", "test")


def split_of(claim_id: str) -> str:
    """train (60%), cal (20%) or test (20%), fixed by the claim id."""
    b = hashlib.sha1(str(claim_id).encode()).digest()[0] % 10
    return "train" if b < 6 else "cal" if b < 8 else "test"


def read_claims(path: str | Path) -> list[dict]:
    """Claims of a JSONL file, checked; a malformed file raises DataError naming the line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() == ".csv":
        return read_emergent(path)
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}:{n}: not a JSON object")
        label = row.get("claim_label")
        if not isinstance(row.get("claim"), str) or not row["claim"].strip():
            raise InputError(f"{path}:{n}: no 'claim' text")
        if label not in CLAIM_TO_VERDICT:
            raise InputError(f"{path}:{n}: claim_label {label!r} is not one of {', '.join(CLAIM_TO_VERDICT)}")
        evs = row.get("evidences")
        if not isinstance(evs, list) or not all(isinstance(e, dict) and isinstance(e.get("evidence"), str)
                                                for e in evs):
            raise InputError(f"{path}:{n}: 'evidences' must be a list of objects with an 'evidence' text")
        for e in evs:
            if e.get("evidence_label") not in (None, *PAIR_TO_STANCE):
                raise InputError(f"{path}:{n}: evidence_label {e.get('evidence_label')!r} is not one of "
                                f"{', '.join(PAIR_TO_STANCE)}")
        row.setdefault("claim_id", str(n))
        out.append(row)
    if not out:
        raise InputError(f"{path}: no claims")
    return out


def emergent_to_jsonl(csv_path: str | Path, out_path: str | Path) -> int:
    """Write Emergent's CSV as claim JSONL (see module doc); returns the number of claims."""
    claims = read_emergent(csv_path)
    Path(out_path).write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in claims),
                              encoding="utf-8")
    return len(claims)


def read_emergent(csv_path: str | Path) -> list[dict]:
    """Emergent's CSV as claims in the JSONL layout (see module doc)."""
    csv_path = Path(csv_path)
    need = ("claimId", "claimHeadline", "claimTruth", "articleId", "articleHeadline",
            "articleHeadlineStance", "source")
    claims: dict[str, dict] = {}
    try:
        with csv_path.open(encoding="utf-8", newline="") as fh:
            rd = csv.DictReader(fh)
            missing = [c for c in need if c not in (rd.fieldnames or [])]
            if missing:
                raise InputError(f"{csv_path}: not Emergent's layout (missing column {missing[0]!r})")
            for r in rd:
                truth, stance = r["claimTruth"].strip().lower(), r["articleHeadlineStance"].strip().lower()
                if truth not in EMERGENT_TRUTH or stance not in EMERGENT_STANCE:
                    raise InputError(f"{csv_path}: claim {r['claimId']}: unknown truth {truth!r} or stance {stance!r}")
                c = claims.setdefault(r["claimId"], {"claim_id": r["claimId"], "claim": r["claimHeadline"],
                                                     "claim_label": EMERGENT_TRUTH[truth], "evidences": []})
                c["evidences"].append({"evidence_id": r["articleId"], "evidence": r["articleHeadline"],
                                       "evidence_label": EMERGENT_STANCE[stance], "article": r["source"],
                                       "url": r.get("url") or None})
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{csv_path}: cannot read ({exc})") from None
    if not claims:
        raise InputError(f"{csv_path}: no claims")
    return list(claims.values())


def _prf(gold: list[str], pred: list[str], classes) -> dict:
    out = {}
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        np_, ng = sum(p == c for p in pred), sum(g == c for g in gold)
        p = tp / np_ if np_ else 0.0
        r = tp / ng if ng else 0.0
        out[c] = {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
                  "n": ng, "called": np_}
    return out


def verdict_items(claim: dict, preds: list[dict]):
    """Verdict items of one benchmark claim: each evidence its own family (an outlet host where
    the layout gives one), the party its family, nothing reported of a speaker."""
    from claimmap.corroborate.verdict import Item
    from claimmap.corroborate.hedge import hedged, is_question

    items = []
    for i, (e, p) in enumerate(zip(claim["evidences"], preds)):
        fam = "outlet:" + e["article"] if e.get("article") and e.get("url") else f"ev:{e.get('evidence_id', i)}"
        items.append(Item(fam, fam, p["label"], False, confidence=p.get("confidence"),
                          hedged=hedged(e["evidence"]), question=is_question(e["evidence"]),
                          outlet=e.get("article") or None))
    return items


def evaluate_verdicts(path: str | Path, *, split: str | None = None, model: str | None = None,
                      limit: int | None = None, min_confirm: int | None = None) -> dict:
    """Score claim-level verdicts and pair-level stance (see module doc)."""
    from claimmap.stance.model import load_model

    claims = read_claims(path)
    if split:
        if split not in SPLITS:
            raise InputError(f"unknown split {split!r} (one of {', '.join(SPLITS)})")
        claims = [c for c in claims if split_of(c["claim_id"]) == split]
    claims = claims[: limit or None]
    m = load_model(model)
    pairs = [(c["claim"], e["evidence"]) for c in claims for e in c["evidences"]]
    preds = m.predict(pairs) if pairs else []
    return score_verdicts(claims, preds, min_confirm=min_confirm) | {"split": split or "all", "model": m.name}


def score_verdicts(claims: list[dict], preds: list[dict], *, min_confirm: int | None = None) -> dict:
    """The scores of ``evaluate_verdicts`` from the stance predictions of every pair (in order)."""
    from claimmap.corroborate.verdict import decide, min_confirming

    min_confirm = min_confirming() if min_confirm is None else min_confirm
    gold, pred, pg, pp = [], [], [], []
    i = 0
    for c in claims:
        cp = preds[i:i + len(c["evidences"])]
        i += len(c["evidences"])
        v = decide(verdict_items(c, cp), set(), min_confirm=min_confirm)
        gold.append(CLAIM_TO_VERDICT[c["claim_label"]])
        pred.append(v["so"])
        for e, p in zip(c["evidences"], cp):
            if e.get("evidence_label"):
                pg.append(PAIR_TO_STANCE[e["evidence_label"]])
                # unrelated and abstentions are "neutral" for a three-way pair score
                pp.append(p["label"] if p["label"] in ("agree", "disagree") else "discuss")
    classes = list(CLAIM_TO_VERDICT.values())
    per = _prf(gold, pred, classes)
    present = [c for c in classes if per[c]["n"]]
    pair_per = _prf(pg, pp, ("agree", "disagree", "discuss"))
    n_sup = sum(g == "corroborated" for g in gold)
    n_ref = sum(g == "contradicted" for g in gold)
    return {
        "n": len(claims),
        "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / max(1, len(gold)), 4),
        "macro_f1": round(sum(per[c]["f1"] for c in present) / max(1, len(present)), 4),
        "per_class": {c: {k: per[c][k] for k in ("p", "r", "f1")} for c in classes},
        "false_contradicted": round(sum(g == "corroborated" and p == "contradicted"
                                        for g, p in zip(gold, pred)) / max(1, n_sup), 4),
        "false_corroborated": round(sum(g == "contradicted" and p == "corroborated"
                                        for g, p in zip(gold, pred)) / max(1, n_ref), 4),
        "pairs": {"n": len(pg),
                  "macro_f1": round(sum(v["f1"] for v in pair_per.values()) / 3, 4) if pg else 0.0,
                  # None when no pair is called disagree (precision undefined; recall is 0)
                  "disagree_precision": pair_per["disagree"]["p"] if "disagree" in pp else None,
                  "per_class": pair_per},
        "predicted": dict(Counter(pred)),
        "min_confirm": min_confirm,
    }
