"""Planning a sweep: expand agents x models x tasks x attempts, drop what is done, pack shards.

The output is the JSON a GitHub Actions matrix consumes with fromJSON: at most `max_jobs` shards
(GitHub allows 256 jobs per matrix), balanced by expected duration.
"""

from __future__ import annotations

import fnmatch
import hashlib
import heapq
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from runner.catalog import CALIBRATION_MODELS, Catalog, ModelStatus, is_calibration
from runner.receipts import CellId

GITHUB_MATRIX_LIMIT = 256
# Without history, a cell is expected to take this share of its task's time limit.
EXPECTED_SHARE_OF_LIMIT = 0.25


class PlanError(ValueError):
    """A filter matched nothing, or the request cannot be planned; str() is the one line."""


class PlanReason(StrEnum):
    """Why a cell runs now, judged against the receipts already stored (first match wins)."""

    infra_retry = "infra_retry"  # its only receipts are infra errors: nothing was measured
    new_agent_version = "new_agent_version"  # measured, but only by another agent version
    new_task = "new_task"  # no receipt for this task at all
    new_model = "new_model"  # no receipt for this model at all
    new_agent = "new_agent"  # no receipt for this agent at all
    missing = "missing"  # agent, model and task are known, this cell is not (new attempt, lost)


@dataclass(frozen=True)
class StoredCell:
    """What one stored, verified receipt tells the planner."""

    cell: CellId
    agent_version: str
    measured: bool  # False for an infra error


@dataclass(frozen=True)
class PlannedCell:
    cell: CellId
    expected_s: float
    reason: PlanReason = PlanReason.missing


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
    skipped: int  # cells that stand: a valid receipt already measured them
    shards: tuple[Shard, ...]
    deferred: int = 0  # cells left to a later workflow run (runner.plan.first_run)

    def reason_counts(self) -> dict[str, int]:
        counts = Counter(c.reason.value for c in self.cells)
        return {r.value: counts[r.value] for r in PlanReason if counts[r.value]}

    def to_json(self) -> dict[str, object]:
        """The workflow's contract: `shards` is the matrix list, each entry self-contained."""
        return {
            "cells": len(self.cells),
            "skipped": self.skipped,
            "deferred": self.deferred,
            "expected_s": round(sum(c.expected_s for c in self.cells), 1),
            # Why each planned cell runs (cell arg -> PlanReason), and how many for each reason.
            "reasons": {cell_arg(c.cell): c.reason.value for c in self.cells},
            "reason_counts": self.reason_counts(),
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


def read_cell_list(text: str, shard: str | None = None) -> list[str]:
    """The cell args a file holds: one per line, one shard's JSON ({"cells": [...]}), or, with
    `shard`, that shard's cells out of a whole `cab plan --json` (how a matrix entry that carries
    only a shard name finds its cells). PlanError names what does not fit."""
    if not text.lstrip().startswith("{"):
        if shard is not None:
            raise PlanError("a shard name needs the JSON of a whole `cab plan --json`")
        return [line.strip() for line in text.splitlines() if line.strip()]
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise PlanError(f"not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise PlanError("expected a JSON object: a plan or one of its shards")
    shards = doc.get("shards")
    if shard is None:
        if isinstance(shards, list):
            raise PlanError("a whole plan: name the shard to run (--shard)")
        entry = doc
    else:
        if not isinstance(shards, list):
            raise PlanError(f"shard {shard!r} asked for, but this is no whole plan (no 'shards')")
        named = [s for s in shards if isinstance(s, dict) and s.get("shard") == shard]
        if not named:
            raise PlanError(f"no shard {shard!r} in this plan ({len(shards)} shards)")
        entry = named[0]
    cells = entry.get("cells")
    if not isinstance(cells, list) or not all(isinstance(c, str) for c in cells):
        raise PlanError("'cells' must be a list of agent:model:task:attempt strings")
    return list(cells)


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
    for chosen, calibration_group in groups:
        if chosen:
            cells += expand(
                catalog,
                agents=agents,
                models=chosen,
                tasks=tasks,
                attempts=attempts,
                calibration=calibration_group,
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


class _Stored:
    """The stored receipts indexed for `reason`."""

    def __init__(self, stored: Iterable[StoredCell]) -> None:
        self.by_cell: dict[CellId, list[StoredCell]] = {}
        self.tasks: set[str] = set()
        self.models: set[str] = set()
        self.agents: set[str] = set()
        for s in stored:
            self.by_cell.setdefault(s.cell, []).append(s)
            self.tasks.add(s.cell.task)
            self.models.add(s.cell.model)
            self.agents.add(s.cell.agent)

    def reason(self, cell: CellId, pinned_version: str | None) -> PlanReason | None:
        """None when a measured receipt by the pinned agent version stands for `cell`."""
        mine = self.by_cell.get(cell, [])
        measured = [s for s in mine if s.measured]
        if any(pinned_version is None or s.agent_version == pinned_version for s in measured):
            return None
        if measured:
            return PlanReason.new_agent_version
        if mine:
            return PlanReason.infra_retry
        if cell.task not in self.tasks:
            return PlanReason.new_task
        if cell.model not in self.models:
            return PlanReason.new_model
        if cell.agent not in self.agents:
            return PlanReason.new_agent
        return PlanReason.missing


def make_plan(
    catalog: Catalog,
    cells: Iterable[CellId],
    *,
    max_jobs: int = GITHUB_MATRIX_LIMIT,
    done: Iterable[CellId] = (),
    stored: Iterable[StoredCell] = (),
    history_s: Mapping[tuple[str, str, str], float] | None = None,
) -> Plan:
    """Drop cells that stand (in `done`, or measured in `stored` by the agent version pinned in
    the catalog), give every other cell its PlanReason, estimate durations (history of (agent,
    model, task) wall times when given, else a share of the task's time limit) and pack."""
    done_set = set(done)
    index = _Stored(stored)
    todo, skipped = [], 0
    for cell in cells:
        spec = catalog.agents.get(cell.agent)
        pinned = spec.package.version if spec is not None else None
        reason = None if cell in done_set else index.reason(cell, pinned)
        if reason is None:
            skipped += 1
            continue
        key = (cell.agent, cell.model, cell.task)
        if history_s and key in history_s:
            expected = history_s[key]
        else:
            expected = catalog.tasks[cell.task].time_limit_s * EXPECTED_SHARE_OF_LIMIT
        todo.append(PlannedCell(cell, expected, reason))
    return Plan(tuple(todo), skipped, pack_apart(todo, max_jobs))


def pack_apart(cells: Sequence[PlannedCell], max_jobs: int) -> tuple[Shard, ...]:
    """pack_shards, with calibration and host cells never in one shard: each shard runs one
    proxy, and a calibration model behind a host cell's proxy would hand that cell's agent the
    gold patch (defence in depth beside the keys bound to one model). The jobs are shared in
    proportion to the expected work, at least one per kind present."""
    calibration = [c for c in cells if is_calibration(c.cell.model)]
    host = [c for c in cells if not is_calibration(c.cell.model)]
    if not calibration or not host:
        return pack_shards(cells, max_jobs)
    if max_jobs < 2:
        raise PlanError("calibration and host models need at least 2 shard jobs (--max-jobs)")
    work_c = sum(c.expected_s for c in calibration)
    share = work_c / (work_c + sum(c.expected_s for c in host))
    jobs_c = min(max(1, round(max_jobs * share)), max_jobs - 1)
    shards = [*pack_shards(calibration, jobs_c), *pack_shards(host, max_jobs - jobs_c)]
    return tuple(Shard(i, s.cells) for i, s in enumerate(shards))


def plan_digest(plan: Plan) -> str:
    raw = json.dumps(plan.to_json(), sort_keys=True, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(raw).hexdigest()
