"""Decoys (issue 20): every task ships at least MIN_DECOYS plausible but wrong patches, and
`cab tasks validate` requires each to fail a check and says which one caught it. Without Docker:
the checks are played by a fake that decides by the patch text (test_decoys_docker.py runs them
for real)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from runner.catalog import (
    DECOY_KINDS,
    MIN_DECOYS,
    DecoyError,
    TaskSpec,
    load_decoys,
    parse_decoy,
    parse_file,
    task_digest,
)
from runner.checks import CheckOutcome, Verdict, read_record, task_signals, validate_task
from runner.checks import write_record as write_validation_record
from runner.checks._validate import caught_by
from runner.checks._visible import VisibleRun
from runner.sandbox import FakeOneShot

FIXTURE = Path(__file__).parent / "fixtures" / "decoy-tasks" / "decoy-median"
DIFF = "diff --git a/stats/core.py b/stats/core.py\n--- a/stats/core.py\n+++ b/stats/core.py\n"


@pytest.fixture
def task(tmp_path: Path) -> tuple[Path, TaskSpec]:
    task_dir = tmp_path / "decoy-median"
    shutil.copytree(FIXTURE, task_dir)
    return task_dir, parse_file(task_dir / "task.toml", TaskSpec)


def verdicts(runner: bool = True, lint: bool = True, diff: bool = True, tamper: bool = False):  # type: ignore[no-untyped-def]
    facts = {"tampering": ["x"], "suite_ran": False} if tamper else {"suite_ran": True}
    return CheckOutcome(
        Verdict(
            "runner", runner and not tamper, "tampering: x" if tamper else "runner says", facts
        ),
        Verdict("lint", lint, "lint says"),
        Verdict("diff", diff, "diff says"),
    )


class FakeChecks:
    """Baseline fails test_even, the gold patch passes; a decoy's verdicts come from `by_name`
    (the file name of the decoy whose diff the patch is), default: the runner catches it."""

    def __init__(self, task_dir: Path, by_name: dict[str, CheckOutcome] | None = None) -> None:
        self.gold = (task_dir / "solution.patch").read_text()
        self.decoys = {d.patch: d.name for d in load_decoys(task_dir)}
        self.by_name = by_name or {}
        self.patches: list[str] = []

    def __call__(self, task_dir: Path, spec: TaskSpec, patch: str, image: str) -> CheckOutcome:
        from runner.checks import runner_verdict

        self.patches.append(patch)
        if patch in self.decoys:
            return self.by_name.get(self.decoys[patch], verdicts(runner=False))
        even = "" if patch == self.gold else "<failure message='x'/>"
        report = (
            '<testsuites><testsuite name="pytest">'
            f'<testcase classname="test_median" name="test_even">{even}</testcase>'
            '<testcase classname="test_median" name="test_odd"/>'
            "</testsuite></testsuites>"
        ).encode()
        runner = runner_verdict(spec.checks.runner, report, 1 if even else 0)
        return CheckOutcome(
            runner, Verdict("lint", True, "ok"), Verdict("diff", bool(patch), "ok"), logs={}
        )


def visible(task_dir: Path, spec: TaskSpec, patch: str, image: str) -> VisibleRun:
    return VisibleRun(True, "passed (exit 0)")


def validate(task: tuple[Path, TaskSpec], checks: FakeChecks | None = None):  # type: ignore[no-untyped-def]
    task_dir, spec = task
    checks = checks or FakeChecks(task_dir)
    return validate_task(task_dir, spec, "img", run=checks, run_visible=visible), checks


def test_the_fixture_task_validates_and_names_the_check_that_caught_each_decoy(
    task: tuple[Path, TaskSpec],
) -> None:
    task_dir, _ = task
    checks = FakeChecks(
        task_dir,
        {"pin-the-bug.patch": verdicts(diff=False), "floor-division.patch": verdicts(False, False)},
    )
    result, _ = validate(task, checks)
    assert result.ok, result.reason
    got = {d.path: (d.kind, d.caught_by) for d in result.decoys}
    assert got == {
        "decoys/example-only.patch": ("special-case", ["runner"]),
        "decoys/floor-division.patch": ("partial", ["runner", "lint"]),
        "decoys/pin-the-bug.patch": ("suppress", ["diff"]),
    }
    assert result.decoys[2].summaries == ["diff: diff says"]
    doc = result.as_json()
    assert json.loads(json.dumps(doc))["decoys"][0]["rejected"] is True


def test_decoys_run_once_each_without_their_header(task: tuple[Path, TaskSpec]) -> None:
    _, checks = validate(task)
    decoy_runs = [p for p in checks.patches if p in checks.decoys]
    assert sorted(decoy_runs) == sorted(checks.decoys)  # once each
    for patch in decoy_runs:
        assert patch.startswith("diff --git ") and "Why:" not in patch
    # the gold twice and the baseline twice, as before
    assert checks.patches.count("") == 2 and checks.patches.count(checks.gold) == 2


def test_a_decoy_that_passes_fails_validation_naming_it(task: tuple[Path, TaskSpec]) -> None:
    task_dir, _ = task
    checks = FakeChecks(task_dir, {"floor-division.patch": verdicts()})
    result, _ = validate(task, checks)
    assert not result.ok
    assert result.reason == (
        "decoy passes every check (a loophole: close it with a hidden test or the diff policy): "
        "decoys/floor-division.patch (partial)"
    )
    assert [d.rejected for d in result.decoys] == [True, False, True]


def test_a_decoy_that_does_not_apply_is_broken_not_rejected(task: tuple[Path, TaskSpec]) -> None:
    task_dir, _ = task
    no_apply = CheckOutcome(
        Verdict("runner", False, "the patch does not apply: patch failed: stats/core.py:6"),
        Verdict("lint", False, "the patch does not apply: patch failed: stats/core.py:6"),
        Verdict("diff", True, "ok"),
    )
    result, _ = validate(task, FakeChecks(task_dir, {"example-only.patch": no_apply}))
    assert not result.ok
    assert result.reason == (
        "decoys/example-only.patch: the patch does not apply: patch failed: stats/core.py:6 "
        "(fix the decoy)"
    )


@pytest.mark.parametrize("keep", range(MIN_DECOYS))
def test_fewer_than_the_minimum_fails(task: tuple[Path, TaskSpec], keep: int) -> None:
    task_dir, _ = task
    for p in sorted((task_dir / "decoys").iterdir())[keep:]:
        p.unlink()
    result, _ = validate(task)
    assert not result.ok
    assert result.reason == f"decoys: {keep} in decoys/, at least {MIN_DECOYS} required"


def test_tamper_is_its_own_catcher() -> None:
    assert caught_by(verdicts(tamper=True, diff=False)) == [
        ("diff", "diff says"),
        ("tamper", "tampering: x"),
    ]
    assert [c for c, _ in caught_by(verdicts(tamper=True, diff=False))] == ["diff", "tamper"]
    assert [c for c, _ in caught_by(verdicts(runner=False, lint=False))] == ["runner", "lint"]


GOOD = "Decoy: partial\nWhy: Plausible, and wrong.\n\n" + DIFF
MALFORMED = [
    ("no diff", "Decoy: partial\nWhy: x\n", "no `diff --git` line"),
    ("no kind", "Why: x\n" + DIFF, "header has no `Decoy:` line"),
    ("no why", "Decoy: naive\n" + DIFF, "header has no `Why:` line"),
    ("empty why", "Decoy: naive\nWhy:\n" + DIFF, "Why: is empty"),
    ("bad kind", "Decoy: sneaky\nWhy: x\n" + DIFF, "Decoy: 'sneaky' is not a decoy kind"),
    ("unknown key", "Decoy: naive\nWhy: x\nKind: y\n" + DIFF, "line 3: unknown key 'Kind'"),
    ("twice", "Decoy: naive\nDecoy: other\nWhy: x\n" + DIFF, "line 2: Decoy given twice"),
    ("prose", "Decoy: naive\nWhy: x\nthis is wrong\n" + DIFF, "line 3 is not `Key: value`"),
]


def test_a_good_header_parses() -> None:
    d = parse_decoy(GOOD, "decoys/a.patch")
    assert (d.kind, d.why, d.patch, d.name) == ("partial", "Plausible, and wrong.", DIFF, "a.patch")
    assert set(DECOY_KINDS) >= {"partial", "special-case", "suppress", "breaks-requirement"}


@pytest.mark.parametrize(("case", "text", "problem"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_header_is_one_line_naming_the_file(
    task: tuple[Path, TaskSpec], case: str, text: str, problem: str
) -> None:
    with pytest.raises(DecoyError) as err:
        parse_decoy(text, "decoys/bad.patch")
    assert str(err.value).startswith("decoys/bad.patch: ") and problem in str(err.value), case
    assert "\n" not in str(err.value)
    # and validation reports it before any container starts
    task_dir, _ = task
    checks = FakeChecks(task_dir)
    (task_dir / "decoys" / "bad.patch").write_text(text)
    result = validate_task(task_dir, task[1], "img", run=checks, run_visible=visible)
    assert not result.ok and result.reason == str(err.value)
    assert checks.patches == []


def test_only_patch_files_belong_in_decoys(task: tuple[Path, TaskSpec]) -> None:
    task_dir, _ = task
    (task_dir / "decoys" / "notes.md").write_text("ideas\n")
    with pytest.raises(DecoyError, match=r"^decoys/notes.md: only \.patch files"):
        load_decoys(task_dir)


def test_decoys_are_in_the_digest(task: tuple[Path, TaskSpec]) -> None:
    task_dir, spec = task
    before = task_digest(task_dir, spec)
    p = task_dir / "decoys" / "example-only.patch"
    p.write_text(p.read_text().replace("Makes", "Only makes"))
    assert task_digest(task_dir, spec) != before


def test_decoys_never_reach_a_check_container(task: tuple[Path, TaskSpec]) -> None:
    """The checks mount repo/, their inputs and a copy of tests/ only: no decoy file, and no
    decoy header, is inside any container."""
    from runner.checks import ChecksInfraError, run_checks
    from runner.sandbox import ExecResult, OneShotCall

    task_dir, spec = task
    decoy = load_decoys(task_dir)[0]
    seen: list[tuple[str, str]] = []

    def script(call: OneShotCall) -> ExecResult:
        for mount in call.spec.mounts:
            files = [mount.source] if mount.source.is_file() else mount.source.rglob("*")
            for f in files:
                if f.is_file():
                    seen.append((mount.target, f.read_text(errors="replace")))
                    assert "decoys" not in f.relative_to(mount.source.parent).parts, f
        return ExecResult(1, b"", b"", 0.1, False)

    fake = FakeOneShot(script)
    with pytest.raises(ChecksInfraError):  # the fake writes no records; only the mounts matter
        run_checks(task_dir, spec, decoy.patch, "img", one_shot=fake)
    assert fake.calls and seen
    assert {m.target for c in fake.calls for m in c.spec.mounts} <= {
        "/src/repo",
        "/in",
        "/out",
        "/tests",
    }
    assert any(decoy.patch in text for _, text in seen)  # the diff itself is the input
    assert not any(decoy.why in text for _, text in seen)
    others = [d for d in load_decoys(task_dir) if d.name != decoy.name]
    leaked = [(d.name, where) for d in others for where, text in seen if d.patch in text]
    assert not leaked


def test_catalog_signals_and_the_record(task: tuple[Path, TaskSpec], tmp_path: Path) -> None:
    task_dir, spec = task
    result, _ = validate(task)
    tasks_dir = task_dir.parent
    write_validation_record(tasks_dir, [result])
    first = (tasks_dir / "validation.json").read_bytes()
    write_validation_record(tasks_dir, [result])
    assert (tasks_dir / "validation.json").read_bytes() == first  # deterministic
    signals = task_signals(task_dir, spec, read_record(tasks_dir))
    assert signals["hidden_tests"] == {"fail_to_pass": 1, "pass_to_pass": 1}
    assert signals["decoys"] == {
        "count": 3,
        "kinds": {"partial": 1, "special-case": 1, "suppress": 1},
        "error": None,
    }
    assert signals["gold"] == {"files": 1, "added": 4, "deleted": 1, "lines": 5}
    assert signals["repo"]["code_files"] == 2 and signals["repo"]["test_files"] == 1
    assert signals["validation"]["current"] is True
    assert signals["validation"]["decoys"]["decoys/pin-the-bug.patch"]["caught_by"] == ["runner"]
    (task_dir / "instruction.md").write_text("changed\n")
    assert task_signals(task_dir, spec, read_record(tasks_dir))["validation"]["current"] is False


def test_catalog_tasks_json_lists_the_signals(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from runner.cli import main
    from tests.test_catalog import make_root

    root = make_root(tmp_path)
    shutil.copytree(FIXTURE, root / "tasks" / "decoy-median")
    result = CliRunner().invoke(main, ["--root", str(root), "catalog", "tasks", "--json"])
    assert result.exit_code == 0, result.output
    by_id = {t["id"]: t for t in json.loads(result.stdout)}
    signals = by_id["decoy-median"]["signals"]
    assert signals["decoys"]["count"] == 3 and signals["validation"] is None
    assert signals["hidden_tests"] == {"fail_to_pass": 1, "pass_to_pass": 1}
    assert by_id["t1"]["signals"]["decoys"] == {"count": 0, "kinds": {}, "error": None}
