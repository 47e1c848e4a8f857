#!/usr/bin/env bash
# The README's main job. Until the local sweep lands it checks the machine and lists the catalogs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/cab doctor
.venv/bin/cab catalog models
.venv/bin/cab catalog agents
.venv/bin/cab catalog tasks
