"""Cell: one (agent, model, task, attempt) run end to end, ending in a signed receipt."""

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
    ResolvedImage,
    hostname_runner_id,
    model_route,
    run_cell,
)
from runner.cell._workspace import Changes, Workspace, collect_changes, make_workspace

__all__ = [
    "DEFAULT_KEY",
    "CellContext",
    "CellError",
    "CellResult",
    "Changes",
    "InfraError",
    "ResolvedImage",
    "RunnerKey",
    "Workspace",
    "collect_changes",
    "completed_cells",
    "hostname_runner_id",
    "load_or_create_key",
    "make_workspace",
    "model_route",
    "run_cell",
    "run_many",
    "shard_context",
    "summary_json",
    "write_trust",
]
