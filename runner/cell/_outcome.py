"""The outcome of a cell (METHODOLOGY.md section 1) as pure functions over plain data: what the
agent's run ended with, what the proxy metered, what the checks said. Nothing here reads a file,
a clock or a container, so every rule is checked by a table (tests/cell/test_outcome.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runner.catalog import FailureClass
from runner.checks import Verdict
from runner.receipts import Outcome, Usage

if TYPE_CHECKING:
    from runner.proxy import UsageRecord

# Failure classes that are the model endpoint's answer: the proxy logs every such request, so a
# text match is only believed when the proxy saw one fail (agents print file contents and ids
# that can look like "429" or "api_error").
_MODEL_SIDE_FAILURES = {
    FailureClass.rate_limit,
    FailureClass.server_error,
    FailureClass.model_not_found,
    FailureClass.context_window,
}
# Statuses with which a server says "not now" rather than "your request is wrong".
_SERVER_STATUSES = (408, 429)
PROXY_STOPPED = "the LiteLLM proxy stopped during the cell"
MODEL_FAILED = "the model endpoint kept failing (5xx/429 after retries)"


@dataclass(frozen=True)
class AgentRun:
    """How the agent's process ended."""

    exit_code: int | None  # None when it was killed at the time limit
    timed_out: bool
    time_limit_s: int  # the task's limit, named in a timeout's detail


@dataclass(frozen=True)
class OutcomeInputs:
    """Everything the outcome is decided from."""

    agent: AgentRun
    # The try's metered requests in the order the proxy logged them.
    usage: Sequence[UsageRecord]
    # The checks' verdicts (runner, lint, diff); None when no checks ran.
    verdicts: Sequence[Verdict] | None
    # The failure class the transcript parse found (runner.agents.parse_transcript).
    failure: FailureClass | None
    # Why the last try failed for the infrastructure, the detail when no checks ran.
    infra_detail: str = ""
    proxy_running: bool = True


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    detail: str  # full length; the receipt keeps the first 500 characters
    failure: FailureClass | None  # the credible failure class, whatever the outcome


def infra_cause(
    usage: Sequence[UsageRecord], *, timed_out: bool, proxy_running: bool
) -> str | None:
    """Why the infrastructure, not the agent, ended this try; None when nothing did.

    METHODOLOGY.md section 1: an agent whose last model request failed for the server's reasons
    (5xx, 408, 429, a dropped or stalled stream) after its own retries, or whose proxy died, was
    stopped by the infrastructure: its run and its metered usage are incomplete, even when what
    it did by then would pass. Some agents exit 0 after giving up, so the exit code does not
    decide this; failed requests the agent recovered from (followed by a success) do not count.
    """
    if not proxy_running:
        # A dead proxy writes no usage record, so only its process can tell.
        return PROXY_STOPPED
    if not usage or usage[-1].ok:
        return None
    status = usage[-1].http_status or 0
    if status >= 500 or status in _SERVER_STATUSES:
        return MODEL_FAILED
    # No status at all: the upstream connection dropped or stalled (LiteLLM logs "Connection
    # error."). An agent killed at its time limit aborts its request the same status-less way,
    # so for a timed-out run only an explicit server status counts.
    if status == 0 and not timed_out:
        return MODEL_FAILED
    return None


def _credible(failure: FailureClass | None, exit_code: int | None, failed_requests: int) -> bool:
    return not (failure in _MODEL_SIDE_FAILURES and failed_requests == 0 and exit_code == 0)


def credible_failure(
    failure: FailureClass | None, exit_code: int | None, usage: Usage
) -> FailureClass | None:
    """The agent's failure class, unless the harness's own observations contradict it: an agent
    that exited 0 while every model request succeeded did not hit a model-side failure."""
    return failure if _credible(failure, exit_code, usage.failed_requests) else None


def decide_outcome(inputs: OutcomeInputs) -> Decision:
    """The cell's outcome class and its one-line detail (METHODOLOGY.md section 1, the outcome
    table, first matching row wins). The checks decide pass/fail; the agent's exit and its typed
    failure only explain a failure."""
    run = inputs.agent
    failure = inputs.failure
    # A typed failure is only the agent's account: dropped where the proxy contradicts it.
    if not _credible(failure, run.exit_code, sum(1 for r in inputs.usage if not r.ok)):
        failure = None
    if inputs.verdicts is None:
        # infra_error, "Docker, the proxy or the model server failed after retries": every try
        # failed (the retries are the caller's), so no checks ran. Excluded from n, reported.
        return Decision(Outcome.infra_error, inputs.infra_detail or "no checks ran", failure)
    cause = infra_cause(inputs.usage, timed_out=run.timed_out, proxy_running=inputs.proxy_running)
    if cause is not None:
        # infra_error, "that try is an infra error even when what the agent had done by then
        # passes the checks": the model side or the proxy cut the run short. Worded as the
        # retry loop records the InfraError it raises for the same cause.
        return Decision(Outcome.infra_error, f"InfraError: {cause}", failure)
    if run.timed_out:
        # agent_timeout, "the agent hit the task's time limit": whatever its workspace holds,
        # a passing one included, it did not finish in time.
        return Decision(Outcome.agent_timeout, f"agent exceeded {run.time_limit_s}s", failure)
    if all(v.passed for v in inputs.verdicts):
        # passed, "runner, lint and diff checks all pass" (whatever the agent's exit said).
        return Decision(Outcome.passed, "runner, lint and diff checks pass", failure)
    if run.exit_code not in (0, None) or failure is not None:
        # agent_error, "the agent crashed or gave up (its own error, a typed failure in its
        # output)".
        why = failure.value if failure else f"exit code {run.exit_code}"
        return Decision(Outcome.agent_error, f"agent failed ({why})", failure)
    # failed, "the checks ran and at least one failed": the failing verdicts say why.
    failing = [v for v in inputs.verdicts if not v.passed]
    return Decision(Outcome.failed, "; ".join(f"{v.name}: {v.summary}" for v in failing), failure)
