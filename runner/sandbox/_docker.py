"""Docker implementation of the sandbox and of one-shot runs, on docker-py.

Every container: no network, every capability dropped, no-new-privileges, cpu/memory/pids
limits, read-only root with tmpfs where the spec allows it, an init process so a stop is
immediate, and a label naming the process that owns it so nothing leaks: each one is registered
with _teardown.py until it is removed, and `reap_stale()` removes what a run killed with SIGKILL
left behind. Images are never pulled here: a missing image is a SandboxError.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import tarfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from runner.sandbox import _teardown as teardown
from runner.sandbox._base import (
    ChangeKind,
    Egress,
    ExecResult,
    Flow,
    FsChange,
    Interrupted,
    SandboxError,
    SandboxSpec,
)
from runner.sandbox._teardown import install_signal_handlers, owner_label, raise_if_interrupted

LABEL = "dev.codingagentbench.owner"
# docker diff kinds: 0 modified, 1 added, 2 deleted
_KINDS = {0: ChangeKind.modified, 1: ChangeKind.added, 2: ChangeKind.deleted}
# The long-lived process a sandbox runs; work happens through exec so that, after the agent
# exits, we can still list leftover processes and diff the filesystem.
_KEEPER = ["sleep", "infinity"]
# The nameserver a sandbox behind a sink asks (RFC 5737 documentation address): routed into the
# sink's TUN device like every other destination, so each DNS query is seen there.
SINK_NAMESERVER = "192.0.2.53"
# How long the sink may take to put its route in place before the agent may run.
_SINK_READY_S = 20.0


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


class DockerSandbox:
    def __init__(
        self, container: Any, api: Any, spec: SandboxSpec, sink: str | None = None
    ) -> None:
        self._container = container
        self._api = api
        self._spec = spec
        self._sink = sink  # the sink container's id, when the spec asks for one
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

    def egress(self) -> Egress:
        if self._sink is None:
            return Egress()
        try:
            log = self._api.logs(self._sink, stdout=True, stderr=False)
        except Exception as exc:
            raise SandboxError(f"could not read the sink of {self.id[:12]}: {exc}") from None
        return parse_sink_log(log)

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
            teardown.unregister(self.id)
            if self._sink is not None:  # after the sandbox: a namespace's owner goes last
                with contextlib.suppress(Exception):
                    _remove(_client(), self._sink)
                teardown.unregister(self._sink)

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


def parse_sink_log(log: bytes) -> Egress:
    """The sink's stdout (images/sink/cab-sink.py) as an Egress. SandboxError unless it says
    its route was in place: without it, nothing was measured."""
    attempts, flows, ready = 0, [], False
    for line in log.decode("utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        if record.get("ready") is True:
            ready = True
        if "error" in record:
            raise SandboxError(f"the egress sink failed: {str(record['error'])[:200]}")
        n = record.get("n")
        if isinstance(n, int) and n > 0:
            attempts = max(attempts, n)
            if isinstance(record.get("dst"), str):
                port, dns = record.get("port"), record.get("dns")
                flows.append(
                    Flow(
                        str(record.get("proto", "?")),
                        record["dst"],
                        port if isinstance(port, int) else None,
                        dns if isinstance(dns, str) else None,
                    )
                )
    if not ready:
        raise SandboxError("the egress sink never reported its route in place")
    return Egress(attempts, tuple(flows))


def _sink_args() -> dict[str, Any]:
    """docker-py create() arguments for an egress sink: no network but its own TUN device, and
    NET_ADMIN (to create it and route through it) as its only capability. Nothing the agent
    controls reaches it; it runs the harness's own program from its own image."""
    return {
        "network_mode": "none",
        "cap_drop": ["ALL"],
        "cap_add": ["NET_ADMIN"],
        "devices": ["/dev/net/tun:/dev/net/tun:rwm"],
        "security_opt": ["no-new-privileges"],
        "read_only": True,
        "dns": [SINK_NAMESERVER],
        # Docker turns IPv6 off in a --network none namespace: on, so that IPv6 attempts are
        # routed into the TUN device too; no address of its own until the sink gives it one.
        "sysctls": {
            "net.ipv6.conf.all.disable_ipv6": "0",
            "net.ipv6.conf.default.disable_ipv6": "0",
            "net.ipv6.conf.default.addr_gen_mode": "1",
        },
        "pids_limit": 16,
        "mem_limit": "64m",
        "memswap_limit": "64m",
        "nano_cpus": int(0.5e9),
        "labels": {LABEL: owner_label()},
    }


def _container_args(spec: SandboxSpec, network: str = "none") -> dict[str, Any]:
    """docker-py create() arguments for `spec`: the one place the hardening is spelled out."""
    return {
        "network_mode": network,
        "cap_drop": ["ALL"],
        "cap_add": list(spec.cap_add) or None,
        "security_opt": ["no-new-privileges"],
        "init": True,
        "read_only": spec.read_only_root,
        "tmpfs": dict(spec.tmpfs),
        "pids_limit": spec.limits.pids,
        "mem_limit": f"{spec.limits.memory_mb}m",
        "memswap_limit": f"{spec.limits.memory_mb}m",
        "nano_cpus": int(spec.limits.cpus * 1e9),
        "environment": dict(spec.env),
        "user": spec.user or "",
        "working_dir": spec.workdir or "",
        "volumes": {
            str(m.source.resolve()): {"bind": m.target, "mode": "ro" if m.read_only else "rw"}
            for m in spec.mounts
        },
        # The owner label comes last: a spec cannot disown its container.
        "labels": {**spec.labels, LABEL: owner_label()},
    }


def _create(client: Any, spec: SandboxSpec, command: Sequence[str], network: str = "none") -> Any:
    raise_if_interrupted()
    install_signal_handlers()
    try:
        return client.containers.create(spec.image, list(command), **_container_args(spec, network))
    except Exception as exc:  # ImageNotFound, APIError, engine gone: the command never ran
        raise SandboxError(f"could not create a container from {spec.image}: {exc}") from None


def create_sandbox(spec: SandboxSpec) -> DockerSandbox:
    """Start a contained sandbox from `spec` (kept alive by an idle process; use exec)."""
    client = _client()
    sink = _create_sink(client, spec.egress_sink) if spec.egress_sink else None
    # The sink starts while the sandbox is created (joining a namespace needs it running only
    # when the sandbox starts): one engine round trip fewer on the cell's path.
    starting = _in_thread(_start_sink, client, sink) if sink else None
    try:
        network = f"container:{sink}" if sink else "none"
        container = _create(client, spec, _KEEPER, network)
    except BaseException:
        if starting is not None:
            starting.join()
        if sink is not None:
            with contextlib.suppress(Exception):
                _remove(client, sink)
            teardown.unregister(sink)
        raise
    sandbox = DockerSandbox(container, client.api, spec, sink)
    teardown.register(sandbox.id, sandbox.stop)
    try:
        if starting is not None:
            starting.join()
            if starting.error is not None:
                raise starting.error
        sandbox._container.start()
        if sink is not None:
            _wait_for_sink(client, sink)
    except Exception as exc:
        with contextlib.suppress(SandboxError):
            sandbox.stop()
        raise SandboxError(f"could not start a sandbox from {spec.image}: {exc}") from None
    if teardown.interrupted():  # the signal came while the container was starting
        sandbox.stop()
        raise Interrupted("interrupted by a signal")
    return sandbox


def _create_sink(client: Any, image: str) -> str:
    """Create an egress sink from `image`; its id (registered for teardown)."""
    raise_if_interrupted()
    install_signal_handlers()
    try:
        sink = str(client.containers.create(image, **_sink_args()).id)
    except Exception as exc:
        raise SandboxError(f"could not create an egress sink from {image}: {exc}") from None
    teardown.register(sink, functools.partial(_remove, client, sink))
    return sink


def _start_sink(client: Any, sink: str) -> None:
    try:
        client.api.start(sink)
    except Exception as exc:
        raise SandboxError(f"could not start the egress sink {sink[:12]}: {exc}") from None


class _Call(threading.Thread):
    """fn(*args) in a thread; its exception, if any, kept for the joiner to raise."""

    def __init__(self, fn: Any, *args: Any) -> None:
        super().__init__(daemon=True, name="sandbox-sink")
        self._fn, self._args = fn, args
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._fn(*self._args)
        except BaseException as exc:
            self.error = exc


def _in_thread(fn: Any, *args: Any) -> _Call:
    call = _Call(fn, *args)
    call.start()
    return call


def _wait_for_sink(client: Any, sink: str) -> None:
    """Return once the sink says its route is in place (the sandbox's first packet is then
    seen); SandboxError when it failed or took longer than _SINK_READY_S."""
    deadline = time.monotonic() + _SINK_READY_S
    while True:
        log = client.api.logs(sink, stdout=True, stderr=False)
        if b'"ready":true' in log:
            return
        if b'"error"' in log or time.monotonic() > deadline:
            raise SandboxError(f"the egress sink {sink[:12]} did not come up: {log[-300:]!r}")
        raise_if_interrupted()
        time.sleep(0.01)


def run_once(spec: SandboxSpec, argv: Sequence[str], timeout_s: float) -> ExecResult:
    """Run `argv` in a fresh container from `spec`, collect its logs and remove it (also when
    it timed out, was killed or this process is interrupted). See OneShotRunner.run_once."""
    client = _client()
    cid = str(_create(client, spec, argv).id)
    teardown.register(cid, functools.partial(_remove, client, cid))
    try:
        return _start_and_wait(client, cid, spec.image, timeout_s)
    except SandboxError:
        raise_if_interrupted()  # our own signal handler removed it: not an engine failure
        raise
    finally:
        with contextlib.suppress(Exception):
            _remove(client, cid)
        teardown.unregister(cid)


def _start_and_wait(client: Any, cid: str, image: str, timeout_s: float) -> ExecResult:
    started = time.monotonic()
    try:
        client.api.start(cid)
    except Exception as exc:  # e.g. the command does not exist in the image
        raise SandboxError(f"could not start a container from {image}: {exc}") from None
    code, timed_out = _wait(client, cid, timeout_s)
    duration = time.monotonic() - started
    try:
        stdout = client.api.logs(cid, stdout=True, stderr=False)
        stderr = client.api.logs(cid, stdout=False, stderr=True)
    except Exception as exc:
        raise SandboxError(f"could not read the logs of {cid[:12]}: {exc}") from None
    raise_if_interrupted()
    return ExecResult(code, stdout or b"", stderr or b"", duration, timed_out)


def _wait(client: Any, cid: str, timeout_s: float) -> tuple[int | None, bool]:
    """(exit code, False) once it exits; (None, True) after killing it at `timeout_s`."""
    try:
        status = client.api.wait(cid, timeout=timeout_s)
        return status.get("StatusCode"), False
    except Exception:  # the read timed out, or the engine went away: its state tells which
        raise_if_interrupted()
    try:
        state = client.api.inspect_container(cid).get("State") or {}
    except Exception as exc:
        raise SandboxError(f"lost container {cid[:12]}: {exc}") from None
    if not state.get("Running"):  # it exited just as the wait gave up
        return state.get("ExitCode"), False
    with contextlib.suppress(Exception):  # already dead is fine: the goal is reached
        client.api.kill(cid)
    return None, True


def _remove(client: Any, cid: str) -> None:
    try:
        client.api.remove_container(cid, force=True)
    except Exception as exc:
        if "No such container" not in str(exc) and "404" not in str(exc):
            raise SandboxError(f"could not remove {cid[:12]}: {exc}") from None


@functools.lru_cache(maxsize=64)
def image_user(image: str) -> str:
    """The image's configured USER ("" when it sets none); SandboxError when it is missing."""
    client = _client()
    try:
        config = client.api.inspect_image(image).get("Config") or {}
    except Exception as exc:
        raise SandboxError(f"image {image} is not available: {exc}") from None
    return str(config.get("User") or "")


class DockerOneShot:
    """The OneShotRunner on this machine's Docker engine."""

    def run_once(self, spec: SandboxSpec, argv: Sequence[str], timeout_s: float) -> ExecResult:
        return run_once(spec, argv, timeout_s)

    def image_user(self, image: str) -> str:
        return image_user(image)


DOCKER_ONE_SHOT = DockerOneShot()


def _remove_labelled() -> int:
    """Teardown's last pass: containers with this process's owner label that were never
    registered (a create that raced a signal). No engine: nothing of ours runs there either."""
    try:
        client = _client()
        rows = client.api.containers(all=True, filters={"label": f"{LABEL}={owner_label()}"})
    except Exception:
        return 0
    removed = 0
    for row in rows:
        with contextlib.suppress(Exception):
            client.api.remove_container(row["Id"], force=True)
            removed += 1
    return removed


teardown.add_sweep(_remove_labelled)


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
