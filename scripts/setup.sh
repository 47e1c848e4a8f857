#!/usr/bin/env bash
# Idempotent set-up shared by the README's two commands: venv, project + extras, base image.
# Env: PYTHON (default python3), CAB_CA_BUNDLE (host CA bundle for builds behind TLS interception).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "setup: Python 3.11+ is required ($PYTHON is $("$PYTHON" -V 2>&1))" >&2; exit 2; }

if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv"
  "$PYTHON" -m venv .venv
fi
# Reinstall only when the dependency declaration changed (litellm[proxy] alone is ~750 MB).
stamp=.venv/.cab-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "[setup] installing the project with extras dev, proxy, sigstore (a few minutes the first time)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev,proxy,sigstore]'
  echo "$want" > "$stamp"
fi

if ! docker info >/dev/null 2>&1; then
  echo "setup: the Docker engine does not answer; start it (README.md, section Starting Docker: apt-get install docker.io, then dockerd in the background) and run again" >&2
  exit 1
fi
ca_args=()
if [ -n "${CAB_CA_BUNDLE:-}" ]; then ca_args=(--ca-bundle "$CAB_CA_BUNDLE"); fi
.venv/bin/cab images base --if-missing "${ca_args[@]}"
# Task runtime images (tag = hash of their folder: a rebuild only when a Dockerfile changed).
.venv/bin/cab images build-runtime --all "${ca_args[@]}"
# The pinned agent images (images/*/): seconds when cached, about ten minutes cold. They build on
# the offline base, which already trusts the host CA bundle.
.venv/bin/cab images build
