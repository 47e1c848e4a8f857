"""Fakes of the cell's three side effects, so `run_cell` runs without Docker or LiteLLM: a
sandbox (runner.sandbox.Sandbox) whose "agent" follows a script, a proxy (ModelAccess) whose
metering is the usage records the script makes, and a checks function.

The fake sandbox maps container paths to host paths through its mounts, as the engine does: a
script's workspace writes land in the cell's real workspace folder, so collect, the patch and
the receipt's artifacts are the real code's, run on what the script did."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from runner.catalog import Catalog, TaskSpec
from runner.cell import CellContext, ResolvedImage, RunnerKey
from runner.checks import CheckOutcome, ChecksInfraError, Verdict
from runner.proxy import UsageRecord, usage_file
from runner.receipts import CellId, verify_receipts
from runner.sandbox import (
    NO_EGRESS,
    ChangeKind,
    Egress,
    ExecResult,
    FsChange,
    SandboxError,
    SandboxSpec,
)

CELL_LABEL = "dev.codingagentbench.cell"
MASTER_KEY = "sk-fake-master-0123456789"


def ok_request(tokens: tuple[int, int] = (100, 20), cost_usd: float | None = None) -> UsageRecord:
    return UsageRecord(
        status="success", http_status=200, input_tokens=tokens[0], output_tokens=tokens[1],
        cost_usd=cost_usd,
    )  # fmt: skip


OK_REQUEST = ok_request()


def failed_request(http_status: int | None, error: str = "upstream said no") -> UsageRecord:
    return UsageRecord(status="failure", http_status=http_status, error=error)


@dataclass(frozen=True)
class AgentScript:
    """What the fake agent does in one try of the agent phase."""

    exit_code: int | None = 0
    timed_out: bool = False
    duration_s: float = 1.5
    # Workspace-relative path -> new content: the agent's edits.
    writes: Mapping[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    # Model requests the proxy meters while the agent runs, in order.
    requests: Sequence[UsageRecord] = ()
    # The proxy process dies during the run.
    kills_proxy: bool = False
    # The engine fails to start the container: SandboxError from the factory.
    start_error: str | None = None
    # Container paths written outside the mounts (what `docker diff` lists).
    outside_writes: Sequence[str] = ()
    leftovers: Sequence[str] = ()
    egress: Egress = NO_EGRESS  # what the sandbox's sink saw


@dataclass
class FakeModelAccess:
    """The proxy as the cell sees it: minted keys, metering files, liveness."""

    usage_dir: Path
    socket_path: Path
    master_key: str = MASTER_KEY
    running: bool = True
    minted: list[str] = field(default_factory=list)

    def mint_key(self, cell_id: str, ttl_s: float = 4 * 3600, *, model: str = "") -> str:
        key = f"sk-cab-{cell_id}-{len(self.minted)}"
        self.minted.append(key)
        return key

    def meter(self, cell_id: str, record: UsageRecord) -> None:
        """Append one record as the proxy's usage callback does."""
        path = usage_file(self.usage_dir, cell_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as f:
            f.write(record.model_copy(update={"cell_id": cell_id}).line())


class FakeSandbox:
    """One container: its mounts are host folders, the rest of its filesystem is `root`."""

    def __init__(
        self, spec: SandboxSpec, script: AgentScript, proxy: FakeModelAccess, root: Path
    ) -> None:
        self.spec, self.script, self.proxy, self.root = spec, script, proxy, root
        self.execs: list[list[str]] = []
        self.killed = self.stopped = False
        self._changes: list[FsChange] = []

    @property
    def id(self) -> str:
        return f"fake-{id(self):x}"

    def host_path(self, container_path: str) -> Path:
        path = PurePosixPath(container_path)
        for mount in sorted(self.spec.mounts, key=lambda m: -len(m.target)):
            if path.is_relative_to(mount.target):
                return mount.source / path.relative_to(mount.target)
        return self.root / path.relative_to("/")

    def exec(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        workdir: str | None = None,
        user: str | None = None,
        timeout_s: float | None = None,
    ) -> ExecResult:
        if self.stopped:
            raise SandboxError(f"container {self.id} is gone")
        self.execs.append(list(argv))
        script = self.script
        workspace = workdir or self.spec.workdir or "/workspace"
        for rel, content in script.writes.items():
            target = self.host_path(f"{workspace}/{rel}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        for container_path in script.outside_writes:
            target = self.host_path(container_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("x", encoding="utf-8")
            self._changes.append(FsChange(container_path, ChangeKind.added))
        cell = self.spec.labels[CELL_LABEL]
        for record in script.requests:
            self.proxy.meter(cell, record)
        if script.kills_proxy:
            self.proxy.running = False
        timed_out = script.timed_out
        return ExecResult(
            exit_code=None if timed_out else script.exit_code,
            stdout=script.stdout.encode(),
            stderr=script.stderr.encode(),
            duration_s=timeout_s if timed_out and timeout_s is not None else script.duration_s,
            timed_out=timed_out,
        )

    def copy_in(self, src: Path, dest_dir: str) -> None:
        dest = self.host_path(dest_dir) / src.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dest, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dest)

    def copy_out(self, src: str, dest_dir: Path) -> None:
        source = self.host_path(src)
        if not source.exists():
            raise SandboxError(f"{src}: no such file in {self.id}")
        if source.is_dir():
            shutil.copytree(source, dest_dir / source.name, dirs_exist_ok=True)
        else:
            shutil.copy2(source, dest_dir / source.name)

    def diff(self) -> list[FsChange]:
        return list(self._changes)

    def egress(self) -> Egress:
        return self.script.egress

    def processes(self) -> list[str]:
        return [] if self.killed else list(self.script.leftovers)

    def kill(self) -> None:
        self.killed = True

    def stop(self) -> None:
        self.killed = self.stopped = True


@dataclass
class FakeSandboxes:
    """The cell's sandbox factory: try n gets script n (the last one repeats)."""

    scripts: Sequence[AgentScript]
    proxy: FakeModelAccess
    root: Path
    started: list[FakeSandbox] = field(default_factory=list)
    specs: list[SandboxSpec] = field(default_factory=list)

    def __call__(self, spec: SandboxSpec) -> FakeSandbox:
        self.specs.append(spec)
        script = self.scripts[min(len(self.specs), len(self.scripts)) - 1]
        if script.start_error is not None:
            raise SandboxError(script.start_error)
        sandbox = FakeSandbox(spec, script, self.proxy, self.root / f"c{len(self.specs)}")
        self.started.append(sandbox)
        return sandbox


@dataclass
class FakeChecks:
    """The checks of runner.checks.run_checks, decided from the patch: the runner check passes
    when the patch contains `solved_marker`, the diff check when the patch is not empty. Tries
    listed in `infra_on` (1-based call numbers) raise ChecksInfraError instead."""

    solved_marker: str = "SOLVED"
    lint_passes: bool = True
    infra_on: Sequence[int] = ()
    calls: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, task_dir: Path, spec: TaskSpec, patch: str, image: str) -> CheckOutcome:
        self.calls.append((patch, image))
        if len(self.calls) in self.infra_on:
            raise ChecksInfraError("the checks container did not start")
        solved = self.solved_marker in patch
        runner = Verdict("runner", solved, "3 passed" if solved else "1 failed, 2 passed")
        lint = Verdict("lint", self.lint_passes, "clean" if self.lint_passes else "E501 x.py:1")
        diff = Verdict("diff", bool(patch.strip()), "1 file" if patch.strip() else "empty patch")
        return CheckOutcome(
            runner=runner, lint=lint, diff=diff,
            logs={"runner": f"runner log, patch of {len(patch)} bytes\n".encode()},
            durations_s={"runner": 0.25, "lint": 0.125, "diff": 0.001},
            command_s={"runner": 0.2, "lint": 0.1},
        )  # fmt: skip


TASK = "py-semver-prerelease"
CELL = CellId(agent="codex", model="oracle", task=TASK, attempt=1)
IMAGE = ResolvedImage("cab/agent-codex:test", "sha256:" + "ab" * 32, "1.2.3")
# The fake agent's fix: the checks pass when the patch carries FakeChecks.solved_marker.
SOLVE = {"semverkit/version.py": "# SOLVED\n"}


@dataclass
class FakeCell:
    """A CellContext wired to the fakes, and the fakes, to look at after run_cell."""

    ctx: CellContext
    proxy: FakeModelAccess
    sandboxes: FakeSandboxes
    checks: FakeChecks
    progress: list[str]
    key: RunnerKey

    def receipt(self, cell: CellId = CELL) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self.ctx.out_dir / cell.key / "receipt.json").read_text()
        )
        return data

    def assert_verifies(self, envelope: Path) -> None:
        (verdict,) = verify_receipts([envelope], self.key.trust_store())
        assert verdict.ok, verdict


def fake_cell(
    tmp_path: Path,
    catalog: Catalog,
    key: RunnerKey,
    scripts: Sequence[AgentScript],
    checks: FakeChecks | None = None,
) -> FakeCell:
    """Two infra retries with no backoff, the way a shard's CellContext is otherwise built."""
    proxy = FakeModelAccess(usage_dir=tmp_path / "usage", socket_path=tmp_path / "proxy.sock")
    sandboxes = FakeSandboxes(scripts, proxy, tmp_path / "containers")
    checks = checks or FakeChecks()
    progress: list[str] = []
    ctx = CellContext(
        catalog=catalog, proxy=proxy, agent_image=lambda _agent: IMAGE,
        runtime_image=lambda name: f"cab/{name}:test", signer=key.signer,
        runner_id=key.runner_id, out_dir=tmp_path / "out", max_infra_retries=2,
        retry_backoff_s=0.0, sandbox_factory=sandboxes, run_checks=checks,
        progress=progress.append,
    )  # fmt: skip
    return FakeCell(ctx, proxy, sandboxes, checks, progress, key)
