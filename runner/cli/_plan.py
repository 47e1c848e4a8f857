from __future__ import annotations

from pathlib import Path

import click

from runner.catalog import load_catalog
from runner.cli._common import Ctx, InputError, catalog_errors, pass_ctx, print_json
from runner.plan import (
    GITHUB_MATRIX_LIMIT,
    JOB_LIMIT_S,
    SHARDS_AT_ONCE,
    Estimate,
    Plan,
    PlanError,
    estimate,
    expand_matrix,
    first_run,
    make_plan,
    plan_json,
)
from runner.receipts import TrustStoreError, load_trust_store
from runner.sweep import receipt_state


def _split(values: tuple[str, ...]) -> list[str] | None:
    out = [v.strip() for raw in values for v in raw.split(",") if v.strip()]
    return out or None


@click.command()
@click.option("--agents", multiple=True, help="Agent names or globs (comma-separated or repeated).")
@click.option(
    "--models",
    multiple=True,
    help="Model ids or globs, calibration models included; default: the current sweep.",
)
@click.option("--tasks", multiple=True, help="Task ids or globs; default: all.")
@click.option("--attempts", type=int, default=1, show_default=True, help="Attempts per cell.")
@click.option(
    "--calibration",
    is_flag=True,
    help="Use the calibration models (oracle, null, vandal, flaky, slow) as the model axis.",
)
@click.option(
    "--max-jobs",
    type=int,
    default=GITHUB_MATRIX_LIMIT,
    show_default=True,
    help="Most shards to pack into (GitHub's matrix limit is 256).",
)
@click.option(
    "--receipts",
    "receipts_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Drop cells that already stand: a valid receipt in this folder or store, measured by "
    "the pinned agent version (infra errors run again). Each other cell gets its reason.",
)
@click.option(
    "--history",
    "history_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Balance shards by the wall times of the verified receipts in this folder.",
)
@click.option(
    "--shards-at-once",
    type=click.IntRange(min=1),
    default=SHARDS_AT_ONCE,
    show_default=True,
    help="Shard jobs running at once (sweep.yml's max_parallel): they share each endpoint's "
    "budget, which bounds the wall time estimate.",
)
@click.option(
    "--job-limit-min",
    type=click.IntRange(min=1),
    default=JOB_LIMIT_S // 60,
    show_default=True,
    help="Longest a shard job may run (sweep.yml's shard timeout-minutes). When the most shards "
    "the matrix holds cannot fit the requests inside it, the plan keeps what one workflow run "
    "can do and defers the rest to a later run planned with --receipts.",
)
@click.option(
    "--trust-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Trust store the receipts are verified against (default: <root>/keys).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the plan JSON (what the sweep workflow feeds to fromJSON).",
)
@pass_ctx
def plan(
    ctx: Ctx,
    agents: tuple[str, ...],
    models: tuple[str, ...],
    tasks: tuple[str, ...],
    attempts: int,
    calibration: bool,
    max_jobs: int,
    receipts_dir: Path | None,
    history_dir: Path | None,
    shards_at_once: int,
    job_limit_min: int,
    trust_dir: Path | None,
    as_json: bool,
) -> None:
    """Expand agents x models x tasks x attempts and pack the cells into balanced shards."""
    with catalog_errors():
        catalog = load_catalog(ctx.root)
    try:
        cells = expand_matrix(
            catalog,
            agents=_split(agents),
            models=_split(models),
            tasks=_split(tasks),
            attempts=attempts,
            calibration=calibration,
        )
        done = history = None
        if receipts_dir or history_dir:
            try:
                trust = load_trust_store(trust_dir or ctx.root / "keys")
            except TrustStoreError as exc:
                raise InputError(str(exc)) from None
            schema = ctx.root / "schemas" / "receipt.schema.json"
            schema_path = schema if schema.is_file() else None
            if receipts_dir:
                done = receipt_state([receipts_dir], trust, schema_path=schema_path)
            if history_dir:
                same = receipts_dir is not None and history_dir.resolve() == receipts_dir.resolve()
                history = (
                    done if same else receipt_state([history_dir], trust, schema_path=schema_path)
                )
        result = make_plan(
            catalog,
            cells,
            max_jobs=max_jobs,
            stored=done.stored if done else (),
            history_s=history.history_s if history else None,
        )

        def rate_estimate(of: Plan) -> Estimate:
            return estimate(
                catalog,
                of.cells,
                of.shards,
                requests_history=history.history_requests if history else None,
                shards_at_once=shards_at_once,
                job_limit_s=job_limit_min * 60,
                max_jobs=max_jobs,
            )

        runs = rate_estimate(result).workflow_runs
        result = first_run(result, runs, max_jobs)
        est = rate_estimate(result)
    except (PlanError, ValueError) as exc:
        raise InputError(str(exc)) from None
    if as_json:
        print_json(plan_json(result, est, runs))
        return
    loads = [s.expected_s for s in result.shards] or [0.0]
    click.echo(
        f"{len(result.cells)} cells in {len(result.shards)} shards; "
        f"expected shard time {min(loads):.0f}-{max(loads):.0f} s "
        f"(total {sum(loads) / 3600:.1f} h); {result.skipped} already have a valid receipt"
    )
    click.echo(_describe(est, runs, result.deferred))
    counts = result.reason_counts()
    if counts:
        click.echo("why: " + ", ".join(f"{n} {r.replace('_', ' ')}" for r, n in counts.items()))


def _describe(est: Estimate, runs: int, deferred: int) -> str:
    """The estimate in one line, and a second when the sweep needs more than one run."""

    def hours(seconds: float) -> str:
        return f"{seconds / 3600:.1f} h"

    floors = "; ".join(
        f"{e.endpoint}: {e.requests:,.0f} requests at {e.rpm}/min = {hours(e.floor_s)}"
        for e in est.endpoints
    )
    line = (
        f"estimate: {hours(est.wall_s)} wall with {est.shards_at_once} shards at once "
        f"(work {hours(est.work_s)}" + (f"; {floors}" if floors else "; no rate budget") + "); "
        f"longest shard {hours(est.longest_shard_s)} of the {hours(est.job_limit_s)} job limit"
    )
    if est.cells_paced_past_limit:
        line += (
            f"\nwarning: {est.cells_paced_past_limit} cells need longer than their time limit "
            f"for their requests at a shard's share of the budget (budget / {est.shards_at_once}):"
            " the wait counts against the agent; run fewer shards at once"
        )
    if runs > 1:
        line += (
            f"\nneeds {runs} workflow runs: this plan holds the first, {deferred} cells are left "
            "for later runs (plan again with --receipts once this run's receipts are stored)"
        )
    return line
