"""Sandbox: contained execution (Docker behind one small interface)."""

from runner.sandbox._base import (
    ChangeKind,
    ExecResult,
    FsChange,
    Limits,
    Mount,
    Sandbox,
    SandboxError,
    SandboxSpec,
)
from runner.sandbox._docker import (
    LABEL,
    DockerSandbox,
    create_sandbox,
    owner_label,
    reap_stale,
    stop_all_owned,
)

__all__ = [
    "LABEL",
    "ChangeKind",
    "DockerSandbox",
    "ExecResult",
    "FsChange",
    "Limits",
    "Mount",
    "Sandbox",
    "SandboxError",
    "SandboxSpec",
    "create_sandbox",
    "owner_label",
    "reap_stale",
    "stop_all_owned",
]
