from __future__ import annotations

import time
from pathlib import Path

import click

from runner.cli._common import Ctx, json_option, pass_ctx, print_json
from runner.images import BASE_TAG, BaseImageError, build_base_image, inspect_image


@click.group()
def images() -> None:
    """Build and inspect the images cells run in."""


@images.command("base")
@click.option(
    "--ca-bundle",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Host CA bundle to trust inside images (behind a TLS-intercepting proxy).",
)
@click.option("--if-missing", is_flag=True, help="Do nothing when the base image already exists.")
@json_option
@pass_ctx
def images_base(ctx: Ctx, ca_bundle: Path | None, if_missing: bool, as_json: bool) -> None:
    """Build the offline base image (Debian bookworm via debootstrap, `docker import`).

    For machines with no container registry. About a minute; needs root, debootstrap and Docker.
    """
    image = inspect_image(BASE_TAG) if if_missing else None
    if image is None:
        started = time.monotonic()
        try:
            image = build_base_image(
                ctx.state_dir,
                ca_bundle=ca_bundle,
                progress=lambda msg: click.echo(f"[base] {msg}", err=True),
            )
        except BaseImageError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"[base] built in {time.monotonic() - started:.0f}s", err=True)
    if as_json:
        print_json(image.__dict__)
    else:
        click.echo(f"{image.tag} {image.image_id} ({image.size_bytes / 1e6:.0f} MB)")
