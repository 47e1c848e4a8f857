"""A real container registry for the tests: Debian's `docker-registry` package (the reference
distribution registry server), on 127.0.0.1 only, with its own config and storage in a temporary
folder, stopped by its PID afterwards. No mock: pushes and pulls go through the Docker engine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.procs import free_port, local_server

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
    address = f"127.0.0.1:{port}"
    argv = [binary, "serve", str(config)]
    with local_server(argv, folder / "registry.log", f"http://{address}/v2/",
                      what=REGISTRY_BIN, timeout_s=START_TIMEOUT_S, poll_s=0.2):  # fmt: skip
        yield address
