"""Dependency locks: every package an image installs, pinned to a version and a content hash.

- npm agents: images/<agent>/package.json (the one dependency, at the agent.toml pin) and its
  package-lock.json; the Dockerfile runs `npm ci`, which installs exactly the lock (integrity
  hashes included) or fails.
- PyPI agents: images/<agent>/requirements.txt, every distribution of the resolved set as
  `name==version --hash=sha256:...`; the Dockerfile runs `pip install --require-hashes --no-deps`.
- Node from its wheel (node-base, runtime-node): requirements.txt the same way, from the
  folder's requirements.in.

`cab images lock` regenerates them on this host: npm with `npm install --package-lock-only` in a
temporary folder, pip with `pip install --dry-run --report` in a fresh virtualenv of the host's
python3.11 (the interpreter the images have: Debian bookworm), so markers resolve as in the image.
`check_locks` is what the unit tests and `cab images lock --check` run: a lock that disagrees
with its agent.toml pin, or lacks a hash, is named.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.catalog import AgentSpec, Registry, load_agents

PACKAGE_JSON = "package.json"
NPM_LOCK = "package-lock.json"
PIP_LOCK = "requirements.txt"
PIP_INPUT = "requirements.in"
# Folders (not agents) whose pip tools are locked from a requirements.in.
TOOL_FOLDERS = ("node-base", "runtime-node")
# The interpreter the images run pip with: Debian bookworm's python3 (3.11); the host's own
# Debian one first, so that markers and tags resolve as in the image.
IMAGE_PYTHON = "python3.11"
IMAGE_PYTHON_PATHS = ("/usr/bin/python3.11",)
_REQ_LINE = re.compile(
    r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?P<hashes>(?: --hash=sha256:[0-9a-f]{64})+)$"
)
LOCK_TIMEOUT_S = 600


class DepsLockError(Exception):
    """A lock could not be made, or a committed one is wrong; str() says which and why."""


@dataclass(frozen=True)
class LockFiles:
    """The lock of one image folder: which files, their combined sha256, and name -> version."""

    folder: str
    kind: str  # "npm" or "pip"
    files: tuple[str, ...]
    sha256: str
    packages: dict[str, str]


def canonical_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _run(step: str, argv: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, check=False, timeout=LOCK_TIMEOUT_S
        )
    except FileNotFoundError:
        raise DepsLockError(f"{step}: {argv[0]} is not installed on this host") from None
    except subprocess.TimeoutExpired:
        raise DepsLockError(f"{step}: no answer in {LOCK_TIMEOUT_S}s") from None
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise DepsLockError(f"{step} failed (exit {proc.returncode}): {' | '.join(tail)}")
    return proc.stdout


def npm_package_json(spec: AgentSpec) -> dict[str, object]:
    return {
        "name": f"cab-agent-{spec.name}",
        "version": "0.0.0",
        "private": True,
        "description": f"{spec.package.name} at the agent.toml pin; `cab images lock` writes this",
        "dependencies": {spec.package.name: spec.package.version},
    }


def lock_npm(folder: Path, spec: AgentSpec) -> None:
    manifest = json.dumps(npm_package_json(spec), indent=2) + "\n"
    with tempfile.TemporaryDirectory(prefix="cab-npm-lock-") as tmp:
        (Path(tmp) / PACKAGE_JSON).write_text(manifest, encoding="utf-8")
        argv = ["npm", "install", "--package-lock-only", "--ignore-scripts"]
        _run(f"npm lock {spec.name}", [*argv, "--no-audit", "--no-fund"], Path(tmp))
        lock = (Path(tmp) / NPM_LOCK).read_bytes()
    (folder / PACKAGE_JSON).write_text(manifest, encoding="utf-8")
    (folder / NPM_LOCK).write_bytes(lock)


def _report_lines(report: dict[str, Any]) -> list[str]:
    lines = []
    for item in report.get("install", []):
        meta = item["metadata"]
        info = item["download_info"]
        archive = info.get("archive_info", {})
        hashes = archive.get("hashes") or {}
        sha = hashes.get("sha256") or archive.get("hash", "").removeprefix("sha256=")
        if not re.fullmatch(r"[0-9a-f]{64}", sha or ""):
            raise DepsLockError(f"{meta['name']}: pip reported no sha256 for {info.get('url')}")
        lines.append(f"{canonical_name(meta['name'])}=={meta['version']} --hash=sha256:{sha}")
    return sorted(lines)


def lock_pip(folder: Path, requirements: list[str], what: str) -> None:
    """Resolve `requirements` with the image's interpreter and write requirements.txt."""
    python = next((p for p in IMAGE_PYTHON_PATHS if Path(p).is_file()), shutil.which(IMAGE_PYTHON))
    if python is None:
        raise DepsLockError(f"{what}: {IMAGE_PYTHON} (the images' interpreter) is not on PATH")
    with tempfile.TemporaryDirectory(prefix="cab-pip-lock-") as tmp:
        venv = Path(tmp) / "venv"
        _run(f"{what}: venv", [python, "-m", "venv", str(venv)], Path(tmp))
        pip = [str(venv / "bin" / "python"), "-m", "pip"]
        report = Path(tmp) / "report.json"
        argv = [*pip, "install", "-q", "--dry-run", "--ignore-installed", "--report", str(report)]
        argv += ["--disable-pip-version-check", *requirements]
        _run(f"{what}: pip resolve", argv, Path(tmp))
        lines = _report_lines(json.loads(report.read_text(encoding="utf-8")))
    head = [
        f"# {what}: `cab images lock` resolved {' '.join(requirements)} with {IMAGE_PYTHON} on",
        "# linux x86_64; installed with pip install --require-hashes --no-deps.",
    ]
    (folder / PIP_LOCK).write_text("\n".join(head + lines) + "\n", encoding="utf-8")


def lockable(root: Path) -> dict[str, AgentSpec | None]:
    """Every folder `cab images lock` handles: agents (their spec) and the tool folders (None)."""
    out: dict[str, AgentSpec | None] = dict(sorted(load_agents(root).items()))
    out.update({name: None for name in TOOL_FOLDERS})
    return out


def lock_images(
    root: Path, names: Sequence[str] = (), *, progress: Callable[[str], None] = lambda _m: None
) -> list[LockFiles]:
    """Regenerate the dependency locks of the named folders (all when none) and return them."""
    known = lockable(root)
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise DepsLockError(f"unknown image {unknown[0]!r} (known: {', '.join(known)})")
    done = []
    for name in names or list(known):
        folder = root / "images" / name
        spec = known[name]
        progress(f"[{name}] locking")
        if spec is None:
            wanted = _requirements_in(folder)
            lock_pip(folder, wanted, name)
        elif spec.package.registry is Registry.npm:
            lock_npm(folder, spec)
        else:
            lock_pip(folder, [f"{spec.package.name}=={spec.package.version}"], spec.name)
        files = read_lock_files(folder)
        progress(f"[{name}] {len(files.packages)} packages, sha256 {files.sha256[:12]}")
        done.append(files)
    return done


def _requirements_in(folder: Path) -> list[str]:
    path = folder / PIP_INPUT
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DepsLockError(f"{path}: cannot read: {exc.strerror}") from None
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _npm_packages(lock: dict[str, Any], path: Path) -> dict[str, str]:
    packages = lock.get("packages")
    if lock.get("lockfileVersion") != 3 or not isinstance(packages, dict):
        raise DepsLockError(f"{path}: not an npm lockfile version 3")
    out = {}
    for key, entry in packages.items():
        if not key:
            continue
        if "version" not in entry or ("integrity" not in entry and not entry.get("link")):
            raise DepsLockError(f"{path}: {key} has no version or integrity hash")
        out[key] = entry["version"]
    return out


def _pip_packages(path: Path) -> dict[str, str]:
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = _REQ_LINE.match(line.strip())
        if m is None:
            raise DepsLockError(f"{path}:{n}: not `name==version --hash=sha256:...`")
        out[canonical_name(m["name"])] = m["version"]
    return out


def read_lock_files(folder: Path) -> LockFiles:
    """The committed lock of an image folder (npm or pip), parsed and hashed."""
    files: tuple[str, ...]
    if (folder / NPM_LOCK).is_file() and (folder / PACKAGE_JSON).is_file():
        kind, files = "npm", (PACKAGE_JSON, NPM_LOCK)
        raw = json.loads((folder / NPM_LOCK).read_text(encoding="utf-8"))
        packages = _npm_packages(raw, folder / NPM_LOCK)
    elif (folder / PIP_LOCK).is_file():
        kind, files = "pip", (PIP_LOCK,)
        packages = _pip_packages(folder / PIP_LOCK)
    else:
        raise DepsLockError(f"{folder}: no {NPM_LOCK} or {PIP_LOCK} (run `cab images lock`)")
    h = hashlib.sha256()
    for name in files:
        h.update(name.encode() + b"\0" + hashlib.sha256((folder / name).read_bytes()).digest())
    return LockFiles(folder.name, kind, files, h.hexdigest(), packages)


def check_lock(root: Path, name: str, spec: AgentSpec | None) -> list[str]:
    """Why the lock of one folder disagrees with its pin (empty: it agrees)."""
    folder = root / "images" / name
    try:
        files = read_lock_files(folder)
    except (DepsLockError, json.JSONDecodeError, OSError) as exc:
        return [str(exc)]
    if spec is None:
        wanted = _requirements_in(folder)
        return [
            f"{folder / PIP_LOCK}: {req} is not locked"
            for req in wanted
            if "==" in req
            and files.packages.get(canonical_name(req.split("==")[0])) != req.split("==")[1]
        ]
    pkg = spec.package
    pin = f"{{{pkg.name}: {pkg.version}}}"
    pinned = f"agent.toml pins {pkg.version}"
    problems = []
    if pkg.registry is Registry.npm:
        if files.kind != "npm":
            return [f"{folder}: {pkg.name} is an npm package but the lock is {files.kind}"]
        manifest = json.loads((folder / PACKAGE_JSON).read_text(encoding="utf-8"))
        if manifest.get("dependencies") != {pkg.name: pkg.version}:
            problems.append(f"{folder / PACKAGE_JSON}: dependencies are not {pin}")
        lock = json.loads((folder / NPM_LOCK).read_text(encoding="utf-8"))
        root_deps = lock.get("packages", {}).get("", {}).get("dependencies")
        if root_deps != {pkg.name: pkg.version}:
            problems.append(f"{folder / NPM_LOCK}: root dependencies {root_deps} are not the pin")
        locked = files.packages.get(f"node_modules/{pkg.name}")
        if locked != pkg.version:
            problems.append(f"{folder / NPM_LOCK}: {pkg.name} is locked at {locked}, {pinned}")
    else:
        if files.kind != "pip":
            return [f"{folder}: {pkg.name} is a PyPI package but the lock is {files.kind}"]
        locked = files.packages.get(canonical_name(pkg.name))
        if locked != pkg.version:
            problems.append(f"{folder / PIP_LOCK}: {pkg.name} is locked at {locked}, {pinned}")
    return problems


def check_locks(root: Path) -> dict[str, list[str]]:
    """Every lockable folder's problems, by folder (only folders that have some)."""
    out = {}
    for name, spec in lockable(root).items():
        problems = check_lock(root, name, spec)
        if problems:
            out[name] = problems
    return out
