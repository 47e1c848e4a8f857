"""Building images from a folder with a Dockerfile that takes `ARG BASE_IMAGE`, generically.

Runtime images (images/runtime-*) use it now; agent images can use the same `build_image`.
Tag scheme: `cab/<folder name>:<first 12 hex of the folder hash>`, where the folder hash is a
sha256 over every file of the folder (sorted relative path, NUL, file sha256). Editing anything in
the folder gives a new tag, so a task never runs on a stale image by accident; the base image is
not part of the tag, it is recorded in the state file (.cab/images.json) next to the image id.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from runner.images._base import CA_ENV, CA_PATH, inspect_image
from runner.sandbox import SandboxError, SandboxSpec, run_once

STATE_FILE = "images.json"
RUNTIME_PREFIX = "runtime-"
TAG_HASH_CHARS = 12
# Each version command answers in a second or two; a hung one must not hang the build.
PROBE_TIMEOUT_S = 120


def _probe_spec(tag: str) -> SandboxSpec:
    # A writable throw-away root: a version command may write its cache (npm does).
    return SandboxSpec(image=tag, read_only_root=False, tmpfs={})


# Tools whose versions are recorded for an image; a missing tool is simply not listed.
VERSION_PROBES = {
    "python3": "python3 --version",
    "pytest": "python3 -m pytest --version",
    "ruff": "ruff --version",
    "shellcheck": "shellcheck --version | sed -n 2p",
    "bash": "bash --version | head -n 1",
    "node": "node --version",
    "npm": "npm --version",
    "eslint": "eslint --version",
    "tsc": "tsc --version",
}


class ImageBuildError(Exception):
    """An image could not be built; str() says which and why."""


@dataclass(frozen=True)
class BuiltImage:
    name: str
    tag: str
    image_id: str
    size_bytes: int
    base_image: str
    build_seconds: float
    versions: dict[str, str]
    built_at: str


def folder_hash(image_dir: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(image_dir.rglob("*")):
        if p.is_file():
            rel = p.relative_to(image_dir).as_posix()
            h.update(rel.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest() + b"\n")
    return h.hexdigest()


def image_tag(image_dir: Path) -> str:
    return f"cab/{image_dir.name}:{folder_hash(image_dir)[:TAG_HASH_CHARS]}"


def runtime_dirs(root: Path) -> dict[str, Path]:
    """images/runtime-*/ folders with a Dockerfile, by name (e.g. 'runtime-python')."""
    return {
        p.parent.name: p.parent
        for p in sorted((root / "images").glob(f"{RUNTIME_PREFIX}*/Dockerfile"))
    }


def runtime_tag(root: Path, name: str) -> str:
    dirs = runtime_dirs(root)
    if name not in dirs:
        known = ", ".join(dirs) or "none"
        raise ImageBuildError(f"no runtime image {name!r} in images/ (known: {known})")
    return image_tag(dirs[name])


def _docker(step: str, argv: list[str]) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ImageBuildError(f"{step}: docker is not installed") from None
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise ImageBuildError(f"{step} failed (exit {proc.returncode}): {' | '.join(tail)}")
    return proc.stdout


def _with_ca_bundle(base_image: str, ca_bundle: Path) -> str:
    """A one-layer image over `base_image` trusting `ca_bundle`, so that any Dockerfile's pip and
    npm work behind a TLS-intercepting proxy without knowing about it."""
    digest = hashlib.sha256(base_image.encode() + b"\0" + ca_bundle.read_bytes()).hexdigest()
    tag = f"cab/base-ca:{digest[:TAG_HASH_CHARS]}"
    if inspect_image(tag) is not None:
        return tag
    with tempfile.TemporaryDirectory(prefix="cab-ca-") as tmp:
        shutil.copyfile(ca_bundle, Path(tmp) / "ca.crt")
        lines = [f"FROM {base_image}", f"COPY ca.crt {CA_PATH}"]
        lines += [f"ENV {var}={CA_PATH}" for var in CA_ENV]
        (Path(tmp) / "Dockerfile").write_text("\n".join(lines) + "\n", encoding="utf-8")
        _docker("CA layer build", ["docker", "build", "--network", "none", "-t", tag, tmp])
    return tag


def probe_versions(tag: str) -> dict[str, str]:
    script = "; ".join(
        f'command -v {cmd.split()[0]} >/dev/null 2>&1 && echo "{name}=$({cmd} 2>&1)"'
        for name, cmd in VERSION_PROBES.items()
    )
    try:
        result = run_once(_probe_spec(tag), ["sh", "-c", script + "; true"], PROBE_TIMEOUT_S)
    except SandboxError as exc:
        raise ImageBuildError(f"version probe failed: {exc}") from None
    if result.exit_code != 0:
        tail = result.stderr.decode(errors="replace").strip().splitlines()[-3:]
        why = "timed out" if result.timed_out else f"exit {result.exit_code}"
        raise ImageBuildError(f"version probe failed ({why}): {' | '.join(tail)}")
    out = result.stdout.decode(errors="replace")
    versions = {}
    for line in out.splitlines():
        name, sep, value = line.partition("=")
        if sep and name in VERSION_PROBES:
            versions[name] = value.strip().removeprefix("version: ")
    return versions


def build_image(
    image_dir: Path,
    tag: str,
    base_image: str,
    ca_bundle: Path | None = None,
    *,
    progress: Callable[[str], None] = lambda _msg: None,
) -> BuiltImage:
    """`docker build` the folder as `tag` FROM `base_image` (Docker's layer cache is reused),
    then record its id, size and tool versions. Returns what was built."""
    if not (image_dir / "Dockerfile").is_file():
        raise ImageBuildError(f"{image_dir}/Dockerfile does not exist")
    if ca_bundle is not None and not ca_bundle.is_file():
        raise ImageBuildError(f"--ca-bundle: {ca_bundle} is not a file")
    base = _with_ca_bundle(base_image, ca_bundle) if ca_bundle is not None else base_image
    started = time.monotonic()
    progress(f"docker build {image_dir.name} as {tag} FROM {base}")
    argv = ["docker", "build", "--network", "host", "--build-arg", f"BASE_IMAGE={base}"]
    _docker(f"docker build {image_dir.name}", [*argv, "-t", tag, str(image_dir)])
    seconds = time.monotonic() - started
    info = inspect_image(tag)
    if info is None:
        raise ImageBuildError(f"docker build reported success but {tag} does not exist")
    return BuiltImage(
        name=image_dir.name,
        tag=tag,
        image_id=info.image_id,
        size_bytes=info.size_bytes,
        base_image=base_image,
        build_seconds=round(seconds, 1),
        versions=probe_versions(tag),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def record_image(state_dir: Path, image: BuiltImage) -> None:
    """Merge one image into state_dir/images.json (atomic replace)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        state = {}
    state[image.name] = asdict(image)
    tmp = path.with_name(f".{STATE_FILE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def build_runtime(
    root: Path,
    state_dir: Path,
    name: str,
    base_image: str,
    ca_bundle: Path | None = None,
    *,
    progress: Callable[[str], None] = lambda _msg: None,
) -> BuiltImage:
    tag = runtime_tag(root, name)
    image = build_image(runtime_dirs(root)[name], tag, base_image, ca_bundle, progress=progress)
    record_image(state_dir, image)
    return image


SINK_DIR = "sink"


def sink_tag(root: Path) -> str:
    """The egress sink's tag (images/sink): cab/sink:<folder hash>."""
    return image_tag(root / "images" / SINK_DIR)


def ensure_sink_image(
    root: Path, base_image: str, *, progress: Callable[[str], None] = lambda _msg: None
) -> str:
    """The egress sink's tag, built first when this engine does not have it. It is the
    harness's own small image (Python's standard library over the base image), so a cell never
    waits on someone running a build command for it."""
    tag = sink_tag(root)
    if inspect_image(tag) is None:
        build_image(root / "images" / SINK_DIR, tag, base_image, progress=progress)
    return tag
