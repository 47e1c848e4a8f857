from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from runner.catalog import load_agents, load_models, load_tasks
from runner.checks import read_record, task_signals
from runner.cli._common import Ctx, catalog_errors, json_option, pass_ctx, print_json


def _console() -> Console:
    # Piped output keeps whole rows (a script or a log reads it), not an 80-column wrap.
    return Console(width=None if sys.stdout.isatty() else 200)


@click.group()
def catalog() -> None:
    """List the host models, agents and tasks (validating their files)."""


@catalog.command("models")
@json_option
@click.option(
    "--status",
    type=click.Choice(["current", "held", "retired"]),
    default=None,
    help="Only models with this status.",
)
@pass_ctx
def catalog_models(ctx: Ctx, as_json: bool, status: str | None) -> None:
    """Host models from models.toml."""
    with catalog_errors():
        cat = load_models(ctx.root)
    models = [m for m in cat.models if status is None or m.status.value == status]
    if as_json:
        print_json(
            {
                "methodology_version": cat.methodology_version,
                "models": [m.model_dump(mode="json") for m in models],
            }
        )
        return
    table = Table(title=f"Host models (methodology {cat.methodology_version})")
    for col in ("id", "provider", "arch", "params", "tool calls", "price in/out $/M", "status"):
        table.add_column(col)
    for m in models:
        price = (
            f"{m.price.input_per_mtok_usd:g}/{m.price.output_per_mtok_usd:g}" if m.price else "-"
        )
        table.add_row(
            m.id,
            m.provider,
            m.architecture.value if m.architecture else "?",
            m.parameter_class or "?",
            m.tool_calling.parser or "?",
            price,
            m.status.value,
        )
    _console().print(table)


@catalog.command("agents")
@json_option
@pass_ctx
def catalog_agents(ctx: Ctx, as_json: bool) -> None:
    """Agents from images/*/agent.toml."""
    with catalog_errors():
        agents = load_agents(ctx.root)
    if as_json:
        print_json([a.model_dump(mode="json") for a in agents.values()])
        return
    table = Table(title="Agents")
    for col in ("name", "package", "version", "api"):
        table.add_column(col)
    for a in agents.values():
        table.add_row(
            a.name, f"{a.package.registry.value}:{a.package.name}", a.package.version, a.api.value
        )
    _console().print(table)


@catalog.command("tasks")
@json_option
@pass_ctx
def catalog_tasks(ctx: Ctx, as_json: bool) -> None:
    """Tasks from tasks/*/task.toml. With --json each task also carries `signals`, what its
    difficulty label is justified by: repo size (files, non-blank code lines, visible tests
    apart), the gold patch's files and changed lines, the hidden test counts, the decoys'
    number and kinds, and the recorded validation (tasks/validation.json from `cab tasks
    validate --record`: which checks caught each decoy; `current` is false once the task's
    digest moved)."""
    with catalog_errors():
        tasks = load_tasks(ctx.root)
    if as_json:
        record = read_record(ctx.root / "tasks")
        print_json(
            [
                {
                    **t.model_dump(mode="json"),
                    "signals": task_signals(ctx.root / "tasks" / t.id, t, record),
                }
                for t in tasks.values()
            ]
        )
        return
    table = Table(title="Tasks")
    for col in ("id", "language", "kind", "difficulty", "limit", "title"):
        table.add_column(col)
    for t in tasks.values():
        table.add_row(
            t.id, t.language.value, t.kind.value, t.difficulty.value, f"{t.time_limit_s}s", t.title
        )
    _console().print(table)
