from __future__ import annotations

import sys

import click

from runner.catalog import CALIBRATION_MODELS, ModelStatus, load_catalog
from runner.cli._common import Ctx, InputError, catalog_errors, json_option, pass_ctx, print_json


@click.group()
def models() -> None:
    """Host model endpoints: are they still there, and do they answer tool calls?"""


@models.command("probe")
@click.option(
    "--models",
    "names",
    default=None,
    help="Comma-separated catalog ids and calibration names (default: the current sweep).",
)
@click.option(
    "--oracle-url",
    default=None,
    help="Base URL of `cab oracle serve` (needed to probe calibration models).",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="Seconds to wait for each request (a cold self-hosted model may need minutes).",
)
@json_option
@pass_ctx
def probe(
    ctx: Ctx, names: str | None, oracle_url: str | None, timeout_s: float, as_json: bool
) -> None:
    """Ask each model's endpoint for its model list and one small tool-call request.

    Per model: reachable (GET /models answers), listed (it names the model), tool call
    well-formed (a structured `tool_calls` entry naming the offered `bash` tool with JSON-object
    arguments; a call written as text fails), the chat request's latency and the error, if any.
    Exits 1 when any model is unavailable (the JSON report is printed all the same).
    """
    from runner.proxy import probe_models

    with catalog_errors():
        catalog = load_catalog(ctx.root)
    ids = {m.id for m in catalog.models.models}
    wanted = (
        [n.strip() for n in names.split(",") if n.strip()]
        if names
        else [m.id for m in catalog.models.models if m.status is ModelStatus.current]
    )
    unknown = [n for n in wanted if n not in ids and n not in CALIBRATION_MODELS]
    if unknown:
        raise InputError(f"--models: unknown model {unknown[0]!r} (not in models.toml)")
    if not wanted:
        raise InputError("--models: no model to probe")
    # The prompt is a real task's instruction: calibration models answer it with their first
    # step, a host model with whatever it does first; either way one tool call is due.
    task = min(catalog.tasks)
    prompt = (catalog.root / "tasks" / task / "instruction.md").read_text("utf-8")
    report = probe_models(
        catalog.models, wanted, prompt=prompt, oracle_url=oracle_url, timeout_s=timeout_s
    )
    if as_json:
        print_json(report.model_dump(mode="json"))
    else:
        for p in report.models:
            if p.available:
                click.echo(
                    f"ok           {p.model}: listed, tool call well-formed, {p.latency_s} s"
                )
            else:
                click.echo(f"unavailable  {p.model}: {p.error}")
        click.echo(f"{len(report.available)} available, {len(report.unavailable)} unavailable")
    if report.unavailable:
        sys.exit(1)
