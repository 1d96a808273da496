#!/usr/bin/env bash
# Set up (if needed) and run the test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# lint first (pyproject.toml [tool.ruff]: unused and undefined names, syntax errors, mutable defaults)
.venv/bin/ruff check claimmap tests bench train scripts
exec .venv/bin/python -m pytest -q "$@"
