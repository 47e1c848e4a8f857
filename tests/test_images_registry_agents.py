"""The agents' registry round trip (`nox -s registry`; skipped otherwise): push every built
agent image to a real registry (Debian's docker-registry on 127.0.0.1), remove them from the
engine, `cab images pull` them back by digest, and run a cell from a pulled image: its receipt
says image_identity.source = registry.

Destructive for the engine it runs on (the agent images are removed, then pulled back under the
same tags and ids): run it against an engine of its own (DOCKER_HOST), not one others use.
CAB_REGISTRY_AGENTS=codex,pi narrows it to some agents; `all` (the session's default) is all ten.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runner.catalog import load_agents
from runner.images import inspect_image, read_lock

pytestmark = [
    pytest.mark.docker,
    pytest.mark.skipif(not os.environ.get("CAB_REGISTRY_AGENTS"), reason="nox -s registry runs it"),
]

ROOT = Path(__file__).resolve().parents[1]
CELL = ("codex", "oracle", "py-cron-steps")


def _chosen() -> list[str]:
    wanted = os.environ.get("CAB_REGISTRY_AGENTS", "all")
    return sorted(load_agents(ROOT)) if wanted == "all" else sorted(wanted.split(","))


def _cab(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "runner", "--root", str(root), *argv],
        capture_output=True, text=True, env=env, timeout=3600, check=False,
    )  # fmt: skip


def test_push_remove_pull_and_run_a_cell_from_the_pulled_image(
    registry: str, tmp_path: Path
) -> None:
    agents = _chosen()
    root = tmp_path / "repo"
    for part in ("images", "tasks", "keys", "schemas"):
        shutil.copytree(ROOT / part, root / part)
    for part in ("models.toml", "METHODOLOGY.md", "pyproject.toml"):
        shutil.copy2(ROOT / part, root / part)
    lock = read_lock(root / "images").images
    for agent in agents:
        local = inspect_image(lock[agent].tag)
        assert local is not None and local.image_id == lock[agent].image_id, (
            f"{agent}: build it first (`cab images build {agent}`)"
        )

    pushed = _cab(root, "images", "push", "--registry", f"{registry}/cab", *agents, "--json")
    assert pushed.returncode == 0, pushed.stderr
    digests = {t["agent"]: t["reference"] for t in json.loads(pushed.stdout)}
    assert sorted(digests) == agents
    after_push = read_lock(root / "images").images
    for agent in agents:
        assert after_push[agent].registry_digest == digests[agent]
        removed = subprocess.run(
            ["docker", "image", "rm", lock[agent].tag], capture_output=True, check=False
        )
        assert removed.returncode == 0, removed.stderr
        assert inspect_image(lock[agent].image_id) is None, f"{agent} is still on the engine"

    pulled = _cab(root, "images", "pull", *agents, "--json")
    assert pulled.returncode == 0, pulled.stderr
    got = {t["agent"]: t for t in json.loads(pulled.stdout)["pulled"]}
    for agent in agents:
        assert got[agent]["reference"] == digests[agent]
        local = inspect_image(lock[agent].tag)
        assert local is not None and local.image_id == lock[agent].image_id
        assert digests[agent] in local.repo_digests

    if CELL[0] not in agents:
        return
    out = tmp_path / "cells"
    agent, model, task = CELL
    ran = _cab(root, "cell", "run", "--agent", agent, "--model", model, "--task", task,
               "--out", str(out), "--json")  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-2000:]
    (receipt_path,) = out.glob("*/receipt.json")
    receipt = json.loads(receipt_path.read_text())
    identity = receipt["agent"]["image_identity"]
    assert identity["source"] == "registry", identity
    assert identity["registry_digest"] == digests[agent]
    assert receipt["agent"]["image_digest"] == lock[agent].image_id
    verified = _cab(root, "receipts", "verify", str(out), "--json")
    assert verified.returncode == 0, verified.stdout
    (verdict,) = json.loads(verified.stdout)["receipts"]
    assert verdict["image_locked"] is True, verdict
