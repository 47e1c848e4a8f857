"""Gold validation of a task: the baseline fails for the right reason, the gold patch passes all
three checks, twice with the same verdicts, every hidden test that runs is in fail_to_pass or
pass_to_pass, the visible tests in repo/ pass on the baseline and with the gold patch, the task
ships at least MIN_DECOYS decoys and every one fails the checks (run once each), and the task
digest does not move."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from runner.catalog import MIN_DECOYS, Decoy, DecoyError, TaskSpec, load_decoys, task_digest
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
class DecoyResult:
    """One decoy's run through the checks. `caught_by`: the checks that failed it, each one of
    runner, lint, diff, tamper (the runner check refusing a tamper construct), in that order."""

    path: str  # decoys/<name>.patch
    kind: str
    caught_by: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)  # "<check>: <summary>", same order
    broken: str = ""  # the decoy does not apply: it proves nothing

    @property
    def rejected(self) -> bool:
        return bool(self.caught_by) and not self.broken


def caught_by(outcome: CheckOutcome) -> list[tuple[str, str]]:
    """(check, summary) for every failing check; a tamper refusal is named `tamper`."""
    out = []
    for v in outcome.verdicts:
        if not v.passed:
            name = "tamper" if v.name == "runner" and v.facts.get("tampering") else v.name
            out.append((name, v.summary))
    order = ("runner", "lint", "diff", "tamper")
    return sorted(out, key=lambda c: order.index(c[0]))


_NOT_APPLIED = "the patch does not apply"


def decoy_result(decoy: Decoy, outcome: CheckOutcome) -> DecoyResult:
    caught = caught_by(outcome)
    result = DecoyResult(
        decoy.path, decoy.kind, [c for c, _ in caught], [f"{c}: {s}" for c, s in caught]
    )
    if outcome.runner.summary.startswith(_NOT_APPLIED):
        result.broken = outcome.runner.summary
    return result


def _decoy_problem(decoys: list[DecoyResult]) -> str | None:
    broken = [d for d in decoys if d.broken]
    if broken:
        return f"{broken[0].path}: {broken[0].broken} (fix the decoy)"
    passing = [d for d in decoys if not d.caught_by]
    if passing:
        names = ", ".join(f"{d.path} ({d.kind})" for d in passing)
        return (
            f"decoy passes every check (a loophole: close it with a hidden test or the diff "
            f"policy): {names}"
        )
    if len(decoys) < MIN_DECOYS:
        return f"decoys: {len(decoys)} in decoys/, at least {MIN_DECOYS} required"
    return None


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
    decoys: list[DecoyResult] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        doc = dict(self.__dict__)
        doc["decoys"] = [{**d.__dict__, "rejected": d.rejected} for d in self.decoys]
        return doc


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
    return _decoy_problem(result.decoys)


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
        decoys = load_decoys(task_dir)  # a malformed decoy fails before any container starts
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
        # Once each: a decoy is wrong by construction, so a flaky pass would still be a loophole
        # worth closing, and the gold's second run already catches flaky hidden tests.
        result.decoys = [decoy_result(d, run(task_dir, spec, d.patch, image)) for d in decoys]
        problem = _judge(spec, baselines, golds, visible, result)
        if problem is None and task_digest(task_dir, spec) != result.digest:
            problem = "the task digest changed during validation (something wrote into the task)"
        result.ok = problem is None
        result.reason = problem or ""
    except ChecksInfraError as exc:
        result.reason = f"infrastructure: {exc}"
    except DecoyError as exc:
        result.reason = str(exc)
    except VisibleTestsError as exc:
        result.reason = f"task.toml: {exc}"
    except (OSError, UnicodeDecodeError) as exc:
        result.reason = f"cannot read the task: {exc}"
    result.seconds = round(time.monotonic() - started, 1)
    return result
