"""The `cab` command line: thin Click commands that parse, call the library, and print."""

from __future__ import annotations

from pathlib import Path

import click

from runner import __version__
from runner.catalog import find_root
from runner.cli._board import board
from runner.cli._catalog import catalog
from runner.cli._cell import cell
from runner.cli._common import Ctx
from runner.cli._doctor import doctor
from runner.cli._images import images
from runner.cli._keys import keys
from runner.cli._models import models
from runner.cli._oracle import oracle
from runner.cli._plan import plan
from runner.cli._proxy import proxy
from runner.cli._receipts import receipts
from runner.cli._schema import schema
from runner.cli._store import store
from runner.cli._sweep import sweep
from runner.cli._tasks import tasks
from runner.cli._trajectory import trajectory


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cab")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project tree with models.toml, images/ and tasks/ "
    "(default: $CAB_ROOT, else the nearest parent that has them).",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """CodingAgentBench runner: CLI coding agents head-to-head on open-weight models.

    Each (agent, model, task, attempt) cell runs the real agent in its pinned image, with no
    network but a metered proxy, and ends in a signed receipt that anyone can verify offline.
    """
    ctx.obj = Ctx(root=(root.resolve() if root else find_root()))


for command in (
    catalog,
    schema,
    doctor,
    images,
    tasks,
    proxy,
    models,
    oracle,
    keys,
    receipts,
    plan,
    cell,
    board,
    store,
    trajectory,
    sweep,
):
    main.add_command(command)
