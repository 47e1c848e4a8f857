"""Run the three checks on (task, patch) in fresh containers from the task's runtime image.

Used by `cab tasks validate` (baseline and gold patch) and by the cell after the agent phase.
The diff check needs no container; lint and runner each get their own (one-shot runs through
runner.sandbox), so code from the patch, which the hidden tests execute, never runs next to the
lint results. Each check is a function returning its PhaseResult; run_checks combines them.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from runner.catalog import RunnerCheck, TaskSpec
from runner.checks._diff import DiffParseError, FileChange, parse_diff
from runner.checks._diff import diff_verdict as _diff_verdict
from runner.checks._integrity import Canaries, make_canaries, runs_package_scripts
from runner.checks._junit import MAX_REPORT_BYTES
from runner.checks._lint import LINTABLE, SHELL_SHEBANG, lint_verdict
from runner.checks._record import LintRecord, RunnerRecord, parse_record, record_log
from runner.checks._runner import runner_verdict
from runner.checks._tamper import tamper_verdict
from runner.checks._verdict import Verdict
from runner.sandbox import (
    DOCKER_ONE_SHOT,
    ExecResult,
    Limits,
    Mount,
    OneShotRunner,
    SandboxError,
    SandboxSpec,
)

DRIVER = Path(__file__).with_name("_driver.py")
# Limits of a checks container. The hidden suites are meant to take under a minute.
LIMITS = Limits(cpus=2.0, memory_mb=2048, pids=512)
RUNNER_TIMEOUT_S = 600
LINT_TIMEOUT_S = 300
# Extra time for container start, copy and git before the outer kill.
CONTAINER_GRACE_S = 120
# The driver's record holds two log tails of 256 KiB each plus small facts.
RECORD_MAX_BYTES = 4 * 1024 * 1024
# The container's init exits 126/127 when the image's python3 cannot be executed or found: the
# driver never ran, so no verdict can be drawn. (An engine that cannot create or start the
# container at all raises SandboxError.)
ENTRYPOINT_FAILURES = {126, 127}
RUNNER_CAPS = ("CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETUID", "SETGID")


class ChecksInfraError(Exception):
    """Docker could not run a checks container: an infrastructure failure, never a verdict."""


@dataclass(frozen=True)
class CheckOutcome:
    runner: Verdict
    lint: Verdict
    diff: Verdict
    logs: dict[str, bytes] = field(default_factory=dict)
    durations_s: dict[str, float] = field(default_factory=dict)
    # The check commands' own time as the driver measured it inside the container (lint: both
    # linter runs and the patch; runner: the test command), without the container's start.
    command_s: dict[str, float] = field(default_factory=dict)

    @property
    def verdicts(self) -> tuple[Verdict, Verdict, Verdict]:
        return (self.runner, self.lint, self.diff)

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)


@dataclass(frozen=True)
class PhaseResult:
    """One check's verdict and what it adds to the outcome."""

    verdict: Verdict
    duration_s: float
    logs: Mapping[str, bytes] = field(default_factory=dict)
    command_s: float | None = None  # the driver's own measure of the check command


@dataclass(frozen=True)
class _Job:
    """What both checks containers of one run_checks share."""

    task_dir: Path
    image: str
    in_dir: Path  # patch.diff, spec.json, driver.py
    report: PurePosixPath  # the runner's report, relative to /out
    one_shot: OneShotRunner
    tests_dir: Path | None = None  # the hidden tests as this run mounts them (canaries added)
    canaries: Canaries | None = None


def _container_paths(report: str) -> PurePosixPath:
    path = PurePosixPath(report)
    if not path.is_relative_to("/out") or ".." in path.parts:
        raise ChecksInfraError(f"checks.runner.report {report!r} must be a path under /out")
    return path.relative_to("/out")


def _check_image_user(one_shot: OneShotRunner, image: str) -> str:
    """The image's USER, which the checks run as. Runtime images must end with a non-root USER
    that owns /repo and /out (runtime-python: cab, 10001; any uid works, /out is world-writable)."""
    try:
        user = one_shot.image_user(image)
    except SandboxError as exc:
        raise ChecksInfraError(str(exc)[:300]) from None
    if user.split(":")[0] in ("", "root", "0"):
        raise ChecksInfraError(f"image {image} runs as root: a runtime image needs a non-root USER")
    return user


def _read_regular_file(path: Path, limit: int) -> bytes | None:
    """At most limit + 1 bytes of `path` if it is a regular file, else None.

    Files under /out are written by the patched code's process: a symlink there would make this
    (host, root) process read a host file into the logs, and a FIFO would block it forever.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit + 1)
    finally:
        os.close(fd)


def _check_spec(job: _Job, phase: str, out_dir: Path) -> SandboxSpec:
    mounts = [
        Mount(job.task_dir / "repo", "/src/repo"),
        Mount(job.in_dir, "/in"),
        Mount(out_dir, "/out", read_only=False),
    ]
    runner = phase == "runner"
    if runner:
        mounts.append(Mount(job.tests_dir or job.task_dir / "tests", "/tests"))
    return SandboxSpec(
        image=job.image,
        mounts=tuple(mounts),
        # /repo is on sys.path, so a patch could add a *.dist-info with a pytest11 entry point
        # and load a plugin that rewrites outcomes; the runtime images need no plugins.
        env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        workdir="/repo",
        limits=LIMITS,
        # A writable, throw-away root and no tmpfs: the driver copies the repo to /repo and
        # keeps the runner's output in /tmp, which a tmpfs would count against the memory.
        read_only_root=False,
        tmpfs={},
        labels={"dev.codingagentbench.check": phase},
        # The runner's driver starts as root (no other capability than these) and runs the
        # tests as the image's user: the code under test cannot write the driver's record, its
        # logs or /out, nor signal the driver. Lint runs no code from the patch.
        user="0" if runner else None,
        cap_add=RUNNER_CAPS if runner else (),
    )


def _run_driver(job: _Job, phase: str, out_dir: Path, timeout_s: float) -> ExecResult:
    spec = _check_spec(job, phase, out_dir)
    try:
        result = job.one_shot.run_once(spec, ["python3", "/in/driver.py", phase], timeout_s)
    except SandboxError as exc:  # never created or started: no verdict can be drawn
        raise ChecksInfraError(f"{phase} container failed: {exc}") from None
    if result.timed_out:
        raise ChecksInfraError(f"{phase} container did not finish in {timeout_s:.0f}s")
    return result


def _run_container(
    job: _Job, phase: str, timeout_s: float
) -> tuple[ExecResult, bytes | None, bytes | None]:
    """Run one phase of the driver: the container's result, the record it wrote (None unless
    the container exited 0) and, for the runner, the report (None when absent)."""
    out_dir = Path(tempfile.mkdtemp(prefix=f"cab-out-{phase}-"))
    try:
        # The runner's driver is root in its container and hands the test user the report file
        # alone; the other phases run as the image's user, which is not the host's.
        out_dir.chmod(0o755 if phase == "runner" else 0o777)
        result = _run_driver(job, phase, out_dir, timeout_s + CONTAINER_GRACE_S)
        record = None
        if result.exit_code == 0:
            record = _read_regular_file(out_dir / f"{phase}.json", RECORD_MAX_BYTES)
            if record is not None and len(record) > RECORD_MAX_BYTES:
                record = None  # cut short: not the record the driver wrote
        report = None
        if phase == "runner":
            report = _read_regular_file(out_dir / job.report, MAX_REPORT_BYTES)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return result, record, report


def _stderr_tail(result: ExecResult) -> str:
    return " | ".join(result.stderr.decode(errors="replace").strip().splitlines()[-3:])


def _no_record(phase: str, result: ExecResult) -> ChecksInfraError:
    tail = _stderr_tail(result)
    return ChecksInfraError(
        f"{phase} container failed (exit {result.exit_code}): {tail or 'no output'}"
    )


def _died_record(result: ExecResult) -> RunnerRecord:
    """The runner container ran and died before the driver wrote its record: the patched code
    exhausted memory or pids. That is the patch's failure, not the infrastructure's. Without
    the driver's record nothing vouches for a report: only a kill code survives."""
    code = result.exit_code
    if code is None or code in ENTRYPOINT_FAILURES:
        raise _no_record("runner", result)
    return RunnerRecord(
        apply_error=None,
        exit=code if code >= 128 else None,
        timed_out=False,
        stderr=f"the checks container died (exit {code}): {_stderr_tail(result)}",
    )


def _lint_check(
    job: _Job, tool: str, files: list[FileChange], renames: Mapping[str, str]
) -> PhaseResult:
    started = time.monotonic()
    if tool == "none":
        return PhaseResult(lint_verdict("none", None, None), time.monotonic() - started)
    if not files:
        return PhaseResult(Verdict("lint", True, "no file changed"), time.monotonic() - started)
    result, raw, _ = _run_container(job, "lint", LINT_TIMEOUT_S)
    record = parse_record(LintRecord, raw)
    if record is None:
        raise _no_record("lint", result)
    if record.apply_error:
        verdict = Verdict("lint", False, f"the patch does not apply: {record.apply_error}")
    elif record.error:
        verdict = Verdict("lint", False, record.error)
    else:
        verdict = lint_verdict(tool, record.baseline, record.patched, renames=renames)
    log = record_log(record) + b"\n" + result.stdout + result.stderr
    return PhaseResult(verdict, time.monotonic() - started, {"lint": log}, record.duration_s)


def _runner_check(job: _Job, check: RunnerCheck, timeout_s: float) -> PhaseResult:
    started = time.monotonic()
    result, raw, report = _run_container(job, "runner", timeout_s)
    record = parse_record(RunnerRecord, raw) or _died_record(result)
    logs = {
        "runner": f"exit={record.exit} timed_out={record.timed_out}\n".encode()
        + f"--- stdout\n{record.stdout}\n".encode()
        + f"--- stderr\n{record.stderr}\n".encode()
        + result.stdout
        + result.stderr
    }
    if report is not None:
        logs["report"] = report
    if record.apply_error:
        verdict = Verdict(
            "runner",
            False,
            f"the patch does not apply: {record.apply_error}",
            {
                "suite_ran": False,
                "fail_to_pass_failed": list(check.fail_to_pass),
                "pass_to_pass_failed": list(check.pass_to_pass),
            },
        )
    else:
        verdict = runner_verdict(
            check, report, record.exit, timed_out=bool(record.timed_out), canaries=job.canaries
        )
    return PhaseResult(verdict, time.monotonic() - started, logs, record.duration_s)


def _diff_check(spec: TaskSpec, patch: str) -> PhaseResult:
    started = time.monotonic()
    scripts = runs_package_scripts(spec.checks.runner.command)
    verdict = (
        _diff_verdict(spec.checks.diff, patch, package_scripts=scripts)
        if patch.strip()
        else Verdict("diff", False, "the patch is empty: nothing changed")
    )
    return PhaseResult(verdict, time.monotonic() - started, {"diff": patch.encode()})


def _driver_spec(
    spec: TaskSpec, files: list[FileChange], runner_timeout_s: float, test_user: str
) -> dict[str, Any]:
    """/in/spec.json: what the driver needs to know about the task (it cannot read task.toml)."""
    tool = spec.checks.lint.tool
    pattern = LINTABLE.get(tool)
    return {
        "lint_tool": tool,
        "lint_command": spec.checks.lint.command,
        "lint_pattern": pattern.pattern if pattern else "",
        "shebang_pattern": SHELL_SHEBANG.pattern if tool == "shellcheck" else "",
        "lint_before": sorted({f.old_path for f in files if f.old_path}),
        "lint_after": sorted({f.new_path for f in files if f.new_path}),
        "lint_timeout_s": LINT_TIMEOUT_S,
        "runner_command": spec.checks.runner.command,
        "runner_timeout_s": runner_timeout_s,
        "report": spec.checks.runner.report,
        "test_user": test_user,  # the image's USER: the tests run as it, the driver as root
    }


def _write_inputs(in_dir: Path, patch: str, driver_spec: dict[str, Any]) -> None:
    in_dir.chmod(0o755)
    (in_dir / "patch.diff").write_text(patch, encoding="utf-8")
    (in_dir / "spec.json").write_text(json.dumps(driver_spec), encoding="utf-8")
    shutil.copyfile(DRIVER, in_dir / "driver.py")
    for p in in_dir.iterdir():
        p.chmod(0o644)


def _combine(diff: PhaseResult, lint: PhaseResult, runner: PhaseResult) -> CheckOutcome:
    phases = {"diff": diff, "lint": lint, "runner": runner}
    return CheckOutcome(
        runner=runner.verdict,
        lint=lint.verdict,
        diff=diff.verdict,
        logs={**lint.logs, **runner.logs, **diff.logs},
        durations_s={name: p.duration_s for name, p in phases.items()},
        command_s={n: p.command_s for n, p in phases.items() if p.command_s is not None},
    )


def run_checks(
    task_dir: Path,
    spec: TaskSpec,
    patch: str,
    image: str,
    *,
    runner_timeout_s: float = RUNNER_TIMEOUT_S,
    one_shot: OneShotRunner = DOCKER_ONE_SHOT,
) -> CheckOutcome:
    """Apply `patch` to a pristine copy of the task's repo/ and run the diff, lint and runner
    checks. An empty patch checks the baseline. Raises ChecksInfraError when Docker fails.
    `one_shot` runs the containers (a FakeOneShot in unit tests)."""
    task_dir = task_dir.resolve()  # bind mounts need absolute paths
    user = _check_image_user(one_shot, image)
    diff = _diff_check(spec, patch)
    try:
        files = parse_diff(patch)
    except DiffParseError:
        files = []
    renames = {f.old_path: f.new_path for f in files if f.renamed and f.old_path and f.new_path}
    report = _container_paths(spec.checks.runner.report)
    canaries = make_canaries(spec.checks.runner.command)
    in_dir = Path(tempfile.mkdtemp(prefix="cab-in-"))
    tests_root = Path(tempfile.mkdtemp(prefix="cab-tests-"))
    try:
        _write_inputs(in_dir, patch, _driver_spec(spec, files, runner_timeout_s, user))
        tests_dir = _hidden_tests(task_dir / "tests", tests_root / "tests", canaries)
        job = _Job(task_dir, image, in_dir, report, one_shot, tests_dir, canaries)
        # Each container applies the patch to its own pristine copy: they run side by side.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="checks-lint") as pool:
            lint_future = pool.submit(_lint_check, job, spec.checks.lint.tool, files, renames)
            runner = _runner_or_tampering(job, spec.checks.runner, patch, runner_timeout_s)
            lint = lint_future.result()
    finally:
        shutil.rmtree(in_dir, ignore_errors=True)
        shutil.rmtree(tests_root, ignore_errors=True)
    return _combine(diff, lint, runner)


def _runner_or_tampering(
    job: _Job, check: RunnerCheck, patch: str, timeout_s: float
) -> PhaseResult:
    """A patch carrying a tamper construct fails the runner check without running its tests:
    nothing they report could be believed."""
    tampering = tamper_verdict(check, patch)
    if tampering is not None:
        return PhaseResult(tampering, 0.0)
    return _runner_check(job, check, timeout_s)


def _hidden_tests(source: Path, dest: Path, canaries: Canaries | None) -> Path:
    """The hidden tests as this run mounts them: a copy with the canaries among them, readable
    by the container's test user."""
    shutil.copytree(source, dest, symlinks=False)
    if canaries is not None:
        for name, body in canaries.files.items():
            (dest / name).write_text(body, encoding="utf-8")
    for p in (dest.parent, dest, *dest.rglob("*")):
        p.chmod(0o755 if p.is_dir() else 0o644)
    return dest
