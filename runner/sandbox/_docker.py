"""Docker implementation of the sandbox, on docker-py.

Containers: no network, every capability dropped, no-new-privileges, cpu/memory/pids limits,
read-only root with tmpfs where the image allows it, an init process so a stop is immediate, and
a label naming the process that owns them so nothing leaks: `stop_all_owned()` runs at exit and on
SIGTERM/SIGINT (which also mark the process as interrupted: no new sandbox starts, and an exec
that was running reports `Interrupted` instead of a result), and `reap_stale()` removes what a
run killed with SIGKILL left behind.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import tarfile
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from runner.sandbox._base import (
    ChangeKind,
    ExecResult,
    FsChange,
    Interrupted,
    SandboxError,
    SandboxSpec,
)

LABEL = "dev.codingagentbench.owner"
# docker diff kinds: 0 modified, 1 added, 2 deleted
_KINDS = {0: ChangeKind.modified, 1: ChangeKind.added, 2: ChangeKind.deleted}
# The long-lived process a sandbox runs; work happens through exec so that, after the agent
# exits, we can still list leftover processes and diff the filesystem.
_KEEPER = ["sleep", "infinity"]


_client_cache: Any = None


def _client() -> Any:
    """One docker-py client per process: building one costs a version round trip."""
    global _client_cache
    if _client_cache is None:
        import docker

        try:
            _client_cache = docker.from_env(timeout=120)
        except Exception as exc:  # DockerException, requests errors: all mean "no engine"
            raise SandboxError(f"Docker engine not reachable: {exc}") from None
    return _client_cache


def owner_label() -> str:
    """Identity of this process's containers: host pid plus a per-process nonce."""
    return f"{os.getpid()}-{_NONCE}"


_NONCE = uuid.uuid4().hex[:8]
_live: dict[str, DockerSandbox] = {}
# Reentrant: the signal handler runs on the main thread, possibly while it holds the lock.
_live_lock = threading.RLock()
_interrupted = threading.Event()


def interrupted() -> bool:
    """True once this process got SIGTERM/SIGINT (see install_signal_handlers)."""
    return _interrupted.is_set()


def raise_if_interrupted() -> None:
    if _interrupted.is_set():
        raise Interrupted("interrupted by a signal")


def sleep_unless_interrupted(seconds: float) -> None:
    """Sleep (a retry's backoff), cut short and raising Interrupted when a signal comes."""
    if _interrupted.wait(seconds):
        raise Interrupted("interrupted by a signal")


class DockerSandbox:
    def __init__(self, container: Any, api: Any, spec: SandboxSpec) -> None:
        self._container = container
        self._api = api
        self._spec = spec
        self._stopped = False

    @property
    def id(self) -> str:
        return str(self._container.id)

    def exec(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        workdir: str | None = None,
        user: str | None = None,
        timeout_s: float | None = None,
    ) -> ExecResult:
        started = time.monotonic()
        try:
            exec_id = self._api.exec_create(
                self.id,
                list(argv),
                environment=dict(env or {}),
                workdir=workdir or self._spec.workdir,
                user=user or self._spec.user or "",
            )["Id"]
        except Exception as exc:
            raise SandboxError(f"exec in {self.id[:12]} failed: {exc}") from None
        out: dict[str, Any] = {}

        def run() -> None:
            try:
                out["streams"] = self._api.exec_start(exec_id, demux=True)
            except Exception as exc:  # the container was killed under us at the time limit
                out["error"] = exc

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(timeout_s)
        timed_out = worker.is_alive()
        if timed_out:
            # Killing the whole sandbox is the only way to be sure every child is gone.
            self.kill()
            worker.join(10)
        duration = time.monotonic() - started
        stdout, stderr = out.get("streams") or (b"", b"")
        # Killed by our own signal handler: what the process did after that is not a result.
        raise_if_interrupted()
        if timed_out:
            return ExecResult(None, stdout or b"", stderr or b"", duration, True)
        if "error" in out:
            raise SandboxError(f"exec in {self.id[:12]} failed: {out['error']}")
        code = self._api.exec_inspect(exec_id).get("ExitCode")
        return ExecResult(code, stdout or b"", stderr or b"", duration, False)

    def copy_in(self, src: Path, dest_dir: str) -> None:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            tar.add(src, arcname=src.name)
        if not self._container.put_archive(dest_dir, buf.getvalue()):
            raise SandboxError(f"copy of {src} into {dest_dir} failed")

    def copy_out(self, src: str, dest_dir: Path) -> None:
        try:
            stream, _ = self._container.get_archive(src)
        except Exception as exc:
            raise SandboxError(f"copy of {src} out of {self.id[:12]} failed: {exc}") from None
        data = b"".join(stream)
        dest_dir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(dest_dir, filter="data")

    def diff(self) -> list[FsChange]:
        changes = self._container.diff() or []
        return sorted(
            (FsChange(c["Path"], _KINDS.get(c["Kind"], ChangeKind.modified)) for c in changes),
            key=lambda c: c.path,
        )

    def processes(self) -> list[str]:
        try:
            top = self._container.top(ps_args="-eo pid,args")
        except Exception:
            return []  # not running any more: nothing is left over
        rows = [row[-1] for row in top.get("Processes") or []]
        return [r for r in rows if not _is_own_process(r)]

    def kill(self) -> None:
        # Already dead is fine: the goal is reached.
        with contextlib.suppress(Exception):
            self._container.kill()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        try:
            self._container.remove(force=True)
        except Exception as exc:
            if "No such container" not in str(exc) and "404" not in str(exc):
                raise SandboxError(f"could not remove {self.id[:12]}: {exc}") from None
        finally:
            with _live_lock:
                _live.pop(self.id, None)

    def __enter__(self) -> DockerSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _is_own_process(args: str) -> bool:
    # The init, the keeper and the in-container forwarder are the sandbox's, not the agent's.
    return (
        args.startswith(("/sbin/docker-init", "/dev/init", "sleep infinity", "ps "))
        or "cab-forward" in args
        or "cab-entrypoint" in args
    )


def create_sandbox(spec: SandboxSpec) -> DockerSandbox:
    """Start a contained sandbox from `spec` (kept alive by an idle process; use exec)."""
    raise_if_interrupted()
    install_signal_handlers()
    client = _client()
    host_config = {
        "network_mode": "none",
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "init": True,
        "read_only": spec.read_only_root,
        "tmpfs": dict(spec.tmpfs),
        "pids_limit": spec.limits.pids,
        "mem_limit": f"{spec.limits.memory_mb}m",
        "memswap_limit": f"{spec.limits.memory_mb}m",
        "nano_cpus": int(spec.limits.cpus * 1e9),
    }
    volumes = {
        str(m.source.resolve()): {"bind": m.target, "mode": "ro" if m.read_only else "rw"}
        for m in spec.mounts
    }
    labels = {**spec.labels, LABEL: owner_label()}
    try:
        container = client.containers.run(
            spec.image,
            _KEEPER,
            detach=True,
            environment=dict(spec.env),
            user=spec.user or "",
            working_dir=spec.workdir or "",
            volumes=volumes,
            labels=labels,
            **host_config,
        )
    except Exception as exc:
        raise SandboxError(f"could not start a sandbox from {spec.image}: {exc}") from None
    sandbox = DockerSandbox(container, client.api, spec)
    with _live_lock:
        _live[sandbox.id] = sandbox
    if _interrupted.is_set():  # the signal came while the container was starting
        sandbox.stop()
        raise Interrupted("interrupted by a signal")
    return sandbox


def stop_all_owned() -> int:
    """Remove every container this process started and has not removed: its sandboxes, and
    anything else carrying its owner label (the checks containers). Returns the count."""
    with _live_lock:
        live = list(_live.values())
    for sandbox in live:
        with contextlib.suppress(SandboxError):
            sandbox.stop()
    removed = len(live)
    try:
        client = _client()
        others = client.containers.list(all=True, filters={"label": f"{LABEL}={owner_label()}"})
    except Exception:  # no engine: nothing of ours can be running there either
        return removed
    for container in others:
        with contextlib.suppress(Exception):
            container.remove(force=True)
            removed += 1
    return removed


def reap_stale() -> int:
    """Remove containers whose owning process is gone (a run killed with SIGKILL).

    Other runs share the engine and remove their own containers at any moment: the listing is
    the raw one (docker-py's model listing inspects each container and raises on one that just
    went), and a container already gone counts as reaped by someone else."""
    client = _client()
    removed = 0
    for row in client.api.containers(all=True, filters={"label": LABEL}):
        owner = (row.get("Labels") or {}).get(LABEL, "")
        pid_text = owner.split("-", 1)[0]
        if owner == owner_label() or (pid_text.isdigit() and _pid_alive(int(pid_text))):
            continue  # ours, or another run that is still alive
        try:
            client.api.remove_container(row["Id"], force=True)
        except Exception as exc:
            if "No such container" in str(exc) or "404" in str(exc):
                continue
            if "already in progress" in str(exc):
                continue  # another reaper got there first
            raise
        removed += 1
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_handlers_installed = False
_atexit_registered = False


def install_signal_handlers() -> None:
    """On SIGTERM/SIGINT: mark the process interrupted, remove our containers, then unwind the
    main thread (KeyboardInterrupt for SIGINT, SystemExit(128 + n) for SIGTERM) so that `with`
    blocks stop what they started (the proxy runs in its own session and would outlive us).
    A second signal while unwinding acts as the default one: the process dies at once.

    Signal handlers can only be set from the main thread: call this there before starting
    worker threads (shard_context does); from another thread it only registers the atexit hook.
    """
    global _handlers_installed, _atexit_registered
    with _live_lock:
        if not _atexit_registered:
            import atexit

            atexit.register(stop_all_owned)
            _atexit_registered = True
        if _handlers_installed or threading.current_thread() is not threading.main_thread():
            return
        _handlers_installed = True
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)
        if previous == signal.SIG_IGN:
            continue  # whoever started us chose to ignore it (e.g. a background job's SIGINT)

        def handler(num: int, frame: FrameType | None, previous: Any = previous) -> None:
            if _interrupted.is_set():
                signal.signal(num, signal.SIG_DFL)
                os.kill(os.getpid(), num)
                return
            _interrupted.set()
            stop_all_owned()
            if callable(previous) and previous is not signal.default_int_handler:
                previous(num, frame)
            if num == signal.SIGINT:
                raise KeyboardInterrupt
            raise SystemExit(128 + num)

        signal.signal(signum, handler)
