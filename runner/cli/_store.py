from __future__ import annotations

import sys
from pathlib import Path

import click

from runner import METHODOLOGY_VERSION
from runner.cli._common import Ctx, InputError, json_option, pass_ctx, print_json
from runner.receipts import TrustStoreError, load_trust_store, verify_receipts
from runner.store import StoreError, add_sweep, pack_sweep, read_manifest, release_tag
from runner.store import unpack_release as unpack_one

STORE_OPTION = click.option(
    "--store",
    "store",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The store folder: <methodology_version>/sweeps/<sweep-id>/ (created when missing).",
)


@click.group()
def store() -> None:
    """The store of record: every sweep's verified receipts, append-only, by methodology version."""


@store.command("add")
@click.argument("receipts", type=click.Path(exists=True, file_okay=False, path_type=Path))
@STORE_OPTION
@click.option("--sweep-id", required=True, help="Id of this sweep in its section (unique).")
@click.option(
    "--trust-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Trust store the receipts are verified against (default: <root>/keys).",
)
@click.option(
    "--release-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write each new sweep as release assets: DIR/<tag>/{receipts.tar.gz, manifest.json}.",
)
@json_option
@pass_ctx
def store_add(
    ctx: Ctx,
    receipts: Path,
    store: Path,
    sweep_id: str,
    trust_dir: Path | None,
    release_dir: Path | None,
    as_json: bool,
) -> None:
    """Verify RECEIPTS (a merged sweep) and add the verified ones to the store as one sweep.

    Receipts the store already holds are not added again; a file already in the store with
    other bytes is refused (exit 1), nothing written. Receipts that fail verification are
    listed on stderr and left out (`cab receipts verify` says why).
    """
    try:
        trust = load_trust_store(trust_dir or ctx.root / "keys")
    except TrustStoreError as exc:
        raise InputError(str(exc)) from None
    schema = ctx.root / "schemas" / "receipt.schema.json"
    verdicts = verify_receipts([receipts], trust, schema_path=schema if schema.is_file() else None)
    for v in verdicts:
        if not v.ok:
            click.echo(f"[store] not stored: {v.path}: {v.reason}", err=True)
    try:
        added = add_sweep(store, sweep_id, [v for v in verdicts if v.ok])
        out = []
        for a in added:
            tag = None
            if a.folder is not None:
                tag = release_tag(read_manifest(a.folder / "manifest.json"))
                if release_dir is not None:
                    pack_sweep(store, a.methodology_version, a.sweep, release_dir / tag)
            out.append(
                {
                    "methodology_version": a.methodology_version,
                    "sweep": a.sweep,
                    "folder": str(a.folder) if a.folder else None,
                    "added": a.added,
                    "already_stored": a.already_stored,
                    "tag": tag,
                }
            )
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        print_json({"sweeps": out, "rejected": sum(not v.ok for v in verdicts)})
        return
    for o in out:
        click.echo(
            f"{o['methodology_version']}/{o['sweep']}: {o['added']} added, "
            f"{o['already_stored']} already stored"
        )
    if not out:
        click.echo("no verified receipts: nothing stored")


@store.command("unpack")
@click.argument(
    "releases",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@STORE_OPTION
def store_unpack(releases: tuple[Path, ...], store: Path) -> None:
    """Add downloaded releases (each a folder with receipts.tar.gz + manifest.json) to the store.

    Every file is checked against its release's manifest first; the store stays append-only.
    Signatures are checked where the store is read (`cab plan --receipts`, `cab board build`).
    """
    for release in releases:
        try:
            folder = unpack_one(release, store)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{release} -> {folder}")


@store.command("tags")
def store_tags() -> None:
    """Of the release tags on stdin (one a line), print this methodology version's, sorted.

    The sweep workflow lists the repository's releases and fetches these: one section of the
    store, never another version's.
    """
    prefix = f"receipts-{METHODOLOGY_VERSION}-"
    tags = sorted({t.strip() for t in sys.stdin if t.strip().startswith(prefix)})
    for tag in tags:
        click.echo(tag)
