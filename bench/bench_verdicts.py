"""Claim-level verdicts on Climate-FEVER and Emergent, by split, for the rule's settings.

    .venv/bin/python bench/bench_verdicts.py [--data DIR] [--model SPEC] [--min-confirm 1,2]
                                             [--out bench/results-verdicts.json]

Stance is predicted once for every pair of ``climate-fever-dev.jsonl`` and Emergent's dev CSV
(the same reading as ``claimmap eval verdicts``), then the verdict rule is scored for each
``--min-confirm`` on the ``cal`` split (where the rule's settings are chosen), the ``test`` split
(never trained or calibrated on: reported once) and the whole file (whose ``train`` part the
stance model was fitted on). Prints and writes one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("CLAIMMAP_DATA", ROOT.parent / "shared" / "data")))
    ap.add_argument("--model", default=None, help="stance model spec (default: setting CLAIMMAP_STANCE_MODEL)")
    ap.add_argument("--min-confirm", default="1,2")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)

    from claimmap.evaluate.verdicts import read_claims, score_verdicts, split_of
    from claimmap.stance.model import load_model

    m = load_model(args.model)
    sets = {"climate-fever": read_claims(args.data / "climate-fever" / "climate-fever-dev.jsonl"),
            "emergent": read_claims(args.data / "emergent" / "emergent-dev.csv")}
    out = {"model": m.name, "thresholds": m.thresholds(), "datasets": {}}
    for name, claims in sets.items():
        t = time.time()
        preds = m.predict([(c["claim"], e["evidence"]) for c in claims for e in c["evidences"]])
        secs = time.time() - t
        by_claim, i = [], 0
        for c in claims:
            by_claim.append(preds[i:i + len(c["evidences"])])
            i += len(c["evidences"])
        res = {"pairs_per_second": round(len(preds) / max(secs, 1e-9), 1)}
        for k in (int(x) for x in args.min_confirm.split(",")):
            for split in ("cal", "test", "all"):
                idx = [j for j, c in enumerate(claims) if split == "all" or split_of(c["claim_id"]) == split]
                r = score_verdicts([claims[j] for j in idx], [p for j in idx for p in by_claim[j]], min_confirm=k)
                r["pairs"].pop("per_class", None)
                res[f"min_confirm={k}/{split}"] = r
                print(name, k, split, json.dumps({x: r[x] for x in ("n", "accuracy", "macro_f1", "false_contradicted",
                                                                   "false_corroborated")}), file=sys.stderr, flush=True)
        out["datasets"][name] = res
    text = json.dumps(out, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
