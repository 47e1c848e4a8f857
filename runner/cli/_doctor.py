from __future__ import annotations

import click

from runner.cli._common import Ctx, json_option, pass_ctx, print_json
from runner.doctor import run_doctor


@click.command()
@json_option
@pass_ctx
def doctor(ctx: Ctx, as_json: bool) -> None:
    """Check the Docker engine, base image, proxy extra and catalogs; say how to fix each.

    Exits 1 when anything is missing.
    """
    findings = run_doctor(ctx.root)
    if as_json:
        print_json([f.__dict__ for f in findings])
    else:
        for f in findings:
            mark = "ok     " if f.ok else "MISSING"
            click.echo(f"{mark} {f.name:<14} {f.detail}")
            if f.fix and not f.ok:
                click.echo(f"        {'':<14} fix: {f.fix}")
    if not all(f.ok for f in findings):
        raise SystemExit(1)
