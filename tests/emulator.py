"""A shared emulated endpoint for tests and benches: `cab oracle serve --emulate nim` as its own
process on 127.0.0.1, the calibration server several `cab cell run-many --oracle-url` shards
reach on one key (so they share its per-key limit), stopped by its PID afterwards."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.procs import free_port, local_server

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60


@contextmanager
def serve_emulator(folder: Path, options: Sequence[str] = ()) -> Iterator[tuple[str, Path]]:
    """Serve the NIM emulation with `options` (--rpm, --window, --retry-after, ...); yields its
    URL and its request log (one JSON line per request), both under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    request_log = folder / "emulator.jsonl"
    argv = [sys.executable, "-m", "runner", "--root", str(ROOT), "oracle", "serve",
            "--port", str(port), "--emulate", "nim", "--request-log", str(request_log),
            *options]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with local_server(argv, folder / "emulator.log", f"{url}/v1/models", what="the emulator",
                      timeout_s=START_TIMEOUT_S, cwd=ROOT):  # fmt: skip
        yield url, request_log
