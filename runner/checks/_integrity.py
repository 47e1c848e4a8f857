"""Signals that must agree before a runner check may pass, and the canaries that prove the test
runner still reports honestly.

The hidden tests run the patched code in the process that writes their report. Code that forges
the report after the run, ends the process with status 0, or patches the runner's report objects
leaves the signals disagreeing: the exit status says one thing and the report another, the suite
totals no longer match the test cases, or the canaries come out wrong. Canaries are tests the
patch cannot know (random names, added to the hidden tests for each run): one must fail and one
must pass. A forgery that turns every failure into a pass turns the failing canary too; one that
writes a report of its own leaves them out.
"""

from __future__ import annotations

import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from runner.checks._junit import Status

# pytest and node --test both exit 1 when a test failed and 0 when none did; anything else is
# not the normal end of a suite (and a killed run never gets here).
TESTS_FAILED_EXIT = 1


class RunnerKind(StrEnum):
    pytest = "pytest"
    node = "node"


# Package managers that run the task's tests through package.json's scripts (`npm test`).
SCRIPT_RUNNERS = frozenset({"npm", "yarn", "pnpm", "npx", "bun"})


def _programs(command: Sequence[str]) -> list[str]:
    """The command's words without their directories (/usr/bin/node -> node)."""
    return [w.rsplit("/", 1)[-1] for w in command]


def runs_package_scripts(command: Sequence[str]) -> bool:
    """The task's runner goes through package.json's scripts: they are then test config."""
    return bool(SCRIPT_RUNNERS.intersection(_programs(command)))


def runner_kind(command: Sequence[str]) -> RunnerKind | None:
    """Which test runner a task's command runs (None: one the harness has no canaries for)."""
    words = _programs(command)
    if "pytest" in words or any(w.startswith("py.test") for w in words):
        return RunnerKind.pytest
    if words and words[0] in ("node", "nodejs") and "--test" in words:
        return RunnerKind.node
    return None


@dataclass(frozen=True)
class Canaries:
    kind: RunnerKind
    must_fail: str  # report id, as parse_junit names it
    must_pass: str
    files: Mapping[str, str]  # file name in the hidden tests folder -> content

    @property
    def ids(self) -> frozenset[str]:
        return frozenset((self.must_fail, self.must_pass))


def make_canaries(command: Sequence[str], token: str | None = None) -> Canaries | None:
    """Canary tests for this run. `token` (random by default) names them: a patch written
    before the run cannot know it."""
    kind = runner_kind(command)
    if kind is None:
        return None
    tok = token or secrets.token_hex(6)
    fail_name, pass_name = f"test_{tok}_a", f"test_{tok}_b"
    if kind is RunnerKind.pytest:
        module = f"test_{tok}"
        # Alike on purpose: code that inspects tests cannot tell them apart without running them.
        body = (
            f"def {fail_name}():\n    assert int('7') + 1 == 9\n\n\n"
            f"def {pass_name}():\n    assert int('7') + 1 == 8\n"
        )
        return Canaries(
            kind, f"{module}::{fail_name}", f"{module}::{pass_name}", {f"{module}.py": body}
        )
    body = (
        'import { test } from "node:test";\nimport assert from "node:assert/strict";\n'
        f'test("{fail_name}", () => {{ assert.equal(Number("7") + 1, 9); }});\n'
        f'test("{pass_name}", () => {{ assert.equal(Number("7") + 1, 8); }});\n'
    )
    return Canaries(
        kind, f"test::{fail_name}", f"test::{pass_name}", {f"{tok}.test.{_node_ext(command)}": body}
    )


# The canary file must match the command's own file glob: `/tests/**/*.test.ts` (a TypeScript
# task) never runs a .mjs file, and a canary that does not run reads as a forged report.
_NODE_TS_GLOB = re.compile(r"\.test\.([cm]?ts)$")


def _node_ext(command: Sequence[str]) -> str:
    for arg in command:
        if m := _NODE_TS_GLOB.search(arg):
            return m.group(1)
    return "mjs"


@dataclass(frozen=True)
class SuiteTotals:
    name: str
    declared: tuple[int, int, int, int]  # tests, failures, errors, skipped as the suite says
    counted: tuple[int, int, int, int]  # the same, counted from its test cases


def suite_totals(report: bytes) -> list[SuiteTotals]:
    """The totals every <testsuite> declares beside what its test cases show (suites that
    declare none, as node's reporter writes them, are left out). The report parsed already."""
    out = []
    for suite in ET.fromstring(report).iter("testsuite"):
        if suite.get("tests") is None:
            continue
        cases = list(suite.iter("testcase"))

        def having(tag: str, cases: list[ET.Element] = cases) -> int:
            return sum(1 for c in cases if any(child.tag == tag for child in c))

        declared = tuple(_int(suite.get(k)) for k in ("tests", "failures", "errors", "skipped"))
        counted = (len(cases), having("failure"), having("error"), having("skipped"))
        out.append(SuiteTotals(suite.get("name", ""), declared, counted))  # type: ignore[arg-type]
    return out


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return -1  # never equal to a count


def disagreements(
    results: Mapping[str, Status],
    report: bytes,
    exit_code: int,
    canaries: Canaries | None,
) -> list[str]:
    """Every way the run's signals disagree; empty when the report can be believed."""
    problems = []
    failed = [i for i, s in results.items() if s in (Status.failed, Status.error)]
    if failed and exit_code == 0:
        problems.append(f"the runner exited 0 but the report records {len(failed)} failures")
    if not failed and exit_code != 0:
        problems.append(f"the runner exited {exit_code} but the report records no failure")
    for suite in suite_totals(report):
        if suite.declared != suite.counted:
            problems.append(
                f"suite {suite.name!r} declares tests/failures/errors/skipped "
                f"{'/'.join(map(str, suite.declared))} but its test cases show "
                f"{'/'.join(map(str, suite.counted))}"
            )
    if canaries is not None:
        for test_id, want in ((canaries.must_fail, Status.failed), (canaries.must_pass, None)):
            got = results.get(test_id)
            if got is None:
                problems.append(f"canary {test_id} is missing from the report")
            elif want is Status.failed and got is not Status.failed:
                problems.append(f"canary {test_id} must fail but is {got.value}")
            elif want is None and got is not Status.passed:
                problems.append(f"canary {test_id} must pass but is {got.value}")
    return problems
