"""A shared emulated endpoint for tests and benches: `cab oracle serve --emulate nim` as its own
process on 127.0.0.1, the calibration server several `cab cell run-many --oracle-url` shards
reach on one key (so they share its per-key limit), stopped by its PID afterwards."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.registry import free_port

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
    with (folder / "emulator.log").open("wb") as err:
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=err, stderr=err)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (folder / "emulator.log").read_text(errors="replace")[-500:]
                raise RuntimeError(f"the emulator did not come up on {url}: {tail}")
            time.sleep(0.3)
        yield url, request_log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/v1/models", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False
