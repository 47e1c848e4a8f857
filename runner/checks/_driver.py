"""Runs INSIDE a checks container (stdlib only, any python3): prepares /repo and runs one phase.

  python3 /in/driver.py lint    baseline lint, apply the patch, patched lint -> /out/lint.json
  python3 /in/driver.py runner  apply the patch, run the runner command      -> /out/runner.json
  python3 /in/driver.py visible apply the patch, run repo/'s own tests        -> /out/visible.json

/src/repo is the task's pristine repo (read-only), /in holds patch.diff and spec.json. Each phase
runs in its own container, so code from the patch (run by the tests) never shares a container
with the lint results. The records' shape is the contract in _record.py (LintRecord,
RunnerRecord): change both together.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import time
from typing import Any

LOG_LIMIT = 256 * 1024  # bytes kept from each stream: the tail says why a run broke
GIT = [
    "git",
    "-c",
    "user.name=cab",
    "-c",
    "user.email=cab@localhost",
    "-c",
    "commit.gpgsign=false",
    # The runner's driver is root and /repo belongs to the image's user: git would refuse it.
    "-c",
    "safe.directory=*",
]


def log_tail(data: bytes) -> str:
    return data[-LOG_LIMIT:].decode("utf-8", errors="replace")


def write_json(path: str, data: dict[str, Any]) -> None:
    with open(path + ".tmp", "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(path + ".tmp", path)


def prepare() -> None:
    """A pristine copy of the task repo with a baseline commit."""
    shutil.copytree("/src/repo", "/repo", symlinks=True, dirs_exist_ok=True)
    subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd="/repo", check=True)
    subprocess.run([*GIT, "add", "-A"], cwd="/repo", check=True)
    subprocess.run(
        [*GIT, "commit", "-q", "--allow-empty", "-m", "baseline"], cwd="/repo", check=True
    )


def apply_patch() -> str | None:
    """None, or why the patch did not apply."""
    with open("/in/patch.diff", "rb") as fh:
        patch = fh.read()
    if not patch.strip():
        return None
    proc = subprocess.run(
        [*GIT, "apply", "--whitespace=nowarn", "/in/patch.diff"], cwd="/repo", capture_output=True
    )
    return None if proc.returncode == 0 else log_tail(proc.stderr).strip() or "git apply failed"


def lintable(spec: dict[str, Any], files: list[str]) -> list[str]:
    pattern = re.compile(spec["lint_pattern"]) if spec["lint_pattern"] else None
    shebang = re.compile(spec["shebang_pattern"]) if spec["shebang_pattern"] else None
    out = []
    for rel in files:
        path = os.path.join("/repo", rel)
        if not os.path.isfile(path) or os.path.islink(path):
            continue
        if pattern is not None and pattern.search(rel):
            out.append(rel)
        elif shebang is not None and "." not in os.path.basename(rel):
            with open(path, "rb") as fh:
                first = fh.readline(200).decode("utf-8", errors="replace")
            if shebang.match(first):
                out.append(rel)
    return out


# Comments that make tsc skip a line or a whole file: the type errors under them never reach its
# output, so each one counts as a finding of its own (runner/checks/_lint.py parse_tsc).
TS_SUPPRESSION = re.compile(rb"@ts-(?:ignore|nocheck|expect-error)\b")


def ts_suppressions(files: list[str]) -> list[list[str]]:
    """[file, directive] for every tsc suppression comment in the changed files that exist."""
    found = []
    for rel in files:
        path = os.path.join("/repo", rel)
        if os.path.isfile(path) and not os.path.islink(path):
            with open(path, "rb") as fh:
                found += [[rel, m.group().decode()] for m in TS_SUPPRESSION.finditer(fh.read())]
    return found


def run_tsc(spec: dict[str, Any], files: list[str]) -> tuple[str, dict[str, Any]]:
    """tsc checks the whole project (a changed signature breaks its unchanged callers), so the
    command gets no files; our record wraps its exit status and text output."""
    proc = subprocess.run(
        spec["lint_command"], cwd="/repo", capture_output=True, timeout=spec["lint_timeout_s"]
    )
    record = {
        "exit": proc.returncode,
        "output": log_tail(proc.stdout),
        "suppressions": ts_suppressions(files),
    }
    return json.dumps(record), {"files": files, "stderr": log_tail(proc.stderr)}


def run_lint(spec: dict[str, Any], files: list[str]) -> tuple[str | None, dict[str, Any] | None]:
    """None when there is nothing to lint; else the linter's JSON text (or our record)."""
    if spec["lint_tool"] == "tsc":
        # Both sides run when either has a file tsc reads: the baseline's findings are the
        # whole project's, whichever files the patch adds or removes.
        pattern = re.compile(spec["lint_pattern"])
        if not any(pattern.search(rel) for rel in spec["lint_before"] + spec["lint_after"]):
            return None, None
        return run_tsc(spec, [rel for rel in files if pattern.search(rel)])
    files = lintable(spec, files)
    if not files:
        return None, None
    timeout = spec["lint_timeout_s"]
    if spec["lint_tool"] == "node-check":
        failed = []
        for rel in files:
            proc = subprocess.run(
                [*spec["lint_command"], rel], cwd="/repo", capture_output=True, timeout=timeout
            )
            if proc.returncode != 0:
                failed.append(rel)
        return json.dumps({"failed": failed}), {"files": files}
    proc = subprocess.run(
        [*spec["lint_command"], *files], cwd="/repo", capture_output=True, timeout=timeout
    )
    return proc.stdout.decode("utf-8", errors="replace"), {
        "files": files,
        "exit": proc.returncode,
        "stderr": log_tail(proc.stderr),
    }


def phase_lint(spec: dict[str, Any]) -> None:
    record: dict[str, Any] = {}
    started = time.monotonic()
    try:
        record["baseline"], record["baseline_run"] = run_lint(spec, spec["lint_before"])
        record["apply_error"] = apply_patch()
        if record["apply_error"] is None:
            record["patched"], record["patched_run"] = run_lint(spec, spec["lint_after"])
    except subprocess.TimeoutExpired as exc:
        record["error"] = f"the linter timed out after {exc.timeout:.0f}s"
    record["duration_s"] = round(time.monotonic() - started, 3)
    write_json("/out/lint.json", record)


def read_tail(path: str) -> str:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - LOG_LIMIT))
        return log_tail(fh.read())


def test_user(spec: dict[str, Any]) -> tuple[int, int, str] | None:
    """(uid, gid, home) of the user the tests run as, when this driver is root; None when it
    is not (it then runs them as itself)."""
    if os.geteuid() != 0:
        return None
    name = str(spec["test_user"]).split(":")[0]
    entry = pwd.getpwuid(int(name)) if name.isdigit() else pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid, entry.pw_dir


def hand_over(uid: int, gid: int, report: str) -> None:
    """/repo to the test user (tests may write beside the code), and in /out the report file
    alone: the driver's record, its logs and /out itself stay root's."""
    for folder, dirs, files in os.walk("/repo"):
        for name in (folder, *(os.path.join(folder, n) for n in (*dirs, *files))):
            os.chown(name, uid, gid, follow_symlinks=False)
    os.makedirs(os.path.dirname(report), exist_ok=True)
    with open(report, "wb"):
        pass
    os.chown(report, uid, gid)


def phase_runner(spec: dict[str, Any]) -> None:
    record: dict[str, Any] = {"apply_error": apply_patch()}
    user = test_user(spec) if record["apply_error"] is None else None
    if user is not None:
        hand_over(user[0], user[1], spec["report"])
    if record["apply_error"] is None:
        started = time.monotonic()
        # Output goes to files, not memory: a patch printing gigabytes must not kill this driver.
        with open("/tmp/runner.stdout", "wb") as out, open("/tmp/runner.stderr", "wb") as err:
            try:
                # Its own process group, so a timeout kills the test's children too (they would
                # otherwise hold the pipes open and keep the container alive).
                proc = subprocess.Popen(
                    spec["runner_command"],
                    cwd="/repo",
                    stdout=out,
                    stderr=err,
                    start_new_session=True,
                    **as_user(user),
                )
            except OSError as exc:  # the command does not exist or cannot be executed
                record.update(exit=127, timed_out=False)
                err.write(str(exc).encode())
            else:
                try:
                    record.update(exit=proc.wait(timeout=spec["runner_timeout_s"]), timed_out=False)
                except subprocess.TimeoutExpired:
                    record.update(exit=None, timed_out=True)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        record["duration_s"] = round(time.monotonic() - started, 3)
        record["stdout"] = read_tail("/tmp/runner.stdout")
        record["stderr"] = read_tail("/tmp/runner.stderr")
    write_json("/out/runner.json", record)


def as_user(user: tuple[int, int, str] | None) -> dict[str, Any]:
    """Popen arguments that start the tests as `user` (no supplementary groups, its own HOME)."""
    if user is None:
        return {}
    uid, gid, home = user
    return {"user": uid, "group": gid, "extra_groups": [], "env": {**os.environ, "HOME": home}}


def phase_visible(spec: dict[str, Any]) -> None:
    """The task's own tests in /repo (no /tests mounted): exit status and output tails. Only
    `cab tasks validate` runs this phase, on the baseline and the gold patch."""
    record: dict[str, Any] = {"apply_error": apply_patch()}
    if record["apply_error"] is None:
        with open("/tmp/visible.out", "wb") as out:
            try:
                proc = subprocess.Popen(
                    spec["visible_command"],
                    cwd="/repo",
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            except OSError as exc:
                record.update(exit=127, timed_out=False)
                out.write(str(exc).encode())
            else:
                try:
                    record.update(
                        exit=proc.wait(timeout=spec["visible_timeout_s"]), timed_out=False
                    )
                except subprocess.TimeoutExpired:
                    record.update(exit=None, timed_out=True)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        record["output"] = read_tail("/tmp/visible.out")
    write_json("/out/visible.json", record)


def main() -> None:
    with open("/in/spec.json", encoding="utf-8") as fh:
        spec = json.load(fh)
    prepare()
    {"lint": phase_lint, "runner": phase_runner, "visible": phase_visible}[sys.argv[1]](spec)


if __name__ == "__main__":
    main()
