"""What `cab tasks validate` checks beyond the three checks: the task's own (visible) tests in
repo/ pass on the baseline and with the gold patch, and no hidden test is left unscored.

Kept apart from _run.py: it adds one container phase ("visible", see _driver.py), run the way
every check container is (_run_container, a one-shot run of runner.sandbox), and no check or
receipt depends on it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from runner.catalog import Language, TaskSpec
from runner.checks._run import (
    _check_image_user,
    _Job,
    _no_record,
    _run_container,
    _write_inputs,
)
from runner.checks._verdict import listing
from runner.sandbox import DOCKER_ONE_SHOT, OneShotRunner

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


def run_visible_tests(
    task_dir: Path,
    spec: TaskSpec,
    patch: str,
    image: str,
    *,
    one_shot: OneShotRunner = DOCKER_ONE_SHOT,
) -> VisibleRun:
    """Apply `patch` (empty: the baseline) to a pristine repo/ and run its own tests in a
    container from the task's runtime image. Raises ChecksInfraError when Docker fails."""
    task_dir = task_dir.resolve()
    _check_image_user(one_shot, image)
    spec_json = {"visible_command": visible_command(spec), "visible_timeout_s": VISIBLE_TIMEOUT_S}
    in_dir = Path(tempfile.mkdtemp(prefix="cab-in-"))
    try:
        _write_inputs(in_dir, patch, spec_json)
        job = _Job(task_dir, image, in_dir, PurePosixPath("visible.xml"), one_shot)
        result, raw, _ = _run_container(job, "visible", VISIBLE_TIMEOUT_S)
    finally:
        shutil.rmtree(in_dir, ignore_errors=True)
    try:
        record = json.loads(raw) if raw is not None else None
    except ValueError:
        record = None
    if not isinstance(record, dict):
        raise _no_record("visible", result)
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
