"""`CI` reaches the test run in ci.yml, and with it the guard that fails Docker tests in CI.

ci.yml runs .ci/run under sudo, whose env_reset drops every variable not listed in
--preserve-env (checked here against the real sudo when one can run without a password).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CI_YML = ROOT / ".github" / "workflows" / "ci.yml"


def _sudo_line() -> list[str]:
    doc = yaml.safe_load(CI_YML.read_text(encoding="utf-8"))
    runs = [s["run"] for job in doc["jobs"].values() for s in job["steps"] if "run" in s]
    (line,) = [r for r in runs if ".ci/run" in r]
    argv = shlex.split(line)
    assert argv[0] == "sudo", "ci.yml runs .ci/run as root through sudo"
    return argv[: argv.index("bash")]


def _preserved(sudo_argv: list[str]) -> set[str]:
    names: set[str] = set()
    for arg in sudo_argv[1:]:
        if arg in ("-E", "--preserve-env"):
            return {"*"}  # the whole environment
        if arg.startswith("--preserve-env="):
            names.update(arg.split("=", 1)[1].split(","))
    return names


def test_ci_yml_hands_CI_to_the_test_run() -> None:
    preserved = _preserved(_sudo_line())
    assert "CI" in preserved or "*" in preserved, "sudo's env_reset would drop CI"
    assert "PATH" in preserved or "*" in preserved  # setup-python's interpreter


def _passwordless_sudo() -> bool:
    if shutil.which("sudo") is None:
        return False
    return subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _passwordless_sudo(), reason="no sudo that runs without a password")
def test_ci_yml_sudo_line_really_keeps_CI() -> None:
    env = {**os.environ, "CI": "true-from-the-test", "CAB_NOT_LISTED": "1"}
    out = subprocess.run([*_sudo_line(), "env"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "CI=true-from-the-test" in lines
    # The control: sudo does reset the rest (so the line above is what keeps CI).
    if "*" not in _preserved(_sudo_line()):
        assert not any(x.startswith("CAB_NOT_LISTED=") for x in lines)
    dropped = subprocess.run(
        ["sudo", "--preserve-env=PATH", "env"], env=env, capture_output=True, text=True
    )
    assert not any(x.startswith("CI=") for x in dropped.stdout.splitlines())


GUARDED = "def test_needs_the_engine(docker_engine):\n    pass\n"


@pytest.mark.parametrize(("ci", "outcome"), [("true", "1 error"), (None, "1 skipped")])
def test_docker_guard_fails_in_ci_and_skips_elsewhere(
    tmp_path: Path, ci: str | None, outcome: str
) -> None:
    """With no `docker` on PATH the engine cannot answer: CI set -> error, unset -> skip."""
    (tmp_path / "test_guarded.py").write_text(GUARDED)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PATH"] = str(Path(sys.executable).parent)  # no docker binary here
    env["PYTHONPATH"] = str(ROOT)
    if ci is not None:
        env["CI"] = ci
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.conftest",
            "-q",
            "--rootdir",
            str(tmp_path),
            "-p",
            "no:cacheprovider",
            str(tmp_path / "test_guarded.py"),
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert outcome in out.stdout, out.stdout + out.stderr
    if ci:
        assert "CI=true but the Docker engine does not answer" in out.stdout
