"""The sandbox layer without an engine: the in-memory fakes, the teardown registry, and
run_once's bookkeeping over a scripted docker-py client (every path removes its container)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from runner.sandbox import (
    LABEL,
    ChangeKind,
    DockerOneShot,
    ExecResult,
    FakeOneShot,
    FakeSandboxes,
    FsChange,
    Interrupted,
    Mount,
    OneShotRunner,
    Sandbox,
    SandboxError,
    SandboxSpec,
    owner_label,
    run_once,
    stop_all_owned,
)
from runner.sandbox import _docker as docker_sandbox
from runner.sandbox import _teardown as teardown

SPEC = SandboxSpec(image="img")


def test_the_fakes_have_the_shapes_of_the_real_ones() -> None:
    # Checked by mypy (tests are typed): the fakes stand in wherever the Docker ones go.
    factory: Callable[[SandboxSpec], Sandbox] = FakeSandboxes()
    one_shots: list[OneShotRunner] = [FakeOneShot(lambda call: ExecResult(0, b"", b"", 0, False))]
    one_shots.append(DockerOneShot())
    assert isinstance(factory(SPEC).id, str)
    assert one_shots[0].image_user("any") == "10001"


def test_fake_sandbox_scripts_execs_and_records_what_was_asked() -> None:
    def script(call: Any) -> ExecResult:
        return ExecResult(len(call.argv), b" ".join(a.encode() for a in call.argv), b"", 0.1, False)

    factory = FakeSandboxes(
        script=script,
        changes=[FsChange("/z", ChangeKind.added), FsChange("/a", ChangeKind.modified)],
        leftovers=["node server.js"],
        files={"/workspace/out/a.txt": b"A", "/workspace/other": b"B"},
    )
    with factory(SPEC) as sb:
        res = sb.exec(["echo", "hi"], env={"K": "V"}, timeout_s=5)
        assert (res.exit_code, res.stdout) == (2, b"echo hi")
        assert sb.calls[0].env == {"K": "V"} and sb.calls[0].timeout_s == 5
        assert sb.processes() == ["node server.js"]
        sb.kill()
        assert sb.processes() == []  # a killed sandbox runs nothing
        assert [c.path for c in sb.diff()] == ["/a", "/z"]
    assert factory.created == [sb] and sb.stopped and sb.kills == 1
    with pytest.raises(SandboxError, match="removed"):
        sb.exec(["true"])


def test_fake_copy_out_mirrors_docker_cp(tmp_path: Path) -> None:
    sb = FakeSandboxes(files={"/workspace/out/a.txt": b"A", "/workspace/o": b"B"})(SPEC)
    sb.copy_out("/workspace/out", tmp_path)
    assert (tmp_path / "out" / "a.txt").read_bytes() == b"A"
    assert not (tmp_path / "o").exists()
    with pytest.raises(SandboxError, match="no such path"):
        sb.copy_out("/nothing", tmp_path)


def test_fake_factory_can_fail_to_start() -> None:
    factory = FakeSandboxes(start_error=SandboxError("engine gone"))
    with pytest.raises(SandboxError, match="engine gone"):
        factory(SPEC)
    assert factory.created == []


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty teardown registry (the real label sweep would talk to the engine)."""
    monkeypatch.setattr(teardown, "_stoppers", {})
    monkeypatch.setattr(teardown, "_sweeps", [])


@pytest.mark.usefixtures("registry")
def test_stop_all_owned_stops_every_registration_even_when_one_fails() -> None:
    stopped: list[str] = []

    def broken() -> None:
        raise SandboxError("engine gone")

    teardown.register("a", lambda: stopped.append("a"))
    teardown.register("b", broken)
    teardown.register("c", lambda: stopped.append("c"))
    teardown.unregister("c")
    teardown.add_sweep(lambda: 3)
    assert stop_all_owned() == 2 + 3
    assert stopped == ["a"]
    assert teardown._stoppers == {}
    assert stop_all_owned() == 3  # only the sweep is left


class _Api:
    """A docker-py APIClient playing one container; `wait` is scripted."""

    def __init__(self, wait: Any, *, running_after_wait: bool = False, start_error: bool = False):
        self.wait_result, self.running, self.start_error = wait, running_after_wait, start_error
        self.calls: list[str] = []
        self.created: dict[str, Any] = {}

    def start(self, cid: str) -> None:
        self.calls.append("start")
        if self.start_error:
            raise RuntimeError('exec: "python3": executable file not found in $PATH')

    def wait(self, cid: str, timeout: float) -> dict[str, int]:
        self.calls.append(f"wait {timeout}")
        if isinstance(self.wait_result, Exception):
            raise self.wait_result
        return {"StatusCode": self.wait_result}

    def inspect_container(self, cid: str) -> dict[str, Any]:
        return {"State": {"Running": self.running, "ExitCode": 3}}

    def kill(self, cid: str) -> None:
        self.calls.append("kill")

    def logs(self, cid: str, stdout: bool, stderr: bool) -> bytes:
        return b"out" if stdout else b"err"

    def remove_container(self, cid: str, force: bool) -> None:
        assert force
        self.calls.append("remove")


def fake_client(monkeypatch: pytest.MonkeyPatch, api: _Api) -> None:
    def create(image: str, command: list[str], **kwargs: Any) -> SimpleNamespace:
        api.created = {"image": image, "command": command, **kwargs}
        return SimpleNamespace(id="c0ffee")

    client = SimpleNamespace(api=api, containers=SimpleNamespace(create=create))
    monkeypatch.setattr(docker_sandbox, "_client", lambda: client)
    monkeypatch.setattr(teardown, "install_signal_handlers", lambda: None)
    monkeypatch.setattr(docker_sandbox, "install_signal_handlers", lambda: None)


@pytest.mark.usefixtures("registry")
def test_run_once_creates_the_hardened_container_and_removes_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    api = _Api(wait=0)
    fake_client(monkeypatch, api)
    mounts = [Mount(tmp_path, "/out", read_only=False)]
    spec = SandboxSpec(image="img", mounts=mounts, labels={LABEL: "someone-else", "role": "x"})
    res = run_once(spec, ["python3", "-V"], 30)
    assert (res.exit_code, res.stdout, res.stderr, res.timed_out) == (0, b"out", b"err", False)
    assert api.calls == ["start", "wait 30", "remove"]
    created = api.created
    assert created["command"] == ["python3", "-V"]
    assert created["network_mode"] == "none" and created["cap_drop"] == ["ALL"]
    assert created["security_opt"] == ["no-new-privileges"] and created["init"] is True
    assert created["labels"] == {LABEL: owner_label(), "role": "x"}  # cannot be disowned
    assert created["volumes"] == {str(tmp_path.resolve()): {"bind": "/out", "mode": "rw"}}
    assert teardown._stoppers == {}


@pytest.mark.usefixtures("registry")
def test_run_once_kills_and_removes_at_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    api = _Api(wait=TimeoutError("read timed out"), running_after_wait=True)
    fake_client(monkeypatch, api)
    res = run_once(SPEC, ["sleep", "9"], 1)
    assert (res.exit_code, res.timed_out) == (None, True)
    assert api.calls == ["start", "wait 1", "kill", "remove"]


@pytest.mark.usefixtures("registry")
def test_run_once_that_exited_as_the_wait_gave_up_keeps_its_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = _Api(wait=TimeoutError("read timed out"), running_after_wait=False)
    fake_client(monkeypatch, api)
    res = run_once(SPEC, ["true"], 1)
    assert (res.exit_code, res.timed_out) == (3, False)
    assert "kill" not in api.calls and api.calls[-1] == "remove"


@pytest.mark.usefixtures("registry")
def test_run_once_start_failure_is_a_sandbox_error_and_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = _Api(wait=0, start_error=True)
    fake_client(monkeypatch, api)
    with pytest.raises(SandboxError, match="could not start a container from img"):
        run_once(SPEC, ["python3"], 1)
    assert api.calls == ["start", "remove"]
    assert teardown._stoppers == {}


@pytest.mark.usefixtures("registry")
def test_run_once_refuses_to_start_once_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    api = _Api(wait=0)
    fake_client(monkeypatch, api)
    monkeypatch.setattr(teardown, "_interrupted", SimpleNamespace(is_set=lambda: True))
    with pytest.raises(Interrupted):
        run_once(SPEC, ["true"], 1)
    assert api.calls == [] and api.created == {}
