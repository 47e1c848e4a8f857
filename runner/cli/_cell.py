from __future__ import annotations

from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import click

from runner.catalog import load_catalog
from runner.cell import (
    DEFAULT_KEY,
    CellError,
    CellResult,
    check_cell,
    completed_cells,
    load_or_create_key,
    run_many,
    shard_context,
    summary_json,
    write_trust,
)
from runner.cli._common import Ctx, InputError, catalog_errors, pass_ctx, print_json
from runner.plan import PlanError, parse_cell_arg, read_cell_list
from runner.proxy import ProxyStartError
from runner.receipts import CellId
from runner.sandbox import SandboxError

_key_option = click.option(
    "--key",
    "key_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"OpenSSH Ed25519 private key that signs receipts (default: <root>/{DEFAULT_KEY}, "
    "generated on first use).",
)
_runner_option = click.option(
    "--runner-id",
    default=None,
    help="Your principal in keys/allowed_signers (default: local-<hostname>).",
)
_out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out/cells"),
    show_default=True,
    help="Receipts folder: <out>/<cell>/ holds the receipt, its envelope and artifacts.",
)
_flaky_option = click.option(
    "--flaky-rate",
    type=float,
    default=0.3,
    show_default=True,
    help="Share of requests the `flaky` calibration model fails.",
)


@click.group()
def cell() -> None:
    """Run cells: the real agent in its pinned image, no network but the metered proxy."""


def _run(
    ctx: Ctx,
    cells: list[CellId],
    out_dir: Path,
    key_path: Path | None,
    runner_id: str | None,
    concurrency: int,
    flaky_rate: float,
    resume: bool,
    as_json: bool,
    shards_at_once: int = 1,
    oracle_url: str | None = None,
) -> list[CellResult]:
    out_dir = out_dir.resolve()  # bind mounts and git work trees need absolute paths
    with catalog_errors():
        catalog = load_catalog(ctx.root)
    for c in cells:  # before anything starts: a typo must not cost a proxy start
        try:
            check_cell(catalog, c)
        except CellError as exc:
            raise InputError(f"{c.key}: {exc}") from None
    key = load_or_create_key(key_path or ctx.root / DEFAULT_KEY, runner_id)
    trust_dir = write_trust(out_dir, key)
    if resume:
        done = completed_cells(out_dir, key.trust_store(), measured_only=True)
        skipped = [c for c in cells if c in done]
        cells = [c for c in cells if c not in done]
        if skipped:
            click.echo(
                f"[cell] {len(skipped)} cell(s) already have a valid receipt: skipped", err=True
            )

    def progress(msg: str) -> None:
        click.echo(f"[cell] {msg}", err=True)

    def report(result: CellResult | CellError, cell_id: CellId) -> None:
        if isinstance(result, CellError):
            click.echo(f"ERROR {cell_id.key}: {result}", err=True)
        elif not as_json:
            click.echo(
                f"{result.outcome.value:<13} {result.cell.key}  {result.wall_s:6.1f}s  "
                f"{result.envelope}"
            )

    models = sorted({c.model for c in cells})
    results: list[CellResult] = []
    if cells:
        try:
            with shard_context(
                catalog,
                out_dir,
                key,
                models=models,
                flaky_rate=flaky_rate,
                progress=progress,
                shards_at_once=shards_at_once,
                oracle_url=oracle_url,
            ) as cell_ctx:
                results = run_many(cells, cell_ctx, concurrency=concurrency, on_result=report)
        except (CellError, SandboxError, ProxyStartError, OSError) as exc:
            # Nothing could run (no engine, no image, the proxy would not start): one line.
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise click.ClickException(f"{type(exc).__name__}: {first}") from None
    if as_json:
        print_json({"results": summary_json(results), "trust_dir": str(trust_dir)})
    else:
        # The folder's own trust/ (trust_dir) is read by default: no --trust-dir to copy.
        click.echo(f"[cell] verify with: cab receipts verify {out_dir}", err=True)
    return results


@cell.command("run")
@click.option("--agent", required=True, help="Agent name (cab catalog agents).")
@click.option(
    "--model",
    required=True,
    help="Model id, or a calibration model: oracle, null, vandal, flaky, slow.",
)
@click.option("--task", required=True, help="Task id (cab catalog tasks).")
@click.option("--attempt", type=int, default=1, show_default=True)
@_out_option
@_key_option
@_runner_option
@_flaky_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
@pass_ctx
def cell_run(
    ctx: Ctx,
    agent: str,
    model: str,
    task: str,
    attempt: int,
    out_dir: Path,
    key_path: Path | None,
    runner_id: str | None,
    flaky_rate: float,
    as_json: bool,
) -> None:
    """Run one cell and write its signed receipt.

    Starts what it needs (the oracle for calibration models, one LiteLLM proxy). Exits 0 when the
    cell produced a receipt, whatever the outcome; non-zero when it could not.
    """
    try:
        cell_id = CellId(agent=agent, model=model, task=task, attempt=attempt)
    except ValueError as exc:
        raise InputError(f"bad cell: {exc}") from None
    results = _run(ctx, [cell_id], out_dir, key_path, runner_id, 1, flaky_rate, False, as_json)
    if not results:
        raise SystemExit(1)


@cell.command("run-many")
@click.argument("cells", nargs=-1)
@click.option(
    "--cells-file",
    type=click.File("r"),
    default=None,
    help="File with one agent:model:task:attempt per line, the JSON of one shard "
    'of `cab plan --json` ({"cells": [...]}), or the whole plan with --shard.',
)
@click.option(
    "--shard",
    "shard_name",
    default=None,
    metavar="NAME",
    help="Run this shard's cells out of the whole `cab plan --json` given as --cells-file "
    "(how a sweep.yml matrix entry, which carries the shard's name only, finds its cells).",
)
@click.option(
    "--concurrency",
    "-j",
    type=int,
    default=1,
    show_default=True,
    help="Cells run at once (they share one proxy).",
)
@click.option(
    "--no-resume",
    is_flag=True,
    help="Run every cell again, even those that already have a valid receipt.",
)
@click.option(
    "--shards-at-once",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Shards running at the same time on the same keys: this shard's proxy paces each "
    "endpoint to its budget (models.toml [endpoint.*], CAB_RPM_<ENDPOINT>) divided by this.",
)
@click.option(
    "--oracle-url",
    default=None,
    metavar="URL",
    help="Calibration models from this running `cab oracle serve` (e.g. http://127.0.0.1:8600) "
    "instead of an oracle of this shard's own: shards that share it share its per-key rate "
    "limit (--emulate nim --rpm N), as shards share a real endpoint's key.",
)
@_out_option
@_key_option
@_runner_option
@_flaky_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable results.")
@pass_ctx
def cell_run_many(
    ctx: Ctx,
    cells: tuple[str, ...],
    cells_file: TextIO | None,
    shard_name: str | None,
    concurrency: int,
    no_resume: bool,
    shards_at_once: int,
    oracle_url: str | None,
    out_dir: Path,
    key_path: Path | None,
    runner_id: str | None,
    flaky_rate: float,
    as_json: bool,
) -> None:
    """Run a list of cells (agent:model:task:attempt) sharing one proxy; resumable.

    Cells that already have a valid receipt in --out are skipped, except infra errors: nothing
    was measured, so they run again. Exits 1 when any cell could not produce a receipt.
    """
    texts = list(cells)
    if cells_file is not None:
        where = getattr(cells_file, "name", "--cells-file")
        try:
            texts += read_cell_list(cells_file.read(), shard_name)
        except PlanError as exc:
            raise InputError(f"{where}: {exc}") from None
    elif shard_name is not None:
        raise InputError("--shard needs the whole plan as --cells-file")
    if not texts:
        raise InputError("no cells given (arguments or --cells-file)")
    try:
        wanted = list(dict.fromkeys(parse_cell_arg(t) for t in texts))
    except PlanError as exc:
        raise InputError(str(exc)) from None
    results = _run(
        ctx,
        wanted,
        out_dir,
        key_path,
        runner_id,
        concurrency,
        flaky_rate,
        not no_resume,
        as_json,
        shards_at_once=shards_at_once,
        oracle_url=_http_url(oracle_url) if oracle_url is not None else None,
    )
    done = completed_cells(
        out_dir, load_or_create_key(key_path or ctx.root / DEFAULT_KEY, runner_id).trust_store()
    )
    missing = [c for c in wanted if c not in done]
    if missing:
        click.echo(f"[cell] {len(missing)} cell(s) without a valid receipt", err=True)
        raise SystemExit(1)
    del results


def _http_url(text: str) -> str:
    """An http(s) URL with a host, without a trailing slash; InputError otherwise."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--oracle-url {text!r}: want http://HOST:PORT")
    return text.strip().rstrip("/")
