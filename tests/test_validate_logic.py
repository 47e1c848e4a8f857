"""How validation judges a baseline run, without Docker."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.catalog import load_tasks
from runner.catalog._models import TaskSpec
from runner.checks import CheckOutcome, Verdict, runner_verdict
from runner.checks._validate import _baseline_problem

F2P = ["test_sample::test_fails", "test_sample::test_param[2]"]


@pytest.fixture(scope="module")
def spec(root: Path) -> TaskSpec:
    base = load_tasks(root)["py-confkit-inline-comments"]
    runner = base.checks.runner.model_copy(
        update={"fail_to_pass": F2P, "pass_to_pass": ["test_sample::test_passes"]}
    )
    return base.model_copy(update={"checks": base.checks.model_copy(update={"runner": runner})})


def outcome(spec: TaskSpec, report: bytes | None, exit_code: int | None = 1) -> CheckOutcome:
    ok = Verdict("lint", True, "")
    return CheckOutcome(runner_verdict(spec.checks.runner, report, exit_code), ok, ok)


REPORT = (Path(__file__).parent / "fixtures" / "checks" / "pytest-suite.xml").read_bytes()


def test_good_baseline(spec: TaskSpec) -> None:
    assert _baseline_problem(spec, outcome(spec, REPORT)) is None


def test_baseline_whose_suite_did_not_run(spec: TaskSpec) -> None:
    problem = _baseline_problem(spec, outcome(spec, None, 2))
    assert problem == "baseline: the suite did not run: no report was written (exit 2)"


def test_baseline_with_failing_pass_to_pass(spec: TaskSpec) -> None:
    runner = spec.checks.runner.model_copy(
        update={"pass_to_pass": ["test_sample::test_passes", "test_sample::test_errors_in_setup"]}
    )
    bad = spec.model_copy(update={"checks": spec.checks.model_copy(update={"runner": runner})})
    problem = _baseline_problem(bad, outcome(bad, REPORT))
    assert problem == "baseline: pass_to_pass tests fail: test_sample::test_errors_in_setup"


def test_baseline_with_a_fail_to_pass_that_already_passes(spec: TaskSpec) -> None:
    runner = spec.checks.runner.model_copy(
        update={"fail_to_pass": [*F2P, "test_sample.TestGroup::test_in_class"]}
    )
    bad = spec.model_copy(update={"checks": spec.checks.model_copy(update={"runner": runner})})
    problem = _baseline_problem(bad, outcome(bad, REPORT))
    assert problem == (
        "baseline: fail_to_pass tests already pass: test_sample.TestGroup::test_in_class"
    )


def test_presolved_baseline(spec: TaskSpec) -> None:
    runner = spec.checks.runner.model_copy(
        update={"fail_to_pass": ["test_sample::test_passes"], "pass_to_pass": []}
    )
    solved = spec.model_copy(update={"checks": spec.checks.model_copy(update={"runner": runner})})
    problem = _baseline_problem(solved, outcome(solved, REPORT))
    assert problem == "baseline: the runner check passes without any patch (task is pre-solved)"
