"""The sandbox interface: one narrow surface for every container the harness starts.

Two shapes: a long-lived `Sandbox` (the agent's: exec into it, then diff it and list what is
left running) and a one-shot run (`OneShotRunner`: the checks, the version and agent probes).
Both start from one `SandboxSpec` whose defaults are the strict ones. The Docker implementation
lives in _docker.py, an in-memory one in _fake.py; the cell lifecycle and the checks never
import docker.
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
    # Capabilities given back after `--cap-drop ALL`, from ADDABLE_CAPS only. The checks runner
    # needs them to start the tests as another user (its driver then holds what they cannot
    # touch); code under test never runs with any of them.
    cap_add: tuple[str, ...] = ()
    # The egress sink's image (images/sink): the sandbox's network namespace is then a sink
    # container's, whose only route ends in a TUN device it reads (egress() says what it saw).
    # The sandbox itself keeps --cap-drop ALL; the sink alone holds NET_ADMIN. None: no
    # network at all (--network none), as for the checks.
    egress_sink: str | None = None

    def __post_init__(self) -> None:
        extra = sorted(set(self.cap_add) - ADDABLE_CAPS)
        if extra:
            raise ValueError(f"capabilities {', '.join(extra)} may not be added to a sandbox")


# What a spec may add: switching users and acting on the files and processes of the user it
# switched to. Never network, mount, ptrace or module capabilities.
ADDABLE_CAPS = frozenset({"CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETUID", "SETGID"})


@dataclass(frozen=True)
class ExecResult:
    """What one command did: an exec in a sandbox, or a one-shot container's whole run."""

    exit_code: int | None  # None when killed at the time limit
    stdout: bytes
    stderr: bytes
    duration_s: float
    timed_out: bool


@dataclass(frozen=True)
class Flow:
    """One network attempt the sink saw: the first packet of a new flow, or a DNS query."""

    proto: str  # tcp, udp, icmp, icmp6, ip<number>
    dst: str
    port: int | None = None
    dns: str | None = None  # the query's name, for a DNS query


@dataclass(frozen=True)
class Egress:
    """What the sink saw: every attempt counted, the first of them (up to its cap) listed."""

    attempts: int = 0
    flows: tuple[Flow, ...] = ()


NO_EGRESS = Egress()  # a sandbox without a sink, or one that saw nothing


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


class OneShotRunner(Protocol):
    """Runs one command in a fresh container and removes it: the checks' and probes' shape."""

    def run_once(self, spec: SandboxSpec, argv: Sequence[str], timeout_s: float) -> ExecResult:
        """Exit code, logs and duration of `argv` run in a container made from `spec`.

        Past `timeout_s` the container is killed: exit_code None, timed_out True. Raises
        SandboxError when the engine cannot create or start it (the command never ran)."""
        ...

    def image_user(self, image: str) -> str:
        """The image's configured USER ("" when it sets none). SandboxError when the image is
        not available."""
        ...


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

    def copy_out(self, src: str, dest_dir: Path) -> None: ...

    def diff(self) -> list[FsChange]: ...

    def egress(self) -> Egress:
        """The network attempts the sandbox's sink saw so far (Egress() without a sink).
        SandboxError when the sink never came up: then nothing was measured."""
        ...

    def processes(self) -> list[str]:
        """Command lines of the processes running now (the sandbox's own init excluded)."""
        ...

    def kill(self) -> None:
        """Kill every process in it (kept for diff and removal). Never raises."""
        ...

    def stop(self) -> None:
        """Kill and remove. Idempotent; never raises for an already-gone sandbox."""
        ...
