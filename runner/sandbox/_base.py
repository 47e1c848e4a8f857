"""The sandbox interface: one narrow surface for every side effect the cell lifecycle needs.

The Docker implementation lives in _docker.py; tests and other backends implement the same
Protocol, so the cell lifecycle never imports docker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Mount:
    source: Path
    target: str
    read_only: bool = True


@dataclass(frozen=True)
class Limits:
    cpus: float = 1.0
    memory_mb: int = 4096
    pids: int = 512


@dataclass(frozen=True)
class SandboxSpec:
    """Everything that decides how contained a sandbox is. Defaults are the strict ones."""

    image: str
    mounts: Sequence[Mount] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    user: str | None = None  # None: the image's own (non-root) user
    workdir: str | None = None
    limits: Limits = Limits()
    read_only_root: bool = True
    tmpfs: Mapping[str, str] = field(default_factory=lambda: {"/tmp": "rw,size=512m"})
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExecResult:
    exit_code: int | None  # None when killed at the time limit
    stdout: bytes
    stderr: bytes
    duration_s: float
    timed_out: bool


class ChangeKind(StrEnum):
    modified = "modified"
    added = "added"
    deleted = "deleted"


@dataclass(frozen=True)
class FsChange:
    path: str
    kind: ChangeKind


class SandboxError(Exception):
    """The sandbox backend failed (engine gone, image missing): an infrastructure error."""


class Interrupted(Exception):
    """This process was told to stop (SIGTERM/SIGINT): its sandboxes are gone, and whatever a
    cell observed after that moment is not a result (no receipt may be written from it)."""


class Sandbox(Protocol):
    @property
    def id(self) -> str: ...

    def exec(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        workdir: str | None = None,
        user: str | None = None,
        timeout_s: float | None = None,
    ) -> ExecResult: ...

    def copy_in(self, src: Path, dest_dir: str) -> None: ...

    def copy_out(self, src: str, dest_dir: Path) -> None: ...

    def diff(self) -> list[FsChange]: ...

    def processes(self) -> list[str]:
        """Command lines of the processes running now (the sandbox's own init excluded)."""
        ...

    def kill(self) -> None:
        """Kill every process in it (kept for diff and removal). Never raises."""
        ...

    def stop(self) -> None:
        """Kill and remove. Idempotent; never raises for an already-gone sandbox."""
        ...
