"""The receipt of a cell from what it observed, without writing anything: metered usage, the
artifacts' bytes (secrets redacted) and their digests, the check results, the receipt itself.
The caller writes the artifacts and the receipt (runner/cell/_lifecycle.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import runner
from runner.agents import TRAJECTORY_FILE
from runner.cell._outcome import Decision
from runner.cell._workspace import Changes
from runner.checks import CheckOutcome
from runner.receipts import (
    AgentRef,
    Artifact,
    Artifacts,
    BlastRadius,
    CellId,
    CheckName,
    CheckResult,
    ImageIdentity,
    ModelRef,
    Receipt,
    RunnerRef,
    TaskRef,
    Timings,
    Usage,
)
from runner.sandbox import Egress

if TYPE_CHECKING:
    from runner.proxy import UsageRecord

# Artifacts never carry secrets: every occurrence of these values is replaced.
REDACTED = "[REDACTED]"
MAX_LOG_BYTES = 8 << 20
PATCH, AGENT_LOG, TRANSCRIPT = "patch.diff", "agent.log", "transcript.json"
TRAJECTORY = TRAJECTORY_FILE  # the ATIF trajectory (runner.agents writes its bytes)
REPORT = "checks/report.xml"  # the runner's JUnit report as the runner check scored it


@dataclass(frozen=True)
class ResolvedImage:
    tag: str
    image_id: str
    version: str
    # Registry digest or dependency lock of the image (None: the engine never answered)
    identity: ImageIdentity | None = None


@dataclass
class Attempt:
    """What one try of the agent phase observed (kept whole for the receipt)."""

    exit_code: int | None = None
    timed_out: bool = False
    stdout: bytes = b""
    stderr: bytes = b""
    transcript: dict[str, str] = field(default_factory=dict)
    changes: Changes | None = None
    outside: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    egress: Egress = field(default_factory=Egress)
    agent_s: float = 0.0
    collect_s: float = 0.0


@dataclass(frozen=True)
class Provenance:
    """What the cell ran, and where: known before its agent phase starts."""

    cell: CellId
    image: ResolvedImage
    route: str
    endpoint: str
    task_digest: str
    runner: RunnerRef


def metered_usage(records: Sequence[UsageRecord], agent_tokens: int | None) -> Usage:
    """The receipt's usage: the proxy's records of this try; tokens of successful requests."""
    ok = [r for r in records if r.ok]
    costs = [r.cost_usd for r in ok if r.cost_usd is not None]
    return Usage(
        requests=len(records),
        failed_requests=len(records) - len(ok),
        input_tokens=sum(r.input_tokens for r in ok),
        output_tokens=sum(r.output_tokens for r in ok),
        cached_tokens=sum(r.cached_tokens for r in ok),
        # A cost only when every successful request was priced (calibration models never are).
        cost_usd=sum(costs) if ok and len(costs) == len(ok) else None,
        agent_reported_tokens=agent_tokens,
    )


def redact(data: bytes, secrets: Sequence[str]) -> bytes:
    for secret in secrets:
        if secret:
            data = data.replace(secret.encode(), REDACTED.encode())
    return data


def _check_log(name: str) -> str:
    return f"checks/{name}.log"


def artifact_files(
    attempt: Attempt, checks: CheckOutcome | None, secrets: Sequence[str]
) -> dict[str, bytes]:
    """Every artifact's path in the cell folder and its bytes, secrets redacted: the patch, the
    agent's log, its transcript (when it left one) and each check's log (when not empty)."""
    patch = attempt.changes.patch if attempt.changes else ""
    log = (
        f"$ exit={attempt.exit_code} timed_out={attempt.timed_out} "
        f"duration={attempt.agent_s:.2f}s\n--- stdout ---\n".encode()
        + attempt.stdout[-MAX_LOG_BYTES:]
        + b"\n--- stderr ---\n"
        + attempt.stderr[-MAX_LOG_BYTES:]
    )
    files = {PATCH: patch.encode(), AGENT_LOG: log}
    if attempt.transcript:
        files[TRANSCRIPT] = json.dumps(attempt.transcript, sort_keys=True, indent=1).encode()
    if checks is not None:
        for verdict in checks.verdicts:
            if log_bytes := checks.logs.get(verdict.name):
                files[_check_log(verdict.name)] = log_bytes
        if report := checks.logs.get("report"):  # what was scored is kept
            files[REPORT] = report
    return {rel: redact(data, secrets) for rel, data in files.items()}


def _artifact(files: Mapping[str, bytes], rel: str) -> Artifact:
    data = files[rel]
    return Artifact(path=rel, digest="sha256:" + hashlib.sha256(data).hexdigest(), size=len(data))


def artifact_index(files: Mapping[str, bytes], checks: CheckOutcome | None) -> Artifacts:
    """The receipt's content-addressed list of `files` (as artifact_files returns them)."""
    names = [v.name for v in checks.verdicts] if checks is not None else []
    return Artifacts(
        patch=_artifact(files, PATCH),
        transcript=_artifact(files, TRANSCRIPT) if TRANSCRIPT in files else None,
        agent_log=_artifact(files, AGENT_LOG),
        check_logs=[_artifact(files, _check_log(n)) for n in names if _check_log(n) in files],
        trajectory=_artifact(files, TRAJECTORY) if TRAJECTORY in files else None,
        report=_artifact(files, REPORT) if REPORT in files else None,
    )


def check_results(checks: CheckOutcome | None, logs: Sequence[Artifact]) -> list[CheckResult]:
    """One result per check, in CheckName order, each naming the digest of its stored log
    (`logs`: the check logs of artifact_index)."""
    if checks is None:
        return []
    digests = {a.path: a.digest for a in logs}
    results = [
        CheckResult(
            name=CheckName(verdict.name),
            passed=verdict.passed,
            summary=verdict.summary[:500],
            log_digest=digests.get(_check_log(verdict.name)),
            duration_s=round(checks.durations_s.get(verdict.name, 0.0), 3),
        )
        for verdict in checks.verdicts
    ]
    return sorted(results, key=lambda c: list(CheckName).index(c.name))


def phase_timings(
    attempt: Attempt,
    phases: tuple[float, float, float],
    *,
    started_at: datetime,
    finished_at: datetime,
    total_s: float,
    infra_s: float = 0.0,
) -> Timings:
    """`phases` is (resolve, workspace, checks) in seconds; the attempt holds agent and collect."""
    resolve_s, workspace_s, checks_s = phases
    return Timings(
        started_at=started_at,
        finished_at=finished_at,
        resolve_s=round(resolve_s, 3),
        workspace_s=round(workspace_s, 3),
        agent_s=round(attempt.agent_s, 3),
        collect_s=round(attempt.collect_s, 3),
        checks_s=round(checks_s, 3),
        total_s=round(total_s, 3),
        infra_s=round(infra_s, 3),
    )


def build_receipt(
    prov: Provenance,
    decision: Decision,
    *,
    timings: Timings,
    usage: Usage,
    checks: list[CheckResult],
    blast: BlastRadius,
    artifacts: Artifacts,
    retries: int,
    infra_evidence: Sequence[str] = (),
) -> Receipt:
    cell, image = prov.cell, prov.image
    return Receipt(
        methodology_version=runner.METHODOLOGY_VERSION,
        cell=cell,
        agent=AgentRef(
            name=cell.agent,
            version=image.version,
            image=image.tag,
            image_digest=image.image_id,
            image_identity=image.identity,
        ),
        model=ModelRef(id=cell.model, route=prov.route, endpoint=prov.endpoint),
        task=TaskRef(id=cell.task, digest=prov.task_digest),
        runner=prov.runner,
        timings=timings,
        usage=usage,
        checks=checks,
        outcome=decision.outcome,
        outcome_detail=decision.detail[:500],
        failure_class=decision.failure.value if decision.failure else None,
        infra_retries=retries,
        infra_evidence=[e[:500] for e in infra_evidence][:20],
        blast_radius=blast,
        artifacts=artifacts,
    )


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


def runner_ref(runner_id: str, root: Path) -> RunnerRef:
    """This runner and harness as the receipt names them (the host's git tree and size)."""
    return RunnerRef(
        id=runner_id,
        harness_version=runner.__version__,
        harness_git_sha=_git_sha(root),
        host=_host(),
    )
