"""Gold validation of a task: the baseline fails for the right reason, the gold patch passes all
three checks, twice with the same verdicts, and the task digest does not move."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from runner.catalog import TaskSpec, task_digest
from runner.checks._run import CheckOutcome, ChecksInfraError, run_checks
from runner.checks._verdict import listing

RUNS = 2  # a second run catches order-dependent or flaky hidden tests


@dataclass
class TaskValidation:
    task_id: str
    ok: bool = False
    reason: str = ""
    digest: str = ""
    seconds: float = 0.0
    baseline_failing: list[str] = field(default_factory=list)
    gold: list[str] = field(default_factory=list)  # "runner: ..." summaries of the first gold run


def _fingerprint(outcome: CheckOutcome) -> tuple[tuple[str, bool, str], ...]:
    return tuple((v.name, v.passed, v.summary) for v in outcome.verdicts)


def _baseline_problem(spec: TaskSpec, outcome: CheckOutcome) -> str | None:
    facts = outcome.runner.facts
    if outcome.runner.passed:
        return "baseline: the runner check passes without any patch (task is pre-solved)"
    if not facts.get("suite_ran"):
        return f"baseline: {outcome.runner.summary}"
    p2p = list(facts.get("pass_to_pass_failed", []))
    if p2p:
        return f"baseline: pass_to_pass tests fail: {listing(p2p)}"
    f2p = list(facts.get("fail_to_pass_failed", []))
    passing = [t for t in spec.checks.runner.fail_to_pass if t not in f2p]
    if not f2p:
        return "baseline: no fail_to_pass test fails"
    if passing:
        return f"baseline: fail_to_pass tests already pass: {listing(passing)}"
    return None


def validate_task(task_dir: Path, spec: TaskSpec, image: str) -> TaskValidation:
    """Never raises for a broken task: the reason is in the result. Docker failures too."""
    started = time.monotonic()
    result = TaskValidation(task_id=spec.id)
    try:
        result.digest = task_digest(task_dir, spec)
        gold_patch = (task_dir / "solution.patch").read_text(encoding="utf-8")
        baselines, golds = [], []
        for _ in range(RUNS):
            baselines.append(run_checks(task_dir, spec, "", image))
            golds.append(run_checks(task_dir, spec, gold_patch, image))
        result.baseline_failing = list(baselines[0].runner.facts.get("fail_to_pass_failed", []))
        result.gold = [f"{v.name}: {v.summary}" for v in golds[0].verdicts]
        problem = _baseline_problem(spec, baselines[0])
        if problem is None:
            failed = [v for v in golds[0].verdicts if not v.passed]
            if failed:
                problem = "gold patch: " + "; ".join(f"{v.name}: {v.summary}" for v in failed)
        if problem is None and len({_fingerprint(o) for o in baselines}) != 1:
            problem = "baseline verdicts differ between runs (flaky hidden tests?)"
        if problem is None and len({_fingerprint(o) for o in golds}) != 1:
            problem = "gold verdicts differ between runs (flaky hidden tests?)"
        if problem is None and task_digest(task_dir, spec) != result.digest:
            problem = "the task digest changed during validation (something wrote into the task)"
        result.ok = problem is None
        result.reason = problem or ""
    except ChecksInfraError as exc:
        result.reason = f"infrastructure: {exc}"
    except (OSError, UnicodeDecodeError) as exc:
        result.reason = f"cannot read the task: {exc}"
    result.seconds = round(time.monotonic() - started, 1)
    return result
