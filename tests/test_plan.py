from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from runner.catalog import load_catalog
from runner.cli import main
from runner.plan import (
    PlanError,
    PlannedCell,
    cell_arg,
    expand,
    make_plan,
    pack_shards,
    parse_cell_arg,
)
from runner.receipts import CellId


def cells(durations: list[float]) -> list[PlannedCell]:
    return [
        PlannedCell(CellId(agent="a", model="m", task=f"t{i}", attempt=1), d)
        for i, d in enumerate(durations)
    ]


def test_lpt_balances_known_case() -> None:
    # 4,4,3,3,2,2 on 3 machines: LPT gives loads 6, 6, 6 (optimal).
    shards = pack_shards(cells([4, 4, 3, 3, 2, 2]), 3)
    assert sorted(s.expected_s for s in shards) == [6, 6, 6]


def test_never_more_shards_than_cells_or_limit() -> None:
    assert len(pack_shards(cells([1, 2]), 256)) == 2
    assert len(pack_shards(cells([1.0] * 1000), 256)) == 256
    with pytest.raises(PlanError):
        pack_shards(cells([1.0]), 257)


@given(
    st.lists(st.floats(min_value=0.1, max_value=1000), min_size=1, max_size=300),
    st.integers(min_value=1, max_value=256),
)
def test_packing_is_a_partition_within_lpt_bound(durations: list[float], jobs: int) -> None:
    planned = cells(durations)
    shards = pack_shards(planned, jobs)
    placed = [c for s in shards for c in s.cells]
    assert sorted(placed, key=lambda c: c.cell.task) == sorted(planned, key=lambda c: c.cell.task)
    n = len(shards)
    lower = max(max(durations), sum(durations) / n)  # no packing can beat this
    assert max(s.expected_s for s in shards) <= lower * 4 / 3 + max(durations) / 3 + 1e-6


def test_cell_arg_round_trip() -> None:
    cell = CellId(agent="codex", model="qwen/qwen3-next-80b-a3b-instruct", task="py-x", attempt=2)
    assert parse_cell_arg(cell_arg(cell)) == cell
    with pytest.raises(PlanError):
        parse_cell_arg("codex:oracle:task")


def test_expand_filters_and_errors(root: Path) -> None:
    catalog = load_catalog(root)
    with pytest.raises(PlanError, match="matches no"):
        expand(catalog, models=["no-such-model*"])
    got = expand(catalog, calibration=True, attempts=2)
    assert len(got) == len(catalog.agents) * 5 * len(catalog.tasks) * 2


def test_done_cells_are_skipped(root: Path) -> None:
    catalog = load_catalog(root)
    all_cells = expand(catalog, calibration=True)
    if not all_cells:
        pytest.skip("catalog has no agents or tasks yet")
    plan = make_plan(catalog, all_cells, done=all_cells[:1])
    assert plan.skipped == 1
    assert len(plan.cells) == len(all_cells) - 1


def test_cli_plan_json_shape(root: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(root), "plan", "--calibration", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"cells", "skipped", "expected_s", "shards", "reasons", "reason_counts"}
    assert len(data["shards"]) <= 256
    # Every planned cell has its reason; with nothing stored, every task is new.
    planned = [c for s in data["shards"] for c in s["cells"]]
    assert sorted(data["reasons"]) == sorted(planned)
    assert data["reason_counts"] == {"new_task": len(planned)}


def test_cli_plan_bad_filter_is_one_line(root: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(root), "plan", "--models", "nope"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
