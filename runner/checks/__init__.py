"""Checks: pure functions from (patch, logs, reports) to a verdict, and the container run that
produces those logs and reports for one (task, patch)."""

from runner.checks._diff import DiffParseError, FileChange, diff_verdict, parse_diff
from runner.checks._junit import ReportError, Status, parse_junit
from runner.checks._lint import (
    Finding,
    LintOutputError,
    is_lintable,
    lint_verdict,
    new_findings,
    parse_eslint,
    parse_node_check,
    parse_ruff,
    parse_shellcheck,
    parse_tsc,
)
from runner.checks._run import CheckOutcome, ChecksInfraError, run_checks
from runner.checks._runner import runner_verdict
from runner.checks._signals import RECORD_FILE, read_record, task_signals, write_record
from runner.checks._validate import DecoyResult, TaskValidation, validate_task
from runner.checks._verdict import Verdict

__all__ = [
    "RECORD_FILE",
    "CheckOutcome",
    "ChecksInfraError",
    "DecoyResult",
    "DiffParseError",
    "FileChange",
    "Finding",
    "LintOutputError",
    "ReportError",
    "Status",
    "TaskValidation",
    "Verdict",
    "diff_verdict",
    "is_lintable",
    "lint_verdict",
    "new_findings",
    "parse_diff",
    "parse_eslint",
    "parse_junit",
    "parse_node_check",
    "parse_ruff",
    "parse_shellcheck",
    "parse_tsc",
    "read_record",
    "run_checks",
    "runner_verdict",
    "task_signals",
    "validate_task",
    "write_record",
]
