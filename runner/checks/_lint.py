"""The lint check: no new findings on the files a patch changed, compared with the baseline."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from runner.checks._verdict import Verdict, listing

# The checks container works in /repo; linters print absolute paths there and relative ones
# elsewhere. Both must name the same file or every finding looks new.
REPO_PREFIXES = ("/repo/", "./")
# Which changed files each linter is given. A linter handed a file it cannot parse (ruff on a
# Markdown file) reports a syntax error that the patch did not cause.
LINTABLE = {
    "ruff": re.compile(r"\.pyi?$"),
    "eslint": re.compile(r"\.(?:[cm]?js|jsx|[cm]?ts|tsx)$"),
    "shellcheck": re.compile(r"\.(?:sh|bash)$"),
    "node-check": re.compile(r"\.[cm]?js$"),
    # tsc checks the whole project: a change to any file it reads (sources, tsconfig, package
    # metadata) runs it on both sides.
    "tsc": re.compile(r"\.(?:[cm]?tsx?|[cm]?jsx?|json)$"),
}
# Shell scripts often have no extension: their first line decides.
SHELL_SHEBANG = re.compile(r"^#!\s*(?:/usr)?/bin/(?:env\s+)?(?:ba|da|k)?sh\b")


class LintOutputError(Exception):
    """The linter's output is not the JSON it promised: it crashed, or its config is broken."""


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    rule: str
    line: int = 0  # informative only: a patch shifts lines, so comparisons ignore it


def _rel(path: str) -> str:
    for prefix in REPO_PREFIXES:
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        head = text.strip().splitlines()[:1]
        raise LintOutputError(
            f"not JSON ({exc.msg}): {head[0][:120] if head else '(empty)'}"
        ) from None


def parse_ruff(text: str) -> list[Finding]:
    """`ruff check --output-format json`: a list of diagnostics. A syntax error has code null."""
    data = _load(text)
    if not isinstance(data, list):
        raise LintOutputError("ruff JSON is not a list")
    return [
        Finding(
            _rel(d["filename"]),
            d.get("code") or "syntax-error",
            int((d.get("location") or {}).get("row") or 0),
        )
        for d in data
    ]


def parse_eslint(text: str) -> list[Finding]:
    """`eslint --format json`: one record per file with its messages. A parse error has ruleId
    null and fatal true."""
    data = _load(text)
    if not isinstance(data, list):
        raise LintOutputError("eslint JSON is not a list")
    return [
        Finding(_rel(rec["filePath"]), m.get("ruleId") or "parse-error", int(m.get("line") or 0))
        for rec in data
        for m in rec.get("messages", [])
    ]


def parse_shellcheck(text: str) -> list[Finding]:
    """`shellcheck --format json1`: {"comments": [...]}, codes as integers (2086 -> SC2086)."""
    data = _load(text)
    if not isinstance(data, dict) or not isinstance(data.get("comments"), list):
        raise LintOutputError("shellcheck json1 has no 'comments' list")
    return [
        Finding(_rel(c["file"]), f"SC{c['code']}", int(c.get("line") or 0))
        for c in data["comments"]
    ]


def parse_node_check(text: str) -> list[Finding]:
    """Our own record for `node --check` (one run per file): {"failed": [paths]}."""
    data = _load(text)
    if not isinstance(data, dict) or not isinstance(data.get("failed"), list):
        raise LintOutputError("node-check record has no 'failed' list")
    return [Finding(_rel(p), "syntax-error") for p in data["failed"]]


# `tsc --pretty false`: one line per diagnostic, `file(line,col): error TS2322: message`, or
# `error TS5023: message` for one about the project (its options, its inputs); message chains
# continue on indented lines.
_TSC_FILE_DIAG = re.compile(
    r"^(?P<file>\S.*?)\((?P<line>\d+),\d+\): (?:error|warning) (?P<code>TS\d+):"
)
_TSC_PROJECT_DIAG = re.compile(r"^(?:error|warning) (?P<code>TS\d+):")
# tsc's own exit statuses: 0 clean; 1 and 2 diagnostics present (outputs skipped / generated).
_TSC_STATUSES = {0, 1, 2}
PROJECT = "(project)"  # the file of a diagnostic about the project rather than one file


def parse_tsc(text: str) -> list[Finding]:
    """Our record of `tsc --noEmit -p . --pretty false` (one run over the whole project):
    {"exit": n, "output": tsc's stdout, "suppressions": [[file, directive], ...]}.

    The rule is the TS error code (TS2322). A `@ts-ignore`, `@ts-expect-error` or
    `@ts-nocheck` comment hides the errors under it from tsc, so each one in a changed file is a
    finding of its own: a patch that silences a type error instead of fixing it adds one.
    A line of output that is no diagnostic, a status tsc never gives, or a failing status with
    no diagnostic is a crash, not a clean project."""
    data = _load(text)
    if not isinstance(data, dict) or not isinstance(data.get("output"), str):
        raise LintOutputError("tsc record has no 'output' text")
    status = data.get("exit")
    if not isinstance(status, int) or isinstance(status, bool) or status not in _TSC_STATUSES:
        raise LintOutputError(f"tsc exited with status {status!r}: it crashed or was killed")
    findings: list[Finding] = []
    for line in data["output"].splitlines():
        if not line.strip() or line[0].isspace():
            continue  # a message chain's continuation
        if m := _TSC_FILE_DIAG.match(line):
            findings.append(Finding(_rel(m["file"]), m["code"], int(m["line"])))
        elif m := _TSC_PROJECT_DIAG.match(line):
            findings.append(Finding(PROJECT, m["code"]))
        else:
            raise LintOutputError(f"not a tsc diagnostic: {line[:120]}")
    if status != 0 and not findings:
        raise LintOutputError(f"tsc exited with status {status} without a diagnostic")
    suppressions = data.get("suppressions", [])
    if not isinstance(suppressions, list):
        raise LintOutputError("tsc record's 'suppressions' is not a list")
    findings += [Finding(_rel(str(f)), str(d)) for f, d in suppressions]
    return findings


PARSERS: dict[str, Callable[[str], list[Finding]]] = {
    "ruff": parse_ruff,
    "eslint": parse_eslint,
    "shellcheck": parse_shellcheck,
    "node-check": parse_node_check,
    "tsc": parse_tsc,
}


def is_lintable(tool: str, path: str, first_line: str = "") -> bool:
    pattern = LINTABLE.get(tool)
    if pattern is None:
        return False
    if pattern.search(path):
        return True
    return (
        tool == "shellcheck"
        and "." not in path.rsplit("/", 1)[-1]
        and bool(SHELL_SHEBANG.match(first_line))
    )


def new_findings(
    baseline: list[Finding], patched: list[Finding], renames: Mapping[str, str] | None = None
) -> list[Finding]:
    """Findings in `patched` beyond those in `baseline`, compared as multisets of (file, rule).

    Lines are ignored: inserting ten lines above an old finding moves it, it does not make it new.
    A renamed file carries its old findings to its new name.
    """
    renames = renames or {}
    before = Counter((renames.get(f.file, f.file), f.rule) for f in baseline)
    extra: list[Finding] = []
    for f in sorted(patched):
        key = (f.file, f.rule)
        if before[key] > 0:
            before[key] -= 1
        else:
            extra.append(f)
    return extra


def lint_verdict(
    tool: str,
    baseline_output: str | None,
    patched_output: str | None,
    *,
    renames: Mapping[str, str] | None = None,
) -> Verdict:
    """Pass iff the linter found nothing new on the changed files. An output of None means the
    linter had no file to look at on that side (all changed files are new, deleted or not
    lintable), which is zero findings, not an error."""
    if tool == "none":
        return Verdict("lint", True, "no linter for this task")
    parser = PARSERS.get(tool)
    if parser is None:
        return Verdict("lint", False, f"unknown lint tool {tool!r}")
    try:
        before = parser(baseline_output) if baseline_output is not None else []
    except (LintOutputError, KeyError, TypeError, ValueError) as exc:
        return Verdict("lint", False, f"{tool} on the baseline gave no usable output: {exc}")
    try:
        after = parser(patched_output) if patched_output is not None else []
    except (LintOutputError, KeyError, TypeError, ValueError) as exc:
        return Verdict("lint", False, f"{tool} on the patched files gave no usable output: {exc}")
    extra = new_findings(before, after, renames)
    facts = {"baseline_findings": len(before), "patched_findings": len(after), "new": len(extra)}
    if extra:
        shown = listing([f"{f.file}:{f.line} {f.rule}" for f in extra])
        return Verdict("lint", False, f"{len(extra)} new {tool} findings: {shown}", facts)
    if patched_output is None:
        return Verdict("lint", True, f"no {tool}-lintable file changed", facts)
    return Verdict(
        "lint",
        True,
        f"no new {tool} findings ({len(after)} on the changed files, as before)",
        facts,
    )
