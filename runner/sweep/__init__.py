"""Sweep: the plan -> shards -> merge sequence of the workflow, on one machine."""

from runner.sweep._state import ReceiptState, receipt_state
from runner.sweep._sweep import (
    ARTIFACT_PREFIX,
    DEFAULT_AGENTS,
    DEFAULT_LOCAL_SHARDS,
    DEFAULT_MODELS,
    DEFAULT_TASKS,
    StoreBoard,
    SweepError,
    SweepResult,
    build_site,
    build_store_site,
    merge_artifacts,
    missing_images,
    run_sweep,
)

__all__ = [
    "ARTIFACT_PREFIX",
    "DEFAULT_AGENTS",
    "DEFAULT_LOCAL_SHARDS",
    "DEFAULT_MODELS",
    "DEFAULT_TASKS",
    "ReceiptState",
    "StoreBoard",
    "SweepError",
    "SweepResult",
    "build_site",
    "build_store_site",
    "merge_artifacts",
    "missing_images",
    "receipt_state",
    "run_sweep",
]
