"""How long a planned sweep takes when its endpoints ration requests, and whether one workflow
run can hold it.

Every shard of a sweep reaches a host endpoint on the same key, so the endpoint's budget
(requests per minute per key, models.toml `[endpoint.*]`, CAB_RPM_<ENDPOINT>) is shared by the
shards running at once: each proxy paces to budget / shards at once. Two floors bound the wall
time: the work (the shards' expected times run `shards_at_once` at a time) and, per endpoint,
its requests / its budget. A shard job must end inside the job limit (sweep.yml's shard
`timeout-minutes`); a shard's time is the longer of its own work and its requests at its share
of the budget. When even the most shards a matrix may hold cannot fit the requests inside the
limit, the sweep needs several workflow runs: this run takes what fits, and a later run, planned
against this run's receipts (`--receipts`), does the rest.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from runner.catalog import Catalog
from runner.plan._plan import Plan, PlannedCell, Shard, pack_apart

# sweep.yml: the shard job's timeout-minutes and the default of its max_parallel input.
JOB_LIMIT_S = 350 * 60
SHARDS_AT_ONCE = 20
# Without history: requests a cell makes (an agent's turns on a task; reports of real sweeps put
# it near 20).
DEFAULT_REQUESTS_PER_CELL = 20.0

Key = tuple[str, str, str]  # (agent, model, task)


@dataclass(frozen=True)
class EndpointLoad:
    endpoint: str
    rpm: int  # requests per minute per key: the whole sweep's budget on this endpoint
    requests: float  # expected requests of the planned cells on it
    floor_s: float  # requests / rpm: no sweep on this key can be faster


@dataclass(frozen=True)
class Estimate:
    shards_at_once: int
    job_limit_s: float
    work_s: float  # the shards' expected times, shards_at_once at a time
    endpoints: tuple[EndpointLoad, ...]
    wall_s: float  # the longer of the work and the slowest endpoint's floor
    longest_shard_s: float
    shards_needed: int  # fewest shards whose every one fits the job limit
    workflow_runs: int  # runs of at most max_jobs shards each
    # Cells whose own requests, paced to a shard's share of the budget, take longer than their
    # task's time limit: the wait counts against the agent, which would time out waiting.
    cells_paced_past_limit: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "shards_at_once": self.shards_at_once,
            "job_limit_s": round(self.job_limit_s),
            "work_s": round(self.work_s, 1),
            "wall_s": round(self.wall_s, 1),
            "longest_shard_s": round(self.longest_shard_s, 1),
            "shards_needed": self.shards_needed,
            "workflow_runs": self.workflow_runs,
            "cells_paced_past_limit": self.cells_paced_past_limit,
            "endpoints": [
                {
                    "endpoint": e.endpoint,
                    "rpm_per_key": e.rpm,
                    "requests": round(e.requests),
                    "floor_s": round(e.floor_s, 1),
                }
                for e in self.endpoints
            ],
        }


def requests_per_cell(history: Mapping[Key, float]) -> dict[tuple[str, ...], float]:
    """Expected requests of a cell from history: by (agent, model, task), else the agent's
    median on the same model, else the agent's median anywhere."""
    by_agent_model: dict[tuple[str, ...], list[float]] = defaultdict(list)
    by_agent: dict[tuple[str, ...], list[float]] = defaultdict(list)
    for (agent, model, _task), n in history.items():
        by_agent_model[(agent, model)].append(n)
        by_agent[(agent,)].append(n)
    table: dict[tuple[str, ...], float] = {tuple(k): n for k, n in history.items()}
    table.update({k: statistics.median(v) for k, v in by_agent_model.items()})
    table.update({k: statistics.median(v) for k, v in by_agent.items()})
    return table


def _requests(cell: PlannedCell, table: Mapping[tuple[str, ...], float]) -> float:
    c = cell.cell
    for key in ((c.agent, c.model, c.task), (c.agent, c.model), (c.agent,)):
        if key in table:
            return table[key]
    return DEFAULT_REQUESTS_PER_CELL


def _budgets(
    catalog: Catalog, cells: Sequence[PlannedCell], environ: Mapping[str, str] | None
) -> dict[str, int]:
    """Endpoint -> rpm for the endpoints the cells use that ration requests."""
    out: dict[str, int] = {}
    for model in sorted({c.cell.model for c in cells}):
        budget = catalog.models.model_budget(model, environ)
        if budget is not None:
            out[budget[0]] = budget[1]
    return out


def estimate(
    catalog: Catalog,
    cells: Sequence[PlannedCell],
    shards: Sequence[Shard],
    *,
    requests_history: Mapping[Key, float] | None = None,
    shards_at_once: int = SHARDS_AT_ONCE,
    job_limit_s: float = JOB_LIMIT_S,
    max_jobs: int,
    environ: Mapping[str, str] | None = None,
) -> Estimate:
    if shards_at_once < 1:
        raise ValueError("shards at once must be at least 1")
    table = requests_per_cell(requests_history or {})
    budgets = _budgets(catalog, cells, environ)
    per_endpoint: dict[str, float] = defaultdict(float)
    for c in cells:
        endpoint = catalog.models.endpoint_for(c.cell.model)
        if endpoint in budgets:
            per_endpoint[endpoint] += _requests(c, table)
    loads = tuple(
        EndpointLoad(e, budgets[e], n, n / budgets[e] * 60) for e, n in sorted(per_endpoint.items())
    )
    shard_times = [s.expected_s for s in shards] or [0.0]
    slots = min(shards_at_once, max(1, len(shards)))
    work_s = max(sum(shard_times) / slots, max(shard_times))

    def shard_s(shard: Shard) -> float:
        own = shard.expected_s
        for load in loads:
            share = load.rpm / min(shards_at_once, max(1, len(shards)))
            n = sum(
                _requests(c, table)
                for c in shard.cells
                if catalog.models.endpoint_for(c.cell.model) == load.endpoint
            )
            own = max(own, n / share * 60)
        return own

    longest = max((shard_s(s) for s in shards), default=0.0)
    # Fewest shards that fit: the work spread evenly, and each endpoint's requests at the share
    # a shard gets of its budget while shards_at_once run (a longest cell bounds it below).
    needed = math.ceil(sum(shard_times) / job_limit_s) if cells else 0
    for load in loads:
        per_shard_in_limit = load.rpm / shards_at_once * job_limit_s / 60
        needed = max(needed, math.ceil(load.requests / per_shard_in_limit))
    runs = max(1, math.ceil(needed / max_jobs)) if cells else 0
    wall = max([work_s, *(load.floor_s for load in loads)])
    rpm = {load.endpoint: load.rpm for load in loads}
    past = sum(
        1
        for c in cells
        if (e := catalog.models.endpoint_for(c.cell.model)) in rpm
        and _requests(c, table) / (rpm[e] / shards_at_once) * 60
        > catalog.tasks[c.cell.task].time_limit_s
    )
    return Estimate(shards_at_once, job_limit_s, work_s, loads, wall, longest, needed, runs, past)


def first_run(plan: Plan, runs: int, max_jobs: int) -> Plan:
    """The share of `plan` one of `runs` workflow runs holds: its first len/runs cells by attempt
    number (every cell's first attempt before any second one), packed again into at most
    `max_jobs` shards; the rest is `deferred`, for a later run planned against this one's
    receipts."""
    if runs <= 1 or not plan.cells:
        return plan
    order = sorted(range(len(plan.cells)), key=lambda i: (plan.cells[i].cell.attempt, i))
    keep = sorted(order[: math.ceil(len(plan.cells) / runs)])
    cells = tuple(plan.cells[i] for i in keep)
    return Plan(cells, plan.skipped, pack_apart(cells, max_jobs), len(plan.cells) - len(cells))


def plan_json(plan: Plan, est: Estimate, runs: int) -> dict[str, object]:
    """`cab plan --json`: the plan (the workflow's contract) with its estimate; `workflow_runs`
    is the whole sweep's count, `deferred` what this plan leaves to the later runs."""
    return {**plan.to_json(), "estimate": {**est.to_json(), "workflow_runs": runs}}
