"""`cab tasks validate` beyond the three checks, without Docker (issue 22, finding 2): the visible
tests in repo/ pass on the baseline and with the gold patch, and no hidden test is unscored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from runner.catalog import TaskSpec, parse_file
from runner.catalog._models import Language, VisibleTests
from runner.checks import CheckOutcome, Verdict, runner_verdict, validate_task
from runner.checks._visible import (
    VisibleRun,
    VisibleTestsError,
    unlisted_hidden_tests,
    visible_command,
    visible_verdict,
)

FIXTURE = Path(__file__).parent / "fixtures" / "tasks" / "fix-median"
F2P, P2P = "test_median::test_even", "test_median::test_odd"
EXTRA = "test_median::test_empty"  # a hidden test in neither list


def junit(**cases: str) -> bytes:
    """A pytest-style JUnit report: test name (in test_median, or `module::name`) -> passed |
    failed."""

    def case(name: str, status: str) -> str:
        classname, _, test = name.rpartition("::") if "::" in name else ("test_median", "", name)
        failure = "<failure message='x'/>" if status == "failed" else ""
        return f'<testcase classname="{classname}" name="{test}">{failure}</testcase>'

    rows = "".join(case(name, status) for name, status in cases.items())
    suite = f'<testsuite name="pytest">{rows}</testsuite>'
    return f'<?xml version="1.0"?><testsuites>{suite}</testsuites>'.encode()


def exit_code(report: bytes) -> int:
    """What pytest exits with for this report (the runner check insists they agree)."""
    return 1 if b"<failure" in report else 0


def add_decoys(task_dir: Path) -> None:
    """Three decoys (the fake checks below reject every patch but the gold)."""
    (task_dir / "decoys").mkdir()
    for kind in ("partial", "special-case", "suppress"):
        (task_dir / "decoys" / f"{kind}.patch").write_text(
            f"Decoy: {kind}\nWhy: plausible and wrong.\n"
            f"diff --git a/stats/core.py b/stats/core.py\n--- a/stats/core.py\n"
            f"+++ b/stats/core.py\n@@ -1 +1 @@\n-x\n+{kind}\n"
        )


@pytest.fixture
def task(tmp_path: Path) -> tuple[Path, TaskSpec]:
    task_dir = tmp_path / "fix-median"
    shutil.copytree(FIXTURE, task_dir)
    add_decoys(task_dir)
    spec = parse_file(task_dir / "task.toml", TaskSpec)
    runner = spec.checks.runner.model_copy(update={"fail_to_pass": [F2P], "pass_to_pass": [P2P]})
    return task_dir, spec.model_copy(
        update={"checks": spec.checks.model_copy(update={"runner": runner})}
    )


def fake_checks(baseline: bytes, gold: bytes):  # type: ignore[no-untyped-def]
    gold_patch = (FIXTURE / "solution.patch").read_text()

    def run(task_dir: Path, spec: TaskSpec, patch: str, image: str) -> CheckOutcome:
        if patch and patch != gold_patch:  # a decoy: the runner check rejects it
            return CheckOutcome(
                Verdict("runner", False, "a decoy"),
                Verdict("lint", True, "ok"),
                Verdict("diff", True, "ok"),
            )
        report = gold if patch else baseline
        ok = Verdict("lint", True, "no new findings")
        diff = Verdict("diff", bool(patch), "policy ok" if patch else "the patch is empty")
        runner = runner_verdict(spec.checks.runner, report, exit_code(report))
        return CheckOutcome(runner, ok, diff, logs={"report": report})

    return run


def fake_visible(baseline: VisibleRun, gold: VisibleRun):  # type: ignore[no-untyped-def]
    def run(task_dir: Path, spec: TaskSpec, patch: str, image: str) -> VisibleRun:
        return gold if patch else baseline

    return run


GOOD_BASE = junit(test_even="failed", test_odd="passed")
GOOD_GOLD = junit(test_even="passed", test_odd="passed")
PASS = VisibleRun(True, "passed (exit 0)")
FAIL = VisibleRun(False, "exit 1: FAILED tests/test_core.py::test_mean - assert 2 == 3")

# (case, baseline report, gold report, visible on baseline, visible with gold, expected reason)
CASES = [
    ("valid task", GOOD_BASE, GOOD_GOLD, PASS, PASS, ""),
    (
        "unlisted hidden test passing everywhere",
        junit(test_even="failed", test_odd="passed", test_empty="passed"),
        junit(test_even="passed", test_odd="passed", test_empty="passed"),
        PASS,
        PASS,
        f"hidden tests in neither fail_to_pass nor pass_to_pass (nothing scores them): {EXTRA}",
    ),
    (
        "unlisted hidden test the gold patch breaks",
        junit(test_even="failed", test_odd="passed", test_empty="passed"),
        junit(test_even="passed", test_odd="passed", test_empty="failed"),
        PASS,
        PASS,
        f"hidden tests in neither fail_to_pass nor pass_to_pass (nothing scores them): {EXTRA}",
    ),
    (
        "visible tests fail on the baseline",
        GOOD_BASE,
        GOOD_GOLD,
        FAIL,
        PASS,
        f"baseline: the visible tests in repo/ fail: {FAIL.summary}",
    ),
    (
        "gold patch breaks the visible tests",
        GOOD_BASE,
        GOOD_GOLD,
        PASS,
        FAIL,
        f"gold patch: the visible tests in repo/ fail: {FAIL.summary}",
    ),
    (
        "a gold runner failure comes first",
        GOOD_BASE,
        junit(test_even="failed", test_odd="passed"),
        PASS,
        FAIL,
        "gold patch: runner: fail_to_pass 1/1 not passed: test_median::test_even (failed)",
    ),
]


@pytest.mark.parametrize(
    ("case", "baseline", "gold", "vis_base", "vis_gold", "reason"), CASES, ids=[c[0] for c in CASES]
)
def test_validation_table(
    task: tuple[Path, TaskSpec],
    case: str,
    baseline: bytes,
    gold: bytes,
    vis_base: VisibleRun,
    vis_gold: VisibleRun,
    reason: str,
) -> None:
    task_dir, spec = task
    result = validate_task(
        task_dir,
        spec,
        "image",
        run=fake_checks(baseline, gold),
        run_visible=fake_visible(vis_base, vis_gold),
    )
    assert (result.ok, result.reason) == (reason == "", reason), case
    assert result.visible == [f"baseline: {vis_base.summary}", f"gold: {vis_gold.summary}"]


def test_the_visible_tests_run_on_the_baseline_and_the_gold_patch(
    task: tuple[Path, TaskSpec],
) -> None:
    task_dir, spec = task
    patches: list[str] = []

    def visible(task_dir: Path, spec: TaskSpec, patch: str, image: str) -> VisibleRun:
        patches.append(patch)
        return PASS

    result = validate_task(
        task_dir, spec, "img", run=fake_checks(GOOD_BASE, GOOD_GOLD), run_visible=visible
    )
    assert result.ok, result.reason
    assert patches == ["", (task_dir / "solution.patch").read_text()]


@pytest.mark.parametrize(
    ("record", "passed", "summary"),
    [
        (
            {"apply_error": None, "exit": 0, "timed_out": False, "output": "3 passed"},
            True,
            "passed (exit 0)",
        ),
        (
            {
                "apply_error": None,
                "exit": 1,
                "timed_out": False,
                "output": "a\n\nb\nc\nFAILED x - y\n",
            },
            False,
            "exit 1: b | c | FAILED x - y",
        ),
        (
            {"apply_error": None, "exit": 2, "timed_out": False, "output": ""},
            False,
            "exit 2: no output",
        ),
        ({"apply_error": None, "exit": None, "timed_out": True}, False, "timed out after 300s"),
        (
            {"apply_error": "patch failed: a.py:3"},
            False,
            "the patch does not apply: patch failed: a.py:3",
        ),
        ({"apply_error": None, "exit": None, "timed_out": False}, False, "exit None: no output"),
    ],
)
def test_visible_verdict(record: dict[str, object], passed: bool, summary: str) -> None:
    assert visible_verdict(record) == VisibleRun(passed, summary)


@pytest.mark.parametrize(
    ("language", "command", "expected"),
    [
        (Language.python, None, ["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider"]),
        (Language.javascript, None, ["node", "--test"]),
        (Language.typescript, None, ["node", "--test"]),
        (Language.shell, None, ["bash", "tests/run.sh"]),
        (Language.shell, ["bash", "test.sh"], ["bash", "test.sh"]),
        (Language.other, ["make", "test"], ["make", "test"]),
    ],
)
def test_visible_command(
    task: tuple[Path, TaskSpec], language: Language, command: list[str] | None, expected: list[str]
) -> None:
    _, spec = task
    spec = spec.model_copy(
        update={"language": language, "visible_tests": VisibleTests(command=command)}
    )
    assert visible_command(spec) == expected


def test_a_task_of_language_other_must_name_its_visible_tests(task: tuple[Path, TaskSpec]) -> None:
    task_dir, spec = task
    spec = spec.model_copy(update={"language": Language.other})
    with pytest.raises(VisibleTestsError, match="language other has no default"):
        visible_command(spec)

    def visible(task_dir: Path, spec: TaskSpec, patch: str, image: str) -> VisibleRun:
        visible_command(spec)
        return PASS

    result = validate_task(
        task_dir, spec, "img", run=fake_checks(GOOD_BASE, GOOD_GOLD), run_visible=visible
    )
    assert not result.ok
    assert result.reason == (
        "task.toml: visible_tests.command: language other has no default: give one"
    )


def test_unlisted_tests_are_read_from_every_run(task: tuple[Path, TaskSpec]) -> None:
    _, spec = task
    reports = [
        GOOD_BASE,
        None,  # a suite that did not run: the runner check reports it, not this
        b"not xml",
        junit(test_even="passed", test_odd="passed", test_z="passed", test_a="failed"),
    ]
    runs = [
        runner_verdict(spec.checks.runner, r, exit_code(r or b"")).facts.get("tests", [])
        for r in reports
    ]
    assert unlisted_hidden_tests(spec, runs) == ["test_median::test_a", "test_median::test_z"]


def test_canaries_are_not_unlisted_tests(task: tuple[Path, TaskSpec]) -> None:
    # The runner check's canaries (tests the harness adds to each run) never count as hidden
    # tests the author forgot to list.
    from runner.checks._integrity import make_canaries

    _, spec = task
    canaries = make_canaries(spec.checks.runner.command, token="tok")
    if canaries is None:
        pytest.skip("no canaries for this runner")
    names = {canaries.must_fail: "failed", canaries.must_pass: "passed"}
    report = junit(test_even="passed", test_odd="passed", **names)
    verdict = runner_verdict(spec.checks.runner, report, exit_code(report), canaries=canaries)
    assert verdict.facts.get("tests") is not None, verdict.summary
    assert unlisted_hidden_tests(spec, [verdict.facts["tests"]]) == []


def test_the_visible_tests_are_not_in_the_task_digest(tmp_path: Path) -> None:
    from runner.catalog import task_digest

    task_dir = tmp_path / "t"
    shutil.copytree(FIXTURE, task_dir)
    before = task_digest(task_dir)
    with (task_dir / "task.toml").open("a", encoding="utf-8") as f:
        f.write('\n[visible_tests]\ncommand = ["python3", "-m", "pytest", "tests"]\n')
    assert parse_file(task_dir / "task.toml", TaskSpec).visible_tests.command is not None
    assert task_digest(task_dir) == before


def test_a_task_whose_bug_breaks_its_own_tests_says_so() -> None:
    from runner.checks._validate import _visible_problem
    from runner.checks._visible import VisibleRun

    broken, fine = VisibleRun(False, "exit 2: collection errors"), VisibleRun(True, "passed")
    assert _visible_problem(broken, fine).startswith("baseline: the visible tests in repo/ fail")  # type: ignore[union-attr]
    assert _visible_problem(broken, fine, baseline_passes=False) is None
    assert "the task says its bug breaks them" in (
        _visible_problem(fine, fine, baseline_passes=False) or ""
    )
    assert _visible_problem(broken, broken, baseline_passes=False) is not None  # gold must pass
