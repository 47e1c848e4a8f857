"""What is installed inside each built agent image is exactly its committed lock: for npm agents
the tree `npm ls --all --json` reports, for PyPI agents (and node-base's Node wheel) the
distributions importlib.metadata finds in the virtualenv."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runner.catalog import load_agents
from runner.images import inspect_image, read_lock, read_lock_files
from runner.images._deps import canonical_name
from runner.sandbox import SandboxSpec, run_once

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parents[1]
AGENTS = load_agents(ROOT)
NPM = sorted(n for n, s in AGENTS.items() if s.package.registry.value == "npm")
PIP = sorted(n for n, s in AGENTS.items() if s.package.registry.value == "pypi")
# Installed by `python3 -m venv` itself (Debian's bundled wheels), not by the lock.
VENV_OWN = {"pip", "setuptools"}
DISTS = (
    "import importlib.metadata as m, json; "
    "print(json.dumps(sorted([d.metadata['Name'], d.version] for d in m.distributions())))"
)


def _image(name: str) -> str:
    entry = read_lock(ROOT / "images").images.get(name)
    if entry is None or inspect_image(entry.image_id) is None:
        pytest.fail(f"{name}: image not built here: run `cab images build {name}`")
    return entry.image_id


def _run(image: str, argv: list[str]) -> tuple[int, str]:
    spec = SandboxSpec(image=image, read_only_root=False, tmpfs={})
    result = run_once(spec, argv, 120)
    assert not result.timed_out
    return result.exit_code, result.stdout.decode()


def _flatten(tree: dict[str, Any], out: set[str]) -> set[str]:
    for name, node in (tree.get("dependencies") or {}).items():
        if not node:  # an optional dependency for another platform: listed, not installed
            continue
        out.add(f"{name}@{node['version']}")
        _flatten(node, out)
    return out


def _installable_here(entry: dict[str, Any]) -> bool:
    """Whether npm installs this lock entry on linux x64 with glibc (the images' platform)."""
    if not entry.get("optional"):
        return True
    return (
        "linux" in entry.get("os", ["linux"])
        and "x64" in entry.get("cpu", ["x64"])
        and "glibc" in entry.get("libc", ["glibc"])
    )


@pytest.mark.parametrize("name", NPM)
def test_npm_tree_in_the_image_is_the_lock(docker_engine: None, name: str) -> None:
    code, out = _run(_image(name), ["sh", "-c", "cd /opt/agent && npm ls --all --json"])
    assert code == 0, out[-2000:]  # npm ls exits 1 on a missing, invalid or extraneous package
    installed = _flatten(json.loads(out), set())
    lock = json.loads((ROOT / "images" / name / "package-lock.json").read_text())
    locked = {
        f"{key.rsplit('node_modules/', 1)[1]}@{entry['version']}": entry
        for key, entry in lock["packages"].items()
        if key
    }
    # Every installed package is in the lock at its locked version; every required one (and every
    # optional one for this platform that npm did not skip) is installed. npm skips an optional
    # dependency that cannot be built here (node-pty without a compiler, a wasm32 build), and so
    # do its own dependencies.
    assert installed <= set(locked), sorted(installed - set(locked))
    required = {p for p, entry in locked.items() if not entry.get("optional")}
    assert required <= installed, sorted(required - installed)
    assert {p for p, e in locked.items() if _installable_here(e)} - installed <= {
        p for p, e in locked.items() if e.get("optional")
    }


def _dists(image: str, python: str) -> dict[str, str]:
    code, out = _run(image, [python, "-c", DISTS])
    assert code == 0, out
    return {canonical_name(n): v for n, v in json.loads(out) if canonical_name(n) not in VENV_OWN}


@pytest.mark.parametrize("name", PIP)
def test_python_distributions_in_the_image_are_the_lock(docker_engine: None, name: str) -> None:
    installed = _dists(_image(name), "/opt/agent/bin/python")
    assert installed == read_lock_files(ROOT / "images" / name).packages


def test_the_node_wheel_in_node_agents_is_the_lock(docker_engine: None) -> None:
    installed = _dists(_image(NPM[0]), "/opt/node/bin/python")
    assert installed == read_lock_files(ROOT / "images" / "node-base").packages
