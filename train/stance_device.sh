#!/usr/bin/env bash
# What ran on the device tool's GPU machine (see bench/RESULTS-stance.md). Needs .stance_carry/
# from train/pack_stance_carry.py. Results go to ${OUT:-out}/. Runs are serial: four at once on
# one GPU were slower than one after another (the small model is bound by Python overhead).
#   dev:   train on FNC-1 part1 + ARC with each setting in $CONFIGS, score on part2, keep logits
#   final: train on everything with $FINAL, score the competition test once, export the artefact
set -uo pipefail
OUT=${OUT:-out}; mkdir -p "$OUT"; D=".stance_carry"; PY=${PY:-python3}
MODE=${1:-dev}
if [ "$MODE" = dev ]; then
  i=0
  while IFS= read -r cfg; do
    [ -z "$cfg" ] && continue; i=$((i+1))
    $PY train/train_stance.py --base $D/base --data $D/fnc-1 --dev --out - --report "$OUT/dev.jsonl" \
      --logits "$OUT/dev_logits_$i.npy" $cfg > "$OUT/dev_$i.log" 2>&1
    grep '^dev' "$OUT/dev_$i.log" | cut -c1-200
  done <<< "$CONFIGS"
else
  $PY train/train_stance.py --base $D/base --data $D/fnc-1 $FINAL --test --out "$OUT/stance.safetensors" \
    --report "$OUT/final.jsonl" > "$OUT/final.log" 2>&1
  tail -n 3 "$OUT/final.log"
  split -b 12M "$OUT/stance.safetensors" "$OUT/stance.part." && rm "$OUT/stance.safetensors"
fi
