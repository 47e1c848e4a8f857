"""One cell, end to end (DESIGN.md section 4): resolve, workspace, agent phase, collect, checks,
receipt. The receipt records exactly what ran; nothing in it is inferred from the agent's word
when the harness can observe it instead. The outcome is decided by runner/cell/_outcome.py and
the receipt built by runner/cell/_receipt.py; this module runs the phases and writes the result.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import runner.checks
from runner.agents import (
    AGENT_HOME,
    parse_transcript,
    read_transcript_files,
    render,
    trajectory_json,
)
from runner.catalog import CALIBRATION_MODELS, ApiRoute, Catalog, TaskSpec, task_digest
from runner.cell._blast import WORKSPACE, blast_radius, outside_workspace
from runner.cell._outcome import AgentRun, Decision, OutcomeInputs, decide_outcome, infra_cause
from runner.cell._receipt import (
    TRAJECTORY,
    Attempt,
    Provenance,
    ResolvedImage,
    artifact_files,
    artifact_index,
    build_receipt,
    check_results,
    metered_usage,
    phase_timings,
    redact,
    runner_ref,
)
from runner.cell._workspace import WorkspaceError, collect_changes, make_workspace
from runner.checks import CheckOutcome, ChecksInfraError
from runner.images import read_lock
from runner.receipts import CellId, Outcome, Receipt, Signer, Usage, sign_receipt
from runner.sandbox import (
    Egress,
    Interrupted,
    Limits,
    Mount,
    Sandbox,
    SandboxError,
    SandboxSpec,
    create_sandbox,
    interrupted,
    raise_if_interrupted,
    sleep_unless_interrupted,
)

if TYPE_CHECKING:  # runner.proxy imports LiteLLM: loaded where a cell needs it
    from runner.proxy import UsageRecord

# Where the in-container forwarder listens (images/common/cab-entrypoint) and where the proxy's
# unix socket is mounted.
FORWARD_URL = "http://127.0.0.1:4000"
SOCKET_IN_CONTAINER = "/run/cab/proxy.sock"
# The workspace belongs to the harness's uid, the agent runs as the image's `agent` user: without
# this every git command the agent runs in it stops at "detected dubious ownership" (Aider's own
# `git add` of a new file did). Git reads config from its environment as command-line config,
# which is trusted for safe.directory; an agent's own GIT_CONFIG_* (in its env) replaces it.
AGENT_GIT_ENV = {
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "safe.directory",
    "GIT_CONFIG_VALUE_0": WORKSPACE,
}
# The image's entrypoint starts the proxy forwarder in the background and the container counts
# as started before it listens: the agent's command waits for its ready file (at most 5 s).
_AFTER_FORWARDER = (
    'i=0; until ls /tmp/cab-forward.* >/dev/null 2>&1 || [ "$i" -ge 100 ]; do '
    'sleep 0.05; i=$((i + 1)); done; exec "$@"'
)
# The checks of a task: (task dir, spec, patch, runtime image) -> verdicts (runner.checks).
ChecksRunner = Callable[[Path, TaskSpec, str, str], CheckOutcome]


class CellError(Exception):
    """The cell could not produce a receipt at all (bad input, no image, unusable output dir)."""


class InfraError(Exception):
    """Infrastructure failed during the cell (Docker, proxy, checks container): not the agent."""


class ModelAccess(Protocol):
    """What the cell needs from the proxy (runner.proxy.ProxyServer satisfies it)."""

    socket_path: Path
    usage_dir: Path

    def mint_key(self, cell_id: str, ttl_s: float = ..., *, model: str) -> str: ...

    @property
    def running(self) -> bool: ...

    @property
    def master_key(self) -> str:
        """The proxy's admin key. It never reaches a container, but nothing secret may reach
        a receipt either: artifacts are redacted of it as of every minted key."""
        ...


@dataclass
class CellContext:
    """What the cells of one shard share: catalog, proxy, images, signer, output folder."""

    catalog: Catalog
    proxy: ModelAccess
    agent_image: Callable[[str], ResolvedImage]
    runtime_image: Callable[[str], str]
    signer: Signer
    runner_id: str
    out_dir: Path
    limits: Limits = field(default_factory=Limits)
    max_infra_retries: int = 2
    retry_backoff_s: float = 2.0
    sandbox_factory: Callable[[SandboxSpec], Sandbox] = create_sandbox
    # The egress sink's image (images/sink): every agent sandbox's network ends there and what
    # it saw is the receipt's network_attempts. None only where no engine runs (fakes in tests).
    egress_sink: str | None = None
    run_checks: ChecksRunner = runner.checks.run_checks
    progress: Callable[[str], None] = lambda _msg: None
    # Task digests hash every file of a task: once per shard is enough (tasks do not change
    # under a running shard; the verifier re-hashes them anyway).
    task_digests: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CellResult:
    cell: CellId
    outcome: Outcome
    envelope: Path
    detail: str
    wall_s: float
    agent_s: float
    checks_s: float  # the checks phase, containers included
    # The check commands' own time inside their containers, on the cell's critical path: lint
    # and runner run in parallel containers, so the longer of the two (diff runs in-process).
    check_commands_s: float = 0.0

    @property
    def overhead_s(self) -> float:
        """What the harness added: wall time minus the agent's run and the check commands."""
        return self.wall_s - self.agent_s - self.check_commands_s


def model_route(catalog: Catalog, model: str) -> tuple[str, str]:
    """(LiteLLM route, endpoint identity) a receipt records for `model`."""
    if model in CALIBRATION_MODELS:
        from runner.proxy import calibration_route

        return calibration_route(catalog.models, model), f"calibration:{model}"
    spec = catalog.models.get(model)
    base = spec.serving.base_url()
    endpoint = base if base else spec.serving.route
    return spec.serving.route, endpoint


def agent_model_name(api: ApiRoute, model: str) -> str:
    """The model name the agent asks the proxy for (Gemini CLI only knows Gemini names)."""
    if api is ApiRoute.gemini:
        from runner.proxy import gemini_alias

        return gemini_alias(model)
    return model


def remove_workspace_state(spec_globs: Sequence[str], ws_dir: Path, task_repo: Path) -> None:
    """Delete the files an agent keeps in the workspace for itself (its spec's workspace_state),
    unless the task's own repo has them."""
    for pattern in spec_globs:
        for path in ws_dir.glob(pattern):
            rel = path.relative_to(ws_dir)
            inside = path.resolve().is_relative_to(ws_dir.resolve())  # no parent symlink out
            if (task_repo / rel).exists() or path.is_symlink() or not inside:
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _agent_phase(
    ctx: CellContext,
    cell: CellId,
    image: ResolvedImage,
    key: str,
    work: Path,
    task_dir: Path,
    time_limit_s: float,
    removals: list[threading.Thread],
) -> Attempt:
    """Workspace, sandbox, agent run, collect. The sandbox's removal is left running in a thread
    appended to `removals` (the caller joins it): nothing waits on it, and it is already dead."""
    spec = ctx.catalog.agents[cell.agent]
    ws_dir, home, git_dir = work / "workspace", work / "home", work / "harness.git"
    for stale in (ws_dir, home, git_dir):  # an infra retry starts from scratch
        if stale.exists():
            shutil.rmtree(stale)
    ws_dir.mkdir()
    home.mkdir(mode=0o777)
    home.chmod(0o777)
    prompt = (task_dir / "instruction.md").read_text(encoding="utf-8")
    run = render(spec, agent_model_name(spec.api, cell.model), FORWARD_URL, key, WORKSPACE, prompt)
    for inside, content in run.files.items():
        if not inside.startswith(AGENT_HOME + "/"):
            raise CellError(f"{cell.agent}: config file {inside} is outside the agent's home")
        host_path = home / inside.removeprefix(AGENT_HOME + "/")
        host_path.parent.mkdir(parents=True, exist_ok=True)
        host_path.write_text(content, encoding="utf-8")
    for p in (home, *home.rglob("*")):
        p.chmod(0o777 if p.is_dir() else 0o666)
    sandbox_spec = SandboxSpec(
        image=image.tag,
        mounts=[
            Mount(ws_dir, WORKSPACE, read_only=False),
            Mount(home, AGENT_HOME, read_only=False),
            Mount(ctx.proxy.socket_path, SOCKET_IN_CONTAINER, read_only=False),
        ],
        env={"HOME": AGENT_HOME, **AGENT_GIT_ENV, **run.env},
        workdir=WORKSPACE,
        limits=ctx.limits,
        read_only_root=spec.read_only_root,
        egress_sink=ctx.egress_sink,
        labels={"dev.codingagentbench.cell": cell.key},
    )
    # The container starts while the workspace is filled (the bind mount shows the files as
    # they arrive; the container only idles until the agent's exec).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-start") as starter:
        starting = starter.submit(ctx.sandbox_factory, sandbox_spec)
        try:
            ws = make_workspace(task_dir / "repo", ws_dir, git_dir)
        except BaseException:
            with contextlib.suppress(Exception):
                starting.result().stop()
            raise
        sandbox = starting.result()
    attempt = Attempt()
    try:
        argv = ["sh", "-c", _AFTER_FORWARDER, "cab-agent", *run.argv]
        result = sandbox.exec(argv, timeout_s=time_limit_s)
        attempt.exit_code, attempt.timed_out = result.exit_code, result.timed_out
        attempt.stdout, attempt.stderr = result.stdout, result.stderr
        attempt.agent_s = result.duration_s
        started = time.monotonic()
        attempt.leftovers = sandbox.processes()
        # Nothing may write to the workspace while it is collected.
        sandbox.kill()
        # What the sandbox measured (its diff, its sink) is read while the workspace is
        # collected on the host: the two do not touch each other, and the diff is the slow one.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-measure") as pool:
            measuring = pool.submit(_measure, sandbox, sandbox_spec, spec.startup_writes)
            attempt.transcript = read_transcript_files(spec, home)
            remove_workspace_state(spec.workspace_state, ws_dir, task_dir / "repo")
            attempt.changes = collect_changes(ws)
            attempt.outside, attempt.egress = measuring.result()
    except BaseException:
        sandbox.stop()
        raise
    remover = threading.Thread(target=_stop_quietly, args=(sandbox,), name="sandbox-remove")
    remover.start()
    removals.append(remover)
    attempt.collect_s = time.monotonic() - started
    return attempt


def _measure(
    sandbox: Sandbox, spec: SandboxSpec, startup_writes: Sequence[str]
) -> tuple[list[str], Egress]:
    """What the stopped sandbox shows: its writes outside the workspace (none can exist under a
    read-only root, whose diff could only list the engine's own mount points) and what its
    egress sink saw (every packet the agent sent has reached the sink by now)."""
    outside = []
    if not spec.read_only_root:
        outside = outside_workspace([c.path for c in sandbox.diff()], startup_writes)
    return outside, sandbox.egress()


def _stop_quietly(sandbox: Sandbox) -> None:
    # A failed removal leaves the container to stop_all_owned (at exit) or reap_stale (next run).
    with contextlib.suppress(SandboxError):
        sandbox.stop()


def locked_agent_image(root: Path, agent: str) -> ResolvedImage:
    """The agent image as images/lock.json records it (what the cell would have run)."""
    entry = read_lock(root / "images").images.get(agent)
    if entry is None:
        raise CellError(f"agent {agent!r} is not in images/lock.json: run `cab images build`")
    return ResolvedImage(entry.tag, entry.image_id, entry.version)


def check_cell(catalog: Catalog, cell: CellId) -> None:
    """CellError unless the catalog knows the cell's agent, task and model."""
    if cell.agent not in catalog.agents:
        raise CellError(f"unknown agent {cell.agent!r} (see `cab catalog agents`)")
    if cell.task not in catalog.tasks:
        raise CellError(f"unknown task {cell.task!r} (see `cab catalog tasks`)")
    if cell.model not in CALIBRATION_MODELS:
        try:
            catalog.models.get(cell.model)
        except KeyError:
            raise CellError(
                f"unknown model {cell.model!r} (models.toml, or one of "
                f"{', '.join(sorted(CALIBRATION_MODELS))})"
            ) from None


@dataclass
class _CellRun:
    """One cell across its infra retries: what is fixed before the first try, and what the
    latest try left (the receipt records the last one)."""

    cell: CellId
    task: TaskSpec
    task_dir: Path
    work: Path  # the cell's scratch folder, removed at the end
    started_at: datetime
    t0: float  # monotonic clock at the start
    resolve_s: float
    digest: str
    route: str
    endpoint: str
    secrets: list[str]  # redacted from every artifact: the master key and each minted key
    removals: list[threading.Thread] = field(default_factory=list)
    # Resolved inside the infra-retry loop: an engine that does not answer is an infra error
    # (retried, then recorded), not a missing image.
    image: ResolvedImage | None = None
    runtime: str | None = None
    retries: int = 0
    attempt: Attempt = field(default_factory=Attempt)
    checks: CheckOutcome | None = None
    infra_detail: str = ""
    proxy_running: bool = True
    workspace_s: float = 0.0
    checks_s: float = 0.0
    # When the first and the latest try started: the receipt's total_s is the scored (latest)
    # try's, and what came before it (failed tries, back-off) is infra_s.
    first_try_t0: float | None = None
    try_t0: float = 0.0
    infra_log: list[str] = field(default_factory=list)  # each failed try's error, in order


def _start(cell: CellId, ctx: CellContext) -> _CellRun:
    """Resolve what does not change between tries (DESIGN.md section 4, step 1)."""
    started_at = datetime.now(UTC)
    t0 = time.monotonic()
    catalog = ctx.catalog
    check_cell(catalog, cell)
    task = catalog.tasks[cell.task]
    task_dir = catalog.root / "tasks" / cell.task
    digest = ctx.task_digests.get(cell.task)
    if digest is None:
        digest = ctx.task_digests[cell.task] = task_digest(task_dir, task)
    route, endpoint = model_route(catalog, cell.model)
    resolve_s = time.monotonic() - t0
    (ctx.out_dir / ".work").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"cab-{cell.task}-", dir=ctx.out_dir / ".work"))
    return _CellRun(
        cell=cell,
        task=task,
        task_dir=task_dir,
        work=work,
        started_at=started_at,
        t0=t0,
        resolve_s=resolve_s,
        digest=digest,
        route=route,
        endpoint=endpoint,
        secrets=[ctx.proxy.master_key],
    )


def run_cell(cell: CellId, ctx: CellContext) -> CellResult:
    """Run one cell and write its signed receipt; infra errors are retried with backoff and,
    if they persist, recorded as the `infra_error` outcome (never as the agent's failure)."""
    from runner.proxy import escapes_file, usage_file

    run = _start(cell, ctx)
    try:
        while True:
            key = ctx.proxy.mint_key(cell.key, ttl_s=run.task.time_limit_s + 600, model=cell.model)
            run.secrets.append(key)
            raise_if_interrupted()
            run.infra_detail = ""
            # Metering covers this try only (and not an earlier run of the same cell).
            usage_file(ctx.proxy.usage_dir, cell.key).unlink(missing_ok=True)
            escapes_file(ctx.proxy.usage_dir, cell.key).unlink(missing_ok=True)
            run.try_t0 = time.monotonic()
            if run.first_try_t0 is None:
                run.first_try_t0 = run.try_t0
            try:
                _try_once(ctx, run, key)
                break
            except (InfraError, SandboxError, ChecksInfraError, WorkspaceError) as exc:
                if not _retry_after(ctx, run, exc):
                    break
        # Artifacts and receipt are staged, then moved into place in one rename: a cell folder
        # is either a previous complete result or the new one, never half of each.
        stage = run.work / "result"
        stage.mkdir()
        if run.image is None:  # the engine never answered: the receipt names the locked image
            run.image = locked_agent_image(ctx.catalog.root, cell.agent)
        result = _finish(ctx, run, stage)
        cell_dir = ctx.out_dir / cell.key
        _publish(stage, cell_dir, run.work / "previous")
        return dataclasses.replace(result, envelope=cell_dir / result.envelope.name)
    finally:
        for remover in run.removals:
            remover.join()
        shutil.rmtree(run.work, ignore_errors=True)


def _try_once(ctx: CellContext, run: _CellRun, key: str) -> None:
    """One try: images, agent phase, then the checks unless the infrastructure cut the run
    short (InfraError, retried by the caller)."""
    from runner.proxy import read_usage

    cell, task = run.cell, run.task
    if run.image is None:
        run.image = ctx.agent_image(cell.agent)
    if run.runtime is None:
        run.runtime = ctx.runtime_image(task.runtime_image)
    ws_started = time.monotonic()
    ctx.progress(f"{cell.key}: agent phase (limit {task.time_limit_s}s)")
    attempt = run.attempt = _agent_phase(
        ctx, cell, run.image, key, run.work, run.task_dir, task.time_limit_s, run.removals
    )
    run.workspace_s = time.monotonic() - ws_started - attempt.agent_s - attempt.collect_s
    run.proxy_running = ctx.proxy.running
    usage = read_usage(ctx.proxy.usage_dir, cell.key)
    cause = infra_cause(usage, timed_out=attempt.timed_out, proxy_running=run.proxy_running)
    if cause is not None:
        # Incomplete: neither checked nor counted against the agent (METHODOLOGY.md section 1).
        raise InfraError(cause)
    ctx.progress(f"{cell.key}: checks")
    c_started = time.monotonic()
    assert attempt.changes is not None
    run.checks = ctx.run_checks(run.task_dir, task, attempt.changes.patch, run.runtime)
    run.checks_s = time.monotonic() - c_started


def _retry_after(ctx: CellContext, run: _CellRun, exc: Exception) -> bool:
    """Record an infra error of the try; wait and say True when another try is allowed."""
    # Our own signal handler removed the containers: not an infra error to retry.
    if interrupted():
        raise Interrupted("interrupted by a signal") from exc
    run.infra_detail = f"{type(exc).__name__}: {exc}"
    run.infra_log.append(run.infra_detail)
    run.checks = None
    if run.retries >= ctx.max_infra_retries:
        return False
    run.retries += 1
    ctx.progress(f"{run.cell.key}: infra error, retry {run.retries}: {run.infra_detail[:120]}")
    sleep_unless_interrupted(ctx.retry_backoff_s * 2 ** (run.retries - 1))
    return True


def _publish(stage: Path, cell_dir: Path, trash: Path) -> None:
    if cell_dir.exists():
        cell_dir.rename(trash)  # removed with the work folder
    stage.rename(cell_dir)


def _finish(ctx: CellContext, run: _CellRun, stage: Path) -> CellResult:
    """Decide the outcome, build the receipt from the last try, write and sign it in `stage`."""
    from runner.proxy import read_escapes, read_usage

    assert run.image is not None
    attempt, checks = run.attempt, run.checks
    stdout = attempt.stdout.decode("utf-8", errors="replace")
    stderr = attempt.stderr.decode("utf-8", errors="replace")
    report = parse_transcript(
        ctx.catalog.agents[run.cell.agent],
        stdout,
        attempt.transcript,
        stderr=stderr,
        timed_out=attempt.timed_out,
    )
    records = read_usage(ctx.proxy.usage_dir, run.cell.key)
    decision = decide_outcome(
        OutcomeInputs(
            agent=AgentRun(attempt.exit_code, attempt.timed_out, run.task.time_limit_s),
            usage=records,
            verdicts=checks.verdicts if checks is not None else None,
            failure=report.failure,
            infra_detail=run.infra_detail,
            proxy_running=run.proxy_running,
        )
    )
    usage = metered_usage(records, report.usage.total_tokens if report.usage else None)
    files = _artifact_files(ctx, run, stdout, usage)
    artifacts = artifact_index(files, checks)
    # Latency is the scored try's: the infra tries before it and their back-off are apart.
    total_s = run.resolve_s + time.monotonic() - run.try_t0
    infra_s = run.try_t0 - (run.first_try_t0 or run.try_t0)
    phases = (run.resolve_s, max(run.workspace_s, 0.0), run.checks_s)
    receipt = build_receipt(
        Provenance(
            run.cell,
            run.image,
            run.route,
            run.endpoint,
            run.digest,
            runner_ref(ctx.runner_id, ctx.catalog.root),
        ),
        decision,
        timings=phase_timings(
            attempt,
            phases,
            started_at=run.started_at,
            finished_at=datetime.now(UTC),
            total_s=total_s,
            infra_s=infra_s,
        ),
        usage=usage,
        checks=check_results(checks, artifacts.check_logs),
        blast=blast_radius(
            attempt.changes,
            run.task,
            outside=attempt.outside,
            leftovers=len(attempt.leftovers),
            stream=stdout + stderr,
            transcripts=list(attempt.transcript.values()),
            egress=attempt.egress,
            startup_egress=ctx.catalog.agents[run.cell.agent].startup_egress,
            model_escapes=read_escapes(ctx.proxy.usage_dir, run.cell.key),
        ),
        artifacts=artifacts,
        retries=run.retries,
        infra_evidence=_infra_evidence(run, records, decision),
    )
    # After a signal the containers were removed under the cell: what it saw is not a result.
    raise_if_interrupted()
    envelope = _write_result(stage, files, receipt, ctx.signer)
    commands_s = max(checks.command_s.values(), default=0.0) if checks is not None else 0.0
    return CellResult(
        run.cell,
        decision.outcome,
        envelope,
        decision.detail,
        total_s,
        attempt.agent_s,
        run.checks_s,
        commands_s,
    )


def _artifact_files(ctx: CellContext, run: _CellRun, stdout: str, usage: Usage) -> dict[str, bytes]:
    """Every artifact of the cell (runner.cell._receipt.artifact_files) and its ATIF trajectory,
    secrets redacted."""
    assert run.image is not None
    files = artifact_files(run.attempt, run.checks, run.secrets)
    trajectory = trajectory_json(
        ctx.catalog.agents[run.cell.agent],
        version=run.image.version,
        model=run.cell.model,
        prompt=(run.task_dir / "instruction.md").read_text("utf-8"),
        stdout=stdout,
        files=run.attempt.transcript,
        usage=usage,
        session_id=run.cell.key,
    )
    if trajectory is not None:  # redacted like every artifact
        files[TRAJECTORY] = redact(trajectory, run.secrets)
    return files


def _infra_evidence(run: _CellRun, records: Sequence[UsageRecord], decision: Decision) -> list[str]:
    """What failed, for an infra_error receipt (empty otherwise): each try's error, the last
    try's failed model requests, a stopped proxy. The verifier rejects an infra error without."""
    if decision.outcome is not Outcome.infra_error:
        return []
    evidence = list(run.infra_log)
    evidence += [
        f"model request failed: {r.http_status or 'no status'} ({r.api or 'api?'} {r.route or ''})"
        for r in records
        if r.status == "failure"
    ]
    if not run.proxy_running:
        evidence.append("the LiteLLM proxy had stopped")
    return evidence or [decision.detail]


def _write_result(
    folder: Path, files: Mapping[str, bytes], receipt: Receipt, signer: Signer
) -> Path:
    """The only writer of a cell's result: its artifacts, receipt.json and the signed envelope."""
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    predicate = folder / "receipt.json"
    tmp = predicate.with_suffix(".tmp")
    tmp.write_text(receipt.model_dump_json(indent=1), encoding="utf-8")
    tmp.replace(predicate)
    return sign_receipt(predicate, signer)


def hostname_runner_id() -> str:
    return "local-" + re.sub(r"[^a-z0-9-]+", "-", socket.gethostname().lower()).strip("-")
