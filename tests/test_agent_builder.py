"""`cab images build/list` input handling and the lock format (no Docker needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from runner.catalog import load_agents
from runner.cli import main
from runner.images import agent_tag, read_lock
from runner.images._agents import write_lock

ROOT = Path(__file__).resolve().parents[1]


def test_unknown_agent_is_one_line_and_nothing_is_built() -> None:
    res = CliRunner().invoke(main, ["--root", str(ROOT), "images", "build", "no-such-agent"])
    assert res.exit_code == 1
    assert "unknown agent 'no-such-agent'" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_missing_ca_bundle_is_rejected(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main, ["--root", str(ROOT), "images", "build", "--ca-bundle", str(tmp_path / "nope")]
    )
    assert res.exit_code == 2
    assert "does not exist" in res.output


def test_lock_is_base_plus_one_entry_per_agent() -> None:
    lock = read_lock(ROOT / "images")
    assert set(lock) == {"base", "images"}
    agents = load_agents(ROOT)
    for name, entry in lock["images"].items():
        spec = agents[name]
        assert entry["version"] == spec.package.version
        assert entry["tag"] == agent_tag(spec)
        assert entry["image_id"].startswith("sha256:")
        assert entry["package"] == f"{spec.package.registry.value}:{spec.package.name}"


def test_write_lock_replaces_atomically(tmp_path: Path) -> None:
    shutil.copy(ROOT / "images" / "lock.json", tmp_path / "lock.json")
    lock = read_lock(tmp_path)
    lock["images"]["demo"] = {"tag": "cab/agent-demo:1", "image_id": "sha256:" + "0" * 64}
    write_lock(tmp_path, lock)
    assert json.loads((tmp_path / "lock.json").read_text())["images"]["demo"]["tag"] == (
        "cab/agent-demo:1"
    )
    assert not list(tmp_path.glob("*.tmp"))
