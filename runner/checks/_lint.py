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


PARSERS: dict[str, Callable[[str], list[Finding]]] = {
    "ruff": parse_ruff,
    "eslint": parse_eslint,
    "shellcheck": parse_shellcheck,
    "node-check": parse_node_check,
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
    except (LintOutputError, KeyError, TypeError) as exc:
        return Verdict("lint", False, f"{tool} on the baseline gave no usable output: {exc}")
    try:
        after = parser(patched_output) if patched_output is not None else []
    except (LintOutputError, KeyError, TypeError) as exc:
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
