#!/usr/bin/env bash
# Set up (if needed) and run the demo: analyze the shipped example, write claimmap-demo.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/claimmap demo "$@"
