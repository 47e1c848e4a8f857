"""The tsc lint tool (TypeScript tasks) on records shaped as _driver.py writes them, with tsc
5.9.3's real `--pretty false` output. Pure: no Docker."""

from __future__ import annotations

import json

import pytest

from runner.checks import Finding, LintOutputError, is_lintable, lint_verdict, parse_tsc

# Real output of `tsc --noEmit -p . --pretty false` in runtime-node (TypeScript 5.9.3).
CLEAN = ""
ONE_ERROR = "src/a.ts(5,14): error TS2322: Type 'string' is not assignable to type 'number'.\n"
CHAINED = (
    "src/rates.ts(12,5): error TS2322: Type '{ id: string; }' is not assignable to type 'Rate'.\n"
    "  Property 'amount' is missing in type '{ id: string; }' but required in type 'Rate'.\n"
)
PROJECT_ERROR = "error TS5023: Unknown compiler option 'strictest'.\n"
BROKEN_CONFIG = "tsconfig.json(2,1): error TS1005: '}' expected.\n"


def record(
    output: str, status: int | None = None, suppressions: list[list[str]] | None = None
) -> str:
    if status is None:
        status = 2 if output.strip() else 0
    return json.dumps({"exit": status, "output": output, "suppressions": suppressions or []})


def test_diagnostics_become_file_and_code_findings() -> None:
    assert parse_tsc(record(CLEAN)) == []
    assert parse_tsc(record(ONE_ERROR)) == [Finding("src/a.ts", "TS2322", 5)]
    # the indented continuation of a message chain is part of the one diagnostic above it
    assert parse_tsc(record(CHAINED)) == [Finding("src/rates.ts", "TS2322", 12)]
    assert parse_tsc(record(PROJECT_ERROR)) == [Finding("(project)", "TS5023")]
    assert parse_tsc(record("/repo/" + ONE_ERROR)) == [Finding("src/a.ts", "TS2322", 5)]


def test_a_type_error_the_patch_adds_fails_lint() -> None:
    verdict = lint_verdict("tsc", record(CLEAN), record(ONE_ERROR))
    assert not verdict.passed
    assert verdict.summary == "1 new tsc findings: src/a.ts:5 TS2322"
    # the same error on both sides (an old one the patch moved) is not new
    assert lint_verdict("tsc", record(ONE_ERROR), record(ONE_ERROR)).passed
    assert lint_verdict("tsc", record(CLEAN), record(CLEAN)).passed


def test_a_suppression_comment_counts_as_a_finding() -> None:
    hidden = record(CLEAN, suppressions=[["src/a.ts", "@ts-ignore"]])
    verdict = lint_verdict("tsc", record(ONE_ERROR), hidden)
    # the error is gone, but the comment that hid it is new
    assert not verdict.passed
    assert verdict.summary == "1 new tsc findings: src/a.ts:0 @ts-ignore"
    nocheck = record(CLEAN, suppressions=[["src/new.ts", "@ts-nocheck"]])
    assert not lint_verdict("tsc", record(CLEAN), nocheck).passed
    kept = record(CLEAN, suppressions=[["src/a.ts", "@ts-expect-error"]])
    assert lint_verdict("tsc", kept, kept).passed


def test_a_broken_tsconfig_is_a_new_finding() -> None:
    assert not lint_verdict("tsc", record(CLEAN), record(BROKEN_CONFIG)).passed


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("not json", "not JSON"),
        (json.dumps({"exit": 0}), "no 'output' text"),
        (record("", status=134), "status 134"),
        (record("", status=1), "without a diagnostic"),
        (json.dumps({"exit": True, "output": ""}), "status True"),
        (
            record("Error: Debug Failure. False expression.\n    at Object.f\n", status=1),
            "not a tsc diagnostic",
        ),
        (json.dumps({"exit": 0, "output": "", "suppressions": "x"}), "not a list"),
    ],
)
def test_a_crashed_or_killed_tsc_is_no_usable_output(text: str, why: str) -> None:
    with pytest.raises(LintOutputError, match=why):
        parse_tsc(text)
    verdict = lint_verdict("tsc", record(CLEAN), text)
    assert not verdict.passed
    assert verdict.summary.startswith("tsc on the patched files gave no usable output")


def test_a_malformed_suppression_entry_fails_instead_of_raising() -> None:
    bad = json.dumps({"exit": 0, "output": "", "suppressions": [["only-a-file"]]})
    assert not lint_verdict("tsc", record(CLEAN), bad).passed


def test_tsc_runs_for_any_file_it_reads() -> None:
    for path in ("src/a.ts", "src/b.mts", "src/c.tsx", "tsconfig.json", "package.json", "x.js"):
        assert is_lintable("tsc", path), path
    assert not is_lintable("tsc", "README.md")
