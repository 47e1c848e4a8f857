#!/bin/sh
# Start the proxy forwarder when the harness mounted the proxy socket, then run the command.
# Without a socket nothing listens on the port: agents then fail fast with "connection refused".
set -eu
sock="${CAB_PROXY_SOCKET:-/run/cab/proxy.sock}"
port="${CAB_FORWARD_PORT:-4000}"
if [ -S "$sock" ]; then
  ready="$(mktemp -u /tmp/cab-forward.XXXXXX)"
  python3 /usr/local/lib/cab/cab-forward.py --socket "$sock" --port "$port" \
    --ready-file "$ready" &
  # Wait (at most 5 s) until the port listens, so the agent's first request cannot race it.
  i=0
  while [ ! -f "$ready" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  [ -f "$ready" ] || echo "cab-entrypoint: forwarder did not start" >&2
fi
exec "$@"
