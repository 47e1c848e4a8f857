"""Plan: expand the matrix, skip cells already done, pack shards for the GitHub matrix."""

from runner.plan._plan import (
    GITHUB_MATRIX_LIMIT,
    Plan,
    PlanError,
    PlannedCell,
    PlanReason,
    Shard,
    StoredCell,
    cell_arg,
    expand,
    expand_matrix,
    make_plan,
    pack_apart,
    pack_shards,
    parse_cell_arg,
    plan_digest,
    read_cell_list,
)

__all__ = [
    "GITHUB_MATRIX_LIMIT",
    "Plan",
    "PlanError",
    "PlanReason",
    "PlannedCell",
    "Shard",
    "StoredCell",
    "cell_arg",
    "expand",
    "expand_matrix",
    "make_plan",
    "pack_apart",
    "pack_shards",
    "parse_cell_arg",
    "plan_digest",
    "read_cell_list",
]
