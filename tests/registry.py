"""A real container registry for the tests: Debian's `docker-registry` package (the reference
distribution registry server), on 127.0.0.1 only, with its own config and storage in a temporary
folder, stopped by its PID afterwards. No mock: pushes and pulls go through the Docker engine."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REGISTRY_BIN = "docker-registry"
START_TIMEOUT_S = 30

CONFIG = """version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {storage}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _answers(address: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://{address}/v2/", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


@contextmanager
def local_registry(folder: Path) -> Iterator[str]:
    """Run the registry with storage under `folder`; yields its address, 127.0.0.1:PORT (the
    Docker engine treats 127.0.0.0/8 registries as plain HTTP without configuration)."""
    binary = shutil.which(REGISTRY_BIN) or f"/usr/bin/{REGISTRY_BIN}"
    if not Path(binary).is_file():
        raise FileNotFoundError(
            f"{REGISTRY_BIN} is not installed (apt-get install docker-registry)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = folder / "config.yml"
    config.write_text(CONFIG.format(storage=folder / "storage", port=port), encoding="utf-8")
    log = (folder / "registry.log").open("wb")
    proc = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=log)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(address):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (folder / "registry.log").read_text(errors="replace")[-500:]
                raise RuntimeError(f"{REGISTRY_BIN} did not come up on {address}: {tail}")
            time.sleep(0.2)
        yield address
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
