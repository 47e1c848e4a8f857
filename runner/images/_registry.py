"""Agent images built once, pushed to a container registry, pulled by digest everywhere else.

`push` tags the locked local image `<registry>/agent-<name>:<version>`, pushes it and records the
manifest digest the registry answered with in images/lock.json (`registry_digest`). `pull`
fetches `<registry>/agent-<name>@sha256:...` (content-addressed: the registry cannot substitute
other bytes), checks that the pulled image's id is the locked `image_id`, and tags it as the
locked tag, so cells find it where a local build would be. `identity` says which of the two an
image on this machine is, for the receipt.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from runner.catalog import load_agents
from runner.images._base import inspect_image
from runner.images._deps import read_lock_files
from runner.images._lock import LockedImage, read_lock, write_lock
from runner.receipts import ImageIdentity, ImageSource, LockedAgentImage

PUSH_TIMEOUT_S = 1800


class RegistryError(Exception):
    """A push or pull failed; str() says which image and why."""


@dataclass(frozen=True)
class Transfer:
    agent: str
    reference: str  # <registry>/agent-<name>@sha256:...
    image_id: str
    seconds: float


def _docker(step: str, argv: list[str]) -> str:
    try:
        proc = subprocess.run(
            ["docker", *argv], capture_output=True, text=True, check=False, timeout=PUSH_TIMEOUT_S
        )
    except FileNotFoundError:
        raise RegistryError(f"{step}: docker is not installed") from None
    except subprocess.TimeoutExpired:
        raise RegistryError(f"{step}: no answer in {PUSH_TIMEOUT_S}s") from None
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-2:]
        raise RegistryError(f"{step} failed (exit {proc.returncode}): {' | '.join(tail)}")
    return proc.stdout


def _chosen(root: Path, agents: Sequence[str]) -> list[str]:
    known = sorted(load_agents(root))
    unknown = sorted(set(agents) - set(known))
    if unknown:
        raise RegistryError(f"unknown agent {unknown[0]!r} (known: {', '.join(known)})")
    return list(agents) or known


def repository(registry: str, agent: str) -> str:
    return f"{registry.rstrip('/')}/agent-{agent}"


def push_images(
    root: Path,
    registry: str,
    agents: Sequence[str] = (),
    *,
    progress: Callable[[str], None] = lambda _m: None,
) -> list[Transfer]:
    """Push each named agent's locked image (all when none) and record its registry digest."""
    if not registry or "@" in registry or registry.startswith(("http:", "https:")):
        raise RegistryError(f"--registry {registry!r}: give HOST[:PORT][/PATH], no scheme")
    images_dir = root / "images"
    done = []
    for agent in _chosen(root, agents):
        entry = read_lock(images_dir).images.get(agent)
        if entry is None:
            raise RegistryError(f"{agent}: not in images/lock.json: run `cab images build {agent}`")
        local = inspect_image(entry.tag)
        if local is None or local.image_id != entry.image_id:
            raise RegistryError(
                f"{agent}: {entry.tag} here is not the locked image {entry.image_id[:19]}: "
                f"run `cab images build {agent}` (or `cab images pull {agent}`)"
            )
        repo = repository(registry, agent)
        remote = f"{repo}:{entry.version}"
        started = time.monotonic()
        progress(f"[{agent}] docker push {remote}")
        _docker(f"{agent}: docker tag", ["tag", entry.tag, remote])
        try:
            out = _docker(f"{agent}: docker push {remote}", ["push", remote])
        finally:
            subprocess.run(["docker", "image", "rm", remote], capture_output=True, check=False)
        # The registry's answer: "<tag>: digest: sha256:<manifest digest> size: N".
        found = re.findall(r"digest: (sha256:[0-9a-f]{64})", out)
        if len(set(found)) != 1:
            raise RegistryError(f"{agent}: pushed, but docker printed no single digest for {repo}")
        digests = [f"{repo}@{found[0]}"]
        entry = entry.model_copy(update={"registry_digest": digests[0]})
        write_lock(images_dir, read_lock(images_dir).with_image(agent, entry))
        seconds = round(time.monotonic() - started, 1)
        progress(f"[{agent}] {digests[0]} in {seconds:.0f}s")
        done.append(Transfer(agent, digests[0], entry.image_id, seconds))
    return done


def pull_image(agent: str, entry: LockedImage) -> Transfer:
    """`docker pull` the locked digest, check it is the locked image, tag it as the lock's tag."""
    if entry.registry_digest is None:
        raise RegistryError(f"{agent}: images/lock.json records no registry digest (never pushed)")
    started = time.monotonic()
    _docker(f"{agent}: docker pull {entry.registry_digest}", ["pull", "-q", entry.registry_digest])
    pulled = inspect_image(entry.registry_digest)
    if pulled is None:
        raise RegistryError(f"{agent}: docker pull succeeded but {entry.registry_digest} is absent")
    if pulled.image_id != entry.image_id:
        raise RegistryError(
            f"{agent}: {entry.registry_digest} is image {pulled.image_id[:19]}, the lock says "
            f"{entry.image_id[:19]}"
        )
    _docker(f"{agent}: docker tag", ["tag", entry.registry_digest, entry.tag])
    return Transfer(
        agent, entry.registry_digest, pulled.image_id, round(time.monotonic() - started, 1)
    )


def pull_images(
    root: Path,
    agents: Sequence[str] = (),
    *,
    progress: Callable[[str], None] = lambda _m: None,
) -> list[Transfer]:
    lock = read_lock(root / "images").images
    done = []
    for agent in _chosen(root, agents):
        entry = lock.get(agent)
        if entry is None:
            raise RegistryError(f"{agent}: not in images/lock.json")
        progress(f"[{agent}] docker pull {entry.registry_digest}")
        done.append(pull_image(agent, entry))
        progress(f"[{agent}] {entry.tag} {done[-1].image_id[:19]} in {done[-1].seconds:.0f}s")
    return done


def identity(root: Path, agent: str, image_id: str) -> ImageIdentity:
    """Which the agent image on this machine is: the locked registry image (pulled, or pushed
    from here: the same bytes), or a local build from the committed dependency lock."""
    files = read_lock_files(root / "images" / agent)
    lock_sha256 = "sha256:" + files.sha256
    entry = read_lock(root / "images").images.get(agent)
    info = inspect_image(image_id)
    if (
        entry is not None
        and entry.registry_digest is not None
        and entry.image_id == image_id
        and info is not None
        and entry.registry_digest in info.repo_digests
    ):
        return ImageIdentity(
            source=ImageSource.registry,
            registry_digest=entry.registry_digest,
            lock_sha256=entry.lock_sha256 or lock_sha256,
        )
    return ImageIdentity(
        source=ImageSource.local_build, lock_sha256=lock_sha256, locked_versions=files.packages
    )


def locked_agent_images(root: Path) -> dict[str, LockedAgentImage]:
    """What this checkout locks each agent image to, for the verifier: the agent.toml pin, the
    committed dependency lock's sha256, and the registry digest in images/lock.json."""
    lock = read_lock(root / "images").images
    out = {}
    for name, spec in load_agents(root).items():
        entry = lock.get(name)
        out[name] = LockedAgentImage(
            version=spec.package.version,
            lock_sha256="sha256:" + read_lock_files(root / "images" / name).sha256,
            registry_digest=entry.registry_digest if entry else None,
        )
    return out
