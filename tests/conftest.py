from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _docker_ok() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def docker_engine() -> None:
    """Docker tests fail (not skip) in CI when the engine is missing: CI must run them."""
    if not _docker_ok():
        import os

        if os.environ.get("CI"):
            pytest.fail("CI=true but the Docker engine does not answer")
        pytest.skip("no Docker engine")


@pytest.fixture(scope="session")
def base_image(docker_engine: None) -> str:
    from runner.images import BASE_TAG, inspect_image

    if inspect_image(BASE_TAG) is None:
        pytest.fail(f"{BASE_TAG} is missing: run `cab images base` (scripts/setup.sh does)")
    return BASE_TAG


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory, docker_engine: None) -> Iterator[str]:
    """A real registry (Debian's docker-registry) on 127.0.0.1; fails in CI when it is missing."""
    import os

    from tests.registry import REGISTRY_BIN, local_registry

    if shutil.which(REGISTRY_BIN) is None and not Path(f"/usr/bin/{REGISTRY_BIN}").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but {REGISTRY_BIN} is not installed")
        pytest.skip(f"{REGISTRY_BIN} is not installed")
    with local_registry(tmp_path_factory.mktemp("registry")) as address:
        yield address
