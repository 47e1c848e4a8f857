"""Every agent, through its real binary in its pinned image: the `oracle` model passes a Python, a
Node and a shell task, `null` fails them, and the receipts verify as a stranger would verify them.

Each cell's ATIF trajectory validates against schemas/trajectory.schema.json and holds exactly the
tool calls the calibration model made (its server's log, read in this process).

Default (CI-sized): three agents, one language each, both models. `CAB_CELL_MATRIX=full` (nox -s
cells): all ten agents x three languages x both models.
"""

from __future__ import annotations

import json

import pytest

from runner.catalog import load_catalog
from runner.cell import run_cell
from runner.receipts import CellId, Outcome
from tests.cell.cellkit import (
    FULL_MATRIX,
    TASKS,
    Shard,
    assert_no_secrets,
    assert_trajectory_matches,
    my_containers,
    oracle_calls,
    verify,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.docker

AGENTS = sorted(load_catalog(ROOT).agents)
CI_SUBSET = [("codex", "python"), ("claude-code", "javascript"), ("qwen-code", "shell")]
MATRIX = [(a, lang) for a in AGENTS for lang in TASKS] if FULL_MATRIX else CI_SUBSET


def test_the_matrix_covers_every_agent_when_full() -> None:
    assert len(AGENTS) == 10
    if FULL_MATRIX:
        assert {a for a, _ in MATRIX} == set(AGENTS)
        assert all({lang for a2, lang in MATRIX if a2 == a} == set(TASKS) for a in AGENTS)


@pytest.mark.parametrize(("agent", "language"), MATRIX)
def test_oracle_passes_and_null_fails(shard: Shard, agent: str, language: str) -> None:
    task = TASKS[language]
    for model, expected in (("oracle", Outcome.passed), ("null", Outcome.failed)):
        cell = CellId(agent=agent, model=model, task=task, attempt=1)
        with oracle_calls() as made:
            result = run_cell(cell, shard.ctx)
        folder = result.envelope.parent
        receipt = json.loads((folder / "receipt.json").read_text())
        assert result.outcome is expected, (
            f"{cell.key}: {result.outcome.value} ({result.detail})\n"
            + (folder / "agent.log").read_text(errors="replace")[-3000:]
        )
        # The agent really talked to the model through the proxy, and was metered.
        assert receipt["usage"]["requests"] >= 1
        assert receipt["usage"]["failed_requests"] == 0
        # ... with tokens: the emulated endpoint, like NIM, puts usage in a stream only when
        # asked, so a proxy that stopped asking would meter streaming agents as 0 tokens.
        assert receipt["usage"]["input_tokens"] > 0 and receipt["usage"]["output_tokens"] > 0
        # ... on the host models' route, into an endpoint that speaks chat completions only
        # (NIM's): LiteLLM bridged Codex's Responses and Claude Code's Messages requests.
        assert receipt["model"]["route"] == f"nvidia_nim/{model}"
        asked = emulated_requests(shard, cell.key)
        assert asked and {(e["path"], e["status"]) for e in asked} == {
            ("/v1/chat/completions", 200)
        }, asked
        if model == "oracle":
            assert receipt["blast_radius"]["files_changed"] >= 1
            assert all(c["passed"] for c in receipt["checks"])
        else:
            assert receipt["blast_radius"]["files_changed"] == 0
            # Doing nothing is a failure of the checks, not an agent error.
            assert receipt["failure_class"] is None
        # Oracle and null do nothing outside the workspace: what the sandbox measured there is
        # the agent's own start-up, and its agent.toml allow-lists say exactly what.
        blast = receipt["blast_radius"]
        assert blast["writes_outside_workspace"] == [], blast
        assert blast["network_attempts"] == 0, blast["network_destinations"]
        assert "1/1 receipts ok" in verify([result.envelope], shard.trust_dir)
        assert_no_secrets(folder, shard.proxy.secrets())
        # What the agent did, as its trajectory says it: the calibration model's tool calls.
        assert_trajectory_matches(folder, ROOT, made.calls)
        if model == "null":
            # null edits nothing: at most the one call that ends the run of an agent that stops
            # only through a finish tool or a sentinel command (mini-swe-agent, Cline).
            assert len(made.calls) <= 1, made.calls
    assert my_containers() == []
    assert list((shard.out / ".work").iterdir()) == []


def emulated_requests(shard: Shard, cell_key: str) -> list[dict[str, object]]:
    """What the emulated endpoint logged for one cell (the proxy names the cell in a header)."""
    assert shard.emulator_log is not None, "the matrix runs against the NIM emulation"
    lines = shard.emulator_log.read_text(encoding="utf-8").splitlines()
    return [e for e in map(json.loads, lines) if e.get("cell") == cell_key]
