from __future__ import annotations

import time
from pathlib import Path

import click

from runner.board import (
    BoardError,
    ReceiptVerifier,
    archive_board,
    board_files,
    board_schema,
    build_board,
    collect_verified,
    diff_boards,
    expand_receipt_paths,
    load_board,
    receipts_verifier,
    render_site,
    write_tree,
)
from runner.catalog import CatalogError, ModelCatalog, load_agents, parse_file
from runner.cli._common import Ctx, InputError, json_option, pass_ctx, print_json
from runner.receipts import cyclic_gc_paused


def load_verifier(trust_dir: Path, schema_path: Path | None) -> ReceiptVerifier:
    """Seam for tests: the verifier `cab board build` runs every receipt through."""
    return receipts_verifier(trust_dir, schema_path)


@click.group()
def board() -> None:
    """Build, archive and compare boards (verified receipts -> board.json + site)."""


@board.command("build")
@click.argument("receipts", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write board.json, summary.md and the site to (replaced as a whole).",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Drop receipts that fail verification (listed on stderr and in summary.md) "
    "instead of refusing to build.",
)
@click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also keep board.json + the models.toml it was scored under in "
    "ARCHIVE/<methodology_version>/.",
)
@click.option(
    "--models",
    "models_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="models.toml to score with (default: <root>/models.toml; use an archived one to "
    "rebuild an old version's board).",
)
@click.option(
    "--trust",
    "trust_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Trust store (default: <root>/keys).",
)
@json_option
@pass_ctx
def board_build(
    ctx: Ctx,
    receipts: tuple[Path, ...],
    out: Path,
    skip_invalid: bool,
    archive_dir: Path | None,
    models_path: Path | None,
    trust_dir: Path | None,
    as_json: bool,
) -> None:
    """Verify RECEIPTS (envelope files or folders of them) and build the board from them.

    Every receipt is verified first; any that fails stops the build (exit 2) unless
    --skip-invalid. Writes OUT/board.json (schema-valid, deterministic), OUT/summary.md (fits a
    GitHub job summary) and a static site with no external requests.
    """
    started = time.monotonic()
    models_path = models_path or ctx.root / "models.toml"
    try:
        models_toml = models_path.read_bytes()
        catalog = parse_file(models_path, ModelCatalog)
    except FileNotFoundError:
        raise InputError(f"{models_path}: file not found") from None
    except CatalogError as exc:
        raise InputError(str(exc)) from None
    try:
        agent_names = {a.name: a.display_name for a in load_agents(ctx.root).values()}
    except CatalogError:
        agent_names = {}  # names are cosmetic; the catalog commands report broken agent files

    schema_dir = ctx.root / "schemas"
    try:
        paths = expand_receipt_paths(receipts)
        if not paths:
            raise BoardError(f"no receipt files under {', '.join(map(str, receipts))}")
        click.echo(f"[board] verifying {len(paths)} receipts", err=True)
        verifier = load_verifier(trust_dir or ctx.root / "keys", schema_dir / "receipt.schema.json")
        # The pause lasts to the end of the command: resuming the collector with the verified
        # receipts alive costs a rescan of all of them (0.3 s for 10,000) for nothing, as the
        # process exits once the board is written.
        with cyclic_gc_paused():
            verified, rejected = collect_verified(paths, verifier, skip_invalid=skip_invalid)
            result = build_board(verified, catalog)
            for r in rejected:
                click.echo(f"[board] skipped {r.path}: {r.reason or 'not verified'}", err=True)
            site, summary = render_site(
                result, catalog, agent_names=agent_names, rejected=rejected, attempts=verified
            )
            files = board_files(result, site, summary, board_schema(schema_dir))
            write_tree(out, files)
            archived = archive_board(archive_dir, result, models_toml) if archive_dir else None
    except BoardError as exc:
        raise InputError(str(exc)) from None

    elapsed = time.monotonic() - started
    if as_json:
        print_json(
            {
                "out": str(out),
                "methodology_version": result.methodology_version,
                "receipts": len(result.receipts),
                "receipts_digest": result.receipts_digest,
                "cells": len(result.cells),
                "skipped": [{"path": str(r.path), "reason": r.reason} for r in rejected],
                "archive": str(archived) if archived else None,
            }
        )
        return
    click.echo(
        f"board {result.methodology_version}: {len(result.receipts)} receipts, "
        f"{len(result.cells)} cells, {len(rejected)} skipped -> {out} ({elapsed:.1f}s)"
    )
    if archived:
        click.echo(f"archived to {archived}")


@board.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@json_option
def board_diff(old: Path, new: Path, as_json: bool) -> None:
    """What changed between two boards (board.json files or folders), cell by cell."""
    try:
        result = diff_boards(load_board(old), load_board(new))
    except BoardError as exc:
        raise InputError(str(exc)) from None
    if as_json:
        print_json(result.to_json())
        return
    if not result.comparable:
        click.echo(
            f"warning: methodology {result.old_version} -> {result.new_version}: numbers of "
            "different major versions are not comparable",
            err=True,
        )
    click.echo(
        f"receipts +{result.receipts_added} -{result.receipts_removed}; "
        f"{len(result.changed)} cells changed, {len(result.cells) - len(result.changed)} unchanged"
    )
    for c in result.changed:
        where = f"{c.tier:<9} {c.agent} x {c.model}"
        if c.change == "added":
            click.echo(
                f"+ {where}: {c.new_pass_rate:.1%} (n={c.new_n}), composite {c.new_composite}"
            )
        elif c.change == "removed":
            click.echo(f"- {where}: was {c.old_pass_rate:.1%} (n={c.old_n})")
        else:
            assert c.delta_pass_rate is not None and c.delta_composite is not None
            click.echo(
                f"~ {where}: {c.old_pass_rate:.1%} -> {c.new_pass_rate:.1%} "
                f"({c.delta_pass_rate * 100:+.1f} pts, n {c.old_n} -> {c.new_n}), "
                f"composite {c.old_composite} -> {c.new_composite} ({c.delta_composite:+.3f})"
            )
