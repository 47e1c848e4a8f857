"""The offline base image: Debian bookworm from debootstrap, `docker import`ed.

For machines that reach Debian's package archive but no container registry (DESIGN.md section 9).
Real users build FROM the digest-pinned public image recorded in images/lock.json instead.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BASE_TAG = "cab/base:bookworm"
SUITE = "bookworm"
# What every image needs at least: TLS roots, git for workspaces, Python for the in-container
# forwarder and the Python agents.
BASE_PACKAGES = ("ca-certificates", "git", "python3", "python3-venv", "python3-pip")
# Where --ca-bundle puts the host bundle, and the variables that make pip, npm, git and
# Python's ssl use it.
CA_PATH = "/etc/ssl/certs/cab-host-ca-bundle.crt"
CA_ENV = (
    "PIP_CERT",
    "NODE_EXTRA_CA_CERTS",
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
    "GIT_SSL_CAINFO",
)


class BaseImageError(Exception):
    """The base image could not be built; str() says which step and why."""


@dataclass(frozen=True)
class BaseImage:
    tag: str
    image_id: str
    size_bytes: int
    built_at: str
    ca_bundle: bool
    # <registry>/<name>@sha256:... this image was pushed as or pulled by (docker's RepoDigests)
    repo_digests: tuple[str, ...] = ()


def _run(step: str, argv: list[str], **kw: object) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(argv, check=True, capture_output=True, **kw)  # type: ignore[call-overload, no-any-return]
    except FileNotFoundError:
        raise BaseImageError(f"{step}: {argv[0]} is not installed") from None
    except subprocess.CalledProcessError as exc:
        tail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()[-3:]
        raise BaseImageError(f"{step} failed (exit {exc.returncode}): {' | '.join(tail)}") from None


def engine_answers(timeout_s: float = 20.0) -> bool:
    """True when the Docker engine answers: tells a missing image from an engine that is down
    (`docker image inspect` fails the same way for both)."""
    try:
        proc = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            check=False,
            timeout=timeout_s,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def inspect_image(tag: str) -> BaseImage | None:
    """The local image under `tag`, or None when it does not exist."""
    proc = subprocess.run(
        ["docker", "image", "inspect", tag], capture_output=True, check=False, text=True
    )
    if proc.returncode != 0:
        return None
    info = json.loads(proc.stdout)[0]
    env = (info.get("Config") or {}).get("Env") or []
    return BaseImage(
        tag=tag,
        image_id=info["Id"],
        size_bytes=int(info.get("Size", 0)),
        built_at=info.get("Created", ""),
        ca_bundle=any(e.startswith("SSL_CERT_FILE=") for e in env),
        repo_digests=tuple(info.get("RepoDigests") or ()),
    )


def build_base_image(
    state_dir: Path,
    *,
    ca_bundle: Path | None = None,
    tag: str = BASE_TAG,
    progress: Callable[[str], None] = lambda _msg: None,
) -> BaseImage:
    """debootstrap a minimal bookworm, optionally add the host CA bundle, import it as `tag`,
    and record its id in `state_dir/base-image.json`."""
    if ca_bundle is not None and not ca_bundle.is_file():
        raise BaseImageError(f"--ca-bundle: {ca_bundle} is not a file")
    for tool in ("debootstrap", "docker"):
        if shutil.which(tool) is None:
            raise BaseImageError(
                f"{tool} is not installed (apt-get install -y docker.io debootstrap)"
            )
    with tempfile.TemporaryDirectory(prefix="cab-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        progress(f"debootstrap {SUITE} (minbase) into {rootfs}")
        _run(
            "debootstrap",
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={','.join(BASE_PACKAGES)}",
                SUITE,
                str(rootfs),
            ],
        )
        changes = ["ENV LANG=C.UTF-8", 'CMD ["/bin/bash"]']
        if ca_bundle is not None:
            shutil.copyfile(ca_bundle, rootfs / CA_PATH.lstrip("/"))
            changes += [f"ENV {var}={CA_PATH}" for var in CA_ENV]
        # Drop what makes the tree differ between runs and is useless in containers.
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for p in (rootfs / junk).glob("*"):
                if p.is_file():
                    p.unlink()
        progress(f"docker import as {tag}")
        argv = ["docker", "import"]
        for change in changes:
            argv += ["--change", change]
        tar = subprocess.Popen(
            ["tar", "--numeric-owner", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE
        )
        try:
            _run("docker import", [*argv, "-", tag], stdin=tar.stdout)
        finally:
            if tar.stdout is not None:
                tar.stdout.close()
            tar.wait()
    image = inspect_image(tag)
    if image is None:
        raise BaseImageError(f"docker import reported success but {tag} does not exist")
    state_dir.mkdir(parents=True, exist_ok=True)
    record = {
        "tag": image.tag,
        "image_id": image.image_id,
        "size_bytes": image.size_bytes,
        "ca_bundle": image.ca_bundle,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    out = state_dir / "base-image.json"
    tmp_out = out.with_suffix(".tmp")
    tmp_out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    tmp_out.replace(out)
    return image
