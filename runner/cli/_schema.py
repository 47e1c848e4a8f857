from __future__ import annotations

from pathlib import Path

import click

from runner.cli._common import Ctx, pass_ctx
from runner.schemas import check_schemas, export_schemas


@click.group()
def schema() -> None:
    """JSON Schemas of the data contracts (generated from the pydantic models)."""


@schema.command("export")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write to (default: <root>/schemas).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 naming each committed schema that differs from the models.",
)
@pass_ctx
def schema_export(ctx: Ctx, out: Path | None, check: bool) -> None:
    """Write schemas/*.schema.json (Draft 2020-12), or check them for drift."""
    out = out or ctx.root / "schemas"
    if check:
        drift = check_schemas(out)
        for d in drift:
            click.echo(f"{d.path}: {d.reason} from the models; run `cab schema export`", err=True)
        if drift:
            raise SystemExit(1)
        click.echo(f"schemas in {out} match the models")
        return
    for path in export_schemas(out):
        click.echo(f"wrote {path}")
