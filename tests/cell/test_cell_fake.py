"""`run_cell` on the fake sandbox, proxy and checks (tests/cell/fakes.py) under the faults the
acceptance tests of test_outcome.py leave out: each infra error is retried with a fresh
workspace and key, and one that persists becomes an `infra_error` receipt naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.catalog import Catalog
from runner.cell import RunnerKey, run_cell
from runner.receipts import Outcome
from tests.cell.fakes import (
    CELL,
    OK_REQUEST,
    SOLVE,
    AgentScript,
    FakeChecks,
    failed_request,
    fake_cell,
)

SOLVED = AgentScript(writes=SOLVE, requests=(OK_REQUEST,))


@pytest.mark.parametrize(
    "first_try",
    [
        AgentScript(start_error="Cannot connect to the Docker daemon"),
        AgentScript(writes=SOLVE, requests=(failed_request(None, "Connection error."),)),
        AgentScript(writes=SOLVE, requests=(OK_REQUEST, failed_request(408))),
    ],
    ids=["sandbox-error", "stalled-stream", "model-408"],
)
def test_an_infra_error_is_retried_from_scratch(
    tmp_path: Path, catalog: Catalog, runner_key: RunnerKey, first_try: AgentScript
) -> None:
    cell = fake_cell(tmp_path, catalog, runner_key, [first_try, SOLVED])
    result = run_cell(CELL, cell.ctx)
    assert result.outcome is Outcome.passed, result.detail
    assert cell.receipt()["infra_retries"] == 1
    assert len(cell.proxy.minted) == 2
    # The second try's workspace holds its own edits only, not the first try's leftovers.
    assert cell.receipt()["blast_radius"]["files_changed"] == 1


def test_a_checks_container_that_fails_is_infra_and_retried(
    tmp_path: Path, catalog: Catalog, runner_key: RunnerKey
) -> None:
    cell = fake_cell(tmp_path, catalog, runner_key, [SOLVED], FakeChecks(infra_on=[1]))
    result = run_cell(CELL, cell.ctx)
    assert result.outcome is Outcome.passed
    assert cell.receipt()["infra_retries"] == 1
    assert len(cell.checks.calls) == 2
    assert len(cell.sandboxes.specs) == 2  # the agent ran again: its run is what is checked


@pytest.mark.parametrize(
    ("script", "detail"),
    [
        (AgentScript(writes=SOLVE, kills_proxy=True),
         "InfraError: the LiteLLM proxy stopped during the cell"),
        (AgentScript(start_error="Cannot connect to the Docker daemon"),
         "SandboxError: Cannot connect to the Docker daemon"),
    ],
    ids=["proxy-stopped", "engine-down"],
)  # fmt: skip
def test_a_persisting_infra_error_names_the_last_one(
    tmp_path: Path, catalog: Catalog, runner_key: RunnerKey, script: AgentScript, detail: str
) -> None:
    cell = fake_cell(tmp_path, catalog, runner_key, [script])
    result = run_cell(CELL, cell.ctx)
    receipt = cell.receipt()
    assert (result.outcome, receipt["outcome_detail"]) == (Outcome.infra_error, detail)
    assert receipt["infra_retries"] == 2 and cell.checks.calls == []
    cell.assert_verifies(result.envelope)


def test_a_failing_workspace_with_a_clean_exit_is_failed_with_the_verdicts(
    tmp_path: Path, catalog: Catalog, runner_key: RunnerKey
) -> None:
    script = AgentScript(writes={"semverkit/version.py": "# not quite\n"}, requests=(OK_REQUEST,))
    cell = fake_cell(tmp_path, catalog, runner_key, [script], FakeChecks(lint_passes=False))
    result = run_cell(CELL, cell.ctx)
    assert (result.outcome, result.detail) == (
        Outcome.failed, "runner: 1 failed, 2 passed; lint: E501 x.py:1")  # fmt: skip
    receipt = cell.receipt()
    assert receipt["failure_class"] is None
    assert [(c["name"], c["passed"]) for c in receipt["checks"]] == [
        ("runner", False), ("lint", False), ("diff", True)]  # fmt: skip
    # Only the runner check left a log: its digest is the stored file's, the others have none.
    runner_log = receipt["artifacts"]["check_logs"]
    assert [a["path"] for a in runner_log] == ["checks/runner.log"]
    assert receipt["checks"][0]["log_digest"] == runner_log[0]["digest"]
    assert receipt["checks"][1]["log_digest"] is None
    assert (result.envelope.parent / "checks" / "runner.log").is_file()
