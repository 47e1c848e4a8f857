"""Gold validation of a task: the baseline fails for the right reason, the gold patch passes all
three checks, twice with the same verdicts, every hidden test that runs is in fail_to_pass or
pass_to_pass, the visible tests in repo/ pass on the baseline and with the gold patch, and the task
digest does not move."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from runner.catalog import TaskSpec, task_digest
from runner.checks._run import CheckOutcome, ChecksInfraError, run_checks
from runner.checks._verdict import listing
from runner.checks._visible import (
    VisibleRun,
    VisibleTestsError,
    run_visible_tests,
    unlisted_hidden_tests,
    unlisted_problem,
)

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
    visible: list[str] = field(default_factory=list)  # the visible tests, baseline and gold
    unlisted: list[str] = field(default_factory=list)  # hidden tests in neither list


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


# Seams for tests: how validation runs the checks and the visible tests (both start containers).
RunChecks = Callable[[Path, TaskSpec, str, str], CheckOutcome]
RunVisible = Callable[[Path, TaskSpec, str, str], VisibleRun]


def _gold_problem(outcome: CheckOutcome) -> str | None:
    failed = [v for v in outcome.verdicts if not v.passed]
    return "gold patch: " + "; ".join(f"{v.name}: {v.summary}" for v in failed) if failed else None


def _visible_problem(
    baseline: VisibleRun, gold: VisibleRun, baseline_passes: bool = True
) -> str | None:
    """tasks/README.md: the visible tests pass on the baseline and keep passing with the gold
    (or, for a task whose bug breaks its own test setup, fail on the baseline and pass with it)."""
    if baseline.passed != baseline_passes:
        if baseline_passes:
            return f"baseline: the visible tests in repo/ fail: {baseline.summary}"
        return "baseline: the visible tests pass, but the task says its bug breaks them"
    if not gold.passed:
        return f"gold patch: the visible tests in repo/ fail: {gold.summary}"
    return None


def _judge(
    spec: TaskSpec,
    baselines: list[CheckOutcome],
    golds: list[CheckOutcome],
    visible: tuple[VisibleRun, VisibleRun],
    result: TaskValidation,
) -> str | None:
    """The first problem, in the order a task author fixes them, or None."""
    ran = [list(o.runner.facts.get("tests", [])) for o in (*baselines, *golds)]
    result.unlisted = unlisted_hidden_tests(spec, ran)
    for problem in (
        _baseline_problem(spec, baselines[0]),
        _gold_problem(golds[0]),
        unlisted_problem(result.unlisted),
        _visible_problem(*visible, baseline_passes=spec.visible_tests.baseline == "pass"),
    ):
        if problem is not None:
            return problem
    if len({_fingerprint(o) for o in baselines}) != 1:
        return "baseline verdicts differ between runs (flaky hidden tests?)"
    if len({_fingerprint(o) for o in golds}) != 1:
        return "gold verdicts differ between runs (flaky hidden tests?)"
    return None


def validate_task(
    task_dir: Path,
    spec: TaskSpec,
    image: str,
    *,
    run: RunChecks = run_checks,
    run_visible: RunVisible = run_visible_tests,
) -> TaskValidation:
    """Never raises for a broken task: the reason is in the result. Docker failures too."""
    started = time.monotonic()
    result = TaskValidation(task_id=spec.id)
    try:
        result.digest = task_digest(task_dir, spec)
        gold_patch = (task_dir / "solution.patch").read_text(encoding="utf-8")
        baselines, golds = [], []
        for _ in range(RUNS):
            baselines.append(run(task_dir, spec, "", image))
            golds.append(run(task_dir, spec, gold_patch, image))
        visible = (
            run_visible(task_dir, spec, "", image),
            run_visible(task_dir, spec, gold_patch, image),
        )
        result.visible = [f"baseline: {visible[0].summary}", f"gold: {visible[1].summary}"]
        result.baseline_failing = list(baselines[0].runner.facts.get("fail_to_pass_failed", []))
        result.gold = [f"{v.name}: {v.summary}" for v in golds[0].verdicts]
        problem = _judge(spec, baselines, golds, visible, result)
        if problem is None and task_digest(task_dir, spec) != result.digest:
            problem = "the task digest changed during validation (something wrote into the task)"
        result.ok = problem is None
        result.reason = problem or ""
    except ChecksInfraError as exc:
        result.reason = f"infrastructure: {exc}"
    except VisibleTestsError as exc:
        result.reason = f"task.toml: {exc}"
    except (OSError, UnicodeDecodeError) as exc:
        result.reason = f"cannot read the task: {exc}"
    result.seconds = round(time.monotonic() - started, 1)
    return result
