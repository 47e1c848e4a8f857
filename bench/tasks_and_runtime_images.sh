#!/usr/bin/env bash
# Times a cold build of each runtime image (no layer cache), a cached rebuild, and gold validation
# of every task; prints one line per measurement. Run from the checkout: bash bench/tasks_and_runtime_images.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BASE=${BASE_IMAGE:-cab/base:bookworm}

for dir in images/runtime-*/; do
  name=$(basename "$dir")
  tag=$("$PY" -c "import sys; from pathlib import Path; from runner.images import image_tag; print(image_tag(Path(sys.argv[1])))" "$dir")
  start=$(date +%s.%N)
  docker build -q --no-cache --network host --build-arg "BASE_IMAGE=$BASE" -t "$tag" "$dir" >/dev/null
  cold=$(echo "$(date +%s.%N) - $start" | bc)
  start=$(date +%s.%N)
  docker build -q --network host --build-arg "BASE_IMAGE=$BASE" -t "$tag" "$dir" >/dev/null
  warm=$(echo "$(date +%s.%N) - $start" | bc)
  size=$(docker image inspect --format '{{.Size}}' "$tag")
  printf '%s  cold build %.1fs  cached rebuild %.1fs  size %d MB\n' "$tag" "$cold" "$warm" $((size / 1000000))
done
start=$(date +%s.%N)
"$PY" -m runner tasks validate 2>/dev/null
printf 'validate all tasks: %.1fs\n' "$(echo "$(date +%s.%N) - $start" | bc)"
