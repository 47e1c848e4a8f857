#!/usr/bin/env bash
# The README's test command: set up, then the whole suite through nox (Docker tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/nox -s tests -- "$@"
