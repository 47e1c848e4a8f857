"""`cab images build/list` input handling and the lock format (no Docker needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runner.catalog import load_agents
from runner.cli import main
from runner.images import LockedImage, LockError, agent_tag, read_lock, write_lock

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
    agents = load_agents(ROOT)
    assert "@sha256:" in lock.base.public
    for name, entry in lock.images.items():
        spec = agents[name]
        assert entry.version == spec.package.version
        assert entry.tag == agent_tag(spec)
        assert entry.package == f"{spec.package.registry.value}:{spec.package.name}"


def test_write_lock_replaces_atomically_in_the_stored_form(tmp_path: Path) -> None:
    shutil.copy(ROOT / "images" / "lock.json", tmp_path / "lock.json")
    entry = LockedImage(
        tag="cab/agent-demo:1",
        image_id="sha256:" + "0" * 64,
        version="1",
        package="npm:demo",
        base_image="cab/base:bookworm",
    )
    write_lock(tmp_path, read_lock(tmp_path).with_image("demo", entry))
    text = (tmp_path / "lock.json").read_text()
    assert json.loads(text)["images"]["demo"]["tag"] == "cab/agent-demo:1"
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert read_lock(tmp_path).images["demo"] == entry
    assert not list(tmp_path.glob("*.tmp"))


def _mutate(lock: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    *parents, last = path
    node: Any = lock
    for part in parents:
        node = node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field", "problem"),
    [
        (("images", "codex", "image_id"), "latest", "images.codex.image_id", "should match"),
        (("images", "codex", "tag"), _DELETE, "images.codex.tag", "Field required"),
        (("images", "codex", "tagg"), "x", "images.codex.tagg", "Extra inputs"),
        (("base", "public"), "debian:bookworm", "base.public", "should match"),
        (("base",), _DELETE, "base", "Field required"),
        (("images",), [], "images", "should be an object"),
    ],
)
def test_a_corrupt_lock_is_one_line_naming_file_and_field(
    tmp_path: Path, path: tuple[str, ...], value: object, field: str, problem: str
) -> None:
    root = tmp_path / "root"
    shutil.copytree(ROOT / "images", root / "images")
    shutil.copy(ROOT / "models.toml", root / "models.toml")
    lock_path = root / "images" / "lock.json"
    lock = json.loads(lock_path.read_text())
    _mutate(lock, path, value)
    lock_path.write_text(json.dumps(lock))
    with pytest.raises(LockError) as err:
        read_lock(root / "images")
    assert str(err.value).startswith(f"{lock_path}: {field}: ")
    assert problem in str(err.value)
    res = CliRunner().invoke(main, ["--root", str(root), "images", "list"])
    assert res.exit_code == 2, res.output
    assert res.output.strip().splitlines() == [f"Error: {err.value}"]


def test_a_lock_that_is_not_json_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "lock.json").write_text("{not json")
    with pytest.raises(LockError, match=r"lock\.json: not valid JSON$"):
        read_lock(tmp_path)
    (tmp_path / "lock.json").unlink()
    with pytest.raises(LockError, match="cannot read"):
        read_lock(tmp_path)
