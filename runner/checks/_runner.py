"""The runner check: did the hidden tests that must pass actually pass, by the report?"""

from __future__ import annotations

from runner.catalog import RunnerCheck
from runner.checks._integrity import Canaries, disagreements
from runner.checks._junit import ReportError, Status, parse_junit
from runner.checks._verdict import Verdict, listing

# Exit codes at or above this mean the runner was killed by a signal (128 + n; 137 is SIGKILL,
# which is also what the OOM killer sends). A killed run may leave a stale or partial report,
# so the report is not trusted then.
SIGNAL_EXIT_BASE = 128
# 126/127: the shell could not execute or find the runner command; no suite ran.
CANNOT_START = {
    126: "the runner command is not executable",
    127: "the runner command was not found",
}


def _unscored(check: RunnerCheck, summary: str, **facts: object) -> Verdict:
    """A failed runner verdict whose every listed test counts as failed."""
    return Verdict(
        "runner",
        False,
        summary,
        {
            **facts,
            "fail_to_pass_failed": list(check.fail_to_pass),
            "pass_to_pass_failed": list(check.pass_to_pass),
        },
    )


def _killed(exit_code: int | None, timed_out: bool) -> str | None:
    """Why a run's report cannot be read at all (timed out, killed, never started)."""
    if timed_out:
        return "the runner timed out"
    if exit_code is None:
        return "the runner has no exit code"
    if exit_code in CANNOT_START:
        return CANNOT_START[exit_code]
    if exit_code < 0:  # Python's way of saying "killed by signal -exit_code"
        return f"the runner was killed (signal {-exit_code})"
    if exit_code >= SIGNAL_EXIT_BASE:
        return f"the runner was killed (exit {exit_code})"
    return None


def runner_verdict(
    check: RunnerCheck,
    report: bytes | None,
    exit_code: int | None,
    *,
    timed_out: bool = False,
    canaries: Canaries | None = None,
) -> Verdict:
    """Pass iff every fail_to_pass and every pass_to_pass id passed in the JUnit report, and
    the run's signals agree: the exit status with the report, each suite's totals with its test
    cases, the canaries with what they must be (runner.checks._integrity). Any disagreement is
    tampering. A killed or timed-out run fails whatever its report says; a listed id missing
    from the report counts as failed.
    """
    why = _killed(exit_code, timed_out)
    if why is not None or exit_code is None:
        return _unscored(check, f"the suite did not run: {why}", suite_ran=False)
    try:
        results = parse_junit(report)
    except ReportError as exc:
        return _unscored(check, f"the suite did not run: {exc} (exit {exit_code})", suite_ran=False)
    if not results:
        # A report with zero test cases: collection found nothing, e.g. the tests were deleted.
        why = f"the report has no test cases (exit {exit_code})"
        return _unscored(check, f"the suite did not run: {why}", suite_ran=False)
    problems = disagreements(results, report or b"", exit_code, canaries)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        summary = f"tampering: {problems[0]}{more}"
        return _unscored(check, summary, suite_ran=True, tampering=problems)
    if canaries is not None:
        results = {i: s for i, s in results.items() if i not in canaries.ids}
    return _listed_verdict(check, results)


def _listed_verdict(check: RunnerCheck, results: dict[str, Status]) -> Verdict:
    def failing(ids: list[str]) -> list[str]:
        return [i for i in ids if results.get(i) is not Status.passed]

    f2p, p2p = failing(check.fail_to_pass), failing(check.pass_to_pass)
    # "tests": every test id that ran, canaries left out: validation names the unlisted ones.
    facts = {
        "suite_ran": True,
        "fail_to_pass_failed": f2p,
        "pass_to_pass_failed": p2p,
        "tests": sorted(results),
    }
    if not f2p and not p2p:
        return Verdict(
            "runner",
            True,
            f"{len(check.fail_to_pass)} fail_to_pass and {len(check.pass_to_pass)} "
            f"pass_to_pass tests passed",
            facts,
        )

    def describe(ids: list[str]) -> str:
        return listing([f"{i} ({results[i].value if i in results else 'missing'})" for i in ids])

    parts = []
    if f2p:
        parts.append(
            f"fail_to_pass {len(f2p)}/{len(check.fail_to_pass)} not passed: {describe(f2p)}"
        )
    if p2p:
        parts.append(
            f"pass_to_pass {len(p2p)}/{len(check.pass_to_pass)} not passed: {describe(p2p)}"
        )
    return Verdict("runner", False, "; ".join(parts), facts)
