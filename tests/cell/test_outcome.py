"""The outcome decision (METHODOLOGY.md section 1) as a table, and `run_cell` end to end on a
fake sandbox, proxy and checks: no Docker, no LiteLLM, well under two seconds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from runner.catalog import Catalog, FailureClass
from runner.cell import AgentRun, Decision, OutcomeInputs, RunnerKey, decide_outcome, run_cell
from runner.checks import Verdict
from runner.proxy import UsageRecord, read_usage
from runner.receipts import Outcome
from tests.cell.fakes import (
    CELL,
    IMAGE,
    MASTER_KEY,
    SOLVE,
    TASK,
    AgentScript,
    failed_request,
    fake_cell,
    ok_request,
)

LIMIT = 600
OK = ok_request()
PASS = (Verdict("runner", True, "3 passed"), Verdict("lint", True, "clean"),
        Verdict("diff", True, "1 file"))  # fmt: skip
RUNNER_FAILS = (Verdict("runner", False, "1 failed, 2 passed"), *PASS[1:])
TWO_FAIL = (RUNNER_FAILS[0], Verdict("lint", False, "E501 x.py:1"), PASS[2])
MODEL_FAILED = "InfraError: the model endpoint kept failing (5xx/429 after retries)"
PROXY_STOPPED = "InfraError: the LiteLLM proxy stopped during the cell"


@dataclass(frozen=True)
class Row:
    rule: str  # what METHODOLOGY.md section 1 says, in short
    outcome: Outcome
    detail: str
    exit_code: int | None = 0
    timed_out: bool = False
    usage: Sequence[UsageRecord] = (OK,)
    verdicts: Sequence[Verdict] | None = PASS
    failure: FailureClass | None = None
    infra_detail: str = ""
    proxy_running: bool = True
    recorded_failure: FailureClass | None = None  # the receipt's failure_class


TABLE = [
    # --- the checks decide pass/fail
    Row("all three checks pass", Outcome.passed, "runner, lint and diff checks pass"),
    Row("a check fails: the failing verdict is the detail", Outcome.failed,
        "runner: 1 failed, 2 passed", verdicts=RUNNER_FAILS),
    Row("every failing verdict, in check order", Outcome.failed,
        "runner: 1 failed, 2 passed; lint: E501 x.py:1", verdicts=TWO_FAIL),
    Row("no model request at all is not infra", Outcome.failed,
        "runner: 1 failed, 2 passed", usage=(), verdicts=RUNNER_FAILS),
    Row("a failed request the agent recovered from stays part of its run", Outcome.passed,
        "runner, lint and diff checks pass", usage=(failed_request(503), OK)),
    Row("the agent's own bad request (4xx) is not infra", Outcome.failed,
        "runner: 1 failed, 2 passed", usage=(OK, failed_request(400)), verdicts=RUNNER_FAILS),
    # --- the agent's exit and typed failures explain a failure
    Row("non-zero exit with failing checks", Outcome.agent_error, "agent failed (exit code 1)",
        exit_code=1, verdicts=RUNNER_FAILS),
    Row("typed failure with non-zero exit", Outcome.agent_error, "agent failed (auth)",
        exit_code=1, verdicts=RUNNER_FAILS, failure=FailureClass.auth,
        recorded_failure=FailureClass.auth),
    Row("typed failure with exit 0 is still the agent's error", Outcome.agent_error,
        "agent failed (connection_refused)", verdicts=RUNNER_FAILS,
        failure=FailureClass.connection_refused, recorded_failure=FailureClass.connection_refused),
    Row("model-side class believed when the proxy saw a request fail", Outcome.agent_error,
        "agent failed (model_not_found)", verdicts=RUNNER_FAILS, usage=(failed_request(404),),
        failure=FailureClass.model_not_found, recorded_failure=FailureClass.model_not_found),
    Row("passing checks win over an agent's error", Outcome.passed,
        "runner, lint and diff checks pass", exit_code=2, failure=FailureClass.auth,
        recorded_failure=FailureClass.auth),
    # --- credible_failure: a model-side class the harness contradicts is discarded
    Row("rate_limit text, exit 0, every request fine: not an agent error", Outcome.failed,
        "runner: 1 failed, 2 passed", verdicts=RUNNER_FAILS, failure=FailureClass.rate_limit),
    Row("server_error text, exit 0, every request fine, checks pass", Outcome.passed,
        "runner, lint and diff checks pass", failure=FailureClass.server_error),
    Row("context_window text with non-zero exit is believed", Outcome.agent_error,
        "agent failed (context_window)", exit_code=1, verdicts=RUNNER_FAILS,
        failure=FailureClass.context_window, recorded_failure=FailureClass.context_window),
    # --- the time limit
    Row("over the time limit", Outcome.agent_timeout, f"agent exceeded {LIMIT}s",
        exit_code=None, timed_out=True, verdicts=RUNNER_FAILS, failure=FailureClass.timeout,
        recorded_failure=FailureClass.timeout),
    Row("timeout wins over passing checks", Outcome.agent_timeout, f"agent exceeded {LIMIT}s",
        exit_code=None, timed_out=True, failure=FailureClass.timeout,
        recorded_failure=FailureClass.timeout),
    Row("a status-less failure on timeout is the agent's own abort", Outcome.agent_timeout,
        f"agent exceeded {LIMIT}s", exit_code=None, timed_out=True,
        usage=(OK, failed_request(None, "client disconnected"))),
    # --- an incomplete run is infra: the last request failed for the server's reasons
    Row("last request 500, even though the checks pass", Outcome.infra_error, MODEL_FAILED,
        usage=(OK, failed_request(500))),
    Row("last request 502 with non-zero exit", Outcome.infra_error, MODEL_FAILED,
        exit_code=1, usage=(failed_request(502),), verdicts=RUNNER_FAILS),
    Row("last request 408", Outcome.infra_error, MODEL_FAILED, usage=(OK, failed_request(408))),
    Row("last request 429", Outcome.infra_error, MODEL_FAILED,
        usage=(OK, failed_request(429)), failure=FailureClass.rate_limit,
        recorded_failure=FailureClass.rate_limit),
    Row("an explicit 429 counts on timeout too", Outcome.infra_error, MODEL_FAILED,
        exit_code=None, timed_out=True, usage=(failed_request(429),)),
    Row("a status-less drop (stalled stream) not on timeout", Outcome.infra_error,
        MODEL_FAILED, usage=(OK, failed_request(None, "Connection error."))),
    Row("the proxy stopped (no record can say so)", Outcome.infra_error, PROXY_STOPPED,
        proxy_running=False),
    # --- infra that persisted after the retries
    Row("no checks ran", Outcome.infra_error, "no checks ran", verdicts=None),
    Row("no checks ran: the last try's infra error is the detail", Outcome.infra_error,
        "SandboxError: the engine is gone", verdicts=None,
        infra_detail="SandboxError: the engine is gone"),
    Row("infra after retries wins over a timeout", Outcome.infra_error,
        "ChecksInfraError: no container", exit_code=None, timed_out=True, verdicts=None,
        infra_detail="ChecksInfraError: no container", failure=FailureClass.timeout,
        recorded_failure=FailureClass.timeout),
]  # fmt: skip


@pytest.mark.parametrize("row", TABLE, ids=[r.rule for r in TABLE])
def test_outcome_table(row: Row) -> None:
    inputs = OutcomeInputs(
        agent=AgentRun(row.exit_code, row.timed_out, LIMIT),
        usage=row.usage,
        verdicts=row.verdicts,
        failure=row.failure,
        infra_detail=row.infra_detail,
        proxy_running=row.proxy_running,
    )
    assert decide_outcome(inputs) == Decision(row.outcome, row.detail, row.recorded_failure)


def test_the_table_covers_every_outcome_class() -> None:
    assert {r.outcome for r in TABLE} == set(Outcome)


# --------------------------------------------------------------------------- run_cell, faked
# More fault variants (engine errors, stalled streams, a checks container that fails) are in
# test_cell_fake.py; these four are the acceptance's, kept to one agent phase per try.


def test_run_cell_pass(tmp_path: Path, catalog: Catalog, runner_key: RunnerKey) -> None:
    script = AgentScript(
        writes=SOLVE, requests=(ok_request((100, 20)), ok_request((50, 10))),
        stdout=f"using {MASTER_KEY} and sk-cab-{CELL.key}-0\n",
    )  # fmt: skip
    cell = fake_cell(tmp_path, catalog, runner_key, [script])
    result = run_cell(CELL, cell.ctx)
    assert result.outcome is Outcome.passed, result.detail
    receipt = cell.receipt()
    assert (receipt["outcome"], receipt["infra_retries"], receipt["failure_class"]) == (
        "passed", 0, None)  # fmt: skip
    assert receipt["agent"] == {"name": "codex", "version": "1.2.3", "image": IMAGE.tag,
                                "image_digest": IMAGE.image_id, "image_identity": None}  # fmt: skip
    usage = receipt["usage"]
    assert (usage["requests"], usage["failed_requests"]) == (2, 0)
    assert (usage["input_tokens"], usage["output_tokens"]) == (150, 30)
    assert usage["cost_usd"] is None  # unpriced requests: no cost claimed
    assert [(c["name"], c["passed"]) for c in receipt["checks"]] == [
        ("runner", True), ("lint", True), ("diff", True)]  # fmt: skip
    folder = result.envelope.parent
    assert "+# SOLVED" in (folder / "patch.diff").read_text()
    log = (folder / "agent.log").read_text()
    assert MASTER_KEY not in log and cell.proxy.minted[0] not in log
    assert log.count("[REDACTED]") == 2
    ((patch, image),) = cell.checks.calls
    assert "SOLVED" in patch and image == "cab/runtime-python:test"
    (sandbox,) = cell.sandboxes.started
    assert sandbox.killed and sandbox.stopped
    assert list((tmp_path / "out" / ".work").iterdir()) == []
    cell.assert_verifies(result.envelope)


def test_run_cell_infra_retry_then_success(
    tmp_path: Path, catalog: Catalog, runner_key: RunnerKey
) -> None:
    first = AgentScript(writes=SOLVE, requests=(OK, failed_request(503)))
    second = AgentScript(writes=SOLVE, requests=(OK,))
    cell = fake_cell(tmp_path, catalog, runner_key, [first, second])
    result = run_cell(CELL, cell.ctx)
    assert result.outcome is Outcome.passed, result.detail
    receipt = cell.receipt()
    assert receipt["infra_retries"] == 1
    assert len(cell.sandboxes.specs) == 2
    assert len(cell.checks.calls) == 1  # the incomplete try was never checked
    assert [m for m in cell.progress if "infra error, retry 1: InfraError" in m] != []
    # Metering covers the try the receipt describes, not the one that failed.
    assert (receipt["usage"]["requests"], receipt["usage"]["failed_requests"]) == (1, 0)
    assert len(read_usage(cell.proxy.usage_dir, CELL.key)) == 1
    assert len(cell.proxy.minted) == 2  # a fresh key per try
    cell.assert_verifies(result.envelope)


def test_run_cell_infra_persisting_is_an_infra_error_receipt(
    tmp_path: Path, catalog: Catalog, runner_key: RunnerKey
) -> None:
    script = AgentScript(writes=SOLVE, requests=(OK, failed_request(429)))
    cell = fake_cell(tmp_path, catalog, runner_key, [script])
    result = run_cell(CELL, cell.ctx)
    assert (result.outcome, result.detail) == (Outcome.infra_error, MODEL_FAILED)
    receipt = cell.receipt()
    assert (receipt["outcome"], receipt["outcome_detail"]) == ("infra_error", MODEL_FAILED)
    assert receipt["infra_retries"] == 2  # max_infra_retries, then recorded
    assert len(cell.sandboxes.specs) == 3
    assert cell.checks.calls == [] and receipt["checks"] == []
    assert (receipt["usage"]["requests"], receipt["usage"]["failed_requests"]) == (2, 1)
    cell.assert_verifies(result.envelope)


def test_run_cell_timeout(tmp_path: Path, catalog: Catalog, runner_key: RunnerKey) -> None:
    # Killed at the limit mid-request: the proxy logs the aborted request without a status.
    script = AgentScript(
        timed_out=True, writes=SOLVE, requests=(OK, failed_request(None, "client went away"))
    )
    cell = fake_cell(tmp_path, catalog, runner_key, [script])
    result = run_cell(CELL, cell.ctx)
    limit = catalog.tasks[TASK].time_limit_s
    assert (result.outcome, result.detail) == (Outcome.agent_timeout, f"agent exceeded {limit}s")
    receipt = cell.receipt()
    assert (receipt["failure_class"], receipt["infra_retries"]) == ("timeout", 0)
    assert receipt["timings"]["agent_s"] == limit
    # The workspace would pass: it does not count, the run did not finish in time.
    assert all(c["passed"] for c in receipt["checks"]) and len(cell.checks.calls) == 1
    cell.assert_verifies(result.envelope)
