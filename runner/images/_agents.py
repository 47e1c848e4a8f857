"""Agent images: build images/<agent>/Dockerfile on the shared intermediates, check the agent
version inside the image against its pin, and record everything in images/lock.json.

Layering: BASE_IMAGE -> cab/agent-base (Debian tools, user, proxy forwarder) -> cab/node-base
(Node from the registry wheel) -> cab/agent-<name>. Builds use `--network host` (the only network
a machine without bridges has); the resulting containers always run with `--network none`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from runner.catalog import AgentSpec, load_agents
from runner.images._base import BASE_TAG, inspect_image
from runner.images._deps import read_lock_files
from runner.images._lock import LockedImage, read_lock, write_lock
from runner.sandbox import SandboxError, SandboxSpec, run_once

INTERMEDIATES = ("agent-base", "node-base")
VERSION_TIMEOUT_S = 60


class AgentImageError(Exception):
    """An agent image could not be built or does not match its pin; str() says which and why."""


@dataclass(frozen=True)
class BuiltAgentImage:
    agent: str
    tag: str
    image_id: str
    version: str
    base_image: str
    size_bytes: int
    build_seconds: float


@dataclass(frozen=True)
class ImageStatus:
    agent: str
    pinned_version: str
    tag: str
    locked_id: str | None  # None: never built into the lock
    local_id: str | None  # None: not on this machine
    locked_version: str | None
    size_bytes: int | None

    @property
    def matches_lock(self) -> bool:
        return (
            self.local_id is not None
            and self.local_id == self.locked_id
            and self.locked_version == self.pinned_version
        )


def agent_tag(spec: AgentSpec) -> str:
    return f"cab/agent-{spec.name}:{spec.package.version}"


def default_base_image(images_dir: Path) -> str:
    """The offline base when this machine has it (no registry to pull from), else the
    digest-pinned public image from the lock."""
    base = read_lock(images_dir).base
    return base.offline_tag if inspect_image(base.offline_tag) is not None else base.public


def _context(images_dir: Path, folder: str, ca_bundle: Path | None, tmp: Path) -> Path:
    """A build context holding common/, the image's folder and ca/ (the host bundle or nothing).
    copy2 keeps mtimes; the build cache keys on content either way."""
    ctx = tmp / folder
    shutil.copytree(images_dir / "common", ctx / "common")
    shutil.copytree(images_dir / folder, ctx / folder)
    (ctx / "ca").mkdir()
    if ca_bundle is not None:
        shutil.copy2(ca_bundle, ctx / "ca" / "host-ca.crt")
    return ctx


def _docker_build(
    ctx: Path,
    folder: str,
    tag: str,
    build_args: dict[str, str],
    *,
    no_cache: bool,
    log: Callable[[str], None],
) -> str:
    argv = [
        "docker",
        "build",
        "--network",
        "host",
        "-t",
        tag,
        "-f",
        str(ctx / folder / "Dockerfile"),
    ]
    if no_cache:
        argv.append("--no-cache")
    for key, value in build_args.items():
        argv += ["--build-arg", f"{key}={value}"]
    argv.append(str(ctx))
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("Step "):
            log(f"[{folder}] {line}")
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-4:]
        raise AgentImageError(f"{folder}: docker build failed: {' | '.join(tail)}")
    image = inspect_image(tag)
    if image is None:
        raise AgentImageError(f"{folder}: docker build succeeded but {tag} does not exist")
    return image.image_id


def version_in_image(spec: AgentSpec, image: str) -> str:
    """Run the spec's version_command in the image, with no network, and extract the version."""
    command = " ".join(spec.version_command)
    # A writable throw-away root: some CLIs write a cache on their first start.
    run_spec = SandboxSpec(image=image, read_only_root=False, tmpfs={})
    try:
        result = run_once(run_spec, spec.version_command, VERSION_TIMEOUT_S)
    except SandboxError as exc:
        raise AgentImageError(f"{spec.name}: {command} could not run: {exc}") from None
    if result.timed_out:
        raise AgentImageError(f"{spec.name}: {command} did not answer in {VERSION_TIMEOUT_S}s")
    out = result.stdout.decode(errors="replace") + "\n" + result.stderr.decode(errors="replace")
    m = re.search(spec.version_pattern, out)
    if result.exit_code != 0 or m is None:
        raise AgentImageError(
            f"{spec.name}: cannot read a version from {command} "
            f"(exit {result.exit_code}): {out.strip()[:200]!r}"
        )
    return m.group(1)


def build_agent_images(
    root: Path,
    agents: Sequence[str] = (),
    *,
    base_image: str | None = None,
    ca_bundle: Path | None = None,
    no_cache: bool = False,
    progress: Callable[[str], None] = lambda _msg: None,
) -> list[BuiltAgentImage]:
    """Build the intermediates and the named agents (all when none are named), check each
    agent's version inside its image, and record them in images/lock.json."""
    images_dir = root / "images"
    specs = load_agents(root)
    unknown = sorted(set(agents) - set(specs))
    if unknown:
        raise AgentImageError(f"unknown agent {unknown[0]!r} (known: {', '.join(sorted(specs))})")
    if ca_bundle is not None and not ca_bundle.is_file():
        raise AgentImageError(f"--ca-bundle: {ca_bundle} is not a file")
    chosen = [specs[name] for name in (agents or sorted(specs))]
    base = base_image or default_base_image(images_dir)
    base_info = inspect_image(base)
    if base_info is None and base == BASE_TAG:
        raise AgentImageError(f"{BASE_TAG} is missing: run `cab images base` first")
    # A tag can move; the lock names the exact base by id when it is local.
    base_ref = f"{base}@{base_info.image_id}" if base_info and "@" not in base else base
    job = _BuildJob(images_dir, ca_bundle, no_cache, progress)
    built: list[BuiltAgentImage] = []
    with tempfile.TemporaryDirectory(prefix="cab-build-") as tmp_name:
        job.tmp = Path(tmp_name)
        parents = job.intermediates(base, {s.image_base.value for s in chosen})
        for spec in chosen:
            image = job.agent(spec, parents[spec.image_base.value], base_ref)
            built.append(image)
            # Record as we go: an interrupted `build` of ten images keeps what it finished.
            entry = LockedImage(
                tag=image.tag,
                image_id=image.image_id,
                version=image.version,
                package=f"{spec.package.registry.value}:{spec.package.name}",
                base_image=base_ref,
                lock_sha256="sha256:" + read_lock_files(images_dir / spec.name).sha256,
                # A new build is a new image: the old registry digest no longer names it.
                registry_digest=None,
            )
            write_lock(images_dir, read_lock(images_dir).with_image(spec.name, entry))
    return built


@dataclass
class _BuildJob:
    """What every docker build of one `cab images build` shares."""

    images_dir: Path
    ca_bundle: Path | None
    no_cache: bool
    progress: Callable[[str], None]
    tmp: Path = Path()

    def intermediates(self, base: str, needed: set[str]) -> dict[str, str]:
        """agent-base FROM the base image, then the other intermediates the agents need FROM
        agent-base; their image ids by folder."""
        parents: dict[str, str] = {}
        for folder in INTERMEDIATES:
            if folder != "agent-base" and folder not in needed:
                continue
            key, value = ("BASE_IMAGE", base) if folder == "agent-base" else ("AGENT_BASE", "")
            value = value or parents["agent-base"]
            self.progress(f"[{folder}] building FROM {value}")
            ctx = _context(self.images_dir, folder, self.ca_bundle, self.tmp)
            tag = f"cab/{folder}:latest"
            parents[folder] = _docker_build(
                ctx, folder, tag, {key: value}, no_cache=self.no_cache, log=self.progress
            )
        return parents

    def agent(self, spec: AgentSpec, parent: str, base_ref: str) -> BuiltAgentImage:
        tag = agent_tag(spec)
        self.progress(f"[{spec.name}] building {tag}")
        started = time.monotonic()
        ctx = _context(self.images_dir, spec.name, None, self.tmp)
        args = {"AGENT_BASE": parent, "AGENT_VERSION": spec.package.version}
        image_id = _docker_build(
            ctx, spec.name, tag, args, no_cache=self.no_cache, log=self.progress
        )
        seconds = time.monotonic() - started
        found = version_in_image(spec, image_id)
        if found != spec.package.version:
            raise AgentImageError(
                f"{spec.name}: the image reports version {found}, "
                f"agent.toml pins {spec.package.version}"
            )
        info = inspect_image(image_id)
        self.progress(f"[{spec.name}] {found} {image_id[:19]} in {seconds:.0f}s")
        return BuiltAgentImage(
            agent=spec.name,
            tag=tag,
            image_id=image_id,
            version=found,
            base_image=base_ref,
            size_bytes=info.size_bytes if info else 0,
            build_seconds=round(seconds, 1),
        )


def list_agent_images(root: Path) -> list[ImageStatus]:
    images_dir = root / "images"
    lock = read_lock(images_dir).images
    out = []
    for name, spec in sorted(load_agents(root).items()):
        entry = lock.get(name)
        tag = agent_tag(spec)
        local = inspect_image(tag)
        out.append(
            ImageStatus(
                agent=name,
                pinned_version=spec.package.version,
                tag=tag,
                locked_id=entry.image_id if entry else None,
                local_id=local.image_id if local else None,
                locked_version=entry.version if entry else None,
                size_bytes=local.size_bytes if local else None,
            )
        )
    return out


def status_dict(status: ImageStatus) -> dict[str, Any]:
    return {**asdict(status), "matches_lock": status.matches_lock}
