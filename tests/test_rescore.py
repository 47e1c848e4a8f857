"""Re-scoring logic with a recorded check runner (the container run is in test_sweep_docker.py)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from runner.catalog import TaskSpec, load_tasks, task_digest
from runner.checks import CheckOutcome, ChecksInfraError, Verdict
from runner.receipts import Receipt
from runner.rescore import rescore_receipt, sample_receipts
from tests.receipt_factory import ARTIFACT_TEXT, ReceiptFactory

ROOT = Path(__file__).resolve().parents[1]
TASK = "py-cron-steps"


@pytest.fixture(scope="module")
def tasks() -> dict[str, TaskSpec]:
    return load_tasks(ROOT)


def receipt(tmp_path: Path, *, outcome: str = "passed", digest: str | None = None) -> Receipt:
    doc = ReceiptFactory(tmp_path).predicate(task=TASK, outcome=outcome)
    doc["task"]["digest"] = digest or task_digest(ROOT / "tasks" / TASK)
    return Receipt.model_validate(doc)


class Recorder:
    """A check runner that returns fixed verdicts and records what it was asked to run."""

    def __init__(self, runner: bool, lint: bool = True, diff: bool = True) -> None:
        self.verdicts = (runner, lint, diff)
        self.calls: list[tuple[Path, str, str, str]] = []

    def __call__(self, task_dir: Path, spec: TaskSpec, patch: str, image: str) -> CheckOutcome:
        self.calls.append((task_dir, spec.id, patch, image))
        r, li, d = self.verdicts
        return CheckOutcome(
            Verdict("runner", r, "r"), Verdict("lint", li, "l"), Verdict("diff", d, "d")
        )


def test_matching_verdicts_pass_and_the_recorded_patch_is_what_runs(
    tmp_path: Path, tasks: dict[str, TaskSpec]
) -> None:
    run = Recorder(runner=True)
    path = tmp_path / "x.dsse.json"
    result = rescore_receipt(path, receipt(tmp_path), ROOT, tasks, run=run)
    assert result.ok and result.code == "ok"
    task_dir, task_id, patch, image = run.calls[0]
    assert task_dir == ROOT / "tasks" / TASK and task_id == TASK
    assert patch == ARTIFACT_TEXT["patch.diff"].decode()
    assert image.startswith("cab/runtime-python:")


def test_an_edited_pass_is_caught(tmp_path: Path, tasks: dict[str, TaskSpec]) -> None:
    # Recorded: all three pass. The re-run says the tests fail.
    result = rescore_receipt(tmp_path / "x", receipt(tmp_path), ROOT, tasks, run=Recorder(False))
    assert not result.ok and result.code == "differs"
    assert "runner: recorded pass, re-run fail" in result.reason


def test_an_edited_fail_is_caught_too(tmp_path: Path, tasks: dict[str, TaskSpec]) -> None:
    r = receipt(tmp_path, outcome="failed")  # runner recorded as failing
    result = rescore_receipt(tmp_path / "x", r, ROOT, tasks, run=Recorder(True))
    assert result.code == "differs" and "runner: recorded fail, re-run pass" in result.reason


def test_a_different_task_tree_is_refused_without_running(
    tmp_path: Path, tasks: dict[str, TaskSpec]
) -> None:
    run = Recorder(True)
    r = receipt(tmp_path, digest="sha256:" + "0" * 64)
    result = rescore_receipt(tmp_path / "x", r, ROOT, tasks, run=run)
    assert result.code == "task-digest" and not result.ok
    assert run.calls == []


def test_unknown_task_and_infra_failures_fail(tmp_path: Path, tasks: dict[str, TaskSpec]) -> None:
    r = receipt(tmp_path)
    result = rescore_receipt(tmp_path / "x", r, ROOT, {}, run=Recorder(True))
    assert result.code == "unknown-task"

    def broken(*_args: object) -> CheckOutcome:
        raise ChecksInfraError("docker is gone")

    result = rescore_receipt(tmp_path / "x", r, ROOT, tasks, run=broken)
    assert result.code == "infra" and not result.ok


def test_receipts_without_checks_have_nothing_to_rescore(
    tmp_path: Path, tasks: dict[str, TaskSpec]
) -> None:
    doc = ReceiptFactory(tmp_path).predicate(task=TASK, outcome="infra_error")
    doc["checks"] = []
    run = Recorder(True)
    result = rescore_receipt(tmp_path / "x", Receipt.model_validate(doc), ROOT, tasks, run=run)
    assert result.ok and result.code == "no-checks" and run.calls == []


def test_sample_takes_all_or_a_random_subset() -> None:
    paths = [Path(f"r{i:02d}") for i in range(50)]
    assert sample_receipts(paths[:20], 20) == paths[:20]
    assert sample_receipts(paths, None) == paths
    a = sample_receipts(paths, 20, random.Random(1))
    b = sample_receipts(paths, 20, random.Random(2))
    assert len(a) == 20 == len(set(a)) and set(a) <= set(paths)
    assert a != b


def test_the_scored_report_is_compared_not_only_the_verdicts(tasks: dict[str, TaskSpec]) -> None:
    from runner.rescore._rescore import report_differences

    spec = tasks[TASK]
    listed = [*spec.checks.runner.fail_to_pass, *spec.checks.runner.pass_to_pass]

    def report(failed: set[str], canary: str) -> bytes:
        cases = "".join(
            f'<testcase classname="{t.split("::")[0]}" name="{t.split("::", 1)[1]}">'
            + ('<failure message="x"/>' if t in failed else "")
            + "</testcase>"
            for t in listed
        )
        cases += f'<testcase classname="test_{canary}" name="test_{canary}_a"><failure/></testcase>'
        return f"<testsuites><testsuite>{cases}</testsuite></testsuites>".encode()

    # Same listed outcomes, other canaries (new random names each run): no difference.
    assert report_differences(spec, report(set(), "aa11"), report(set(), "bb22")) == []
    # A recorded report that scored a listed test the re-run fails: named.
    (diff,) = report_differences(spec, report(set(), "aa11"), report({listed[0]}, "bb22"))
    assert diff == f"report: {listed[0]} recorded passed, re-run failed"
    assert report_differences(spec, None, report(set(), "bb22")) == []  # an older receipt
