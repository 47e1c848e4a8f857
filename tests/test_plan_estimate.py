"""`cab plan`'s wall time estimate under the endpoints' rate budgets (runner/plan/_estimate.py):
the budget's floor, requests per cell from history, shard sizing against the job limit, and the
split of a sweep too big for one workflow run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.catalog import Catalog, load_catalog
from runner.cli import main
from runner.plan import Plan, estimate, expand_matrix, first_run, make_plan

NO_ENV: dict[str, str] = {}


@pytest.fixture(scope="module")
def catalog(root: Path) -> Catalog:
    return load_catalog(root)


def _plan(catalog: Catalog, attempts: int = 1, calibration: bool = False) -> Plan:
    cells = expand_matrix(catalog, agents=None, models=None, tasks=None, attempts=attempts,
                          calibration=calibration)  # fmt: skip
    return make_plan(catalog, cells)


def test_without_a_budget_the_wall_is_the_work(catalog: Catalog) -> None:
    plan = _plan(catalog, calibration=True)
    est = estimate(catalog, plan.cells, plan.shards, max_jobs=256, environ=NO_ENV)
    assert est.endpoints == ()
    total = sum(s.expected_s for s in plan.shards)
    assert est.wall_s == pytest.approx(max(total / 20, max(s.expected_s for s in plan.shards)))
    assert est.workflow_runs == 1


def test_the_budget_sets_the_floor_when_it_is_the_bottleneck(catalog: Catalog) -> None:
    plan = _plan(catalog)
    est = estimate(catalog, plan.cells, plan.shards, max_jobs=256, environ=NO_ENV)
    (nim,) = est.endpoints
    assert nim.endpoint == "nvidia_nim" and nim.rpm == 40
    assert nim.requests == 20 * len(plan.cells)  # no history: 20 requests a cell
    assert nim.floor_s == pytest.approx(nim.requests / 40 * 60)
    assert est.wall_s == pytest.approx(max(nim.floor_s, est.work_s))
    # A paid key (the environment's budget) moves the floor.
    paid = estimate(catalog, plan.cells, plan.shards, max_jobs=256,
                    environ={"CAB_RPM_NVIDIA_NIM": "400"})  # fmt: skip
    assert paid.endpoints[0].floor_s == pytest.approx(nim.floor_s / 10)


def test_history_gives_the_requests_per_cell(catalog: Catalog) -> None:
    plan = _plan(catalog)
    first = plan.cells[0].cell
    # One (agent, model, task) seen: that exact cell uses it, the agent's other cells on the
    # same model and elsewhere fall back to the agent's median; other agents keep the default.
    history = {(first.agent, first.model, first.task): 4.0}
    est = estimate(catalog, plan.cells, plan.shards, max_jobs=256, environ=NO_ENV,
                   requests_history=history)  # fmt: skip
    mine = sum(1 for c in plan.cells if c.cell.agent == first.agent)
    others = len(plan.cells) - mine
    assert est.endpoints[0].requests == pytest.approx(4 * mine + 20 * others)


def test_a_sweep_too_big_for_one_run_is_split_by_attempt(catalog: Catalog) -> None:
    plan = _plan(catalog, attempts=3)
    est = estimate(catalog, plan.cells, plan.shards, max_jobs=256, environ=NO_ENV)
    # 40 requests a minute shared by 20 shards: 2 a minute each, 700 in a 350-minute job.
    per_shard = 40 / 20 * 350
    assert est.shards_needed == -(-est.endpoints[0].requests // per_shard)
    assert est.workflow_runs == -(-est.shards_needed // 256) > 1
    assert est.longest_shard_s > est.job_limit_s  # as planned, the shards would time out
    run = first_run(plan, est.workflow_runs, 256)
    assert run.deferred == len(plan.cells) - len(run.cells) > 0
    assert {c.cell.attempt for c in run.cells} == {1}  # first attempts first
    again = estimate(catalog, run.cells, run.shards, max_jobs=256, environ=NO_ENV)
    assert again.longest_shard_s <= again.job_limit_s
    assert again.workflow_runs == 1


def test_cab_plan_says_the_estimate_and_the_runs(root: Path) -> None:
    runner = CliRunner()
    env = {"CAB_RPM_NVIDIA_NIM": ""}
    text = runner.invoke(main, ["--root", str(root), "plan", "--attempts", "3"], env=env)
    assert text.exit_code == 0, text.output
    assert "nvidia_nim:" in text.output and "requests at 40/min" in text.output
    assert "workflow runs: this plan holds the first" in text.output
    out = runner.invoke(main, ["--root", str(root), "plan", "--json"], env=env)
    doc = json.loads(out.output)
    assert doc["deferred"] == 0 and doc["estimate"]["workflow_runs"] == 1
    assert doc["estimate"]["endpoints"][0]["rpm_per_key"] == 40
    bad = runner.invoke(main, ["--root", str(root), "plan", "--shards-at-once", "0"])
    assert bad.exit_code == 2 and "--shards-at-once" in bad.output


def test_too_many_shards_at_once_starve_a_cell_past_its_time_limit(catalog: Catalog) -> None:
    # A cell's requests wait for its shard's share of the budget, inside the agent's time limit.
    plan = _plan(catalog)
    fine = estimate(catalog, plan.cells, plan.shards, max_jobs=256, environ=NO_ENV)
    assert fine.cells_paced_past_limit == 0  # 20 requests at 2 a minute: 10 min
    starved = estimate(catalog, plan.cells, plan.shards, max_jobs=256, environ=NO_ENV,
                       shards_at_once=80)  # fmt: skip
    share = 40 / 80  # requests a minute per shard
    limits = [catalog.tasks[c.cell.task].time_limit_s for c in plan.cells]
    assert starved.cells_paced_past_limit == sum(20 / share * 60 > t for t in limits) > 0
