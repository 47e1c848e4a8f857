"""`cab sweep --store` on one machine, without Docker: the shards' cells are written by a fake
cell runner (signed receipts from tests/receipt_factory.py), everything else is the real sweep:
plan against the store, merge, verify, add to the store, board from the whole store."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import runner.sweep._sweep as sweep_mod
from runner import METHODOLOGY_VERSION
from runner.catalog import Catalog, load_catalog
from runner.cell import RunnerKey, load_or_create_key
from runner.plan import PlanReason, expand_matrix
from runner.receipts import CellId, sign_receipt
from runner.store import sweep_dirs
from runner.sweep import SweepResult, run_sweep
from tests.receipt_factory import ReceiptFactory
from tests.store_helpers import tree

ROOT = Path(__file__).resolve().parents[1]
NEW_TASK = "fixture-new-task"


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> list[CellId]:
    """Every cell the sweep ran, in order; each ends in a signed receipt in its shard folder."""
    cells_run: list[CellId] = []

    @contextmanager
    def shard_context(
        _catalog: Catalog, out: Path, key: RunnerKey, **_kw: Any
    ) -> Iterator[tuple[Path, RunnerKey]]:
        yield out, key

    def run_many(cells: Sequence[CellId], ctx: tuple[Path, RunnerKey], **kw: Any) -> None:
        out, key = ctx
        for cell in cells:
            factory = ReceiptFactory(out / cell.key)
            outcome = "passed" if cell.model == "oracle" else "failed"
            predicate = factory.write(
                runner_id=key.runner_id, agent=cell.agent, model=cell.model, task=cell.task,
                attempt=cell.attempt, outcome=outcome,
            )  # fmt: skip
            sign_receipt(predicate, key.signer)
            cells_run.append(cell)
            kw["on_result"](object(), cell)

    monkeypatch.setattr(sweep_mod, "shard_context", shard_context)
    monkeypatch.setattr(sweep_mod, "run_many", run_many)
    return cells_run


def _sweep(
    catalog: Catalog, out: Path, store: Path, key: RunnerKey, tasks: list[str]
) -> SweepResult:
    cells = expand_matrix(catalog, agents=["codex"], models=["oracle", "null"], tasks=tasks)
    return run_sweep(catalog, cells, out, key, max_jobs=2, store=store)


def test_a_second_sweep_runs_nothing_and_rebuilds_the_same_board(
    tmp_path: Path, ran: list[CellId]
) -> None:
    catalog = load_catalog(ROOT)
    key = load_or_create_key(tmp_path / "key", "local-test")
    store = tmp_path / "store"
    first = _sweep(catalog, tmp_path / "out", store, key, ["py-cron-steps"])
    assert len(ran) == 2 and (first.stored, first.receipts_on_board) == (2, 2)
    assert {c.reason for c in first.plan.cells} == {PlanReason.new_task}
    board = tree(first.board_dir)
    assert len(sweep_dirs(store, METHODOLOGY_VERSION)) == 1
    # Again, from the same out folder and from a fresh one: the store alone makes cells stand.
    for out in (tmp_path / "out", tmp_path / "fresh"):
        again = _sweep(catalog, out, store, key, ["py-cron-steps"])
        assert (len(again.plan.cells), again.already_done, again.stored) == (0, 2, 0)
        assert len(ran) == 2
        assert tree(again.board_dir) == board  # byte-identical board
    assert len(sweep_dirs(store, METHODOLOGY_VERSION)) == 1  # nothing new, no new sweep


def test_a_new_task_runs_only_its_cells_and_the_board_holds_both_runs(
    tmp_path: Path, ran: list[CellId]
) -> None:
    catalog = load_catalog(ROOT)
    key = load_or_create_key(tmp_path / "key", "local-test")
    store = tmp_path / "store"
    first = _sweep(catalog, tmp_path / "out", store, key, ["py-cron-steps"])
    before = set(json.loads((first.board_dir / "board.json").read_bytes())["receipts"])
    spec = catalog.tasks["py-cron-steps"].model_copy(update={"id": NEW_TASK})
    grown = dataclasses.replace(catalog, tasks={**catalog.tasks, NEW_TASK: spec})
    second = _sweep(grown, tmp_path / "out", store, key, ["py-cron-steps", NEW_TASK])
    assert [c.task for c in ran[2:]] == [NEW_TASK, NEW_TASK]
    assert {(c.cell.task, c.reason) for c in second.plan.cells} == {(NEW_TASK, PlanReason.new_task)}
    assert (second.already_done, second.stored, second.receipts_on_board) == (2, 2, 4)
    after = set(json.loads((second.board_dir / "board.json").read_bytes())["receipts"])
    assert before < after and len(after) == 4
    assert len(sweep_dirs(store, METHODOLOGY_VERSION)) == 2


def test_main_job_sweeps_into_a_store() -> None:
    script = (ROOT / "scripts" / "main-job.sh").read_text()
    assert "--store out/store" in script
    readme = (ROOT / "README.md").read_text()
    assert "out/store" in readme
