"""Cell: one (agent, model, task, attempt) run end to end, ending in a signed receipt."""

from runner.cell._blast import network_attempts, refused_writes
from runner.cell._harness import (
    DEFAULT_KEY,
    RunnerKey,
    completed_cells,
    load_or_create_key,
    run_many,
    shard_context,
    summary_json,
    write_trust,
)
from runner.cell._lifecycle import (
    CellContext,
    CellError,
    CellResult,
    InfraError,
    ModelAccess,
    check_cell,
    hostname_runner_id,
    model_route,
    remove_workspace_state,
    run_cell,
)
from runner.cell._outcome import (
    AgentRun,
    Decision,
    OutcomeInputs,
    credible_failure,
    decide_outcome,
    infra_cause,
)
from runner.cell._receipt import ResolvedImage
from runner.cell._workspace import Changes, Workspace, collect_changes, make_workspace

__all__ = [
    "DEFAULT_KEY",
    "AgentRun",
    "CellContext",
    "CellError",
    "CellResult",
    "Changes",
    "Decision",
    "InfraError",
    "ModelAccess",
    "OutcomeInputs",
    "ResolvedImage",
    "RunnerKey",
    "Workspace",
    "check_cell",
    "collect_changes",
    "completed_cells",
    "credible_failure",
    "decide_outcome",
    "hostname_runner_id",
    "infra_cause",
    "load_or_create_key",
    "make_workspace",
    "model_route",
    "network_attempts",
    "refused_writes",
    "remove_workspace_state",
    "run_cell",
    "run_many",
    "shard_context",
    "summary_json",
    "write_trust",
]
