#!/usr/bin/env bash
# The README's main job: a small local sweep on the calibration models, ending in a board.
# Set-up (venv, base, runtime and agent images) is idempotent; then plan -> shards -> merge on this
# machine, exactly as the sweep workflow does in GitHub Actions. Extra arguments go to `cab sweep`.
# The sweep plans against, adds to and builds the board from a local store (out/store), as the
# workflow does with its releases: run it again and it runs 0 cells and rebuilds the same board.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/cab doctor
.venv/bin/cab sweep -j 2 --store out/store "$@"
