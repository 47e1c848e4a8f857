"""The Docker sandbox: containment, time limits, leftovers, and no leaked containers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from runner.sandbox import LABEL, Limits, Mount, SandboxSpec, create_sandbox, reap_stale

pytestmark = pytest.mark.docker


def owned_containers(owner_prefix: str = "") -> list[str]:
    out = subprocess.run(
        [
            "docker",
            "ps",
            "-a",
            "--filter",
            f"label={LABEL}",
            "--format",
            '{{.Label "' + LABEL + '"}}',
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [o for o in out if o.startswith(owner_prefix)]


def test_exec_copy_diff_and_containment(base_image: str, tmp_path: Path) -> None:
    work = tmp_path / "ws"
    work.mkdir()
    (work / "a.txt").write_text("hello\n")
    os.chmod(work, 0o777)
    spec = SandboxSpec(
        image=base_image,
        mounts=[Mount(work, "/workspace", read_only=False)],
        user="65534:65534",
        workdir="/workspace",
        read_only_root=False,
        limits=Limits(cpus=0.5, memory_mb=256, pids=64),
    )
    with create_sandbox(spec) as sb:
        res = sb.exec(
            [
                "sh",
                "-c",
                "cat a.txt; id -u; echo x > b.txt; echo y > /tmp/t; "
                "cat /proc/self/status | grep CapEff",
            ]
        )
        assert res.exit_code == 0, res.stderr
        lines = res.stdout.decode().splitlines()
        assert lines[0] == "hello"
        assert lines[1] == "65534"
        assert lines[2].split()[-1] == "0000000000000000", "capabilities must all be dropped"
        assert (work / "b.txt").read_text() == "x\n"
        # writes outside the workspace show in the diff (tmpfs /tmp does not)
        res = sb.exec(["sh", "-c", "echo z > /var/tmp/evil"])
        assert res.exit_code == 0
        assert any(c.path == "/var/tmp/evil" for c in sb.diff())
        net = sb.exec(
            ["python3", "-c", "import socket; socket.create_connection(('1.1.1.1', 80), 3)"]
        )
        assert net.exit_code != 0
        assert b"unreachable" in net.stderr.lower()
        out = tmp_path / "out"
        sb.copy_out("/workspace/b.txt", out)
        assert (out / "b.txt").read_text() == "x\n"


def test_read_only_root(base_image: str) -> None:
    with create_sandbox(SandboxSpec(image=base_image, user="65534:65534")) as sb:
        res = sb.exec(["sh", "-c", "echo x > /etc/evil"])
        assert res.exit_code != 0
        assert sb.exec(["sh", "-c", "echo x > /tmp/ok"]).exit_code == 0


def test_time_limit_kills_and_reports(base_image: str) -> None:
    with create_sandbox(SandboxSpec(image=base_image)) as sb:
        started = time.monotonic()
        res = sb.exec(["sleep", "60"], timeout_s=2)
        assert res.timed_out
        assert res.exit_code is None
        assert time.monotonic() - started < 15


def test_leftover_processes_are_listed(base_image: str) -> None:
    with create_sandbox(SandboxSpec(image=base_image)) as sb:
        assert sb.processes() == []
        sb.exec(["sh", "-c", "nohup sleep 300 >/dev/null 2>&1 &"])
        left = sb.processes()
        assert any("sleep 300" in p for p in left), left


def test_error_inside_with_block_removes_the_container(base_image: str) -> None:
    with pytest.raises(RuntimeError), create_sandbox(SandboxSpec(image=base_image)) as sb:
        cid = sb.id
        raise RuntimeError("boom")
    gone = subprocess.run(["docker", "inspect", cid], capture_output=True, check=False)
    assert gone.returncode != 0


# The child takes SIGINT as a foreground run does: started from a background job (a CI run
# launched with `&`), it would inherit SIGINT ignored, which the sandbox rightly respects.
CHILD = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.path.insert(0, {root!r})
from runner.sandbox import SandboxSpec, create_sandbox
sb = create_sandbox(SandboxSpec(image={image!r}))
print("ready", flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_leaves_no_container(base_image: str, root: Path, signum: int) -> None:
    code = textwrap.dedent(CHILD.format(root=str(root), image=base_image))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    assert owned_containers(f"{proc.pid}-"), "the child should own one container"
    proc.send_signal(signum)
    proc.wait(30)
    assert owned_containers(f"{proc.pid}-") == []


def test_sigkill_leftovers_are_reaped(base_image: str, root: Path) -> None:
    code = textwrap.dedent(CHILD.format(root=str(root), image=base_image))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    proc.kill()
    proc.wait(30)
    assert owned_containers(f"{proc.pid}-"), "SIGKILL cannot clean up: the container stays"
    assert reap_stale() >= 1
    assert owned_containers(f"{proc.pid}-") == []
