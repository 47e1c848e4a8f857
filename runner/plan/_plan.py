"""Planning a sweep: expand agents x models x tasks x attempts, drop what is done, pack shards.

The output is the JSON a GitHub Actions matrix consumes with fromJSON: at most `max_jobs` shards
(GitHub allows 256 jobs per matrix), balanced by expected duration.
"""

from __future__ import annotations

import fnmatch
import hashlib
import heapq
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from runner.catalog import CALIBRATION_MODELS, Catalog, ModelStatus
from runner.receipts import CellId

GITHUB_MATRIX_LIMIT = 256
# Without history, a cell is expected to take this share of its task's time limit.
EXPECTED_SHARE_OF_LIMIT = 0.25


class PlanError(ValueError):
    """A filter matched nothing, or the request cannot be planned; str() is the one line."""


@dataclass(frozen=True)
class PlannedCell:
    cell: CellId
    expected_s: float


@dataclass(frozen=True)
class Shard:
    index: int
    cells: tuple[PlannedCell, ...]

    @property
    def expected_s(self) -> float:
        return sum(c.expected_s for c in self.cells)

    @property
    def name(self) -> str:
        return f"shard-{self.index:03d}"


@dataclass(frozen=True)
class Plan:
    cells: tuple[PlannedCell, ...]
    skipped: int  # cells that already had a valid receipt
    shards: tuple[Shard, ...]

    def to_json(self) -> dict[str, object]:
        """The workflow's contract: `shards` is the matrix list, each entry self-contained."""
        return {
            "cells": len(self.cells),
            "skipped": self.skipped,
            "expected_s": round(sum(c.expected_s for c in self.cells), 1),
            "shards": [
                {
                    "shard": s.name,
                    "expected_s": round(s.expected_s, 1),
                    "cells": [cell_arg(c.cell) for c in s.cells],
                }
                for s in self.shards
            ],
        }


def cell_arg(cell: CellId) -> str:
    """One cell as a single string (agent:model:task:attempt) for matrix entries and CLI args."""
    return f"{cell.agent}:{cell.model}:{cell.task}:{cell.attempt}"


def parse_cell_arg(text: str) -> CellId:
    parts = text.split(":")
    if len(parts) != 4 or not parts[3].isdigit():
        raise PlanError(f"cell {text!r}: expected agent:model:task:attempt")
    return CellId(agent=parts[0], model=parts[1], task=parts[2], attempt=int(parts[3]))


def _select(kind: str, available: Sequence[str], patterns: Sequence[str] | None) -> list[str]:
    if not patterns:
        return list(available)
    chosen: list[str] = []
    for pattern in patterns:
        hits = [a for a in available if fnmatch.fnmatchcase(a, pattern)]
        if not hits:
            raise PlanError(
                f"--{kind} {pattern!r} matches no {kind[:-1]} (known: {', '.join(available)})"
            )
        chosen += [h for h in hits if h not in chosen]
    return chosen


def expand(
    catalog: Catalog,
    *,
    agents: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    tasks: Sequence[str] | None = None,
    attempts: int = 1,
    calibration: bool = False,
) -> list[CellId]:
    """The cell list in a stable order. Host models default to the current sweep; with
    `calibration` the calibration models are the model axis instead."""
    if attempts < 1:
        raise PlanError("--attempts must be at least 1")
    if calibration:
        model_ids: list[str] = list(CALIBRATION_MODELS)
    else:
        model_ids = [m.id for m in catalog.models.models if m.status is ModelStatus.current]
        if models:  # explicit filters may reach held models (community runs)
            model_ids = [m.id for m in catalog.models.models if m.status is not ModelStatus.retired]
    chosen_agents = _select("agents", sorted(catalog.agents), agents)
    chosen_models = _select("models", model_ids, models)
    chosen_tasks = _select("tasks", sorted(catalog.tasks), tasks)
    return [
        CellId(agent=a, model=m, task=t, attempt=k)
        for a in chosen_agents
        for m in chosen_models
        for t in chosen_tasks
        for k in range(1, attempts + 1)
    ]


def expand_matrix(
    catalog: Catalog,
    *,
    agents: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    tasks: Sequence[str] | None = None,
    attempts: int = 1,
    calibration: bool = False,
) -> list[CellId]:
    """`expand` where `models` may mix calibration models (served by the oracle) and host
    models, as the sweep workflow's `models` input and `cab sweep --models` allow."""
    if not models:
        return expand(
            catalog, agents=agents, tasks=tasks, attempts=attempts, calibration=calibration
        )
    groups = (
        ([m for m in models if m in CALIBRATION_MODELS], True),
        ([m for m in models if m not in CALIBRATION_MODELS], False),
    )
    cells: list[CellId] = []
    for chosen, is_calibration in groups:
        if chosen:
            cells += expand(
                catalog,
                agents=agents,
                models=chosen,
                tasks=tasks,
                attempts=attempts,
                calibration=is_calibration,
            )
    return cells


def pack_shards(cells: Sequence[PlannedCell], max_jobs: int) -> tuple[Shard, ...]:
    """Longest-processing-time-first greedy packing into at most `max_jobs` shards.

    LPT is within 4/3 of the optimal makespan and runs in O(n log n): instant for 10^4 cells.
    Ties are broken by cell order so the plan is deterministic.
    """
    if not 1 <= max_jobs <= GITHUB_MATRIX_LIMIT:
        raise PlanError(f"--max-jobs must be between 1 and {GITHUB_MATRIX_LIMIT}")
    if not cells:
        return ()
    n = min(max_jobs, len(cells))
    order = sorted(range(len(cells)), key=lambda i: (-cells[i].expected_s, i))
    heap = [(0.0, j) for j in range(n)]
    buckets: list[list[int]] = [[] for _ in range(n)]
    for i in order:
        load, j = heapq.heappop(heap)
        buckets[j].append(i)
        heapq.heappush(heap, (load + cells[i].expected_s, j))
    return tuple(
        Shard(j, tuple(cells[i] for i in sorted(bucket))) for j, bucket in enumerate(buckets)
    )


def make_plan(
    catalog: Catalog,
    cells: Iterable[CellId],
    *,
    max_jobs: int = GITHUB_MATRIX_LIMIT,
    done: Iterable[CellId] = (),
    history_s: Mapping[tuple[str, str, str], float] | None = None,
) -> Plan:
    """Drop `done` cells, estimate durations (history of (agent, model, task) wall times when
    given, else a share of the task's time limit) and pack."""
    done_set = set(done)
    todo, skipped = [], 0
    for cell in cells:
        if cell in done_set:
            skipped += 1
            continue
        key = (cell.agent, cell.model, cell.task)
        if history_s and key in history_s:
            expected = history_s[key]
        else:
            expected = catalog.tasks[cell.task].time_limit_s * EXPECTED_SHARE_OF_LIMIT
        todo.append(PlannedCell(cell, expected))
    return Plan(tuple(todo), skipped, pack_shards(todo, max_jobs))


def plan_digest(plan: Plan) -> str:
    raw = json.dumps(plan.to_json(), sort_keys=True, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(raw).hexdigest()
