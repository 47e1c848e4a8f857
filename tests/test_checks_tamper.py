"""The static tamper scan: each forgery of a verdict fails with its own reason; honest patches
(every task's gold) pass untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.catalog import DiffPolicy, RunnerCheck, load_tasks
from runner.checks._diff import diff_verdict, parse_diff
from runner.checks._tamper import CONSTRUCT_NAMES, tamper_findings, tamper_verdict

ROOT = Path(__file__).resolve().parents[1]
RUNNER = RunnerCheck(command=["pytest"], report="/out/report.xml", fail_to_pass=["t::a"])
POLICY = DiffPolicy(allowed_paths=["pkg/**", "src/**", "bin/**", "*"], max_changed_lines=500)


def new_file(path: str, body: str) -> str:
    lines = body.splitlines()
    added = "".join(f"+{line}\n" for line in lines)
    return (
        f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
        f"@@ -0,0 +1,{len(lines)} @@\n{added}"
    )


def edit(path: str, old: str, new: str) -> str:
    return (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        f"@@ -1,1 +1,2 @@\n-{old}\n+{old}\n+{new}\n"
    )


FORGE_REPORT = edit(
    "pkg/__init__.py",
    "VERSION = 1",
    "import atexit; atexit.register(lambda: open('/out/report.xml', 'w').write('<ok/>'))",
)
EXIT_ZERO = edit("pkg/core.py", "def f(): pass", "import os; os._exit(0)")
PATCH_REPORTS = new_file(
    "pkg/_compat.py",
    "from _pytest.reports import TestReport\n"
    "_orig = TestReport.from_item_and_call\n"
    "def _pass(item, call):\n"
    "    rep = _orig(item, call)\n"
    "    rep.outcome = 'passed'\n"
    "    return rep\n"
    "TestReport.from_item_and_call = staticmethod(_pass)\n",
)
MODULES_TRICK = edit("pkg/core.py", "import sys", "sys.modules['pytest'].main = lambda *a: 0")
SIGNAL = edit("pkg/core.py", "import signal", "signal.signal(signal.SIGTERM, signal.SIG_IGN)")
EXIT_AT_IMPORT = edit("pkg/core.py", "import sys", "sys.exit(0)")
FRAMES = edit("pkg/core.py", "import sys", "sys._getframe(5).f_locals['outcome'] = 'passed'")
META_PATH = edit("pkg/core.py", "import sys", "sys.meta_path.insert(0, Finder())")
JS_EXIT = edit("src/index.js", "export {};", "process.on('exit', () => { process.exitCode = 0; });")
JS_LOADER = edit("src/index.js", "export {};", "import { mock } from 'node:test';")
SH_TRAP = edit("bin/run", "set -eu", "trap 'echo ok > /out/report.xml' EXIT")
SH_WRITE = edit("bin/run", "set -eu", "cp fake.xml /out/report.xml")


@pytest.mark.parametrize(
    ("patch", "construct"),
    [
        (FORGE_REPORT, "exit-hook"),
        (EXIT_ZERO, "hard-exit"),
        (PATCH_REPORTS, "runner-internals"),
        (MODULES_TRICK, "runner-internals"),
        (SIGNAL, "signal-handler"),
        (EXIT_AT_IMPORT, "exit-at-import"),
        (FRAMES, "frame-walking"),
        (META_PATH, "import-hook"),
        (JS_EXIT, "process-exit"),
        (JS_LOADER, "runner-internals-js"),
        (SH_TRAP, "shell-trap"),
        (SH_WRITE, "results-path"),
    ],
)
def test_each_tamper_construct_fails_the_runner_check_naming_it(patch: str, construct: str) -> None:
    verdict = tamper_verdict(RUNNER, patch)
    assert verdict is not None and not verdict.passed
    assert verdict.summary.startswith(f"tampering: {construct} in ")
    assert construct in {f.construct for f in tamper_findings(parse_diff(patch))}
    # A task that names the construct as needed by its honest fix lets it through.
    allowed = RUNNER.model_copy(update={"allowed_constructs": sorted(CONSTRUCT_NAMES)})
    assert tamper_verdict(allowed, patch) is None


def test_an_allowance_can_be_confined_to_some_files() -> None:
    scoped = RUNNER.model_copy(update={"allowed_constructs": ["runner-internals-js@test/*"]})
    visible_test = edit("test/a.test.js", "export {};", "import { test } from 'node:test';")
    assert tamper_verdict(scoped, visible_test) is None
    assert tamper_verdict(scoped, JS_LOADER) is not None  # src/ is the code under test


@pytest.mark.parametrize(
    "patch",
    [
        new_file("conftest.py", "def pytest_runtest_makereport(item, call): pass"),
        new_file("pkg/tests/conftest.py", "x = 1"),
        new_file("sitecustomize.py", "import pkg"),
        new_file("pkg/usercustomize.py", "import pkg"),
        new_file("evil.pth", "import pkg"),
        new_file("pytest.ini", "[pytest]\naddopts = -p pkg.plugin"),
        new_file("pkg-0.1.dist-info/entry_points.txt", "[pytest11]\nx = pkg.plugin"),
        edit("pyproject.toml", "[project]", "[tool.pytest.ini_options]"),
        new_file(".mocharc.json", "{}"),
    ],
)
def test_test_runner_configuration_is_out_of_scope(patch: str) -> None:
    verdict = diff_verdict(POLICY, patch)
    assert not verdict.passed
    assert verdict.summary.startswith("tampering: changes test-runner configuration")
    path = parse_diff(patch)[0].paths[0]
    allowed = POLICY.model_copy(update={"allow_test_config": [path]})
    assert diff_verdict(allowed, patch).passed


def test_package_scripts_count_only_where_the_runner_uses_them() -> None:
    patch = edit("package.json", '"name": "x",', '"scripts": {"test": "true"},')
    assert diff_verdict(POLICY, patch).passed  # node --test reads no script
    assert not diff_verdict(POLICY, patch, package_scripts=True).passed


def test_pyproject_edits_that_leave_pytest_alone_are_in_scope() -> None:
    assert diff_verdict(POLICY, edit("pyproject.toml", "[project]", 'name = "x"')).passed


@pytest.mark.parametrize("task_id", sorted(load_tasks(ROOT)))
def test_every_gold_patch_is_free_of_tampering(task_id: str) -> None:
    spec = load_tasks(ROOT)[task_id]
    for entry in spec.checks.runner.allowed_constructs:
        assert entry.partition("@")[0] in CONSTRUCT_NAMES, f"{task_id}: unknown {entry!r}"
    patch = (ROOT / "tasks" / task_id / "solution.patch").read_text(encoding="utf-8")
    assert tamper_verdict(spec.checks.runner, patch) is None
    assert diff_verdict(spec.checks.diff, patch).passed
