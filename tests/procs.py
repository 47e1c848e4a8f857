"""Process helpers shared by tests: servers they start on 127.0.0.1 and stop by their own PID,
and whether a process they killed is gone."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from runner.proxy import free_port

__all__ = ["answers", "free_port", "local_server", "process_alive"]


def process_alive(pid: int) -> bool:
    """True while `pid` runs; a zombie (ended, not yet reaped by its parent) counts as ended."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def answers(url: str) -> bool:
    """GET `url` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


@contextmanager
def local_server(
    argv: Sequence[str],
    log: Path,
    ready_url: str,
    *,
    what: str,
    timeout_s: float,
    cwd: Path | None = None,
    poll_s: float = 0.3,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `argv` (its output to `log`) until GET `ready_url` answers 200; yields the process,
    then ends it by its PID (SIGTERM, SIGKILL after 15 s). A server that exits or stays silent
    past `timeout_s` is an error quoting the end of its log."""
    with log.open("wb") as out:
        proc = subprocess.Popen(list(argv), cwd=cwd, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + timeout_s
        while not answers(ready_url):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-500:]
                raise RuntimeError(f"{what} did not come up on {ready_url}: {tail}")
            time.sleep(poll_s)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
