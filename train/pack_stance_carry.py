"""Pack what train_stance.py needs on a machine without the packages or ../shared (the GPU
machine of the device tool): the MiniLM base (float16: it fits the transfer limit) and the
FNC-1 + ARC files, gzipped, into ``.stance_carry/`` (ignored by git).

    .venv/bin/python train/pack_stance_carry.py && \
      (there) python3 train/train_stance.py --base .stance_carry/base --data .stance_carry/fnc-1 ...
"""

import gzip
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from claimmap.stance.model import base_path  # noqa: E402

out = Path(".stance_carry")
base = Path(base_path())
(out / "base").mkdir(parents=True, exist_ok=True)
for f in ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
    shutil.copy(base / f, out / "base" / f)
from safetensors.torch import load_file, save_file  # noqa: E402

save_file({k: v.half() for k, v in load_file(str(base / "model.safetensors")).items()
           if not k.endswith("position_ids")}, str(out / "base" / "model.safetensors"))
data = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/fnc-1")
for f in ["train_bodies.csv", "train_stances.part1_of_2.csv", "train_stances.part2_of_2.csv",
          "competition_test_bodies.csv", "competition_test_stances.csv", "arc/arc_bodies.csv",
          "arc/arc_stances_train.csv"]:
    dst = out / "fnc-1" / (f + ".gz")
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(data / f, "rb") as src, gzip.open(dst, "wb") as fh:
        shutil.copyfileobj(src, fh)
print("packed", sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6, "MB")
