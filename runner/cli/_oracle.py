from __future__ import annotations

import logging
from pathlib import Path

import click

from runner.cli._common import Ctx, InputError, catalog_errors, pass_ctx


@click.group()
def oracle() -> None:
    """Calibration models (oracle, null, vandal, flaky, slow) for testing the harness."""


@oracle.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8600, show_default=True)
@click.option(
    "--tasks-root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Tree whose tasks/*/ the oracle knows (default: the project root).",
)
@click.option("--flaky-rate", type=click.FloatRange(0, 1), default=0.5, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the flaky faults.")
@click.option(
    "--stall",
    "stall_s",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds a stalled flaky stream hangs before it is dropped.",
)
@click.option(
    "--slow-latency",
    type=float,
    default=2.0,
    show_default=True,
    help="Seconds the slow model waits before answering.",
)
@pass_ctx
def oracle_serve(
    ctx: Ctx,
    host: str,
    port: int,
    tasks_root: Path | None,
    flaky_rate: float,
    seed: int,
    stall_s: float,
    slow_latency: float,
) -> None:
    """Serve the calibration models over the OpenAI and Anthropic APIs until interrupted."""
    from runner.oracle import OracleSettings, TaskLoadError, load_oracle_tasks, serve

    with catalog_errors():
        try:
            tasks = load_oracle_tasks((tasks_root or ctx.root).resolve())
        except TaskLoadError as exc:
            raise InputError(str(exc)) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = OracleSettings(tasks, flaky_rate, seed, stall_s, slow_latency)
    click.echo(f"oracle: {len(tasks)} tasks, listening on http://{host}:{port}", err=True)
    serve(settings, host=host, port=port)
