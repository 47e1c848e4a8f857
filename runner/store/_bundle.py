"""A sweep folder as release assets: receipts.tar.gz + manifest.json, and back into a store.

The archive is reproducible (sorted members, fixed times and owners, gzip without a timestamp),
so packing one sweep twice gives the same bytes. Unpacking trusts nothing in the archive: only
regular files named in the manifest, each with its digest, may enter the store, and through the
append-only writer. Signatures are checked later, by whoever reads the store (plan, board).
"""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

from runner.store._layout import MANIFEST, Manifest, StoreError, sweep_dir
from runner.store._write import read_manifest, sha256, write_sweep

BUNDLE = "receipts.tar.gz"
# A release far beyond any sweep's receipts is refused before it is read into memory: the
# archive, and the sum of its members' sizes (a small archive can inflate to anything).
MAX_BUNDLE_BYTES = 8 << 30


def release_tag(manifest: Manifest) -> str:
    """The tag of the release that holds this sweep: one release per sweep, never edited."""
    return f"receipts-{manifest.methodology_version}-{manifest.sweep}"


def pack_sweep(store: Path, version: str, sweep: str, out: Path) -> tuple[Path, Path]:
    """Write OUT/receipts.tar.gz and OUT/manifest.json for one stored sweep."""
    folder = sweep_dir(store, version, sweep)
    manifest = read_manifest(folder / MANIFEST)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel in sorted([*manifest.files, MANIFEST]):
            data = (folder / rel).read_bytes()
            if rel != MANIFEST and sha256(data) != manifest.files[rel]:
                raise StoreError(f"{folder / rel}: differs from its manifest")
            info = tarfile.TarInfo(rel)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    out.mkdir(parents=True, exist_ok=True)
    bundle, manifest_path = out / BUNDLE, out / MANIFEST
    bundle.write_bytes(gzip.compress(raw.getvalue(), mtime=0))
    manifest_path.write_bytes(manifest.to_bytes())
    return bundle, manifest_path


def _members(bundle: Path, manifest: Manifest) -> dict[str, bytes]:
    if bundle.stat().st_size > MAX_BUNDLE_BYTES:
        raise StoreError(f"{bundle}: larger than {MAX_BUNDLE_BYTES} bytes")
    files: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(bundle, mode="r:gz") as tar:
            for info in tar:
                name = info.name
                total += info.size
                if total > MAX_BUNDLE_BYTES:
                    raise StoreError(f"{bundle}: unpacks to more than {MAX_BUNDLE_BYTES} bytes")
                if not info.isfile() or (name not in manifest.files and name != MANIFEST):
                    raise StoreError(f"{bundle}: {name!r} is not a file its manifest lists")
                if name in files:
                    raise StoreError(f"{bundle}: {name!r} is in the archive twice")
                f = tar.extractfile(info)
                assert f is not None  # a regular file always has a reader
                files[name] = f.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise StoreError(f"{bundle}: not a readable archive ({exc})") from None
    return files


def unpack_release(release: Path, store: Path) -> Path:
    """Check a release's assets against its manifest and add the sweep to `store`."""
    manifest_path, bundle = release / MANIFEST, release / BUNDLE
    manifest = read_manifest(manifest_path)
    if not bundle.is_file():
        raise StoreError(f"{bundle}: missing")
    files = _members(bundle, manifest)
    if files.pop(MANIFEST, None) != manifest_path.read_bytes():
        raise StoreError(f"{bundle}: its manifest.json differs from the release's")
    for rel, digest in sorted(manifest.files.items()):
        if rel not in files:
            raise StoreError(f"{bundle}: {rel} is in the manifest but not in the archive")
        if sha256(files[rel]) != digest:
            raise StoreError(f"{bundle}: {rel} does not match its manifest digest")
    return write_sweep(store, manifest, files)
