"""Store of record: every verified receipt a sweep made, kept append-only by methodology version."""

from runner.store._bundle import BUNDLE, pack_sweep, release_tag, unpack_release
from runner.store._layout import (
    MANIFEST,
    Manifest,
    StoreError,
    community_dirs,
    is_store,
    section_dir,
    sweep_dir,
    sweep_dirs,
)
from runner.store._read import Sources, store_sources, verify_sources
from runner.store._write import SweepAdded, add_sweep, read_manifest, stored_digests, write_sweep

__all__ = [
    "BUNDLE",
    "MANIFEST",
    "Manifest",
    "Sources",
    "StoreError",
    "SweepAdded",
    "add_sweep",
    "community_dirs",
    "is_store",
    "pack_sweep",
    "read_manifest",
    "release_tag",
    "section_dir",
    "store_sources",
    "stored_digests",
    "sweep_dir",
    "sweep_dirs",
    "unpack_release",
    "verify_sources",
    "write_sweep",
]
