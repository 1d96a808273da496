#!/usr/bin/env bash
# Create .venv (if needed) and install claimmap with its pinned dependencies.
# Idempotent: reinstalls only when requirements.txt or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.claimmap-installed
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade "pip>=24"
  # torch first and pinned: an unpinned torch (pulled in by sentence-transformers) is a multi-GB CUDA build
  .venv/bin/python -m pip install -q "torch==$(sed -n 's/^torch==//p' requirements.txt)"
  .venv/bin/python -m pip install -q -r requirements.txt
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$want" > "$stamp"
fi
