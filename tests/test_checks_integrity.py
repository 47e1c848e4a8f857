"""The runner check believes a report only when exit status, per-test results, suite totals and
the canaries agree. Recorded reports (tests/fixtures/checks) are forged the ways an auditor did."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runner.catalog import RunnerCheck
from runner.checks._integrity import (
    RunnerKind,
    make_canaries,
    runner_kind,
    runs_package_scripts,
)
from runner.checks._runner import runner_verdict

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
PYTEST = ["python3", "-m", "pytest", "/tests", "--junitxml=/out/report.xml"]
NODE = ["node", "--test", "--test-reporter=junit", "/tests/**/*.test.mjs"]
CANARIES = make_canaries(PYTEST, token="c0ffee")
NODE_CANARIES = make_canaries(NODE, token="c0ffee")
assert CANARIES is not None and NODE_CANARIES is not None


def check(f2p: list[str], p2p: list[str] | None = None) -> RunnerCheck:
    return RunnerCheck(command=PYTEST, report="/out/report.xml", fail_to_pass=f2p,
                       pass_to_pass=p2p or [])  # fmt: skip


def case(cls: str, name: str, outcome: str = "passed") -> str:
    inner = {"passed": "", "failed": "<failure message='x'/>", "error": "<error message='x'/>"}
    return f'<testcase classname="{cls}" name="{name}">{inner[outcome]}</testcase>'


def pytest_report(cases: list[str], totals: tuple[int, int, int, int] | None = None) -> bytes:
    if totals is None:
        tests = len(cases)
        failures = sum("<failure" in c for c in cases)
        errors = sum("<error" in c for c in cases)
        totals = (tests, failures, errors, 0)
    t, f, e, s = totals
    body = "".join(cases)
    return (
        f'<testsuites><testsuite name="pytest" tests="{t}" failures="{f}" errors="{e}" '
        f'skipped="{s}">{body}</testsuite></testsuites>'
    ).encode()


HONEST = [
    case("test_m", "test_fixed"),
    case("test_m", "test_kept"),
    case("test_c0ffee", "test_c0ffee_a", "failed"),
    case("test_c0ffee", "test_c0ffee_b"),
]
CHECK = check(["test_m::test_fixed"], ["test_m::test_kept"])


def test_an_honest_run_with_its_canaries_passes() -> None:
    verdict = runner_verdict(CHECK, pytest_report(HONEST), 1, canaries=CANARIES)
    assert verdict.passed, verdict.summary
    assert verdict.summary == "1 fail_to_pass and 1 pass_to_pass tests passed"


FIXED, KEPT = case("test_m", "test_fixed"), case("test_m", "test_kept")
CANARY_FAILS = case("test_c0ffee", "test_c0ffee_a", "failed")
CANARY_FLIPPED = case("test_c0ffee", "test_c0ffee_a")
CANARY_PASSES = case("test_c0ffee", "test_c0ffee_b")
ALL_PASSED = [FIXED, KEPT, CANARY_FLIPPED, CANARY_PASSES]


@pytest.mark.parametrize(
    ("report", "exit_code", "reason"),
    [
        # Forged after the run (an exit hook): the per-test results changed, the totals did not.
        (
            pytest_report(ALL_PASSED, (4, 2, 0, 0)),
            1,
            r"suite 'pytest' declares .* 4/2/0/0 but its test cases show 4/0/0/0",
        ),
        # Rewritten report and os._exit(0): every case passes, the failing canary too.
        (pytest_report(ALL_PASSED), 0, r"c0ffee_a must fail but is passed"),
        # A report of its own, naming only the ids of task.toml: the canaries are missing.
        (pytest_report([FIXED, KEPT]), 0, r"canary test_c0ffee::test_c0ffee_a is missing"),
        # The runner's report objects patched in-process, exit forced to 0: exit and report.
        (pytest_report(HONEST), 0, r"exited 0 but the report records 1 failures"),
        # The other way round: a clean report beside a failing exit.
        (pytest_report(ALL_PASSED), 1, r"exited 1 but the report records no failure"),
    ],
)
def test_each_disagreement_fails_as_tampering(report: bytes, exit_code: int, reason: str) -> None:
    verdict = runner_verdict(CHECK, report, exit_code, canaries=CANARIES)
    assert not verdict.passed
    assert verdict.summary.startswith("tampering: ")
    assert any(re.search(reason, p) for p in verdict.facts["tampering"]), verdict.facts


def test_recorded_reports_of_honest_runs_agree() -> None:
    suite = (FIXTURES / "pytest-suite.xml").read_bytes()
    verdict = runner_verdict(check(["test_sample::test_passes"]), suite, 1)
    assert verdict.passed, verdict.summary
    node = (FIXTURES / "node-junit.xml").read_bytes()
    node_check = RunnerCheck(
        command=NODE, report="/out/report.xml", fail_to_pass=["test::adds numbers"]
    )
    assert runner_verdict(node_check, node, 1).passed
    assert runner_verdict(node_check, node, 0).summary.startswith("tampering: ")


def test_canaries_are_unpredictable_and_match_their_runner() -> None:
    a, b = make_canaries(PYTEST), make_canaries(PYTEST)
    assert a is not None and b is not None and a.must_fail != b.must_fail
    assert runner_kind(PYTEST) is RunnerKind.pytest and runner_kind(NODE) is RunnerKind.node
    assert runner_kind(["bash", "run-tests.sh"]) is None
    ((name, body),) = NODE_CANARIES.files.items()
    assert name.endswith(".test.mjs") and "test_c0ffee_a" in body
    assert NODE_CANARIES.must_fail == "test::test_c0ffee_a"


def test_node_canaries_match_a_typescript_glob() -> None:
    # A TypeScript task runs /tests/**/*.test.ts only: a .mjs canary would never run.
    ts = make_canaries(["node", "--test", "/tests/**/*.test.ts"], token="c0ffee")
    assert ts is not None and list(ts.files) == ["c0ffee.test.ts"]
    mts = make_canaries(["node", "--test", "/tests/**/*.test.mts"], token="c0ffee")
    assert mts is not None and list(mts.files) == ["c0ffee.test.mts"]
    assert NODE_CANARIES is not None and list(NODE_CANARIES.files) == ["c0ffee.test.mjs"]


def test_package_scripts_are_the_runner_only_through_a_package_manager() -> None:
    # The diff check counts package.json scripts as test config only for such runners.
    assert runs_package_scripts(["npm", "test"]) and runs_package_scripts(["/usr/bin/npx", "jest"])
    assert runs_package_scripts(["yarn", "run", "test"])
    assert not runs_package_scripts(["node", "--test", "test/"])
    assert not runs_package_scripts(["python3", "-m", "pytest", "tests"])
