"""Sandbox: contained execution (Docker behind one small interface). Every container the
harness starts comes from here: long-lived sandboxes (create_sandbox) and one-shot runs
(run_once, the OneShotRunner), all from one hardened SandboxSpec."""

from runner.sandbox._base import (
    ChangeKind,
    ExecResult,
    FsChange,
    Interrupted,
    Limits,
    Mount,
    OneShotRunner,
    Sandbox,
    SandboxError,
    SandboxSpec,
)
from runner.sandbox._docker import (
    DOCKER_ONE_SHOT,
    LABEL,
    DockerOneShot,
    DockerSandbox,
    create_sandbox,
    image_user,
    reap_stale,
    run_once,
)
from runner.sandbox._fake import ExecCall, FakeOneShot, FakeSandbox, FakeSandboxes, OneShotCall
from runner.sandbox._teardown import (
    install_signal_handlers,
    interrupted,
    owner_label,
    raise_if_interrupted,
    sleep_unless_interrupted,
    stop_all_owned,
)

__all__ = [
    "DOCKER_ONE_SHOT",
    "LABEL",
    "ChangeKind",
    "DockerOneShot",
    "DockerSandbox",
    "ExecCall",
    "ExecResult",
    "FakeOneShot",
    "FakeSandbox",
    "FakeSandboxes",
    "FsChange",
    "Interrupted",
    "Limits",
    "Mount",
    "OneShotCall",
    "OneShotRunner",
    "Sandbox",
    "SandboxError",
    "SandboxSpec",
    "create_sandbox",
    "image_user",
    "install_signal_handlers",
    "interrupted",
    "owner_label",
    "raise_if_interrupted",
    "reap_stale",
    "run_once",
    "sleep_unless_interrupted",
    "stop_all_owned",
]
