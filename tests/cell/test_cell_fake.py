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


def test_an_infra_error_names_every_failed_try_as_evidence(
    tmp_path: Path, catalog: Catalog, runner_key: RunnerKey
) -> None:
    script = AgentScript(start_error="Cannot connect to the Docker daemon")
    cell = fake_cell(tmp_path, catalog, runner_key, [script])
    result = run_cell(CELL, cell.ctx)
    evidence = cell.receipt()["infra_evidence"]
    assert result.outcome is Outcome.infra_error
    assert evidence == ["SandboxError: Cannot connect to the Docker daemon"] * 3
    cell.assert_verifies(result.envelope)


def test_latency_is_the_scored_try_and_infra_time_is_apart(
    tmp_path: Path, catalog: Catalog, runner_key: RunnerKey
) -> None:
    first = AgentScript(start_error="Cannot connect to the Docker daemon")
    cell = fake_cell(tmp_path, catalog, runner_key, [first, SOLVED])
    cell.ctx.retry_backoff_s = 0.4  # the back-off the first failure costs
    result = run_cell(CELL, cell.ctx)
    timings = cell.receipt()["timings"]
    assert result.outcome is Outcome.passed
    # The failed try and its back-off are infra_s, and not in total_s (the fake scored try
    # takes a few milliseconds of real time).
    assert timings["infra_s"] >= 0.4 > timings["total_s"] >= timings["resolve_s"]
    assert cell.receipt()["infra_evidence"] == []  # it passed: nothing to excuse


def test_a_request_for_another_model_is_an_incident(
    tmp_path: Path, catalog: Catalog, runner_key: RunnerKey
) -> None:
    from runner.proxy._usage_log import record_escape

    cell = fake_cell(tmp_path, catalog, runner_key, [SOLVED])
    cell.ctx.progress = lambda msg: (
        record_escape(cell.proxy.usage_dir, CELL.key, "oracle", "/v1/chat/completions")
        if msg.endswith(": checks")
        else None
    )
    run_cell(CELL, cell.ctx)
    assert cell.receipt()["blast_radius"]["model_escapes"] == ["oracle"]


def test_git_in_the_agents_container_trusts_the_workspace(
    tmp_path: Path, catalog: Catalog, runner_key: RunnerKey
) -> None:
    # The workspace is the harness's uid's, the agent runs as another: git refuses such a
    # repository unless safe.directory names it (Aider's `git add` failed on every new file).
    cell = fake_cell(tmp_path, catalog, runner_key, [SOLVED])
    run_cell(CELL, cell.ctx)
    (spec,) = cell.sandboxes.specs
    count = int(spec.env["GIT_CONFIG_COUNT"])
    env = spec.env
    pairs = {env[f"GIT_CONFIG_KEY_{i}"]: env[f"GIT_CONFIG_VALUE_{i}"] for i in range(count)}
    assert pairs["safe.directory"] == spec.workdir == "/workspace"
