"""One cell, end to end (DESIGN.md section 4): resolve, workspace, agent phase, collect, checks,
receipt. The receipt records exactly what ran; nothing in it is inferred from the agent's word
when the harness can observe it instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Protocol

import runner
from runner.agents import (
    AGENT_HOME,
    parse_transcript,
    read_transcript_files,
    render,
    trajectory_artifact,
)
from runner.catalog import CALIBRATION_MODELS, ApiRoute, Catalog, FailureClass, task_digest
from runner.cell._workspace import Changes, WorkspaceError, collect_changes, make_workspace
from runner.checks import CheckOutcome, ChecksInfraError, run_checks
from runner.images import read_lock
from runner.receipts import (
    AgentRef,
    Artifact,
    Artifacts,
    BlastRadius,
    CellId,
    CheckName,
    CheckResult,
    ModelRef,
    Outcome,
    Receipt,
    RunnerRef,
    Signer,
    TaskRef,
    Timings,
    Usage,
    sign_receipt,
)
from runner.sandbox import (
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

# Where the in-container forwarder listens (images/common/cab-entrypoint) and where the proxy's
# unix socket is mounted.
FORWARD_URL = "http://127.0.0.1:4000"
SOCKET_IN_CONTAINER = "/run/cab/proxy.sock"
WORKSPACE = "/workspace"
# Paths an agent may write outside the workspace without it counting against blast radius:
# its home (mounted), /tmp (tmpfs) and the forwarder's runtime files.
_OWN_PATHS = (WORKSPACE, AGENT_HOME, "/tmp", "/run/cab", "/run", "/root")
# Docker bind-mounts its init (--init) here: the engine's write, not the agent's.
_ENGINE_PATHS = ("/usr/sbin/docker-init",)
# Evidence of network attempts in the agent's output. The container has no route, so an attempt
# can only show up as one of these errors; counted, not prevented (prevention is --network none).
NETWORK_ERROR = re.compile(
    r"Network is unreachable|ENETUNREACH|Could not resolve host|Temporary failure in name "
    r"resolution|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|Name or service not known|"
    r"Failed to connect to \S+ port|Couldn't connect to server",
    re.IGNORECASE,
)
# Writes the sandbox refused, as shells, coreutils, Python and Node report them. Only messages that
# name a write: a read can fail with "Permission denied" too, but never with EROFS.
_REFUSED_WRITE = [
    re.compile(p)
    for p in (
        r"cannot create (?P<path>/[^\s:'\"]+): (?:Read-only file system|Permission denied)",
        r"(?<![\w.~/-])(?P<path>/[^\s:'\"]+): Read-only file system",
        r"cannot (?:touch|create directory|create regular file|remove|move) '(?P<path>/[^']+)': "
        r"(?:Read-only file system|Permission denied)",
        r"EROFS: read-only file system, \w+ '(?P<path>/[^']+)'",
        r"\[Errno 30\] Read-only file system: '(?P<path>/[^']+)'",
    )
]
# The image's entrypoint starts the proxy forwarder in the background and the container counts
# as started before it listens: the agent's command waits for its ready file (at most 5 s).
_AFTER_FORWARDER = (
    'i=0; until ls /tmp/cab-forward.* >/dev/null 2>&1 || [ "$i" -ge 100 ]; do '
    'sleep 0.05; i=$((i + 1)); done; exec "$@"'
)
# Artifacts never carry secrets: every occurrence of these values is replaced.
REDACTED = "[REDACTED]"
MAX_LOG_BYTES = 8 << 20


class CellError(Exception):
    """The cell could not produce a receipt at all (bad input, no image, unusable output dir)."""


class InfraError(Exception):
    """Infrastructure failed during the cell (Docker, proxy, checks container): not the agent."""


class ModelAccess(Protocol):
    """What the cell needs from the proxy (runner.proxy.ProxyServer satisfies it)."""

    socket_path: Path
    usage_dir: Path

    def mint_key(self, cell_id: str, ttl_s: float = ...) -> str: ...

    @property
    def running(self) -> bool: ...


@dataclass(frozen=True)
class ResolvedImage:
    tag: str
    image_id: str
    version: str


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


@dataclass
class _Attempt:
    """What one try of the agent phase observed (kept whole for the receipt)."""

    exit_code: int | None = None
    timed_out: bool = False
    stdout: bytes = b""
    stderr: bytes = b""
    transcript: dict[str, str] = field(default_factory=dict)
    changes: Changes | None = None
    outside: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    agent_s: float = 0.0
    collect_s: float = 0.0


def model_route(catalog: Catalog, model: str) -> tuple[str, str]:
    """(LiteLLM route, endpoint identity) a receipt records for `model`."""
    if model in CALIBRATION_MODELS:
        return f"openai/{model}", f"calibration:{model}"
    spec = catalog.models.get(model)
    endpoint = str(spec.serving.api_base) if spec.serving.api_base else spec.serving.route
    return spec.serving.route, endpoint


def agent_model_name(api: ApiRoute, model: str) -> str:
    """The model name the agent asks the proxy for (Gemini CLI only knows Gemini names)."""
    if api is ApiRoute.gemini:
        from runner.proxy import gemini_alias

        return gemini_alias(model)
    return model


def _redact(data: bytes, secrets: Sequence[str]) -> bytes:
    for secret in secrets:
        if secret:
            data = data.replace(secret.encode(), REDACTED.encode())
    return data


def _write_artifact(folder: Path, rel: str, data: bytes) -> Artifact:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Artifact(path=rel, digest="sha256:" + hashlib.sha256(data).hexdigest(), size=len(data))


@functools.cache
def _git_sha(root: Path) -> str | None:
    proc = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    sha = proc.stdout.strip()
    return sha if proc.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", sha) else None


def _host() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cpus, {mem:.0f} GiB"


def _usage(ctx: CellContext, cell: CellId, agent_tokens: int | None) -> Usage:
    from runner.proxy import read_usage

    records = read_usage(ctx.proxy.usage_dir, cell.key)
    ok = [r for r in records if r.get("status") == "success"]
    costs: list[float] = [float(r["cost_usd"]) for r in ok if r.get("cost_usd") is not None]
    return Usage(
        requests=len(records),
        failed_requests=len(records) - len(ok),
        input_tokens=sum(int(r.get("input_tokens") or 0) for r in ok),
        output_tokens=sum(int(r.get("output_tokens") or 0) for r in ok),
        cached_tokens=sum(int(r.get("cached_tokens") or 0) for r in ok),
        # A cost only when every successful request was priced (calibration models never are).
        cost_usd=sum(costs) if ok and len(costs) == len(ok) else None,
        agent_reported_tokens=agent_tokens,
    )


def _model_failed_for_infra(ctx: CellContext, cell: CellId, *, timed_out: bool) -> bool:
    """The model side broke, not the agent: its last request (after the agent's own retries)
    failed with a server status (5xx, 408, 429), or with none at all because the upstream
    connection dropped or stalled (seen with `flaky`: LiteLLM logs "Connection error." and no
    status). An agent killed at its time limit aborts its request the same status-less way, so
    for a timed-out run only an explicit server status counts."""
    from runner.proxy import read_usage

    records = read_usage(ctx.proxy.usage_dir, cell.key)
    if not records or records[-1].get("status") == "success":
        return False
    status = int(records[-1].get("http_status") or 0)
    if status >= 500 or status in (408, 429):
        return True
    return status == 0 and not timed_out


def _is_own(path: str) -> bool:
    return any(path == own or path.startswith(own + "/") for own in _OWN_PATHS)


def _outside_workspace(changes: Sequence[str]) -> list[str]:
    """Changed container paths outside the agent's own places, leaves only: `docker diff` also
    lists every parent directory of a change, which is the same write counted again."""
    paths = {p for p in changes if not _is_own(p) and p not in _ENGINE_PATHS}
    engine_parents = {parent for e in _ENGINE_PATHS for parent in _parents(e)}
    # /usr and /usr/sbin are listed because of the engine's mount: they count only when
    # something else changed below them.
    others = paths - engine_parents
    paths = {
        p for p in paths if p not in engine_parents or any(q.startswith(p + "/") for q in others)
    }
    return sorted(p for p in paths if not any(q.startswith(p + "/") for q in paths))


def _parents(path: str) -> list[str]:
    parts = path.strip("/").split("/")[:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def refused_writes(output: str) -> list[str]:
    """Paths outside the workspace whose writes the sandbox refused, per the agent's output."""
    found = {m.group("path") for rx in _REFUSED_WRITE for m in rx.finditer(output)}
    return sorted(p.rstrip(".,;") for p in found if not _is_own(p.rstrip(".,;")))


def network_attempts(outputs: Sequence[str]) -> int:
    """Refused connections: the most found in any one source (stdout+stderr, or one transcript
    file), since an agent's stream and its transcript often report the same error twice."""
    return max((len(NETWORK_ERROR.findall(text)) for text in outputs), default=0)


# Failure classes that are the model endpoint's answer: the proxy logs every such request, so a
# text match is only believed when the proxy saw one fail (agents print file contents and ids
# that can look like "429" or "api_error").
_MODEL_SIDE_FAILURES = {
    FailureClass.rate_limit,
    FailureClass.server_error,
    FailureClass.model_not_found,
    FailureClass.context_window,
}


def credible_failure(
    failure: FailureClass | None, exit_code: int | None, usage: Usage
) -> FailureClass | None:
    """The agent's failure class, unless the harness's own observations contradict it: an agent
    that exited 0 while every model request succeeded did not hit a model-side failure."""
    if failure in _MODEL_SIDE_FAILURES and usage.failed_requests == 0 and exit_code == 0:
        return None
    return failure


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


def _scope_violations(
    paths: Sequence[str], allowed: Sequence[str], forbidden: Sequence[str]
) -> list[str]:
    return sorted(
        p
        for p in paths
        if any(fnmatchcase(p, g) for g in forbidden) or not any(fnmatchcase(p, g) for g in allowed)
    )


def _agent_phase(
    ctx: CellContext,
    cell: CellId,
    image: ResolvedImage,
    key: str,
    work: Path,
    task_dir: Path,
    time_limit_s: float,
    removals: list[threading.Thread],
) -> _Attempt:
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
        env={"HOME": AGENT_HOME, **run.env},
        workdir=WORKSPACE,
        limits=ctx.limits,
        read_only_root=spec.read_only_root,
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
    attempt = _Attempt()
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
        # A read-only root leaves nothing writable outside the mounts and tmpfs: `docker diff`
        # (about a second) could only list the engine's own mount points.
        if not sandbox_spec.read_only_root:
            attempt.outside = _outside_workspace([c.path for c in sandbox.diff()])
    except BaseException:
        sandbox.stop()
        raise
    remover = threading.Thread(target=_stop_quietly, args=(sandbox,), name="sandbox-remove")
    remover.start()
    removals.append(remover)
    attempt.transcript = read_transcript_files(spec, home)
    remove_workspace_state(spec.workspace_state, ws_dir, task_dir / "repo")
    attempt.changes = collect_changes(ws)
    attempt.collect_s = time.monotonic() - started
    return attempt


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


def run_cell(cell: CellId, ctx: CellContext) -> CellResult:
    """Run one cell and write its signed receipt; infra errors are retried with backoff and,
    if they persist, recorded as the `infra_error` outcome (never as the agent's failure)."""
    started_at = datetime.now(UTC)
    t0 = time.monotonic()
    catalog = ctx.catalog
    check_cell(catalog, cell)
    task_spec = catalog.tasks[cell.task]
    task_dir = catalog.root / "tasks" / cell.task
    # Resolved inside the infra-retry loop below: an engine that does not answer is an infra
    # error (retried, then recorded), not a missing image.
    image: ResolvedImage | None = None
    runtime: str | None = None
    digest = ctx.task_digests.get(cell.task)
    if digest is None:
        digest = ctx.task_digests[cell.task] = task_digest(task_dir, task_spec)
    route, endpoint = model_route(catalog, cell.model)
    resolve_s = time.monotonic() - t0

    (ctx.out_dir / ".work").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"cab-{cell.task}-", dir=ctx.out_dir / ".work"))
    # The proxy's master key never reaches a container, but nothing secret may reach a receipt.
    secrets: list[str] = [getattr(ctx.proxy, "master_key", "")]
    removals: list[threading.Thread] = []
    retries = 0
    attempt = _Attempt()
    checks: CheckOutcome | None = None
    infra_detail = ""
    workspace_s = checks_s = 0.0
    try:
        while True:
            key = ctx.proxy.mint_key(cell.key, ttl_s=task_spec.time_limit_s + 600)
            secrets.append(key)
            raise_if_interrupted()
            infra_detail = ""
            # Metering covers this try only (and not an earlier run of the same cell).
            from runner.proxy import usage_file

            usage_file(ctx.proxy.usage_dir, cell.key).unlink(missing_ok=True)
            try:
                if image is None:
                    image = ctx.agent_image(cell.agent)
                if runtime is None:
                    runtime = ctx.runtime_image(task_spec.runtime_image)
                ws_started = time.monotonic()
                ctx.progress(f"{cell.key}: agent phase (limit {task_spec.time_limit_s}s)")
                attempt = _agent_phase(
                    ctx, cell, image, key, work, task_dir, task_spec.time_limit_s, removals
                )
                workspace_s = time.monotonic() - ws_started - attempt.agent_s - attempt.collect_s
                # An agent whose last model request failed for the endpoint's reasons (after its
                # own retries) was stopped by the infrastructure: its run, and its metered usage,
                # are incomplete even when what it did by then would pass. Retried, never
                # counted against it. Some agents exit 0 after giving up, so the exit code does
                # not decide this.
                if not ctx.proxy.running:
                    # A dead proxy writes no usage record, so only its process can tell.
                    raise InfraError("the LiteLLM proxy stopped during the cell")
                if _model_failed_for_infra(ctx, cell, timed_out=attempt.timed_out):
                    raise InfraError("the model endpoint kept failing (5xx/429 after retries)")
                ctx.progress(f"{cell.key}: checks")
                c_started = time.monotonic()
                assert attempt.changes is not None
                checks = run_checks(task_dir, task_spec, attempt.changes.patch, runtime)
                checks_s = time.monotonic() - c_started
                break
            except (InfraError, SandboxError, ChecksInfraError, WorkspaceError) as exc:
                # Our own signal handler removed the containers: not an infra error to retry.
                if interrupted():
                    raise Interrupted("interrupted by a signal") from exc
                infra_detail = f"{type(exc).__name__}: {exc}"
                checks = None
                if retries >= ctx.max_infra_retries:
                    break
                retries += 1
                ctx.progress(f"{cell.key}: infra error, retry {retries}: {infra_detail[:120]}")
                sleep_unless_interrupted(ctx.retry_backoff_s * 2 ** (retries - 1))
        # Artifacts and receipt are staged, then moved into place in one rename: a cell folder
        # is either a previous complete result or the new one, never half of each.
        stage = work / "result"
        stage.mkdir()
        if image is None:  # the engine never answered: the receipt names the locked image
            image = locked_agent_image(catalog.root, cell.agent)
        result = _finish(
            ctx, cell, stage, attempt, checks, infra_detail, retries, secrets,
            image=image, route=route, endpoint=endpoint, task_digest_=digest,
            started_at=started_at, t0=t0,
            phases=(resolve_s, max(workspace_s, 0.0), checks_s),
        )  # fmt: skip
        cell_dir = ctx.out_dir / cell.key
        _publish(stage, cell_dir, work / "previous")
        return dataclasses.replace(result, envelope=cell_dir / result.envelope.name)
    finally:
        for remover in removals:
            remover.join()
        shutil.rmtree(work, ignore_errors=True)


def _publish(stage: Path, cell_dir: Path, trash: Path) -> None:
    if cell_dir.exists():
        cell_dir.rename(trash)  # removed with the work folder
    stage.rename(cell_dir)


def _finish(
    ctx: CellContext,
    cell: CellId,
    cell_dir: Path,
    attempt: _Attempt,
    checks: CheckOutcome | None,
    infra_detail: str,
    retries: int,
    secrets: Sequence[str],
    *,
    image: ResolvedImage,
    route: str,
    endpoint: str,
    task_digest_: str,
    started_at: datetime,
    t0: float,
    phases: tuple[float, float, float],
) -> CellResult:
    catalog = ctx.catalog
    spec = catalog.agents[cell.agent]
    task_spec = catalog.tasks[cell.task]
    stdout = attempt.stdout.decode("utf-8", errors="replace")
    stderr = attempt.stderr.decode("utf-8", errors="replace")
    report = parse_transcript(
        spec, stdout, attempt.transcript, stderr=stderr, timed_out=attempt.timed_out
    )
    usage = _usage(ctx, cell, report.usage.total_tokens if report.usage else None)
    failure = credible_failure(report.failure, attempt.exit_code, usage)
    changes = attempt.changes
    patch = changes.patch if changes else ""

    # Outcome: the checks decide pass/fail; the agent's exit only explains a failure. A run cut
    # at its time limit is a timeout whatever its workspace holds: it did not finish in time.
    if checks is None:
        outcome, detail = Outcome.infra_error, infra_detail or "no checks ran"
    elif attempt.timed_out:
        outcome, detail = Outcome.agent_timeout, f"agent exceeded {task_spec.time_limit_s}s"
    elif checks.passed:
        outcome, detail = Outcome.passed, "runner, lint and diff checks pass"
    elif attempt.exit_code not in (0, None) or failure is not None:
        why = failure.value if failure else f"exit code {attempt.exit_code}"
        outcome, detail = Outcome.agent_error, f"agent failed ({why})"
    else:
        failing = [v for v in checks.verdicts if not v.passed]
        outcome, detail = Outcome.failed, "; ".join(f"{v.name}: {v.summary}" for v in failing)

    # Artifacts, content-addressed by digest in the receipt, secrets redacted.
    arts: list[Artifact] = []
    patch_art = _write_artifact(cell_dir, "patch.diff", _redact(patch.encode(), secrets))
    log = (
        f"$ exit={attempt.exit_code} timed_out={attempt.timed_out} "
        f"duration={attempt.agent_s:.2f}s\n--- stdout ---\n".encode()
        + attempt.stdout[-MAX_LOG_BYTES:]
        + b"\n--- stderr ---\n"
        + attempt.stderr[-MAX_LOG_BYTES:]
    )
    log_art = _write_artifact(cell_dir, "agent.log", _redact(log, secrets))
    transcript_art = None
    if attempt.transcript:
        raw = json.dumps(attempt.transcript, sort_keys=True, indent=1).encode()
        transcript_art = _write_artifact(cell_dir, "transcript.json", _redact(raw, secrets))
    trajectory_art = trajectory_artifact(
        cell_dir, spec, version=image.version, model=cell.model, stdout=stdout,
        prompt=(catalog.root / "tasks" / cell.task / "instruction.md").read_text(encoding="utf-8"),
        files=attempt.transcript, usage=usage, session_id=cell.key,
        redact=lambda data: _redact(data, secrets),
    )  # fmt: skip
    check_results: list[CheckResult] = []
    if checks is not None:
        for verdict in checks.verdicts:
            name = CheckName(verdict.name)
            log_bytes = checks.logs.get(verdict.name)
            art = None
            if log_bytes:
                art = _write_artifact(cell_dir, f"checks/{verdict.name}.log",
                                      _redact(log_bytes, secrets))  # fmt: skip
                arts.append(art)
            check_results.append(
                CheckResult(
                    name=name,
                    passed=verdict.passed,
                    summary=verdict.summary[:500],
                    log_digest=art.digest if art else None,
                    duration_s=round(checks.durations_s.get(verdict.name, 0.0), 3),
                )
            )
        check_results.sort(key=lambda c: list(CheckName).index(c.name))

    policy = task_spec.checks.diff
    paths = changes.paths if changes else ()
    output = stdout + stderr + "".join(attempt.transcript.values())
    blast = BlastRadius(
        files_changed=len(changes.modified) if changes else 0,
        files_added=len(changes.added) if changes else 0,
        files_deleted=len(changes.deleted) if changes else 0,
        lines_added=changes.lines_added if changes else 0,
        lines_deleted=changes.lines_deleted if changes else 0,
        paths_outside_scope=_scope_violations(paths, policy.allowed_paths, policy.forbidden_paths),
        writes_outside_workspace=attempt.outside,
        writes_refused_outside_workspace=refused_writes(output),
        network_attempts=network_attempts([stdout + stderr, *attempt.transcript.values()]),
        leftover_processes=len(attempt.leftovers),
    )
    resolve_s, workspace_s, checks_s = phases
    total_s = time.monotonic() - t0
    finished_at = datetime.now(UTC)
    receipt = Receipt(
        methodology_version=runner.METHODOLOGY_VERSION,
        cell=cell,
        agent=AgentRef(
            name=cell.agent, version=image.version, image=image.tag, image_digest=image.image_id
        ),
        model=ModelRef(id=cell.model, route=route, endpoint=endpoint),
        task=TaskRef(id=cell.task, digest=task_digest_),
        runner=RunnerRef(
            id=ctx.runner_id,
            harness_version=runner.__version__,
            harness_git_sha=_git_sha(catalog.root),
            host=_host(),
        ),
        timings=Timings(
            started_at=started_at,
            finished_at=finished_at,
            resolve_s=round(resolve_s, 3),
            workspace_s=round(workspace_s, 3),
            agent_s=round(attempt.agent_s, 3),
            collect_s=round(attempt.collect_s, 3),
            checks_s=round(checks_s, 3),
            total_s=round(total_s, 3),
        ),
        usage=usage,
        checks=check_results,
        outcome=outcome,
        outcome_detail=detail[:500],
        failure_class=failure.value if failure else None,
        infra_retries=retries,
        blast_radius=blast,
        artifacts=Artifacts(
            patch=patch_art,
            transcript=transcript_art,
            agent_log=log_art,
            check_logs=arts,
            trajectory=trajectory_art,
        ),
    )
    # After a signal the containers were removed under the cell: what it saw is not a result.
    raise_if_interrupted()
    predicate = cell_dir / "receipt.json"
    tmp = predicate.with_suffix(".tmp")
    tmp.write_text(receipt.model_dump_json(indent=1), encoding="utf-8")
    tmp.replace(predicate)
    envelope = sign_receipt(predicate, ctx.signer)
    commands_s = max(checks.command_s.values(), default=0.0) if checks is not None else 0.0
    return CellResult(
        cell, outcome, envelope, detail, total_s, attempt.agent_s, checks_s, commands_s
    )


def hostname_runner_id() -> str:
    return "local-" + re.sub(r"[^a-z0-9-]+", "-", socket.gethostname().lower()).strip("-")
