"""run_checks and validate_task in real containers, on the py-confkit-inline-comments task."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from runner.catalog import load_tasks
from runner.catalog._models import TaskSpec
from runner.checks import run_checks, validate_task
from runner.checks._tamper import CONSTRUCT_NAMES
from runner.images import build_runtime, inspect_image, runtime_tag

pytestmark = pytest.mark.docker
TASK = "py-confkit-inline-comments"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]


@pytest.fixture(scope="module")
def runtime_python(base_image: str, root: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    tag = runtime_tag(root, "runtime-python")
    if inspect_image(tag) is None:
        build_runtime(root, tmp_path_factory.mktemp("state"), "runtime-python", base_image)
    return tag


@pytest.fixture(scope="module")
def task(root: Path) -> tuple[Path, TaskSpec]:
    return root / "tasks" / TASK, load_tasks(root)[TASK]


def make_patch(task_dir: Path, tmp_path: Path, edit: Callable[[Path], None]) -> str:
    """`git diff` of `edit` applied to a copy of the task's repo/."""
    work = tmp_path / "work"
    shutil.copytree(task_dir / "repo", work)
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run([*GIT, *argv], cwd=work, check=True)
    edit(work)
    subprocess.run([*GIT, "add", "-A"], cwd=work, check=True)
    return subprocess.run(
        [*GIT, "diff", "--cached"], cwd=work, check=True, capture_output=True, text=True
    ).stdout


def apply_gold(work: Path, task_dir: Path) -> None:
    subprocess.run(["git", "apply", str(task_dir / "solution.patch")], cwd=work, check=True)


def test_gold_patch_passes_and_baseline_fails(
    task: tuple[Path, TaskSpec], runtime_python: str
) -> None:
    task_dir, spec = task
    gold = run_checks(task_dir, spec, (task_dir / "solution.patch").read_text(), runtime_python)
    assert [v.passed for v in gold.verdicts] == [True, True, True], gold.verdicts
    assert b"<testsuites" in gold.logs["report"]
    baseline = run_checks(task_dir, spec, "", runtime_python)
    assert not baseline.runner.passed
    assert baseline.runner.facts["suite_ran"] is True
    assert baseline.runner.facts["pass_to_pass_failed"] == []


def test_patch_printing_fake_passed_lines_fails(
    task: tuple[Path, TaskSpec], runtime_python: str, tmp_path: Path
) -> None:
    task_dir, spec = task

    def cheat(work: Path) -> None:
        # No fix at all: when pytest is done, print its success lines and exit 0.
        init = work / "confkit" / "__init__.py"
        fake = "".join(f'    print("{t} PASSED")\n' for t in spec.checks.runner.fail_to_pass)
        init.write_text(
            init.read_text()
            + "\nimport atexit\nimport os\n\n\n@atexit.register\ndef _lie():\n"
            + fake
            + '    print("========== 13 passed in 0.01s ==========")\n'
            + "    os._exit(0)\n"
        )

    patch = make_patch(task_dir, tmp_path, cheat)
    # The static scan refuses the exit hook before any test runs ...
    outcome = run_checks(task_dir, spec, patch, runtime_python)
    assert outcome.runner.summary.startswith("tampering: exit-hook in confkit/__init__.py")
    assert "runner" not in outcome.logs
    # ... and a task that allowed such constructs still would not believe the run: exit 0 with
    # failures in the report, and the canaries say the report is the real one.
    lenient = spec.model_copy(deep=True)
    lenient.checks.runner.allowed_constructs.extend(sorted(CONSTRUCT_NAMES))
    outcome = run_checks(task_dir, lenient, patch, runtime_python)
    assert b"13 passed in 0.01s" in outcome.logs["runner"]  # the lie is in the log ...
    assert b"exit=0 " in outcome.logs["runner"]
    assert not outcome.runner.passed  # ... and does not count
    assert outcome.runner.summary.startswith("tampering: the runner exited 0")


def test_new_lint_finding_fails_lint_only(
    task: tuple[Path, TaskSpec], runtime_python: str, tmp_path: Path
) -> None:
    task_dir, spec = task

    def sloppy(work: Path) -> None:
        apply_gold(work, task_dir)
        parser = work / "confkit" / "parser.py"
        parser.write_text(parser.read_text().replace("import re\n", "import os\nimport re\n"))

    outcome = run_checks(task_dir, spec, make_patch(task_dir, tmp_path, sloppy), runtime_python)
    assert outcome.runner.passed and outcome.diff.passed
    assert not outcome.lint.passed
    assert outcome.lint.summary == "1 new ruff findings: confkit/parser.py:9 F401"


def test_patch_editing_visible_tests_fails_diff(
    task: tuple[Path, TaskSpec], runtime_python: str, tmp_path: Path
) -> None:
    task_dir, spec = task

    def edit_tests(work: Path) -> None:
        apply_gold(work, task_dir)
        (work / "tests" / "test_parser.py").write_text("def test_nothing():\n    pass\n")

    outcome = run_checks(task_dir, spec, make_patch(task_dir, tmp_path, edit_tests), runtime_python)
    assert not outcome.diff.passed
    assert outcome.diff.summary == "touches forbidden paths: tests/test_parser.py"


def test_patch_that_does_not_apply(task: tuple[Path, TaskSpec], runtime_python: str) -> None:
    task_dir, spec = task
    patch = (task_dir / "solution.patch").read_text().replace("def _strip_inline", "def _strip_x")
    outcome = run_checks(task_dir, spec, patch, runtime_python)
    assert not outcome.runner.passed and not outcome.lint.passed
    assert outcome.runner.summary.startswith("the patch does not apply")


def test_validate_accepts_the_task_and_rejects_a_presolved_copy(
    task: tuple[Path, TaskSpec], runtime_python: str, tmp_path: Path
) -> None:
    task_dir, spec = task
    result = validate_task(task_dir, spec, runtime_python)
    assert result.ok, result.reason
    assert len(result.baseline_failing) == len(spec.checks.runner.fail_to_pass)

    presolved = tmp_path / TASK
    shutil.copytree(task_dir, presolved)
    apply_gold(presolved / "repo", task_dir)
    bad = validate_task(presolved, spec, runtime_python)
    assert not bad.ok
    assert bad.reason == "baseline: the runner check passes without any patch (task is pre-solved)"


def _append_to_package(task_dir: Path, tmp_path: Path, code: str) -> str:
    def edit(work: Path) -> None:
        init = work / "confkit" / "__init__.py"
        init.write_text(init.read_text() + code)

    return make_patch(task_dir, tmp_path, edit)


def test_runner_that_hangs_times_out_as_a_failure(
    task: tuple[Path, TaskSpec], runtime_python: str, tmp_path: Path
) -> None:
    task_dir, spec = task
    # A child that outlives the runner must not keep the check alive either.
    patch = _append_to_package(
        task_dir,
        tmp_path,
        '\nimport subprocess\nimport time\n\nsubprocess.Popen(["sleep", "600"])\ntime.sleep(600)\n',
    )
    outcome = run_checks(task_dir, spec, patch, runtime_python, runner_timeout_s=5)
    assert not outcome.runner.passed
    assert outcome.runner.summary == "the suite did not run: the runner timed out"
    assert outcome.durations_s["runner"] < 60


def test_runner_that_exhausts_memory_fails_not_infra(
    task: tuple[Path, TaskSpec], runtime_python: str, tmp_path: Path
) -> None:
    task_dir, spec = task
    patch = _append_to_package(task_dir, tmp_path, "\n_hog = bytearray(3 * 2**30)\n")
    outcome = run_checks(task_dir, spec, patch, runtime_python)
    assert not outcome.runner.passed
    # the OOM killer takes the test process (signal 9); the driver survives and says so
    assert outcome.runner.summary == "the suite did not run: the runner was killed (signal 9)"
    assert outcome.runner.facts["suite_ran"] is False


def test_report_replaced_by_a_symlink_is_not_followed_on_the_host(
    task: tuple[Path, TaskSpec], runtime_python: str, tmp_path: Path
) -> None:
    task_dir, spec = task
    patch = _append_to_package(
        task_dir,
        tmp_path,
        "\nimport atexit\nimport os\n\n\n@atexit.register\ndef _swap():\n"
        '    os.rename("/out/report.xml", "/out/real.xml")\n'
        '    os.symlink("/etc/hostname", "/out/report.xml")\n',
    )
    assert run_checks(task_dir, spec, patch, runtime_python).runner.summary.startswith(
        "tampering: exit-hook in"
    )
    # Allowed the constructs, the swap still fails: /out is the driver's, the test user holds
    # the report file alone and cannot rename it or put a symlink in its place.
    lenient = spec.model_copy(deep=True)
    lenient.checks.runner.allowed_constructs.extend(sorted(CONSTRUCT_NAMES))
    outcome = run_checks(task_dir, lenient, patch, runtime_python)
    assert not outcome.runner.passed
    assert outcome.runner.summary.startswith("fail_to_pass ")  # the real report, judged
    assert outcome.logs["report"].lstrip().startswith(b"<?xml")
    assert b"PermissionError" in outcome.logs["runner"]
