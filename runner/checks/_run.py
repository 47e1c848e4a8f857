"""Run the three checks on (task, patch) in fresh containers from the task's runtime image.

Used by `cab tasks validate` (baseline and gold patch) and by the cell after the agent phase.
The diff check needs no container; lint and runner each get their own, so code from the patch,
which the hidden tests execute, never runs next to the lint results.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from runner.catalog import TaskSpec
from runner.checks._diff import DiffParseError, parse_diff
from runner.checks._diff import diff_verdict as _diff_verdict
from runner.checks._junit import MAX_REPORT_BYTES
from runner.checks._lint import LINTABLE, SHELL_SHEBANG, lint_verdict
from runner.checks._runner import runner_verdict
from runner.checks._verdict import Verdict
from runner.sandbox import LABEL, owner_label

DRIVER = Path(__file__).with_name("_driver.py")
# Limits of a checks container. The hidden suites are meant to take under a minute.
MEMORY = "2g"
PIDS = 512
CPUS = "2"
RUNNER_TIMEOUT_S = 600
LINT_TIMEOUT_S = 300
# Extra time for container start, copy and git before the outer kill.
CONTAINER_GRACE_S = 120
# The driver's record holds two log tails of 256 KiB each plus small facts.
RECORD_MAX_BYTES = 4 * 1024 * 1024
# `docker run` exits 125 when the daemon could not run the container, 126/127 when the image's
# python3 cannot be started: the container never ran, so no verdict can be drawn.
DOCKER_FAILURES = {125, 126, 127}


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


def _container_paths(report: str) -> PurePosixPath:
    path = PurePosixPath(report)
    if not path.is_relative_to("/out") or ".." in path.parts:
        raise ChecksInfraError(f"checks.runner.report {report!r} must be a path under /out")
    return path.relative_to("/out")


@functools.lru_cache(maxsize=32)
def _check_image_user(image: str) -> str:
    """The image's USER, which the checks run as. Runtime images must end with a non-root USER
    that owns /repo and /out (runtime-python: cab, 10001; any uid works, /out is world-writable)."""
    proc = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Config.User}}", image],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise ChecksInfraError(f"image {image} is not available: {proc.stderr.strip()[:200]}")
    user = proc.stdout.strip()
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


def _docker_run(
    image: str, phase: str, mounts: list[tuple[Path, str, bool]], timeout_s: float
) -> subprocess.CompletedProcess[bytes]:
    name = f"cab-check-{phase}-{uuid.uuid4().hex[:12]}"
    argv = [
        "docker", "run", "--rm", "--name", name,
        # The owner label lets an interrupted run remove it (runner.sandbox.stop_all_owned).
        "--label", f"{LABEL}={owner_label()}",
        "--network", "none",
        "--cap-drop", "ALL",
        "--security-opt", "no-new-privileges",
        "--memory", MEMORY, "--memory-swap", MEMORY,
        "--pids-limit", str(PIDS),
        "--cpus", CPUS,
        # /repo is on sys.path, so a patch could add a *.dist-info with a pytest11 entry point
        # and load a plugin that rewrites outcomes; the runtime images need no plugins.
        "--env", "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1",
        "--workdir", "/repo",
    ]  # fmt: skip
    for host, target, read_only in mounts:
        argv += ["--mount", f"type=bind,src={host},dst={target}{',readonly' if read_only else ''}"]
    argv += [image, "python3", "/in/driver.py", phase]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=timeout_s, check=False)
    except FileNotFoundError:
        raise ChecksInfraError("docker is not installed") from None
    except BaseException as exc:
        # --rm removes it on a normal exit; a killed `docker run` client leaves it running.
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
        if isinstance(exc, subprocess.TimeoutExpired):
            raise ChecksInfraError(
                f"{phase} container did not finish in {timeout_s:.0f}s"
            ) from None
        raise
    if proc.returncode in DOCKER_FAILURES:  # it may have been created and never removed
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
    return proc


def _phase(
    image: str, phase: str, task_dir: Path, in_dir: Path, timeout_s: float
) -> tuple[dict[str, Any], Path, bytes]:
    out_dir = Path(tempfile.mkdtemp(prefix=f"cab-out-{phase}-"))
    out_dir.chmod(0o777)  # the container user is not the host user
    mounts = [
        (task_dir / "repo", "/src/repo", True),
        (in_dir, "/in", True),
        (out_dir, "/out", False),
    ]
    if phase == "runner":
        mounts.append((task_dir / "tests", "/tests", True))
    proc = _docker_run(image, phase, mounts, timeout_s + CONTAINER_GRACE_S)
    raw_record = _read_regular_file(out_dir / f"{phase}.json", RECORD_MAX_BYTES)
    if raw_record is not None and proc.returncode == 0:
        try:
            record = json.loads(raw_record)
        except json.JSONDecodeError:
            record = None
        if isinstance(record, dict):
            return record, out_dir, proc.stdout + proc.stderr
    tail = " | ".join(proc.stderr.decode(errors="replace").strip().splitlines()[-3:])
    if phase == "runner" and proc.returncode not in DOCKER_FAILURES:
        # The container ran and died before the driver wrote its record: the patched code
        # exhausted memory or pids. That is the patch's failure, not the infrastructure's.
        # Without the driver's record nothing vouches for a report: only a kill code survives.
        died = proc.returncode if proc.returncode >= 128 else None
        record = {"apply_error": None, "exit": died, "timed_out": False}
        record["stderr"] = f"the checks container died (exit {proc.returncode}): {tail}"
        return record, out_dir, proc.stdout + proc.stderr
    shutil.rmtree(out_dir, ignore_errors=True)
    raise ChecksInfraError(
        f"{phase} container failed (exit {proc.returncode}): {tail or 'no output'}"
    )


def run_checks(
    task_dir: Path,
    spec: TaskSpec,
    patch: str,
    image: str,
    *,
    runner_timeout_s: float = RUNNER_TIMEOUT_S,
) -> CheckOutcome:
    """Apply `patch` to a pristine copy of the task's repo/ and run the diff, lint and runner
    checks. An empty patch checks the baseline. Raises ChecksInfraError when Docker fails."""
    task_dir = task_dir.resolve()  # bind mounts need absolute paths
    _check_image_user(image)
    durations: dict[str, float] = {}
    commands: dict[str, float] = {}
    logs: dict[str, bytes] = {}
    started = time.monotonic()
    diff = (
        _diff_verdict(spec.checks.diff, patch)
        if patch.strip()
        else Verdict("diff", False, "the patch is empty: nothing changed")
    )
    durations["diff"] = time.monotonic() - started
    try:
        files = parse_diff(patch)
    except DiffParseError:
        files = []
    lint_tool = spec.checks.lint.tool
    pattern = LINTABLE.get(lint_tool)
    spec_json = {
        "lint_tool": lint_tool,
        "lint_command": spec.checks.lint.command,
        "lint_pattern": pattern.pattern if pattern else "",
        "shebang_pattern": SHELL_SHEBANG.pattern if lint_tool == "shellcheck" else "",
        "lint_before": sorted({f.old_path for f in files if f.old_path}),
        "lint_after": sorted({f.new_path for f in files if f.new_path}),
        "lint_timeout_s": LINT_TIMEOUT_S,
        "runner_command": spec.checks.runner.command,
        "runner_timeout_s": runner_timeout_s,
    }
    renames = {f.old_path: f.new_path for f in files if f.renamed and f.old_path and f.new_path}
    report_rel = _container_paths(spec.checks.runner.report)
    in_dir = Path(tempfile.mkdtemp(prefix="cab-in-"))
    try:
        in_dir.chmod(0o755)
        (in_dir / "patch.diff").write_text(patch, encoding="utf-8")
        (in_dir / "spec.json").write_text(json.dumps(spec_json), encoding="utf-8")
        shutil.copyfile(DRIVER, in_dir / "driver.py")
        for p in in_dir.iterdir():
            p.chmod(0o644)

        def lint_check() -> Verdict:
            started = time.monotonic()
            if lint_tool == "none" or not files:
                lint = (
                    lint_verdict("none", None, None)
                    if lint_tool == "none"
                    else Verdict("lint", True, "no file changed")
                )
            else:
                record, out_dir, raw = _phase(image, "lint", task_dir, in_dir, LINT_TIMEOUT_S)
                shutil.rmtree(out_dir, ignore_errors=True)
                if isinstance(record.get("duration_s"), int | float):
                    commands["lint"] = float(record["duration_s"])
                logs["lint"] = json.dumps(record, sort_keys=True).encode() + b"\n" + raw
                if record.get("apply_error"):
                    lint = Verdict(
                        "lint", False, f"the patch does not apply: {record['apply_error']}"
                    )
                elif record.get("error"):
                    lint = Verdict("lint", False, record["error"])
                else:
                    lint = lint_verdict(
                        lint_tool, record.get("baseline"), record.get("patched"), renames=renames
                    )
            durations["lint"] = time.monotonic() - started

            return lint

        def runner_check() -> Verdict:
            started = time.monotonic()
            record, out_dir, raw = _phase(image, "runner", task_dir, in_dir, runner_timeout_s)
            if isinstance(record.get("duration_s"), int | float):
                commands["runner"] = float(record["duration_s"])
            try:
                report = _read_regular_file(out_dir / report_rel, MAX_REPORT_BYTES)
            finally:
                shutil.rmtree(out_dir, ignore_errors=True)
            logs["runner"] = (
                f"exit={record.get('exit')} timed_out={record.get('timed_out')}\n".encode()
                + f"--- stdout\n{record.get('stdout', '')}\n".encode()
                + f"--- stderr\n{record.get('stderr', '')}\n".encode()
                + raw
            )
            if report is not None:
                logs["report"] = report
            if record.get("apply_error"):
                runner = Verdict(
                    "runner",
                    False,
                    f"the patch does not apply: {record['apply_error']}",
                    {
                        "suite_ran": False,
                        "fail_to_pass_failed": list(spec.checks.runner.fail_to_pass),
                        "pass_to_pass_failed": list(spec.checks.runner.pass_to_pass),
                    },
                )
            else:
                runner = runner_verdict(
                    spec.checks.runner,
                    report,
                    record.get("exit"),
                    timed_out=bool(record.get("timed_out")),
                )
            durations["runner"] = time.monotonic() - started
            return runner

        # Each container applies the patch to its own pristine copy: they run side by side.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="checks-lint") as pool:
            lint_future = pool.submit(lint_check)
            runner = runner_check()
            lint = lint_future.result()
    finally:
        shutil.rmtree(in_dir, ignore_errors=True)
    logs["diff"] = patch.encode()
    return CheckOutcome(
        runner=runner, lint=lint, diff=diff, logs=logs, durations_s=durations, command_s=commands
    )
