"""`cab doctor`: is this machine ready to run cells? One finding per prerequisite, with the fix."""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass
from pathlib import Path

from runner.catalog import CatalogError, load_catalog
from runner.images import BASE_TAG, inspect_image

# The one place that says how to start an engine on a plain Linux machine (the commands .ci/run
# uses); every "start Docker" advice points there rather than repeating half of it.
START_DOCKER = "README.md, section Starting Docker"
DOCKERD = "dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false &"


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str
    fix: str | None = None


def _docker() -> Finding:
    if shutil.which("docker") is None:
        return Finding(
            "docker engine",
            False,
            "docker CLI not found",
            f"apt-get install -y docker.io, then start the engine ({START_DOCKER})",
        )
    import docker

    try:
        client = docker.from_env(timeout=5)
        version = client.version().get("Version", "?")
        client.close()
    except Exception as exc:  # docker-py raises several unrelated types for "no engine"
        reason = str(exc).splitlines()[0][:120]
        return Finding(
            "docker engine",
            False,
            f"not answering ({reason})",
            f"start it: {DOCKERD} ({START_DOCKER})",
        )
    return Finding("docker engine", True, f"Docker {version}")


def _base_image(engine_ok: bool) -> Finding:
    if not engine_ok:
        return Finding(
            "base image",
            False,
            "unknown: the engine does not answer",
            f"start Docker ({START_DOCKER})",
        )
    image = inspect_image(BASE_TAG)
    if image is None:
        return Finding(
            "base image",
            False,
            f"{BASE_TAG} not built",
            "cab images base --ca-bundle /etc/ssl/certs/ca-certificates.crt (or without, "
            "when TLS is not intercepted)",
        )
    size = image.size_bytes / 1e6
    return Finding("base image", True, f"{BASE_TAG} {image.image_id[:19]} ({size:.0f} MB)")


def _debootstrap() -> Finding:
    if shutil.which("debootstrap") is None:
        return Finding(
            "debootstrap",
            False,
            "not installed (needed for the offline base image)",
            "apt-get install -y debootstrap",
        )
    return Finding("debootstrap", True, shutil.which("debootstrap") or "")


def _proxy_extra() -> Finding:
    missing = [m for m in ("litellm", "fastapi", "uvicorn") if importlib.util.find_spec(m) is None]
    if missing:
        return Finding(
            "proxy extra",
            False,
            f"not installed (missing {', '.join(missing)})",
            "pip install -e '.[proxy]'",
        )
    from importlib.metadata import version

    return Finding("proxy extra", True, f"litellm {version('litellm')}")


def _catalog(root: Path) -> Finding:
    try:
        cat = load_catalog(root)
    except CatalogError as exc:
        return Finding("catalog", False, str(exc), "fix the file named above")
    return Finding(
        "catalog",
        True,
        f"{len(cat.models.models)} models, {len(cat.agents)} agents, {len(cat.tasks)} tasks "
        f"in {root}",
    )


def run_doctor(root: Path) -> list[Finding]:
    engine = _docker()
    return [engine, _base_image(engine.ok), _debootstrap(), _proxy_extra(), _catalog(root)]
