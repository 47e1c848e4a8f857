"""Finding receipt files under folders, and their resolved paths, with few system calls.

Path.rglob scans every folder twice and Path.resolve() lstat()s every component of every path;
for 10,000 cell folders that, and pathlib's own overhead, was most of the time `find_receipts`
took. The walk here scans each folder once, works on strings, and resolves each folder once,
with the same results: symlinked folders are listed but not descended into (as rglob does), and
a path's resolved form is the one Path.resolve() gives.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Found:
    path: str  # the root as given joined with the relative path, as a string
    symlink: bool
    is_file: bool  # following symlinks, as Path.is_file() answers


def walk_named(root: Path, suffixes: tuple[str, ...]) -> list[Found]:
    """Every entry under `root` whose name ends with one of `suffixes`, sorted as Paths sort.
    Descends into real folders only, like Path.rglob; unreadable folders are skipped, like
    Path.rglob."""
    hits: list[tuple[list[str], Found]] = []
    stack: list[tuple[str, list[str]]] = [(os.fspath(root), [])]
    while stack:
        folder, parts = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except PermissionError:
            continue
        for entry in entries:
            name = entry.name
            try:
                is_real_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_real_dir = False
            if name.endswith(suffixes):
                try:
                    is_file = entry.is_file()
                except OSError:
                    is_file = False
                hits.append(([*parts, name], Found(entry.path, entry.is_symlink(), is_file)))
            if is_real_dir:
                stack.append((entry.path, [*parts, name]))
    hits.sort(key=lambda hit: hit[0])  # Paths compare part by part, not as strings
    return [found for _, found in hits]


class RealPaths:
    """Path.resolve() with each folder resolved once (memoised), so a file costs one lstat."""

    def __init__(self) -> None:
        self._dirs: dict[str, str] = {}
        self._cwd: str | None = None

    def _absolute(self, path: str) -> str:
        if os.path.isabs(path):
            return path
        if self._cwd is None:
            self._cwd = os.getcwd()
        return os.path.join(self._cwd, path)

    def _folder(self, folder: str) -> str:
        known = self._dirs.get(folder)
        if known is None:
            parent, name = os.path.split(folder)
            if not name or name in (".", "..") or parent == folder or os.path.islink(folder):
                known = os.path.realpath(folder)
            else:
                known = os.path.join(self._folder(parent), name)
            self._dirs[folder] = known
        return known

    def file(self, path: str | Path, symlink: bool | None = None) -> str:
        """The resolved `path` as a string; `symlink` (known from scandir) saves the lstat."""
        text = self._absolute(os.fspath(path))
        parent, name = os.path.split(text)
        if symlink is None:
            symlink = os.path.islink(text)
        if symlink or not name or name in (".", ".."):
            return os.path.realpath(text)
        return os.path.join(self._folder(parent), name)


_CHUNK = 1 << 20


def read_chunks(fd: int, size: int) -> Iterator[bytes]:
    """Everything left in `fd`, given its fstat size, in chunks of at most 1 MiB. For a small
    file that did not change, one read of size + 1 bytes sees EOF (no buffered file object: half
    Path.read_bytes()'s time); a large file, or one that grew, shrank or gave a short read, is
    read on to EOF."""
    want = min(size + 1, _CHUNK)
    data = os.read(fd, want)
    if data:
        yield data
    if len(data) == size and want > size:
        return
    while chunk := os.read(fd, _CHUNK):
        yield chunk


def read_fd(fd: int, size: int) -> bytes:
    return b"".join(read_chunks(fd, size))
