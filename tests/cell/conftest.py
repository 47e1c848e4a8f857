"""Fixtures of the cell tests (helpers in cellkit.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from runner.catalog import Catalog, load_catalog
from runner.cell import RunnerKey, load_or_create_key
from runner.images import inspect_image, read_lock
from runner.oracle import Emulation
from tests.cell.cellkit import TASKS, Shard, open_shard


@pytest.fixture(scope="session")
def catalog(root: Path) -> Catalog:
    return load_catalog(root)


@pytest.fixture(scope="session")
def runner_key(tmp_path_factory: pytest.TempPathFactory) -> RunnerKey:
    """A signing key for cells that run without Docker (tests/cell/fakes.py)."""
    return load_or_create_key(tmp_path_factory.mktemp("key") / "key", "cab-tests")


@pytest.fixture(scope="session")
def images_ready(docker_engine: None, root: Path, catalog: Catalog) -> None:
    """The agent and runtime images must be built: cells cannot run otherwise."""
    from runner.images import runtime_tag

    lock = read_lock(root / "images").images
    missing = [
        lock[a].tag if a in lock else f"{a} (not in images/lock.json)"
        for a in catalog.agents
        if a not in lock or inspect_image(lock[a].tag) is None
    ]
    runtimes = {catalog.tasks[t].runtime_image for t in TASKS.values()}
    missing += [t for r in runtimes if inspect_image(t := runtime_tag(root, r)) is None]
    if missing:
        pytest.fail(f"images not built: {', '.join(missing)} (run `cab images build --all`)")


@pytest.fixture(scope="module")
def shard(
    images_ready: None, catalog: Catalog, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Shard]:
    """One oracle + proxy for the module's cells (the models the acceptance tests use). The
    oracle emulates NVIDIA NIM (chat completions only, reasoning_content in its replies, no rate
    limit here) behind the host models' `nvidia_nim/` route, as the public sweep meets it; its
    request log is the shard's `emulator_log`."""
    tmp = tmp_path_factory.mktemp("shard")
    nim = Emulation(profile="nim", rpm_per_key=None, log_path=tmp / "emulator.jsonl")
    with open_shard(
        catalog, tmp / "out", tmp / "key", ["oracle", "null", "vandal"], flaky_rate=0.0,
        emulation=nim,
    ) as s:  # fmt: skip
        yield s
