"""Writing into the store: append-only, verified receipts only, all or nothing per sweep.

A file already in the store is never replaced: the same bytes again are a no-op (a re-run merge
or a re-fetched release), different bytes are refused with the file named. Every check runs
before the first write, and the manifest is written last, so an interrupted write leaves a sweep
folder that readers skip (no manifest) and the next write of the same sweep completes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from runner.receipts import Verdict, artifacts_of
from runner.store._layout import (
    MANIFEST,
    Manifest,
    StoreError,
    section_dir,
    sweep_dir,
    sweep_dirs,
)


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class SweepAdded:
    methodology_version: str
    sweep: str
    folder: Path | None  # None: every receipt was already in the store
    added: int
    already_stored: int


def read_manifest(path: Path) -> Manifest:
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise StoreError(f"{path}: no manifest") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "(top level)"
        raise StoreError(f"{path}: {where}: {first['msg']}") from None


def stored_digests(store: Path, version: str) -> set[str]:
    """Every receipt digest the section's manifests list."""
    return {
        d
        for folder in sweep_dirs(store, version)
        for d in read_manifest(folder / MANIFEST).receipts
    }


def _read_verified(path: Path, want: str) -> bytes:
    """The file's bytes, refused unless they are the bytes that verified: a file changed
    between verification and the copy must not enter the store under a verified name."""
    data = path.read_bytes()
    if sha256(data) != want:
        raise StoreError(f"{path}: changed since it was verified")
    return data


def cell_files(verdict: Verdict) -> dict[str, bytes]:
    """A verified receipt's files as stored: <cell-key>/<envelope> and its artifacts."""
    receipt, digest = verdict.receipt, verdict.envelope_digest
    if not verdict.ok or receipt is None or digest is None:
        raise StoreError(f"{verdict.path}: not verified; only verified receipts are stored")
    key = receipt.cell.key
    files = {f"{key}/{verdict.path.name}": _read_verified(verdict.path, digest)}
    for art in artifacts_of(receipt):
        files[f"{key}/{art.path}"] = _read_verified(verdict.path.parent / art.path, art.digest)
    return files


def _conflicts(root: Path, files: Mapping[str, bytes]) -> list[str]:
    out = []
    for rel, data in sorted(files.items()):
        path = root / rel
        if path.is_symlink() or (
            path.exists() and (not path.is_file() or path.read_bytes() != data)
        ):
            out.append(rel)
    return out


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data`; never replaces a file (link() fails on an existing name)."""
    if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise StoreError(
                f"{path}: already in the store with other bytes; the store is append-only"
            ) from None
    finally:
        os.unlink(tmp)


def write_sweep(store: Path, manifest: Manifest, files: Mapping[str, bytes]) -> Path:
    """Write one sweep folder: every file, then the manifest. Refused as a whole when any file
    (the manifest included) is already there with other bytes."""
    root = sweep_dir(store, manifest.methodology_version, manifest.sweep)
    want = {**files, MANIFEST: manifest.to_bytes()}
    bad = _conflicts(root, want)
    if bad:
        raise StoreError(
            f"{root / bad[0]}: already in the store with other bytes; the store is append-only"
            + (f" ({len(bad) - 1} more)" if len(bad) > 1 else "")
        )
    for rel, data in sorted(files.items()):
        _write_new(root / rel, data)
    _write_new(root / MANIFEST, want[MANIFEST])
    return root


def make_manifest(
    version: str, sweep: str, files: Mapping[str, bytes], receipts: Iterable[str]
) -> Manifest:
    return Manifest(
        methodology_version=version,
        sweep=sweep,
        files={rel: sha256(data) for rel, data in sorted(files.items())},
        receipts=sorted(set(receipts)),
    )


def add_sweep(store: Path, sweep: str, verdicts: Sequence[Verdict]) -> list[SweepAdded]:
    """Store a sweep's verified receipts, one sweep folder per methodology version they carry.
    Receipts the section already holds (by envelope digest) are not stored twice; a sweep that
    adds nothing new writes nothing."""
    by_version: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        if v.receipt is None:
            raise StoreError(f"{v.path}: not verified; only verified receipts are stored")
        by_version[v.receipt.methodology_version].append(v)
    out = []
    for version, group in sorted(by_version.items()):
        section_dir(store, version)  # the version must make a safe folder name
        known = stored_digests(store, version)
        new = [v for v in group if v.envelope_digest not in known]
        files: dict[str, bytes] = {}
        for v in sorted(new, key=lambda v: str(v.path)):
            for rel, data in cell_files(v).items():
                if files.setdefault(rel, data) != data:
                    raise StoreError(f"{v.path}: two receipts of this sweep claim {rel}")
        folder = None
        if new:
            digests = [v.envelope_digest for v in new if v.envelope_digest is not None]
            folder = write_sweep(store, make_manifest(version, sweep, files, digests), files)
        out.append(SweepAdded(version, sweep, folder, len(new), len(group) - len(new)))
    return out
