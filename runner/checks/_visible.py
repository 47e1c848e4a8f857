"""What `cab tasks validate` checks beyond the three checks: the task's own (visible) tests in
repo/ pass on the baseline and with the gold patch, and no hidden test is left unscored.

Kept apart from _run.py: it adds one container phase ("visible", see _driver.py) through the same
`_phase` every check container goes through, and no check or receipt depends on it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.catalog import Language, TaskSpec
from runner.checks._run import DRIVER, _check_image_user, _phase
from runner.checks._verdict import listing

VISIBLE_TIMEOUT_S = 300
# The command a project of each language runs its own tests with, from /repo. The python one
# reads the repo's own pytest configuration (testpaths), as a contributor's run would.
DEFAULT_COMMANDS: dict[Language, list[str]] = {
    Language.python: ["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
    Language.javascript: ["node", "--test"],
    Language.typescript: ["node", "--test"],
    Language.shell: ["bash", "tests/run.sh"],
}
OUTPUT_LINES = 3  # lines of the output tail a failure names


class VisibleTestsError(ValueError):
    """The task gives no way to run its visible tests (language other, no command)."""


@dataclass(frozen=True)
class VisibleRun:
    passed: bool
    summary: str


def visible_command(spec: TaskSpec) -> list[str]:
    command = spec.visible_tests.command or DEFAULT_COMMANDS.get(spec.language)
    if not command:
        raise VisibleTestsError(
            f"visible_tests.command: language {spec.language.value} has no default: give one"
        )
    return command


def visible_verdict(record: dict[str, Any]) -> VisibleRun:
    """The driver's record of the visible phase -> passed (exit 0 and nothing else) + why."""
    if record.get("apply_error"):
        return VisibleRun(False, f"the patch does not apply: {record['apply_error']}")
    if record.get("timed_out"):
        return VisibleRun(False, f"timed out after {VISIBLE_TIMEOUT_S}s")
    code = record.get("exit")
    if code == 0:
        return VisibleRun(True, "passed (exit 0)")
    tail = [ln for ln in str(record.get("output", "")).strip().splitlines() if ln.strip()]
    why = " | ".join(tail[-OUTPUT_LINES:]) or "no output"
    return VisibleRun(False, f"exit {code}: {why}")


def run_visible_tests(task_dir: Path, spec: TaskSpec, patch: str, image: str) -> VisibleRun:
    """Apply `patch` (empty: the baseline) to a pristine repo/ and run its own tests in a
    container from the task's runtime image. Raises ChecksInfraError when Docker fails."""
    task_dir = task_dir.resolve()
    _check_image_user(image)
    spec_json = {"visible_command": visible_command(spec), "visible_timeout_s": VISIBLE_TIMEOUT_S}
    in_dir = Path(tempfile.mkdtemp(prefix="cab-in-"))
    try:
        in_dir.chmod(0o755)
        (in_dir / "patch.diff").write_text(patch, encoding="utf-8")
        (in_dir / "spec.json").write_text(json.dumps(spec_json), encoding="utf-8")
        shutil.copyfile(DRIVER, in_dir / "driver.py")
        for p in in_dir.iterdir():
            p.chmod(0o644)
        record, out_dir, _raw = _phase(image, "visible", task_dir, in_dir, VISIBLE_TIMEOUT_S)
        shutil.rmtree(out_dir, ignore_errors=True)
    finally:
        shutil.rmtree(in_dir, ignore_errors=True)
    return visible_verdict(record)


def unlisted_hidden_tests(spec: TaskSpec, runs: Iterable[Iterable[str]]) -> list[str]:
    """Hidden test ids that ran (in any run's `tests` fact: canaries already left out) but are in
    neither fail_to_pass nor pass_to_pass: nothing scores them, so a patch could break them
    unnoticed."""
    listed = set(spec.checks.runner.fail_to_pass) | set(spec.checks.runner.pass_to_pass)
    return sorted({test for tests in runs for test in tests} - listed)


def unlisted_problem(unlisted: list[str]) -> str | None:
    if not unlisted:
        return None
    return (
        f"hidden tests in neither fail_to_pass nor pass_to_pass (nothing scores them): "
        f"{listing(unlisted)}"
    )
