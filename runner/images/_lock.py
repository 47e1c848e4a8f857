"""images/lock.json as a typed record: the base image and every built agent image.

Read at every place that needs an agent image (the cell, the sweep, `cab images list`, the
benches), so a corrupt or hand-edited lock is caught once, here, with one line naming the file
and the field, instead of a KeyError deep inside a cell.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from runner.catalog import CatalogError

LOCK_FILE = "lock.json"
_DIGEST = r"^sha256:[0-9a-f]{64}$"


class LockError(CatalogError):
    """images/lock.json is missing, not JSON, or a field is wrong (a catalog error: exit 2)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BaseLock(_Frozen):
    offline_tag: str = Field(min_length=1)
    # Real users build FROM this digest-pinned public image.
    public: str = Field(pattern=r"^[^@\s]+@sha256:[0-9a-f]{64}$")


class LockedImage(_Frozen):
    tag: str = Field(min_length=1)
    image_id: str = Field(pattern=_DIGEST)
    version: str = Field(min_length=1)
    package: str = Field(min_length=1)  # <registry>:<name>, e.g. npm:@openai/codex
    base_image: str = Field(min_length=1)
    # sha256 of images/<agent>'s dependency lock files the image was built from (runner.images
    # read_lock_files); None only in a lock written before dependencies were locked.
    lock_sha256: str | None = Field(default=None, pattern=_DIGEST)
    # Where `cab images push` put it: <registry>/agent-<name>@sha256:<manifest digest>. A pull by
    # this reference gets these exact bytes; image_id is then this image's id on every machine.
    registry_digest: str | None = Field(default=None, pattern=r"^[^@\s]+@sha256:[0-9a-f]{64}$")


class ImageLock(_Frozen):
    base: BaseLock
    images: dict[str, LockedImage] = Field(default_factory=dict)

    def with_image(self, agent: str, entry: LockedImage) -> ImageLock:
        return self.model_copy(update={"images": {**self.images, agent: entry}})


def read_lock(images_dir: Path) -> ImageLock:
    path = images_dir / LOCK_FILE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LockError(path, "", f"cannot read: {exc.strerror}") from None
    try:
        return ImageLock.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        problem = "not valid JSON" if first["type"] == "json_invalid" else first["msg"]
        raise LockError(path, where, problem) from None


def write_lock(images_dir: Path, lock: ImageLock) -> None:
    """Atomically, in the stored form (sorted keys, two-space indent, trailing newline)."""
    path = images_dir / LOCK_FILE
    tmp = path.with_suffix(".tmp")
    text = json.dumps(lock.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
