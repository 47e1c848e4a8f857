from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from runner.board import (
    Board,
    BoardError,
    ReceiptVerifier,
    VerificationResult,
    VerifiedReceipt,
    archive_board,
    board_files,
    board_schema,
    build_board,
    collect_verified,
    diff_boards,
    expand_receipt_paths,
    load_board,
    publishable,
    published_files,
    receipts_verifier,
    recheck_site,
    render_site,
    write_tree,
)
from runner.catalog import (
    CatalogError,
    ModelCatalog,
    load_agents,
    load_catalog,
    parse_file,
    task_digests,
)
from runner.cli._common import Ctx, InputError, catalog_errors, json_option, pass_ctx, print_json
from runner.receipts import TrustStore, TrustStoreError, cyclic_gc_paused, resolve_trust
from runner.sweep import SweepError, build_store_site


def load_verifier(
    trust: TrustStore, schema_path: Path | None, task_digests: Mapping[str, str] | None = None
) -> ReceiptVerifier:
    """Seam for tests: the verifier `cab board build` runs every receipt through."""
    return receipts_verifier(trust, schema_path, task_digests=task_digests)


@click.group()
def board() -> None:
    """Build, archive and compare boards (verified receipts -> board.json + site)."""


@board.command("build")
@click.argument("receipts", nargs=-1, type=click.Path(path_type=Path))
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
    "--tasks",
    "tasks_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The task tree the receipts' methodology version scores (default: <root>/tasks). A "
    "receipt whose task digest differs from it ran another task and is refused.",
)
@click.option(
    "--trust",
    "trust_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Trust store, read alone (default: <root>/keys plus the own trust/ of each receipts "
    "folder given, as `cab cell run` writes it; that one never vouches for official receipts).",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Build from a whole store instead of RECEIPTS: every sweep of this methodology "
    "version, plus --community; one receipt stands per cell and tier; the site publishes "
    "its receipts and models.toml (re-check it with `cab board verify`).",
)
@click.option(
    "--community",
    "community_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --store: community receipts, one folder per runner (e.g. receipts/community).",
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
    tasks_dir: Path | None,
    trust_dir: Path | None,
    store_dir: Path | None,
    community_dir: Path | None,
    as_json: bool,
) -> None:
    """Verify RECEIPTS (envelope files or folders of them) and build the board from them.

    Every receipt is verified first, its task digest against the task tree included; any that
    fails is listed, one line each, and stops the build (exit 2) unless --skip-invalid. Writes
    OUT/board.json (schema-valid, deterministic), OUT/summary.md (fits a GitHub job summary)
    and a static site with no external requests, which carries the verified receipts
    (OUT/receipts/) and the models.toml it was scored with, for `cab board verify`. With
    --store, the board of a whole store instead of RECEIPTS.
    """
    if store_dir is not None or community_dir is not None:
        if archive_dir is not None or models_path is not None:
            raise click.UsageError("--archive and --models go with RECEIPTS, not with --store")
        _build_from_store(ctx, receipts, store_dir, community_dir, out, trust_dir, as_json)
        return
    if not receipts:
        raise click.UsageError("give RECEIPTS, or --store")
    started = time.monotonic()
    models_path = models_path or ctx.root / "models.toml"
    models_toml, catalog = _read_models(models_path)
    with catalog_errors():
        digests = task_digests(tasks_dir or ctx.root / "tasks")
    try:
        paths = expand_receipt_paths(receipts)
        if not paths:
            raise BoardError(f"no receipt files under {', '.join(map(str, receipts))}")
        click.echo(f"[board] verifying {len(paths)} receipts", err=True)
        try:
            trust = resolve_trust(receipts, ctx.root / "keys", trust_dir)
        except TrustStoreError as exc:
            raise BoardError(str(exc)) from None
        click.echo(f"[board] {trust.line()}", err=True)
        verifier = load_verifier(trust.store, ctx.root / "schemas" / "receipt.schema.json", digests)
        # The pause lasts to the end of the command: resuming the collector with the verified
        # receipts alive costs a rescan of all of them (0.3 s for 10,000) for nothing, as the
        # process exits once the board is written.
        with cyclic_gc_paused():
            verified, rejected = collect_verified(paths, verifier, skip_invalid=True)
            _refuse_rejected(rejected, len(paths), skip_invalid)
            result = build_board(verified, catalog)
            files = _site_files(ctx.root, result, catalog, verified, rejected, models_toml)
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
                "trust_stores": [s.to_json() for s in trust.sources],
            }
        )
        return
    click.echo(
        f"board {result.methodology_version}: {len(result.receipts)} receipts, "
        f"{len(result.cells)} cells, {len(rejected)} skipped -> {out} ({elapsed:.1f}s)"
    )
    if archived:
        click.echo(f"archived to {archived}")


def _build_from_store(
    ctx: Ctx,
    receipts: tuple[Path, ...],
    store_dir: Path | None,
    community_dir: Path | None,
    out: Path,
    trust_dir: Path | None,
    as_json: bool,
) -> None:
    """`board build --store`: every receipt that fails verification is listed and left out (a
    store is a record; one bad receipt must not hide every other one)."""
    if receipts:
        raise click.UsageError("give RECEIPTS or --store, not both")
    if store_dir is None:
        raise click.UsageError("--community needs --store")
    with catalog_errors():
        catalog = load_catalog(ctx.root)
    try:
        built = build_store_site(
            catalog, store_dir, trust_dir or ctx.root / "keys", out, community=community_dir
        )
    except (SweepError, TrustStoreError) as exc:
        raise InputError(str(exc)) from None
    for line in built.rejected:
        click.echo(f"[board] skipped {line}", err=True)
    if as_json:
        print_json(
            {
                "out": str(out),
                "receipts": built.receipts,
                "cells": built.cells,
                "superseded": built.superseded,
                "rejected": built.rejected,
            }
        )
        return
    click.echo(
        f"board from store {store_dir}: {built.receipts} receipts stand ({built.superseded} "
        f"superseded), {built.cells} cells, {len(built.rejected)} rejected -> {out}"
    )


@board.command("verify")
@click.argument("site", type=click.Path(path_type=Path))
@click.option(
    "--trust",
    "trust_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Trust store to verify the receipts against (default: <root>/keys; never the site's).",
)
@json_option
@pass_ctx
def board_verify(ctx: Ctx, site: Path, trust_dir: Path | None, as_json: bool) -> None:
    """Re-check a published board from its folder alone, downloading nothing.

    Verifies every receipt under SITE/receipts/ against the trust store, rebuilds the board from
    them with SITE/models.toml, and compares it with SITE/board.json byte for byte. Exit 0 when
    identical, 1 with the one first difference (a receipt that fails and why, a receipt missing
    or extra, or the board.json field whose number differs), 2 when SITE is not a board.
    """
    if not (site / "board.json").is_file():
        raise InputError(f"{site}: not a board folder (no board.json)")
    try:
        trust = resolve_trust((), ctx.root / "keys", trust_dir)
        verifier = load_verifier(trust.store, ctx.root / "schemas" / "receipt.schema.json")
    except (BoardError, TrustStoreError) as exc:
        raise InputError(str(exc)) from None
    with cyclic_gc_paused():
        check = recheck_site(site, verifier)
    if as_json:
        print_json({"ok": check.ok, "line": check.line, "receipts": check.receipts})
    else:
        click.echo(("ok " if check.ok else "FAIL ") + check.line)
    if not check.ok:
        raise SystemExit(1)


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


def _read_models(models_path: Path) -> tuple[bytes, ModelCatalog]:
    """The models.toml a board is scored with: its bytes (archived beside the board) and the
    catalog."""
    try:
        return models_path.read_bytes(), parse_file(models_path, ModelCatalog)
    except FileNotFoundError:
        raise InputError(f"{models_path}: file not found") from None
    except CatalogError as exc:
        raise InputError(str(exc)) from None


def _refuse_rejected(rejected: Sequence[VerificationResult], total: int, skip: bool) -> None:
    """Every rejected receipt on one line of stderr; then the build stops unless `skip`."""
    for r in rejected:
        verb = "skipped" if skip else "refused"
        click.echo(f"[board] {verb} {r.path}: {r.reason or 'not verified'}", err=True)
    if rejected and not skip:
        raise BoardError(
            f"{len(rejected)} of {total} receipts failed verification (listed above); fix "
            "them or pass --skip-invalid to build without them"
        )


def _site_files(
    root: Path,
    result: Board,
    catalog: ModelCatalog,
    verified: Sequence[VerifiedReceipt],
    rejected: Sequence[VerificationResult],
    models_toml: bytes,
) -> dict[str, bytes]:
    try:
        agent_names = {a.name: a.display_name for a in load_agents(root).values()}
    except CatalogError:
        agent_names = {}  # names are cosmetic; the catalog commands report broken agent files
    # The site carries the receipts it stands on, so `cab board verify` can re-check it.
    published = publishable(verified)
    site, summary = render_site(
        result,
        catalog,
        agent_names=agent_names,
        rejected=rejected,
        published=published,
        attempts=verified,
    )
    files = board_files(result, site, summary, board_schema(root / "schemas"))
    if published:
        files.update(published_files(verified, models_toml))
    return files
