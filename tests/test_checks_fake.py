"""run_checks without Docker: a FakeOneShot plays the checks containers, writing what the driver
would have written into the host side of the /out mount. The real containers are exercised by
test_checks_docker.py; these pin how run_checks turns records, exit codes and engine failures
into verdicts and ChecksInfraError."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from runner.catalog import TaskSpec, load_tasks
from runner.checks import CheckOutcome, ChecksInfraError, run_checks
from runner.checks._run import RUNNER_CAPS
from runner.sandbox import ExecResult, FakeOneShot, Limits, OneShotCall, SandboxError

ROOT = Path(__file__).resolve().parents[1]
TASK = "py-semver-prerelease"
TASK_DIR = ROOT / "tasks" / TASK


@pytest.fixture(scope="module")
def spec() -> TaskSpec:
    return load_tasks(ROOT)[TASK]


@pytest.fixture(scope="module")
def gold() -> str:
    return (TASK_DIR / "solution.patch").read_text()


def junit(spec: TaskSpec, failed: frozenset[str] = frozenset()) -> bytes:
    cases = []
    for test_id in [*spec.checks.runner.fail_to_pass, *spec.checks.runner.pass_to_pass]:
        classname, name = test_id.split("::", 1)
        body = '<failure message="assert"/>' if test_id in failed else ""
        cases.append(f'<testcase classname="{classname}" name="{name}">{body}</testcase>')
    return (
        f'<testsuites><testsuite name="pytest">{"".join(cases)}</testsuite></testsuites>'.encode()
    )


LINT_OK: dict[str, Any] = {
    "baseline": "[]",
    "baseline_run": {"files": ["semverkit/version.py"], "exit": 0, "stderr": ""},
    "apply_error": None,
    "patched": "[]",
    "patched_run": {"files": ["semverkit/version.py"], "exit": 0, "stderr": ""},
    "duration_s": 0.25,
}
RUNNER_OK: dict[str, Any] = {
    "apply_error": None,
    "exit": 1,  # pytest's exit with a failure in the report: the failing canary
    "timed_out": False,
    "duration_s": 1.5,
    "stdout": "16 passed",
    "stderr": "",
}


def with_canaries(report: bytes, tests: Path) -> bytes:
    """The report an honest pytest writes: the run's canaries in it, as they must come out
    (run_checks adds them to the hidden tests it mounts: test_<token>.py, _a fails, _b passes)."""
    names = [p.stem for p in tests.glob("test_*.py") if not (TASK_DIR / "tests" / p.name).exists()]
    cases = "".join(
        f'<testcase classname="{module}" name="{module}_a"><failure message="x"/></testcase>'
        f'<testcase classname="{module}" name="{module}_b"></testcase>'
        for module in names
    )
    return report.replace(b"</testsuite>", cases.encode() + b"</testsuite>", 1)


def driver(
    records: Mapping[str, Any],
    *,
    report: bytes | None = None,
    exit_codes: Mapping[str, int | None] | None = None,
    stderr: bytes = b"",
    seen: list[dict[str, Any]] | None = None,
) -> Callable[[OneShotCall], ExecResult]:
    """A script playing _driver.py: writes records[phase] (a dict as JSON, bytes verbatim,
    None: nothing) to /out/<phase>.json and, for the runner, the report; exits exit_codes."""

    def script(call: OneShotCall) -> ExecResult:
        phase = call.argv[-1]
        if seen is not None:
            seen.append(json.loads((call.host_path("/in") / "spec.json").read_text()))
        out = call.host_path("/out")
        record = records.get(phase)
        if isinstance(record, bytes):
            (out / f"{phase}.json").write_bytes(record)
        elif record is not None:
            (out / f"{phase}.json").write_text(json.dumps(record))
        if phase == "runner" and report is not None:
            (out / "report.xml").write_bytes(with_canaries(report, call.host_path("/tests")))
        code = (exit_codes or {}).get(phase, 0)
        return ExecResult(code, b"driver out\n", stderr, 0.5, code is None)

    return script


def check(
    spec: TaskSpec, patch: str, fake: FakeOneShot, *, image: str = "cab/runtime-python:x"
) -> CheckOutcome:
    return run_checks(TASK_DIR, spec, patch, image, one_shot=fake)


def test_gold_patch_passes_with_the_containers_specified_as_before(
    spec: TaskSpec, gold: str
) -> None:
    seen: list[dict[str, Any]] = []
    fake = FakeOneShot(
        driver({"lint": LINT_OK, "runner": RUNNER_OK}, report=junit(spec), seen=seen)
    )
    outcome = check(spec, gold, fake)
    assert [v.passed for v in outcome.verdicts] == [True, True, True], outcome.verdicts
    assert set(outcome.logs) == {"lint", "runner", "report", "diff"}
    assert outcome.logs["diff"] == gold.encode()
    assert outcome.logs["report"].startswith(junit(spec).split(b"</testsuite>")[0])
    assert b'_a"><failure' in outcome.logs["report"]  # the canaries ran with the tests
    assert outcome.command_s == {"lint": 0.25, "runner": 1.5}
    assert set(outcome.durations_s) == {"diff", "lint", "runner"}
    # The lint log is the record exactly as written, then the container's own output.
    assert outcome.logs["lint"] == json.dumps(LINT_OK, sort_keys=True).encode() + b"\ndriver out\n"
    assert outcome.logs["runner"].startswith(
        b"exit=1 timed_out=False\n--- stdout\n16 passed\n--- stderr\n\n"
    )
    by_phase = {c.argv[-1]: c for c in fake.calls}
    assert sorted(by_phase) == ["lint", "runner"]
    for phase, call in by_phase.items():
        assert call.argv == ("python3", "/in/driver.py", phase)
        assert call.spec.image == "cab/runtime-python:x"
        # Lint as the image's own (checked non-root) USER; the runner's driver as root, which
        # starts the tests as that USER and keeps /out and its record out of their reach.
        assert call.spec.user == ("0" if phase == "runner" else None)
        assert call.spec.cap_add == (RUNNER_CAPS if phase == "runner" else ())
        assert call.spec.workdir == "/repo"
        assert call.spec.env == {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        assert call.spec.limits == Limits(cpus=2.0, memory_mb=2048, pids=512)
        assert not call.spec.read_only_root and not call.spec.tmpfs
        mounts = {m.target: (m.source, m.read_only) for m in call.spec.mounts}
        assert mounts["/src/repo"] == (TASK_DIR / "repo", True)
        assert mounts["/in"][1] and not mounts["/out"][1]
        # Only the runner sees the hidden tests; the host dirs are gone afterwards.
        assert ("/tests" in mounts) == (phase == "runner")
        assert not mounts["/in"][0].exists() and not mounts["/out"][0].exists()
    assert by_phase["lint"].timeout_s == 300 + 120
    assert by_phase["runner"].timeout_s == 600 + 120
    assert seen[0]["lint_after"] == ["semverkit/ranges.py", "semverkit/version.py"]
    assert seen[0]["runner_command"] == spec.checks.runner.command
    assert seen[0]["test_user"] == fake.image_user("cab/runtime-python:x")
    assert seen[0]["report"] == "/out/report.xml"


def test_failing_tests_fail_the_runner(spec: TaskSpec, gold: str) -> None:
    f2p = spec.checks.runner.fail_to_pass[0]
    record = {**RUNNER_OK, "exit": 1}
    fake = FakeOneShot(
        driver({"lint": LINT_OK, "runner": record}, report=junit(spec, frozenset({f2p})))
    )
    outcome = check(spec, gold, fake)
    assert outcome.lint.passed and outcome.diff.passed
    assert not outcome.runner.passed and not outcome.passed
    assert outcome.runner.facts["fail_to_pass_failed"] == [f2p]
    total = len(spec.checks.runner.fail_to_pass)
    assert outcome.runner.summary.startswith(f"fail_to_pass 1/{total} not passed")


def test_patch_that_does_not_apply(spec: TaskSpec, gold: str) -> None:
    why = "error: patch failed: semverkit/version.py:12"
    records = {"lint": {**LINT_OK, "apply_error": why}, "runner": {"apply_error": why}}
    outcome = check(spec, gold, FakeOneShot(driver(records)))
    assert outcome.lint.summary == f"the patch does not apply: {why}"
    assert outcome.runner.summary == f"the patch does not apply: {why}"
    assert outcome.runner.facts["suite_ran"] is False
    assert outcome.runner.facts["fail_to_pass_failed"] == list(spec.checks.runner.fail_to_pass)
    assert outcome.logs["runner"].startswith(b"exit=None timed_out=None\n")
    assert "runner" not in outcome.command_s


def test_runner_container_killed_before_its_record_is_the_patch_failure(
    spec: TaskSpec, gold: str
) -> None:
    fake = FakeOneShot(
        driver(
            {"lint": LINT_OK},
            report=junit(spec),  # a report without the driver's record vouches for nothing
            exit_codes={"runner": 137},
            stderr=b"Killed\n",
        )
    )
    outcome = check(spec, gold, fake)
    assert outcome.runner.summary == "the suite did not run: the runner was killed (exit 137)"
    assert b"the checks container died (exit 137): Killed" in outcome.logs["runner"]


@pytest.mark.parametrize(
    "record",
    [
        b"[1, 2]",  # not an object
        b'{"apply_error": null, "exit": 0',  # cut short
        json.dumps({**RUNNER_OK, "exit": True}).encode(),  # a bool is not an exit code
        json.dumps({**RUNNER_OK, "passed": True}).encode(),  # not a key the driver writes
    ],
    ids=["list", "truncated", "bool-exit", "unknown-key"],
)
def test_corrupt_runner_record_counts_as_none(spec: TaskSpec, gold: str, record: bytes) -> None:
    fake = FakeOneShot(driver({"lint": LINT_OK, "runner": record}, report=junit(spec)))
    outcome = check(spec, gold, fake)
    assert not outcome.runner.passed
    assert outcome.runner.summary == "the suite did not run: the runner has no exit code"
    assert b"the checks container died (exit 0)" in outcome.logs["runner"]


def test_record_replaced_by_a_symlink_is_not_read(
    spec: TaskSpec, gold: str, tmp_path: Path
) -> None:
    planted = tmp_path / "planted.json"
    planted.write_text(json.dumps(RUNNER_OK))
    inner = driver({"lint": LINT_OK}, report=junit(spec))

    def script(call: OneShotCall) -> ExecResult:
        if call.argv[-1] == "runner":
            os.symlink(planted, call.host_path("/out") / "runner.json")
        return inner(call)

    outcome = check(spec, gold, FakeOneShot(script))
    assert not outcome.runner.passed
    assert outcome.runner.summary == "the suite did not run: the runner has no exit code"


def test_lint_container_without_a_record_is_infra(spec: TaskSpec, gold: str) -> None:
    fake = FakeOneShot(driver({"runner": RUNNER_OK}, report=junit(spec), stderr=b"boom\n"))
    with pytest.raises(ChecksInfraError, match=r"lint container failed \(exit 0\): boom"):
        check(spec, gold, fake)


@pytest.mark.parametrize("code", [126, 127])
def test_python_that_cannot_start_is_infra(spec: TaskSpec, gold: str, code: int) -> None:
    fake = FakeOneShot(driver({"lint": LINT_OK}, exit_codes={"runner": code}))
    with pytest.raises(ChecksInfraError, match=rf"runner container failed \(exit {code}\)"):
        check(spec, gold, fake)


def test_engine_failure_is_infra(spec: TaskSpec, gold: str) -> None:
    def engine_down(call: OneShotCall) -> ExecResult:
        raise SandboxError("Docker engine not reachable: connection refused")

    with pytest.raises(ChecksInfraError, match="container failed: Docker engine not reachable"):
        check(spec, gold, FakeOneShot(engine_down))


def test_container_past_its_time_limit_is_infra(spec: TaskSpec, gold: str) -> None:
    fake = FakeOneShot(driver({"lint": LINT_OK}, exit_codes={"runner": None}))
    with pytest.raises(ChecksInfraError, match=r"runner container did not finish in 720s"):
        check(spec, gold, fake)


def test_missing_or_root_image_is_infra_before_any_container(spec: TaskSpec, gold: str) -> None:
    missing = FakeOneShot(driver({}), image_users={})
    with pytest.raises(ChecksInfraError, match="is not available"):
        check(spec, gold, missing)
    root = FakeOneShot(driver({}), image_users={"img": "root"})
    with pytest.raises(ChecksInfraError, match="runs as root"):
        check(spec, gold, root, image="img")
    assert missing.calls == [] and root.calls == []


def test_empty_patch_checks_the_baseline_without_a_lint_container(spec: TaskSpec) -> None:
    fake = FakeOneShot(driver({"runner": {**RUNNER_OK, "exit": 1}}, report=junit(spec)))
    outcome = check(spec, "", fake)
    assert [c.argv[-1] for c in fake.calls] == ["runner"]
    assert outcome.lint.passed and outcome.lint.summary == "no file changed"
    assert outcome.diff.summary == "the patch is empty: nothing changed"
    assert set(outcome.logs) == {"runner", "report", "diff"}
