"""Re-scoring: re-run a receipt's checks from its recorded patch and compare the verdicts.

A signature proves who made a receipt, not that its verdict is right: a community runner could
sign a hand-edited `passed`. Re-scoring applies the recorded patch (the patch.diff artifact, whose
digest the verifier has already matched) to the task exactly as the receipt names it, runs the
checks in the task's runtime container, and fails the receipt when any check's verdict differs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from runner.catalog import TaskSpec, task_digest
from runner.checks import CheckOutcome, ChecksInfraError, ReportError, parse_junit, run_checks
from runner.images import ImageBuildError, runtime_tag
from runner.receipts import Receipt, RescoreCode

RunChecks = Callable[[Path, TaskSpec, str, str], CheckOutcome]


@dataclass(frozen=True)
class Rescore:
    """One receipt's re-score (see RescoreCode for what each code means)."""

    path: Path
    ok: bool
    code: RescoreCode
    reason: str = ""

    def line(self) -> str:
        head = "rescore ok" if self.ok else "rescore FAIL"
        return f"{head} {self.path}" + (f": {self.reason}" if self.reason else "")


def sample_receipts(
    items: Sequence[Path], limit: int | None, rng: random.Random | None = None
) -> list[Path]:
    """All of them, or `limit` chosen at random when there are more (an unpredictable sample
    by default: a submitter must not know which receipts will be re-run)."""
    if limit is None or len(items) <= limit:
        return list(items)
    chosen = (rng or random.SystemRandom()).sample(list(items), limit)
    return sorted(chosen)


def _recorded(receipt: Receipt) -> dict[str, bool]:
    return {c.name.value: c.passed for c in receipt.checks}


def rescore_receipt(
    path: Path,
    receipt: Receipt,
    root: Path,
    tasks: Mapping[str, TaskSpec],
    *,
    run: RunChecks = run_checks,
) -> Rescore:
    """Re-run the checks for one *verified* receipt (its artifact digests already matched)."""
    if not receipt.checks:
        return Rescore(
            path, True, RescoreCode.no_checks, f"{receipt.outcome.value}: no checks recorded"
        )
    spec = tasks.get(receipt.task.id)
    if spec is None:
        return Rescore(
            path, False, RescoreCode.unknown_task, f"task {receipt.task.id!r} is not in tasks/"
        )
    task_dir = root / "tasks" / receipt.task.id
    current = task_digest(task_dir, spec)
    if current != receipt.task.digest:
        # The checks of another task version would judge another task: refuse, do not guess.
        return Rescore(
            path,
            False,
            RescoreCode.task_digest,
            f"task {receipt.task.id} is {current} here, the receipt ran {receipt.task.digest}",
        )
    try:
        image = runtime_tag(root, spec.runtime_image)
    except ImageBuildError as exc:
        return Rescore(path, False, RescoreCode.image, str(exc))
    patch = (path.parent / receipt.artifacts.patch.path).read_text(encoding="utf-8")
    try:
        outcome = run(task_dir, spec, patch, image)
    except ChecksInfraError as exc:
        return Rescore(path, False, RescoreCode.infra, f"checks could not run: {exc}")
    fresh = {v.name: v.passed for v in outcome.verdicts}
    recorded = _recorded(receipt)
    differs = [
        f"{name}: recorded {'pass' if was else 'fail'}, re-run "
        f"{'pass' if fresh.get(name) else 'fail'}"
        for name, was in sorted(recorded.items())
        if fresh.get(name) != was
    ]
    differs += report_differences(spec, _recorded_report(path, receipt), outcome.logs.get("report"))
    if differs:
        return Rescore(path, False, RescoreCode.differs, "; ".join(differs))
    return Rescore(path, True, RescoreCode.ok)


def _recorded_report(path: Path, receipt: Receipt) -> bytes | None:
    art = receipt.artifacts.report
    return None if art is None else (path.parent / art.path).read_bytes()


def report_differences(spec: TaskSpec, recorded: bytes | None, fresh: bytes | None) -> list[str]:
    """Where the scored report and the re-run's disagree on a listed test (fail_to_pass,
    pass_to_pass). Canaries have new names each run and are not listed, so they never differ;
    a receipt without a recorded report (older harness) is compared by verdicts only."""
    if recorded is None:
        return []

    def statuses(data: bytes | None) -> dict[str, str]:
        try:
            results = parse_junit(data)
        except ReportError:
            return {}
        return {k: v.value for k, v in results.items()}

    was, now = statuses(recorded), statuses(fresh)
    listed = [*spec.checks.runner.fail_to_pass, *spec.checks.runner.pass_to_pass]
    return [
        f"report: {test} recorded {was.get(test, 'missing')}, re-run {now.get(test, 'missing')}"
        for test in listed
        if was.get(test) != now.get(test)
    ][:5]
