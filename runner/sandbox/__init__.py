"""Sandbox: contained execution (Docker behind one small interface)."""

from runner.sandbox._base import (
    ChangeKind,
    ExecResult,
    FsChange,
    Interrupted,
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
    install_signal_handlers,
    interrupted,
    owner_label,
    raise_if_interrupted,
    reap_stale,
    sleep_unless_interrupted,
    stop_all_owned,
)

__all__ = [
    "LABEL",
    "ChangeKind",
    "DockerSandbox",
    "ExecResult",
    "FsChange",
    "Interrupted",
    "Limits",
    "Mount",
    "Sandbox",
    "SandboxError",
    "SandboxSpec",
    "create_sandbox",
    "install_signal_handlers",
    "interrupted",
    "owner_label",
    "raise_if_interrupted",
    "reap_stale",
    "sleep_unless_interrupted",
    "stop_all_owned",
]
