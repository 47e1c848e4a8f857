"""Run an agent's rendered headless command in its image, without any network, and capture what
it leaves: the smoke test behind `tests/test_agent_images.py` and the recorded fixtures.

Not the cell sandbox (runner/sandbox owns that): no resource limits beyond a time limit, and the
proxy socket is never mounted, so the agent meets an endpoint that refuses.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from runner.agents._render import AGENT_HOME, WORKSPACE, RenderedRun, render
from runner.agents._transcript import read_transcript_files
from runner.catalog import AgentSpec

# Inside the container, uid/gid of the `agent` user (images/agent-base/Dockerfile).
AGENT_UID = 1000
PROBE_MODEL = "bench-model"
PROBE_KEY = "sk-cab-probe"
PROBE_PROMPT = "Create a file hello.txt containing the word hello."
FORWARDER_URL = "http://127.0.0.1:4000"


@dataclass(frozen=True)
class ProbeResult:
    rendered: RenderedRun
    exit_code: int | None  # None: killed at the time limit
    timed_out: bool
    seconds: float
    stdout: str
    stderr: str
    files: dict[str, str]  # transcript files, container path -> text


def _own(path: Path) -> None:
    for p in (path, *path.rglob("*")):
        os.chown(p, AGENT_UID, AGENT_UID, follow_symlinks=False)


def probe_unreachable(
    spec: AgentSpec, image: str, workdir: Path, *, timeout_s: float = 60
) -> ProbeResult:
    """Render the spec against the in-container forwarder URL (nothing listens there) and run
    it with --network none; the agent must fail, and its output should say why."""
    rendered = render(spec, PROBE_MODEL, FORWARDER_URL, PROBE_KEY, WORKSPACE, PROBE_PROMPT)
    home, ws = workdir / "home", workdir / "workspace"
    home.mkdir(parents=True, exist_ok=True)
    ws.mkdir(parents=True, exist_ok=True)
    for path, content in rendered.files.items():
        if not path.startswith(AGENT_HOME + "/"):
            raise ValueError(f"{spec.name}: probe only writes config under {AGENT_HOME}: {path}")
        target = home / path[len(AGENT_HOME) + 1 :]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    if os.geteuid() == 0:
        _own(workdir)
    name = f"cab-probe-{spec.name}-{uuid.uuid4().hex[:8]}"
    argv = ["docker", "run", "--rm", "--name", name, "--network", "none", "--init"]
    argv += ["-v", f"{home}:{AGENT_HOME}", "-v", f"{ws}:{WORKSPACE}"]
    for key, value in rendered.env.items():
        argv += ["-e", f"{key}={value}"]
    argv += [image, *rendered.argv]
    started = time.monotonic()
    timed_out = False
    try:
        proc = subprocess.run(
            argv, capture_output=True, timeout=timeout_s, stdin=subprocess.DEVNULL, check=False
        )
        out, err, code = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        timed_out = True
        out, err, code = exc.stdout or b"", exc.stderr or b"", None
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
    return ProbeResult(
        rendered=rendered,
        exit_code=code,
        timed_out=timed_out,
        seconds=round(time.monotonic() - started, 1),
        stdout=out.decode("utf-8", errors="replace"),
        stderr=err.decode("utf-8", errors="replace"),
        files=read_transcript_files(spec, home),
    )
