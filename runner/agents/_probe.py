"""Run an agent's rendered headless command in its image, without any network, and capture what
it leaves: the smoke test behind `tests/test_agent_images.py` and the recorded fixtures.

A one-shot run through runner/sandbox (the same hardening as the cell's agent container, on a
writable throw-away root); the proxy socket is never mounted, so the agent meets an endpoint
that refuses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from runner.agents._render import AGENT_HOME, WORKSPACE, RenderedRun, render
from runner.agents._transcript import read_transcript_files
from runner.catalog import AgentSpec
from runner.sandbox import Limits, Mount, SandboxSpec, run_once

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
    spec_run = SandboxSpec(
        image=image,
        mounts=(Mount(home, AGENT_HOME, read_only=False), Mount(ws, WORKSPACE, read_only=False)),
        env=rendered.env,
        # A cell's pids and memory; the cpu quota is the machine's: the probe checks how the
        # agent fails (bounded, classified), not how fast it gets there under a quota.
        limits=Limits(cpus=float(os.cpu_count() or 1), memory_mb=4096, pids=1024),
        # Agents write caches and state outside their home; the container is thrown away.
        read_only_root=False,
        tmpfs={},
        labels={"dev.codingagentbench.probe": spec.name},
    )
    result = run_once(spec_run, rendered.argv, timeout_s)
    return ProbeResult(
        rendered=rendered,
        exit_code=result.exit_code,
        timed_out=result.timed_out,
        seconds=round(result.duration_s, 1),
        stdout=result.stdout.decode("utf-8", errors="replace"),
        stderr=result.stderr.decode("utf-8", errors="replace"),
        files=read_transcript_files(spec, home),
    )
