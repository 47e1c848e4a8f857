from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click

from runner.catalog import load_models
from runner.cli._common import Ctx, InputError, catalog_errors, json_option, pass_ctx, print_json


def _models(value: str | None) -> list[str] | None:
    return [m.strip() for m in value.split(",") if m.strip()] if value else None


_models_option = click.option(
    "--models",
    default=None,
    help="Comma-separated catalog ids and calibration names (default: the whole catalog, plus "
    "the calibration models when --oracle-url is given).",
)
_oracle_option = click.option(
    "--oracle-url", default=None, help="Base URL of `cab oracle serve`, e.g. http://127.0.0.1:8600."
)


@click.group()
def proxy() -> None:
    """The LiteLLM proxy every agent reaches its model through."""


@proxy.command("config")
@_models_option
@_oracle_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here (YAML; JSON when the name ends in .json) instead of stdout.",
)
@pass_ctx
def proxy_config(ctx: Ctx, models: str | None, oracle_url: str | None, output: Path | None) -> None:
    """Print the LiteLLM config for models.toml (keys stay in the environment)."""
    from runner.proxy import ConfigError, build_config, dump_config

    with catalog_errors():
        catalog = load_models(ctx.root)
    try:
        text = dump_config(
            build_config(catalog, oracle_url=oracle_url, models=_models(models)), output
        )
    except ConfigError as exc:
        raise InputError(str(exc)) from None
    if output is None:
        click.echo(text, nl=False)
        return
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(output)
    click.echo(f"wrote {output}", err=True)


@proxy.command("serve")
@_models_option
@_oracle_option
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="TCP port (0: a free one).")
@click.option(
    "--socket",
    "socket_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Unix socket path (default: in the proxy's work folder).",
)
@click.option(
    "--usage-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Per-cell usage logs (default: .cab/usage).",
)
@click.option(
    "--cell",
    "cells",
    multiple=True,
    metavar="CELL=MODEL",
    help="Mint a scoped key for cell CELL that admits only MODEL, and print it (repeatable).",
)
@click.option(
    "--key-ttl",
    type=float,
    default=4 * 3600,
    show_default=True,
    help="Lifetime of minted cell keys, seconds.",
)
@json_option
@pass_ctx
def proxy_serve(
    ctx: Ctx,
    models: str | None,
    oracle_url: str | None,
    port: int,
    socket_path: Path | None,
    usage_dir: Path | None,
    cells: tuple[str, ...],
    key_ttl: float,
    as_json: bool,
) -> None:
    """Run the LiteLLM proxy on 127.0.0.1 and a unix socket until interrupted.

    Prints the URL, socket, master key and any minted cell keys, then waits for Ctrl-C or
    SIGTERM and stops the proxy's process group.
    """
    from runner.proxy import ConfigError, ProxyServer, ProxyStartError

    with catalog_errors():
        catalog = load_models(ctx.root)
    cell_models = [_cell_model(c) for c in cells]
    server = ProxyServer(
        catalog,
        usage_dir=usage_dir or ctx.state_dir / "usage",
        oracle_url=oracle_url,
        models=_models(models),
        port=port or None,
        socket_path=socket_path,
    )
    click.echo("proxy: starting LiteLLM ...", err=True)
    try:
        server.start()
    except ConfigError as exc:
        raise InputError(str(exc)) from None
    except ProxyStartError as exc:
        raise click.ClickException(str(exc)) from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        info = {
            "url": server.url,
            "socket": str(server.socket_path),
            "master_key": server.master_key,
            "usage_dir": str(server.usage_dir),
            "log": str(server.log_path),
            "startup_s": round(server.startup_s or 0, 2),
            "cell_keys": {c: server.mint_key(c, key_ttl, model=m) for c, m in cell_models},
        }
        if as_json:
            print_json(info)
        else:
            for k, v in info.items():
                click.echo(f"{k}: {v}")
        sys.stdout.flush()
        while not stop.wait(1):
            if not server.running:
                raise click.ClickException("LiteLLM exited:\n" + server.log_tail())
    finally:
        click.echo("proxy: stopping", err=True)
        server.stop()


def _cell_model(text: str) -> tuple[str, str]:
    cell, sep, model = text.partition("=")
    if not sep or not cell or not model:
        raise InputError(f"--cell {text!r}: want CELL=MODEL (the one model the key admits)")
    return cell, model
