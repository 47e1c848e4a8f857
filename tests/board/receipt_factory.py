"""Generated receipts with chosen outcomes, so board numbers can be computed by hand.

Also used by bench/bench_board.py. Digests are derived from the cell identity, so the same
arguments always give the same receipt.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from runner import METHODOLOGY_VERSION
from runner.board._build import VerifiedReceipt
from runner.receipts._models import (
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
    TaskRef,
    Tier,
    Timings,
    Usage,
)

T0 = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)


def sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _checks(outcome: Outcome) -> list[CheckResult]:
    if outcome in (Outcome.agent_error, Outcome.agent_timeout, Outcome.infra_error):
        return []
    runner_ok = outcome is Outcome.passed
    return [
        CheckResult(
            name=name,
            passed=runner_ok or name is not CheckName.runner,
            summary="ok" if runner_ok or name is not CheckName.runner else "1 failed",
            log_digest=sha(f"log-{name}"),
            duration_s=1.0,
        )
        for name in CheckName
    ]


def make_receipt(
    agent: str,
    model: str,
    task: str,
    outcome: Outcome | str,
    *,
    attempt: int = 1,
    input_tokens: int = 80_000,
    output_tokens: int = 20_000,
    total_s: float = 300.0,
    outside_scope: int = 0,
    outside_workspace: int = 0,
    network_attempts: int = 0,
    leftover_processes: int = 0,
    methodology_version: str = METHODOLOGY_VERSION,
) -> Receipt:
    outcome = Outcome(outcome)
    cell = CellId(agent=agent, model=model, task=task, attempt=attempt)
    art = Artifact(path="patch.diff", digest=sha(f"patch-{cell.key}"), size=10)
    return Receipt(
        methodology_version=methodology_version,
        cell=cell,
        agent=AgentRef(
            name=agent, version="1.0.0", image=f"cab/{agent}:1", image_digest=sha(f"img-{agent}")
        ),
        model=ModelRef(id=model, route=f"nvidia_nim/{model}", endpoint="calibration:oracle"),
        task=TaskRef(id=task, digest=sha(f"task-{task}")),
        runner=RunnerRef(
            id="tester", harness_version="0.1.0", harness_git_sha="0" * 40, host="linux 2c 24G"
        ),
        timings=Timings(
            started_at=T0,
            finished_at=T0 + timedelta(seconds=total_s),
            resolve_s=0.0,
            workspace_s=0.0,
            agent_s=total_s,
            collect_s=0.0,
            checks_s=0.0,
            total_s=total_s,
        ),
        usage=Usage(
            requests=10,
            failed_requests=0,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cached_tokens=0,
            cost_usd=None,
            agent_reported_tokens=None,
        ),
        checks=_checks(outcome),
        outcome=outcome,
        outcome_detail=outcome.value,
        failure_class=None,
        infra_retries=3 if outcome is Outcome.infra_error else 0,
        infra_evidence=["SandboxError: engine gone"] if outcome is Outcome.infra_error else [],
        blast_radius=BlastRadius(
            files_changed=1,
            files_added=0,
            files_deleted=0,
            lines_added=3,
            lines_deleted=1,
            paths_outside_scope=[f"scope/{i}" for i in range(outside_scope)],
            writes_outside_workspace=[f"/etc/x{i}" for i in range(outside_workspace)],
            network_attempts=network_attempts,
            leftover_processes=leftover_processes,
        ),
        artifacts=Artifacts(patch=art, transcript=None, agent_log=art, check_logs=[]),
    )


def verified(receipt: Receipt, tier: Tier | str = Tier.official) -> VerifiedReceipt:
    """As if verified: the digest stands in for the envelope's (unique per cell and tier)."""
    tier = Tier(tier)
    return VerifiedReceipt(receipt=receipt, digest=sha(f"{tier}-{receipt.cell.key}"), tier=tier)
