"""Push and pull by digest against a real registry (Debian's docker-registry on 127.0.0.1).

The image is a small one this test builds and removes itself (FROM the offline base, one file),
recorded under an agent's name in a copy of images/: the code path is the agents' (lock entry ->
push -> registry digest in lock.json -> local removal -> pull by digest -> locked tag), without
touching the agent images other work on this engine uses. The ten agents' round trip, and a cell
from a pulled image, are `nox -s registry` (tests/test_images_registry_agents.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from runner.images import (
    RegistryError,
    image_identity,
    inspect_image,
    pull_images,
    push_images,
    read_lock,
    write_lock,
)
from runner.receipts import ImageSource

ROOT = Path(__file__).resolve().parents[1]
AGENT = "codex"

pytestmark = pytest.mark.docker


def _docker(*argv: str) -> str:
    return subprocess.run(["docker", *argv], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def small_image(base_image: str, tmp_path: Path) -> tuple[Path, str]:
    """A copy of images/ whose lock names a fresh small image as AGENT's; removed afterwards."""
    tag = f"cab/test-registry-{uuid.uuid4().hex[:12]}:1"
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "marker").write_text(tag + "\n")
    (ctx / "Dockerfile").write_text(f"FROM {base_image}\nCOPY marker /marker\n")
    _docker("build", "--network", "none", "-q", "-t", tag, str(ctx))
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "images", root / "images")
    lock = read_lock(root / "images")
    entry = lock.images[AGENT].model_copy(
        update={"tag": tag, "image_id": inspect_image(tag).image_id, "registry_digest": None}  # type: ignore[union-attr]
    )
    write_lock(root / "images", lock.with_image(AGENT, entry))
    image_id = entry.image_id
    yield root, tag
    # By id: also drops the untagged <registry>/agent-codex@sha256 names a pull leaves. The id is
    # this test's own image (its marker file holds a fresh uuid).
    subprocess.run(["docker", "image", "rm", "-f", image_id], capture_output=True, check=False)


def test_push_records_the_digest_and_pull_restores_the_same_image(
    registry: str, small_image: tuple[Path, str]
) -> None:
    root, tag = small_image
    image_id = inspect_image(tag).image_id  # type: ignore[union-attr]
    (pushed,) = push_images(root, f"{registry}/cab", [AGENT])
    assert pushed.reference.startswith(f"{registry}/cab/agent-{AGENT}@sha256:")
    entry = read_lock(root / "images").images[AGENT]
    assert entry.registry_digest == pushed.reference and entry.image_id == image_id
    stored = json.loads((root / "images" / "lock.json").read_text())["images"][AGENT]
    assert stored["registry_digest"] == pushed.reference

    # Gone from this engine: only the registry has it now.
    _docker("image", "rm", tag)
    assert inspect_image(tag) is None and inspect_image(image_id) is None
    (pulled,) = pull_images(root, [AGENT])
    assert pulled.reference == pushed.reference and pulled.image_id == image_id
    local = inspect_image(tag)
    assert local is not None and local.image_id == image_id
    ident = image_identity(root, AGENT, image_id)
    assert ident.source is ImageSource.registry and ident.registry_digest == pushed.reference


def test_a_registry_that_serves_another_image_is_refused(
    registry: str, small_image: tuple[Path, str]
) -> None:
    root, _tag = small_image
    push_images(root, f"{registry}/cab", [AGENT])
    lock = read_lock(root / "images")
    forged = lock.images[AGENT].model_copy(update={"image_id": "sha256:" + "e" * 64})
    write_lock(root / "images", lock.with_image(AGENT, forged))
    with pytest.raises(RegistryError, match="the lock says sha256:eeee"):
        pull_images(root, [AGENT])


def test_no_registry_answering_is_one_clear_error(small_image: tuple[Path, str]) -> None:
    root, _tag = small_image
    lock = read_lock(root / "images")
    gone = "127.0.0.1:9/cab/agent-codex@sha256:" + "a" * 64  # port 9 (discard): nobody listens
    write_lock(
        root / "images",
        lock.with_image(AGENT, lock.images[AGENT].model_copy(update={"registry_digest": gone})),
    )
    with pytest.raises(RegistryError, match=r"docker pull 127\.0\.0\.1:9/"):
        pull_images(root, [AGENT])


def test_a_local_build_names_its_dependency_lock(small_image: tuple[Path, str]) -> None:
    root, tag = small_image
    ident = image_identity(root, AGENT, inspect_image(tag).image_id)  # type: ignore[union-attr]
    assert ident.source is ImageSource.local_build and ident.registry_digest is None
    assert (
        ident.locked_versions["node_modules/@openai/codex"]
        == read_lock(root / "images").images[AGENT].version
    )
