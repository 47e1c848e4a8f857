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
@click.option(
    "--emulate",
    type=click.Choice(["nim"]),
    default=None,
    help="Behave like a hosted endpoint: chat completions only (404 on /v1/responses and "
    "/v1/messages), /v1/models lists only --hosted models, a per-key --rpm limit answering "
    "429 with Retry-After, reasoning_content in replies.",
)
@click.option(
    "--rpm",
    type=click.IntRange(min=0),
    default=None,
    help="With --emulate: requests per minute per key (default: NIM's reported 40; 0: none).",
)
@click.option(
    "--hosted",
    default=None,
    help="With --emulate: comma-separated models it hosts (default: every calibration model).",
)
@click.option(
    "--token-latency",
    type=float,
    default=0.0,
    show_default=True,
    help="With --emulate: seconds added per output token.",
)
@click.option(
    "--no-reasoning",
    is_flag=True,
    help="With --emulate: no reasoning_content in replies (a hosted model that does not reason).",
)
@click.option(
    "--window",
    type=click.IntRange(min=1),
    default=None,
    help="With --emulate: the per-key limit counts --rpm requests over this many seconds "
    "instead of a minute (an endpoint with a longer hidden window).",
)
@click.option(
    "--retry-after",
    type=click.IntRange(min=1),
    default=None,
    help="With --emulate: the Retry-After (seconds) every 429 names, whatever the minute "
    "says (an endpoint with a longer hidden window; default: when the key's minute frees).",
)
@click.option(
    "--request-log",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --emulate: append one JSON line per request (time, route, model, status, key).",
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
    emulate: str | None,
    rpm: int | None,
    hosted: str | None,
    token_latency: float,
    no_reasoning: bool,
    window: int | None,
    retry_after: int | None,
    request_log: Path | None,
) -> None:
    """Serve the calibration models over the OpenAI and Anthropic APIs until interrupted."""
    from runner.oracle import (
        MODELS,
        NIM_DEFAULT_RPM,
        WINDOW_S,
        Emulation,
        OracleSettings,
        TaskLoadError,
        load_oracle_tasks,
        serve,
    )

    if emulate is None and (
        rpm is not None
        or hosted
        or token_latency
        or request_log
        or retry_after is not None
        or window is not None
        or no_reasoning
    ):
        raise InputError(
            "--rpm, --hosted, --token-latency, --no-reasoning, --window, --retry-after and "
            "--request-log need --emulate"
        )
    emulation = None
    if emulate is not None:
        names = tuple(m.strip() for m in hosted.split(",") if m.strip()) if hosted else None
        unknown = [m for m in names or () if m not in MODELS]
        if unknown:
            raise InputError(f"--hosted: {unknown[0]!r} is not a calibration model")
        emulation = Emulation(
            profile=emulate,
            rpm_per_key=NIM_DEFAULT_RPM if rpm is None else (rpm or None),
            hosted=names,
            token_latency_s=token_latency,
            retry_after_s=retry_after,
            reasoning=not no_reasoning,
            window_s=float(window) if window is not None else WINDOW_S,
            log_path=request_log,
        )

    with catalog_errors():
        try:
            tasks = load_oracle_tasks((tasks_root or ctx.root).resolve())
        except TaskLoadError as exc:
            raise InputError(str(exc)) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = OracleSettings(tasks, flaky_rate, seed, stall_s, slow_latency, emulate=emulation)
    mode = f" emulating {emulate} ({emulation.rpm_per_key or 'no'} rpm/key)" if emulation else ""
    click.echo(f"oracle: {len(tasks)} tasks{mode}, listening on http://{host}:{port}", err=True)
    serve(settings, host=host, port=port)
