"""What a patch may not do to the way its tests run: a static scan of the patch.

The hidden tests execute the patched code in the process that reports their results, so code under
test can forge the verdict from inside: rewrite the report after the run (an exit hook), end the
process with status 0 whatever happened (`os._exit(0)`), or replace the test runner's report
objects so that every failure is recorded as a pass. Separating the results channel (the driver
reads results the tests cannot write) catches the first two; this scan catches what a channel
cannot, by refusing the constructs those forgeries are made of. Two rules:

- Test-runner configuration is out of scope: `conftest.py`, `sitecustomize.py`, pytest/tox
  settings, `*.pth`, a node test runner's config... change how the tests run, never what the code
  does. A task whose honest fix must change one names it in `checks.diff.allow_test_config`.
- Tamper constructs in added lines: exit hooks, hard exits, signal handlers, writes to the results
  path, reaching into pytest / unittest / node:test internals, import-machinery hooks. A task whose
  honest fix needs one names it in `checks.runner.allowed_constructs`.

Both are deliberately coarse: an honest fix in the benchmark's small libraries needs none of
these, and a false positive is fixed once, visibly, in the task's own task.toml.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from runner.catalog import RunnerCheck
from runner.checks._diff import DiffParseError, FileChange, parse_diff
from runner.checks._testconfig import in_globs
from runner.checks._verdict import Verdict


@dataclass(frozen=True)
class Construct:
    name: str
    why: str
    pattern: re.Pattern[str]
    files: tuple[str, ...]  # globs of the files it is looked for in


_PY = ("*.py", "*.pyi", "*.pth")
_JS = ("*.js", "*.mjs", "*.cjs", "*.ts", "*.mts", "*.cts", "*.jsx", "*.tsx")
_SH = ("*.sh", "*.bash", "bin/*", "*/bin/*")
_ANY = ("*",)


def _c(name: str, why: str, pattern: str, files: tuple[str, ...]) -> Construct:
    return Construct(name, why, re.compile(pattern), files)


# Each entry names a forgery it prevents. Matched against added lines only.
TAMPER_CONSTRUCTS: tuple[Construct, ...] = (
    _c(
        "exit-hook",
        "runs after the tests, when the report can be rewritten",
        r"\batexit\b|\bweakref\.finalize\b|\bsys\.exitfunc\b",
        _PY,
    ),
    _c(
        "hard-exit",
        "ends the test process with a status of its choosing",
        r"\bos\._exit\b|\bos\.kill\s*\(\s*os\.getpid|\bos\.abort\b",
        _PY,
    ),
    _c(
        "exit-at-import",
        "a module that exits when imported ends the test run",
        r"^(?:sys\.exit|exit|quit)\s*\(|^raise\s+SystemExit\b",
        _PY,
    ),
    _c(
        "signal-handler",
        "intercepts the runner's own signals",
        r"\bsignal\.(?:signal|alarm|setitimer|pthread_kill)\b",
        _PY,
    ),
    _c(
        "runner-internals",
        "reaches into pytest or unittest to change recorded outcomes",
        r"\b_pytest\b|\bpytest_(?:runtest|collect|sessionfinish|sessionstart|configure|"
        r"report|terminal|make|pyfunc|exception|assertrepr|load)\w*|\bTestReport\b|"
        r"\bCallInfo\b|\bhookimpl\b|\bpluggy\b|\bpytest\.main\b|\bunittest\.(?:result|"
        r"runner|TestResult|TextTestResult|TextTestRunner)\b|\bjunitxml\b|"
        r"\bsys\.modules\s*\[\s*['\"](?:pytest|_pytest|unittest|pluggy)",
        _PY,
    ),
    _c(
        "import-hook",
        "changes what every later import (the tests' included) loads",
        r"\bsys\.(?:meta_path|path_hooks|settrace|setprofile|excepthook|addaudithook)\b|"
        r"\bbuiltins\.__import__\b|\b__builtins__\s*\[|\bimportlib\.abc\.(?:Meta)?PathFinder\b",
        _PY,
    ),
    _c(
        "frame-walking",
        "finds and edits the test runner's objects through the stack or heap",
        r"\bsys\._getframe\b|\binspect\.(?:stack|currentframe|getouterframes)\b|"
        r"\bgc\.get_(?:objects|referrers)\b|\bf_back\b|\bf_globals\b",
        _PY,
    ),
    _c(
        "process-exit",
        "ends or rewires the node test process",
        r"\bprocess\.(?:exit|reallyExit|abort|kill|exitCode)\b|\bprocess\.on\s*\(\s*['\"`]"
        r"(?:exit|beforeExit|SIG\w+|uncaughtException|unhandledRejection)",
        _JS,
    ),
    _c(
        "runner-internals-js",
        "reaches into node:test or the module loader",
        r"\bnode:test\b|require\s*\(\s*['\"`]test['\"`]\s*\)|\bModule\._(?:load|resolveFilename|"
        r"extensions)\b|\brequire\.cache\b|\bregisterHooks\b|\bnode:module\b|"
        r"\bglobalThis\.(?:process|console)\s*=",
        _JS,
    ),
    _c(
        "assert-patching",
        "replaces the assertions the tests make, so no check can fail",
        r"\bAssertionError\s*=(?!=)|\bbuiltins\.AssertionError\b|"
        r"\bunittest\.TestCase\.(?:assert\w*|fail\w*)\s*=(?!=)",
        _PY,
    ),
    _c(
        "assert-patching-js",
        "replaces node:assert, so no check of the tests can fail",
        r"\bnode:assert\b|require\s*\(\s*['\"`]assert['\"`]\s*\)|"
        r"\b\w*[aA]ssert\w*(?:\.\w+|\[[^\]]+\])+\s*=(?!=)",
        _JS,
    ),
    _c(
        "shell-trap",
        "a trap can rewrite results when the script ends",
        r"^\s*trap\b.*\b(?:EXIT|TERM|INT|0)\b",
        _SH,
    ),
    _c(
        "results-path",
        "writes where the test runner's report lives",
        r"['\"`\s=(]/out(?:/|\b)|\breport\.xml\b|--junit",
        _ANY,
    ),
)
CONSTRUCT_NAMES = frozenset(c.name for c in TAMPER_CONSTRUCTS)


@dataclass(frozen=True)
class Finding:
    construct: str
    path: str
    line: str  # the added line, trimmed

    def __str__(self) -> str:
        text = self.line if len(self.line) <= 80 else self.line[:77] + "..."
        return f"{self.construct} in {self.path}: {text!r}"


def _allowed(construct: str, path: str, allowed: Sequence[str]) -> bool:
    """`name` allows the construct anywhere; `name@glob` only in the files matching glob (the
    repo's own visible tests may import node:test; the package under test may not)."""
    for entry in allowed:
        name, _, glob = entry.partition("@")
        if name == construct and (not glob or fnmatchcase(path, glob)):
            return True
    return False


def tamper_findings(files: Sequence[FileChange], allowed: Sequence[str] = ()) -> list[Finding]:
    """Every tamper construct in the patch's added lines, in file order."""
    out: list[Finding] = []
    for f in files:
        if f.new_path is None:
            continue
        for construct in TAMPER_CONSTRUCTS:
            if _allowed(construct.name, f.new_path, allowed):
                continue
            if not in_globs(f.new_path, construct.files):
                continue
            for line in f.added_lines:
                if construct.pattern.search(line):
                    out.append(Finding(construct.name, f.new_path, line.strip()))
                    break  # one finding per construct and file is enough to say what and where
    return out


def tamper_verdict(runner: RunnerCheck, patch: str) -> Verdict | None:
    """The runner check's verdict when the patch carries a tamper construct, else None (the
    tests then decide). An unparsable patch is the diff check's to refuse."""
    try:
        files = parse_diff(patch)
    except DiffParseError:
        return None
    findings = tamper_findings(files, runner.allowed_constructs)
    if not findings:
        return None
    detail = {
        "suite_ran": False,
        "tampering": [str(f) for f in findings],
        "fail_to_pass_failed": list(runner.fail_to_pass),
        "pass_to_pass_failed": list(runner.pass_to_pass),
    }
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    return Verdict("runner", False, f"tampering: {findings[0]}{more}", detail)
