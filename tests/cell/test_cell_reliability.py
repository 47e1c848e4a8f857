"""Reliability of cells: a flaky model endpoint, an agent over its time limit, a run killed half-way
(SIGTERM / Ctrl-C to `cab cell run-many`) and resumed, and errors inside a cell: no leaked
containers, infra errors never counted as the agent's failure."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runner.catalog import Catalog, load_catalog
from runner.cell import run_cell
from runner.proxy import read_usage
from runner.receipts import CellId, Outcome
from tests.cell.cellkit import (
    FULL_MATRIX,
    TASKS,
    assert_no_secrets,
    docker_inspect,
    my_containers,
    open_shard,
    owned_containers,
    verify,
)

pytestmark = pytest.mark.docker

PY_TASK = TASKS["python"]
FLAKY_AGENTS = ["codex", "claude-code", "qwen-code", "gemini-cli"] if FULL_MATRIX else ["codex"]


def test_flaky_endpoint_cells_complete_as_passes_or_infra_errors(
    images_ready: None, catalog: Catalog, tmp_path: Path
) -> None:
    """30% of model requests fail (500, 429, or a stream that stalls and drops). The agents'
    own retries and then the harness's bounded retries carry the cells to a result; whatever
    fails for good is `infra_error`, never `failed` or `agent_error`."""
    out = tmp_path / "out"
    with open_shard(catalog, out, tmp_path / "key", ["flaky"], flaky_rate=0.3) as shard:
        ctx = dataclasses.replace(shard.ctx, retry_backoff_s=0.5)
        results = [
            run_cell(CellId(agent=agent, model="flaky", task=PY_TASK, attempt=n), ctx)
            for agent in FLAKY_AGENTS
            for n in (1, 2, 3)
        ]
        secrets = shard.proxy.secrets()
    receipts = [json.loads((r.envelope.parent / "receipt.json").read_text()) for r in results]
    outcomes = [r.outcome for r in results]
    assert set(outcomes) <= {Outcome.passed, Outcome.infra_error}, [
        (r.cell.key, r.outcome.value, r.detail) for r in results
    ]
    assert Outcome.passed in outcomes
    # Faults were really injected and seen (by the agents, or by the harness's retries).
    assert sum(rc["usage"]["failed_requests"] + rc["infra_retries"] for rc in receipts) >= 1
    verify([r.envelope for r in results], shard.trust_dir)
    assert_no_secrets(out, secrets)
    assert my_containers() == []


def test_an_endpoint_that_always_fails_is_an_infra_error_after_bounded_retries(
    images_ready: None, catalog: Catalog, tmp_path: Path
) -> None:
    with open_shard(
        catalog, tmp_path / "out", tmp_path / "key", ["flaky"], flaky_rate=1.0
    ) as shard:
        ctx = dataclasses.replace(shard.ctx, max_infra_retries=1, retry_backoff_s=1.0)
        started = time.monotonic()
        result = run_cell(CellId(agent="codex", model="flaky", task=PY_TASK, attempt=1), ctx)
        elapsed = time.monotonic() - started
        usage = read_usage(shard.ctx.proxy.usage_dir, result.cell.key)
    receipt = json.loads((result.envelope.parent / "receipt.json").read_text())
    assert result.outcome is Outcome.infra_error, result.detail
    assert "model endpoint" in result.detail
    assert receipt["infra_retries"] == 1  # bounded: one retry, then the outcome is recorded
    assert receipt["usage"]["requests"] >= 1
    assert receipt["usage"]["requests"] == receipt["usage"]["failed_requests"]
    assert usage and not any(r.ok for r in usage)
    assert elapsed >= 1.0  # the backoff was waited
    verify([result.envelope], shard.trust_dir)


def _catalog_with_time_limit(root: Path, dest: Path, task: str, limit_s: int) -> Path:
    """A copy of the catalog root whose `task` has a tiny time limit."""
    dest.mkdir()
    for name in ("models.toml", "images"):
        src = root / name
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, dest / name)
    shutil.copytree(root / "tasks" / task, dest / "tasks" / task)
    toml = dest / "tasks" / task / "task.toml"
    text, n = re.subn(r"(?m)^time_limit_s = \d+$", f"time_limit_s = {limit_s}", toml.read_text())
    assert n == 1
    toml.write_text(text)
    return dest


def test_an_agent_over_its_time_limit_is_an_agent_timeout(
    images_ready: None, root: Path, tmp_path: Path
) -> None:
    limit = 8
    copy = _catalog_with_time_limit(root, tmp_path / "root", PY_TASK, limit)
    catalog = load_catalog(copy)
    with open_shard(
        catalog, tmp_path / "out", tmp_path / "key", ["slow"], slow_latency_s=120.0
    ) as shard:
        result = run_cell(CellId(agent="codex", model="slow", task=PY_TASK, attempt=1), shard.ctx)
        seen = shard.factory.seen[-1]
    receipt = json.loads((result.envelope.parent / "receipt.json").read_text())
    assert result.outcome is Outcome.agent_timeout, result.detail
    assert result.wall_s <= limit + 10
    assert limit <= receipt["timings"]["agent_s"] < limit + 5
    assert receipt["failure_class"] == "timeout"
    assert docker_inspect(seen["Id"]) is None
    verify([result.envelope], shard.trust_dir, root=copy)


def test_an_error_inside_a_cell_leaves_no_container(
    images_ready: None, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import runner.cell._lifecycle as lifecycle

    def broken(*_args: object, **_kw: object) -> None:
        raise RuntimeError("a bug while collecting")

    with open_shard(catalog, tmp_path / "out", tmp_path / "key", ["oracle"]) as shard:
        monkeypatch.setattr(lifecycle, "read_transcript_files", broken)
        with pytest.raises(RuntimeError, match="a bug while collecting"):
            run_cell(CellId(agent="codex", model="oracle", task=PY_TASK, attempt=1), shard.ctx)
        (seen,) = shard.factory.seen
        assert docker_inspect(seen["Id"]) is None
        assert my_containers() == []
        assert list((tmp_path / "out" / ".work").iterdir()) == []
        assert not (tmp_path / "out" / "codex__oracle__py-semver-prerelease__a1").exists()


# --------------------------------------------------------------------------- killed half-way

# The middle cell talks to the `slow` model (2 s a request), so the signal lands in its agent
# phase; the first has a receipt by then, the last has not started.
RUN_MANY_CELLS = [
    f"codex:oracle:{PY_TASK}:1",
    f"codex:slow:{PY_TASK}:1",
    f"codex:null:{TASKS['shell']}:1",
]


def _run_many(root: Path, out: Path, key: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "runner", "--root", str(root), "cell", "run-many",
         *RUN_MANY_CELLS, "--out", str(out), "--key", str(key)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # Whoever started the tests may ignore SIGINT (a background job): the cab run must not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip


SLOW_CELL = f"codex__slow__{PY_TASK}__a1"


def _agent_running(cell_key: str) -> bool:
    """The cell's own agent container (labelled with its key) is running."""
    out = subprocess.run(
        ["docker", "ps", "--filter", f"label=dev.codingagentbench.cell={cell_key}",
         "--filter", "status=running", "--quiet"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return bool(out.strip())


def _what_was_left(out: Path) -> str:
    """Each cell folder and what its receipt (if any) says: tells a cell that finished before
    the signal landed from one written half-way."""
    lines = []
    for cell_dir in sorted(p for p in out.iterdir() if "__" in p.name):
        files = sorted(f.name for f in cell_dir.iterdir())
        receipt = cell_dir / "receipt.json"
        outcome = json.loads(receipt.read_text()).get("outcome") if receipt.exists() else None
        lines.append(f"{cell_dir.name}: outcome={outcome} files={files}")
    return "\n".join(lines) + "\n"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_run_many_killed_half_way_leaves_nothing_and_resumes(
    images_ready: None, root: Path, tmp_path: Path, signum: int
) -> None:
    out, key = tmp_path / "out", tmp_path / "key"
    proc = _run_many(root, out, key)
    assert proc.stderr is not None
    stderr: list[str] = []
    port = None
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        stderr.append(line)
        if m := re.search(r"proxy ready .* at http://127\.0\.0\.1:(\d+)", line):
            port = int(m.group(1))
        if "codex__slow__" in line and "agent phase" in line:
            break
    else:
        pytest.fail("the slow cell never started:\n" + "".join(stderr))
    # Wait until its agent container runs (not merely its egress sink, which starts first),
    # then interrupt: the agent still has several 2 s replies to wait for.
    prefix = f"{proc.pid}-"
    while not _agent_running(SLOW_CELL) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _agent_running(SLOW_CELL), "".join(stderr)
    proc.send_signal(signum)
    try:
        _, rest = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("cab did not stop within 30 s of the signal")
    assert proc.returncode != 0
    assert owned_containers(prefix) == [], "containers leaked"
    assert port is not None and not _port_open(port), "the proxy outlived cab"
    # Only the finished cell has a folder; nothing half-written, no work left behind.
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        f"codex__oracle__{PY_TASK}__a1",
        "trust",
    ], _what_was_left(out) + "".join(stderr) + rest
    assert list((out / ".work").iterdir()) == []

    rerun = _run_many(root, out, key)
    stdout, rerun_err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, rerun_err
    assert "1 cell(s) already have a valid receipt: skipped" in rerun_err
    assert f"codex__oracle__{PY_TASK}__a1" not in stdout  # not run again
    assert "passed" in stdout and "failed" in stdout
    envelopes = sorted(out.glob("*/*.dsse.json"))
    assert len(envelopes) == 3
    assert "3/3 receipts ok" in verify(envelopes, out / "trust")
    assert owned_containers(f"{rerun.pid}-") == []
