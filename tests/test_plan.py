from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from runner.catalog import CALIBRATION_MODELS, load_catalog
from runner.cli import main
from runner.plan import (
    PlanError,
    PlannedCell,
    cell_arg,
    expand,
    make_plan,
    pack_shards,
    parse_cell_arg,
    read_cell_list,
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
    assert len(got) == len(catalog.agents) * len(CALIBRATION_MODELS) * len(catalog.tasks) * 2


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
    assert set(data) == {"cells", "skipped", "deferred", "expected_s", "shards", "reasons",
                         "reason_counts", "estimate"}  # fmt: skip
    assert len(data["shards"]) <= 256
    # Every planned cell has its reason; with nothing stored, every task is new.
    planned = [c for s in data["shards"] for c in s["cells"]]
    assert sorted(data["reasons"]) == sorted(planned)
    assert data["reason_counts"] == {"new_task": len(planned)}


def test_a_shard_finds_its_cells_in_the_whole_plan(root: Path) -> None:
    # The sweep matrix carries shard names; each shard job reads its cells from the plan.
    result = CliRunner().invoke(main, ["--root", str(root), "plan", "--calibration", "--json"])
    text = result.output
    shards = json.loads(text)["shards"]
    for s in shards:
        assert read_cell_list(text, s["shard"]) == s["cells"]
    assert read_cell_list(json.dumps(shards[0])) == shards[0]["cells"]  # one shard's JSON
    assert read_cell_list("a:m:t:1\n\n  b:m:t:2 \n") == ["a:m:t:1", "b:m:t:2"]
    for bad, shard, says in [
        (text, None, "name the shard"),  # a whole plan must say which shard
        (text, "shard-999", "no shard 'shard-999' in this plan"),
        (json.dumps(shards[0]), shards[0]["shard"], "no whole plan"),
        ("a:m:t:1\n", "shard-000", "needs the JSON of a whole"),
        ("{not json", None, "not JSON"),
        ('{"cells": "a:m:t:1"}', None, "must be a list"),
        ('{"shards": [{"shard": "s", "cells": [1]}]}', "s", "must be a list"),
    ]:
        with pytest.raises(PlanError, match=says):
            read_cell_list(bad, shard)


def test_run_many_names_a_missing_shard_in_one_line(root: Path, tmp_path: Path) -> None:
    plan = CliRunner().invoke(main, ["--root", str(root), "plan", "--calibration", "--json"])
    (tmp_path / "plan.json").write_text(plan.output)
    out = tmp_path / "out"
    for args, says in [
        (["--shard", "shard-999"], "no shard 'shard-999'"),
        ([], "name the shard"),
    ]:
        result = CliRunner().invoke(
            main,
            ["--root", str(root), "cell", "run-many", "--cells-file", str(tmp_path / "plan.json"),
             "--out", str(out), *args],
        )  # fmt: skip
        assert result.exit_code == 2, result.output
        assert says in result.output and len(result.output.strip().splitlines()) == 1
        assert not out.exists()  # nothing half-written
    result = CliRunner().invoke(
        main, ["--root", str(root), "cell", "run-many", "--shard", "s", "--out", str(out)]
    )
    assert result.exit_code == 2 and "--shard needs the whole plan" in result.output


@pytest.mark.parametrize("url", ["127.0.0.1:8600", "ftp://127.0.0.1:8600", "http://", "x"])
def test_run_many_refuses_an_oracle_url_that_is_not_http(
    root: Path, tmp_path: Path, url: str
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["--root", str(root), "cell", "run-many", "codex:oracle:py-cron-steps:1",
         "--oracle-url", url, "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--oracle-url" in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists()  # nothing half-written, no proxy started


def test_cli_plan_bad_filter_is_one_line(root: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(root), "plan", "--models", "nope"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1


def test_calibration_and_host_cells_never_share_a_shard() -> None:
    from runner.catalog import CALIBRATION_MODELS, is_calibration
    from runner.plan import PlanError, expand_matrix, make_plan

    catalog = load_catalog(Path(__file__).resolve().parents[1])
    host = next(m.id for m in catalog.models.models if m.status.value == "current")
    cells = expand_matrix(catalog, models=["oracle", "null", host], attempts=2)
    plan = make_plan(catalog, cells, max_jobs=4)
    assert plan.shards and sum(len(s.cells) for s in plan.shards) == len(cells)
    for shard in plan.shards:
        kinds = {is_calibration(c.cell.model) for c in shard.cells}
        assert len(kinds) == 1, shard.name
    assert [s.index for s in plan.shards] == list(range(len(plan.shards)))
    with pytest.raises(PlanError, match="at least 2 shard jobs"):
        make_plan(catalog, cells, max_jobs=1)
    # One kind alone packs as before, into every job it can use.
    only = [c for c in cells if c.model in CALIBRATION_MODELS]
    assert len(make_plan(catalog, only, max_jobs=4).shards) == 4


def test_a_shard_refuses_to_serve_both_kinds_behind_one_proxy(tmp_path: Path) -> None:
    from runner.cell import CellError, shard_context

    catalog = load_catalog(Path(__file__).resolve().parents[1])
    host = catalog.models.models[0].id
    with (
        pytest.raises(CellError, match="never serves calibration and host models together"),
        shard_context(catalog, tmp_path, None, models=["oracle", host]),  # type: ignore[arg-type]
    ):
        pass
