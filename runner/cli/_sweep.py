from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from runner.catalog import Catalog, load_catalog
from runner.cell import DEFAULT_KEY, CellError, CellResult, load_or_create_key
from runner.cli._common import Ctx, InputError, catalog_errors, pass_ctx, print_json
from runner.cli._plan import _split
from runner.plan import Plan, PlanError, expand_matrix
from runner.receipts import CellId
from runner.sweep import (
    DEFAULT_AGENTS,
    DEFAULT_LOCAL_SHARDS,
    DEFAULT_MODELS,
    DEFAULT_TASKS,
    SweepError,
    SweepResult,
    missing_images,
    run_sweep,
)


def _summary(result: SweepResult, store_dir: Path | None) -> dict[str, object]:
    """The --json summary (what a script reads after a sweep)."""
    return {
        "board": str(result.index),
        "ran": len(result.plan.cells),
        "already_done": result.already_done,
        "reasons": result.plan.reason_counts(),
        "store": str(store_dir) if store_dir else None,
        "stored": result.stored,
        "superseded": result.superseded,
        "shards": len(result.plan.shards),
        "receipts": result.receipts_on_board,
        "cells": result.cells_on_board,
        "rejected": result.rejected,
        "errors": result.errors,
    }


@click.command()
@click.option(
    "--agents",
    multiple=True,
    help=f"Agent names or globs (default: {','.join(DEFAULT_AGENTS)}).",
)
@click.option(
    "--models",
    multiple=True,
    help=f"Calibration models (oracle, null, vandal, flaky, slow) and/or host model ids "
    f"(default: {','.join(DEFAULT_MODELS)}).",
)
@click.option(
    "--tasks",
    multiple=True,
    help=f"Task ids or globs (default: {','.join(DEFAULT_TASKS)}).",
)
@click.option("--attempts", type=int, default=1, show_default=True, help="Attempts per cell.")
@click.option(
    "--max-jobs",
    type=int,
    default=DEFAULT_LOCAL_SHARDS,
    show_default=True,
    help="Shards to pack the cells into (each starts its own proxy, like a shard job).",
)
@click.option(
    "-j",
    "--concurrency",
    type=int,
    default=1,
    show_default=True,
    help="Cells run at once within a shard.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out/sweep"),
    show_default=True,
    help="Sweep folder: artifacts/receipts-<shard>/, receipts/ (merged), site/ (the board).",
)
@click.option(
    "--key",
    "key_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Signing key (default: <root>/{DEFAULT_KEY}, generated on first use).",
)
@click.option("--runner-id", default=None, help="Principal to sign as (default: local-<hostname>).")
@click.option("--flaky-rate", type=float, default=0.3, show_default=True)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A local store of record: plan against it (cells that stand are not run), add this "
    "sweep's verified receipts to it (append-only) and build the board from the whole store.",
)
@click.option(
    "--community",
    "community_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --store: community receipts to add to the board (one folder per "
    "runner, verified against this sweep's trust store).",
)
@click.option("--sweep-id", default=None, help="This sweep's id in the store (default: the time).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary on stdout.")
@pass_ctx
def sweep(
    ctx: Ctx,
    agents: tuple[str, ...],
    models: tuple[str, ...],
    tasks: tuple[str, ...],
    attempts: int,
    max_jobs: int,
    concurrency: int,
    out_dir: Path,
    key_path: Path | None,
    runner_id: str | None,
    flaky_rate: float,
    store_dir: Path | None,
    community_dir: Path | None,
    sweep_id: str | None,
    as_json: bool,
) -> None:
    """Plan, run every shard, merge, verify and build the board, all on this machine.

    The same sequence as the sweep workflow: the plan's shards run one after another into
    OUT/artifacts/receipts-<shard>/, are merged into OUT/receipts/, verified, and built into
    OUT/site/. Resumable: cells that already have a valid receipt are not run again, except
    infra errors, which are retried (nothing was measured).

    With --store, the plan also skips every cell the store already holds, the merged receipts
    are added to the store, and the board is built from the whole store: run it twice and the
    second run runs 0 cells and rebuilds the same board.
    """
    if community_dir is not None and store_dir is None:
        raise click.UsageError("--community needs --store")
    out_dir = out_dir.resolve()  # the cell runner's workspaces need an absolute path
    store_dir = store_dir.resolve() if store_dir else None
    with catalog_errors():
        catalog = load_catalog(ctx.root)
    cells = _cells(catalog, agents, models, tasks, attempts)
    todo = missing_images(catalog, cells)
    if todo:
        raise click.ClickException(
            f"images this sweep needs are not built here: run {' && '.join(todo)}"
        )
    key = load_or_create_key(key_path or ctx.root / DEFAULT_KEY, runner_id)
    with _SweepProgress() as shown:
        try:
            result = run_sweep(
                catalog,
                cells,
                out_dir,
                key,
                max_jobs=max_jobs,
                concurrency=concurrency,
                flaky_rate=flaky_rate,
                store=store_dir,
                community=community_dir,
                sweep_id=sweep_id,
                on_plan=shown.on_plan,
                on_shard=shown.on_shard,
                on_result=shown.on_result,
                progress=shown.log,
            )
        except SweepError as exc:
            raise click.ClickException(str(exc)) from None
    _report(result, store_dir, as_json)
    if result.errors:
        raise SystemExit(1)


def _cells(
    catalog: Catalog,
    agents: tuple[str, ...],
    models: tuple[str, ...],
    tasks: tuple[str, ...],
    attempts: int,
) -> list[CellId]:
    try:
        return expand_matrix(
            catalog,
            agents=_split(agents) or list(DEFAULT_AGENTS),
            models=_split(models) or list(DEFAULT_MODELS),
            tasks=_split(tasks) or list(DEFAULT_TASKS),
            attempts=attempts,
        )
    except PlanError as exc:
        raise InputError(str(exc)) from None


def _report(result: SweepResult, store_dir: Path | None, as_json: bool) -> None:
    for line in result.rejected:
        click.echo(f"[sweep] not on the board: {line}", err=True)
    if as_json:
        print_json(_summary(result, store_dir))
        return
    click.echo(
        f"[sweep] board from {result.receipts_on_board} receipts "
        f"({result.cells_on_board} agent x model cells); "
        f"{len(result.errors)} cell(s) without a receipt",
        err=True,
    )
    click.echo(str(result.index))


class _SweepProgress:
    """The sweep's progress on stderr: a bar of cells with a tally of outcomes (off when stderr
    is not a terminal) and one line per event."""

    def __init__(self) -> None:
        console = Console(stderr=True)
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[tally]}"),
            TimeElapsedColumn(),
        )
        self.bar = Progress(*columns, console=console, disable=not console.is_terminal)
        self.tally: dict[str, int] = {}
        self.task_id = self.bar.add_task("planning", total=None, tally="")

    def __enter__(self) -> _SweepProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

    def log(self, msg: str) -> None:
        self.bar.console.print(f"[sweep] {msg}", highlight=False, markup=False)

    def on_plan(self, plan: Plan, skipped: int) -> None:
        why = ", ".join(f"{n} {r.replace('_', ' ')}" for r, n in plan.reason_counts().items())
        counts = f"{len(plan.cells)} cells to run in {len(plan.shards)} shards"
        self.log(f"{counts} ({skipped} already have a valid receipt){': ' + why if why else ''}")
        self.bar.update(self.task_id, description="cells", total=len(plan.cells))

    def on_shard(self, name: str, n: int) -> None:
        self.log(f"{name}: {n} cells")

    def on_result(self, result: CellResult | CellError, cell: CellId) -> None:
        outcome = "no receipt" if isinstance(result, CellError) else result.outcome.value
        self.tally[outcome] = self.tally.get(outcome, 0) + 1
        line = f"{outcome:<13} {cell.key}"
        if isinstance(result, CellError):
            line += f": {result}"
        self.log(line)
        tally = " ".join(f"{k} {v}" for k, v in sorted(self.tally.items()))
        self.bar.update(self.task_id, advance=1, tally=tally)
