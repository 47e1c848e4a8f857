"""In-memory sandboxes: the same two shapes as _docker.py without an engine, for unit tests of
the cell lifecycle and the checks. Nothing runs: a script the test supplies decides what each
command returned, and every call is recorded so the test can assert on it."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from runner.sandbox._base import NO_EGRESS, Egress, ExecResult, FsChange, SandboxError, SandboxSpec


@dataclass(frozen=True)
class ExecCall:
    """One exec into a FakeSandbox, as the caller made it."""

    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    workdir: str | None = None
    user: str | None = None
    timeout_s: float | None = None


@dataclass(frozen=True)
class OneShotCall:
    """One FakeOneShot.run_once, as the caller made it."""

    spec: SandboxSpec
    argv: tuple[str, ...]
    timeout_s: float

    def host_path(self, target: str) -> Path:
        """The host directory or file bind-mounted at `target` (where a script writes what
        the container would have written there)."""
        for mount in self.spec.mounts:
            if mount.target == target:
                return mount.source
        raise LookupError(f"nothing is mounted at {target} in {self.spec.image}")


ExecScript = Callable[[ExecCall], ExecResult]
OneShotScript = Callable[[OneShotCall], ExecResult]


def _exit_zero(_call: object) -> ExecResult:
    return ExecResult(0, b"", b"", 0.0, False)


class FakeSandbox:
    """A Sandbox whose execs return what `script` says (it may also raise SandboxError or
    Interrupted); diff(), egress() and processes() return the configured values; kill and stop are
    counted. `files` (container path -> bytes) is what copy_out finds."""

    def __init__(
        self,
        spec: SandboxSpec,
        *,
        script: ExecScript = _exit_zero,
        changes: Iterable[FsChange] = (),
        leftovers: Iterable[str] = (),
        files: Mapping[str, bytes] | None = None,
        egress: Egress = NO_EGRESS,
    ) -> None:
        self.spec = spec
        self._egress = egress
        self.calls: list[ExecCall] = []
        self.kills = 0
        self.stops = 0
        self._id = uuid.uuid4().hex
        self._script = script
        self._changes = sorted(changes, key=lambda c: c.path)
        self._leftovers = list(leftovers)
        self._files = dict(files or {})

    @property
    def id(self) -> str:
        return self._id

    @property
    def stopped(self) -> bool:
        return self.stops > 0

    def exec(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        workdir: str | None = None,
        user: str | None = None,
        timeout_s: float | None = None,
    ) -> ExecResult:
        if self.stopped:  # as the engine would: the container is gone
            raise SandboxError(f"exec in {self._id[:12]} failed: the sandbox was removed")
        call = ExecCall(tuple(argv), dict(env or {}), workdir, user, timeout_s)
        self.calls.append(call)
        return self._script(call)

    def copy_out(self, src: str, dest_dir: Path) -> None:
        root = PurePosixPath(src)
        found = {
            p: data for p, data in self._files.items() if PurePosixPath(p).is_relative_to(root)
        }
        if not found:
            raise SandboxError(f"copy of {src} out of {self._id[:12]} failed: no such path")
        for path, data in found.items():
            # Like the tar docker sends: the copied entry keeps its own name under dest_dir.
            target = dest_dir / root.name / PurePosixPath(path).relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def diff(self) -> list[FsChange]:
        return list(self._changes)

    def egress(self) -> Egress:
        return self._egress

    def processes(self) -> list[str]:
        return [] if self.kills else list(self._leftovers)  # a killed sandbox runs nothing

    def kill(self) -> None:
        self.kills += 1

    def stop(self) -> None:
        self.stops += 1

    def __enter__(self) -> FakeSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeSandboxes:
    """A sandbox factory (what create_sandbox is) making FakeSandboxes with the given script
    and values, or raising `start_error` (an engine that cannot start one)."""

    def __init__(
        self,
        *,
        script: ExecScript = _exit_zero,
        changes: Iterable[FsChange] = (),
        leftovers: Iterable[str] = (),
        files: Mapping[str, bytes] | None = None,
        egress: Egress = NO_EGRESS,
        start_error: Exception | None = None,
    ) -> None:
        self.created: list[FakeSandbox] = []
        self._egress = egress
        self._script = script
        self._changes = list(changes)
        self._leftovers = list(leftovers)
        self._files = dict(files or {})
        self._start_error = start_error

    def __call__(self, spec: SandboxSpec) -> FakeSandbox:
        if self._start_error is not None:
            raise self._start_error
        sandbox = FakeSandbox(
            spec,
            script=self._script,
            changes=self._changes,
            leftovers=self._leftovers,
            files=self._files,
            egress=self._egress,
        )
        self.created.append(sandbox)
        return sandbox


class FakeOneShot:
    """A OneShotRunner whose runs return what `script` says (it may write into the host side
    of a rw mount first, or raise SandboxError as an engine that cannot start the container
    would). `image_users` maps each available image to its USER; None: every image exists
    and runs as uid 10001."""

    def __init__(
        self, script: OneShotScript, *, image_users: Mapping[str, str] | None = None
    ) -> None:
        self.calls: list[OneShotCall] = []
        self._script = script
        self._image_users = None if image_users is None else dict(image_users)
        self._lock = threading.Lock()  # the checks run their two containers side by side

    def run_once(self, spec: SandboxSpec, argv: Sequence[str], timeout_s: float) -> ExecResult:
        call = OneShotCall(spec, tuple(argv), timeout_s)
        with self._lock:
            self.calls.append(call)
        return self._script(call)

    def image_user(self, image: str) -> str:
        if self._image_users is None:
            return "10001"
        if image not in self._image_users:
            raise SandboxError(f"image {image} is not available: No such image: {image}")
        return self._image_users[image]
