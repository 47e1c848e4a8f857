"""Record the HTTP requests a real agent sends to its model endpoint (test fixtures for the oracle).

Run: python scripts/record_agent_request.py OUT_DIR [--port 0]. Every request is saved as
OUT_DIR/NNN.json (method, path, headers with credentials redacted, parsed JSON body) and answered
with a 503 API error, so the agent retries or gives up without ever getting a model reply. The
port is printed on stdout. Credentials never reach the files: auth headers are replaced.
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SECRET_HEADERS = {"authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    counter = itertools.count(1)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body: object = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            headers = {
                k: ("<redacted>" if k.lower() in SECRET_HEADERS else v)
                for k, v in self.headers.items()
            }
            with lock:
                n = next(counter)
            record = {"method": self.command, "path": self.path, "headers": headers, "body": body}
            (args.out_dir / f"{n:03d}.json").write_text(json.dumps(record, indent=2))
            payload = json.dumps(
                {"error": {"message": "recording server", "type": "service_unavailable"}}
            ).encode()
            self.send_response(503)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = _record

        def log_message(self, format: str, *a: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
