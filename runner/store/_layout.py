"""The store of record on disk: one section per methodology version, one folder per sweep.

    STORE/<methodology_version>/sweeps/<sweep-id>/manifest.json
    STORE/<methodology_version>/sweeps/<sweep-id>/<cell-key>/<envelope + artifacts>

Community receipts live in the repository (receipts/community/<runner>/, landed by reviewed pull
requests) and are read from there; each runner's folder is one source. Where a receipt sits never
decides its tier: that comes from how it is signed (runner.receipts).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

SWEEPS = "sweeps"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
# Sweep ids and methodology versions become folder names and release tags: no separators, no
# dot-only names, nothing a shell or a tag would read differently.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

Sha256 = Annotated[str, Field(pattern=r"^sha256:[0-9a-f]{64}$")]


class StoreError(Exception):
    """The store cannot take or give this; str() is the one line (it names the file)."""


class Manifest(BaseModel):
    """What one sweep added to the store: every file with its digest, and its receipts.

    Written last, so a sweep folder without a manifest is an interrupted write, and read by
    anyone who fetches a release to check each file before it enters their copy of the store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int = Field(MANIFEST_FORMAT, ge=1, le=MANIFEST_FORMAT)
    methodology_version: str = Field(pattern=SAFE_NAME.pattern)
    sweep: str = Field(pattern=SAFE_NAME.pattern, description="Sweep id, unique in its section")
    files: dict[str, Sha256] = Field(
        description="Path inside the sweep folder ('/'-separated) -> sha256 of its bytes"
    )
    receipts: list[Sha256] = Field(description="sha256 of every receipt envelope, sorted")

    @field_validator("files")
    @classmethod
    def _inside(cls, files: dict[str, Sha256]) -> dict[str, Sha256]:
        # Names become paths under the sweep folder: none may leave it or replace the manifest.
        for rel in files:
            parts = rel.split("/")
            if rel.startswith("/") or "\\" in rel or {"", ".", ".."} & set(parts):
                raise ValueError(f"file {rel!r} leaves the sweep folder")
            if rel == MANIFEST or len(parts) < 2:
                raise ValueError(f"file {rel!r} is not inside a cell folder")
        return files

    def to_bytes(self) -> bytes:
        """The one stored form: sorted keys, two-space indent, newline-ended."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=2)
        return (text + "\n").encode("utf-8")


def safe_name(kind: str, name: str) -> str:
    if not SAFE_NAME.match(name) or name in {".", ".."} or set(name) <= {"."}:
        raise StoreError(f"{kind} {name!r} is not a safe name (letters, digits, . _ -)")
    return name


def section_dir(store: Path, version: str) -> Path:
    return store / safe_name("methodology version", version)


def sweep_dir(store: Path, version: str, sweep: str) -> Path:
    return section_dir(store, version) / SWEEPS / safe_name("sweep id", sweep)


def sweep_dirs(store: Path, version: str) -> list[Path]:
    """The section's sweep folders that are complete (have a manifest), sorted."""
    root = section_dir(store, version) / SWEEPS
    if not root.is_dir():
        return []
    return sorted(d for d in root.iterdir() if d.is_dir() and (d / MANIFEST).is_file())


def community_dirs(community: Path | None) -> list[Path]:
    """One source per community runner: receipts/community/<runner>/, sorted."""
    if community is None or not community.is_dir():
        return []
    return sorted(d for d in community.iterdir() if d.is_dir() and not d.name.startswith("."))


def is_store(path: Path) -> bool:
    """A folder laid out as a store (any <version>/sweeps/ inside), not a plain receipts folder."""
    return path.is_dir() and any((d / SWEEPS).is_dir() for d in path.iterdir() if d.is_dir())
