from __future__ import annotations

import base64
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from jsonschema.exceptions import SchemaError
from rich.console import Console
from rich.table import Table

from runner.catalog import load_tasks, task_digests
from runner.cli._common import Ctx, InputError, catalog_errors, json_option, pass_ctx, print_json
from runner.images import DepsLockError, locked_agent_images
from runner.receipts import (
    Ed25519Signer,
    KeyFileError,
    KeylessError,
    Receipt,
    ReceiptError,
    Signer,
    SshKeygenSigner,
    StrictJsonError,
    TrustStoreError,
    Verdict,
    auto_workers,
    find_receipts,
    load_private_key,
    loads_strict,
    resolve_trust,
    sign_receipt,
    sign_receipt_keyless,
    verify_receipts,
)
from runner.rescore import Rescore, rescore_receipt, sample_receipts

PASSPHRASE_ENV = "CAB_KEY_PASSPHRASE"


@click.group()
def receipts() -> None:
    """Sign, verify and read cell receipts."""


def _key_signer(key: Path) -> Signer:
    passphrase = os.environ.get(PASSPHRASE_ENV)
    try:
        return Ed25519Signer(load_private_key(key, passphrase.encode() if passphrase else None))
    except KeyFileError as exc:
        if "passphrase" not in str(exc) or passphrase or not sys.stdin.isatty():
            raise InputError(f"{exc} (or set {PASSPHRASE_ENV})") from None
    secret = click.prompt(f"Passphrase for {key}", hide_input=True, err=True)
    try:
        return Ed25519Signer(load_private_key(key, secret.encode()))
    except KeyFileError as exc:
        raise InputError(str(exc)) from None


@receipts.command("sign")
@click.argument("receipt", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="OpenSSH Ed25519 private key (with --ssh-keygen: a key file, or its .pub if the key "
    "is in ssh-agent).",
)
@click.option("--ssh-keygen", "use_ssh_keygen", is_flag=True, help="Sign via `ssh-keygen -Y sign`.")
@click.option("--keyless", is_flag=True, help="Sigstore keyless (GitHub Actions OIDC identity).")
@click.option("--staging", is_flag=True, help="With --keyless: the Sigstore staging instance.")
def receipts_sign(
    receipt: Path, key: Path | None, use_ssh_keygen: bool, keyless: bool, staging: bool
) -> None:
    """Sign RECEIPT (a predicate JSON beside its artifacts) into <cell-key>.dsse.json.

    With --keyless the output is <cell-key>.sigstore.json. The passphrase of an encrypted key
    comes from $CAB_KEY_PASSPHRASE or a prompt.
    """
    if keyless == (key is not None):
        raise click.UsageError("give exactly one of --key KEYFILE or --keyless")
    if use_ssh_keygen and key is None:
        raise click.UsageError("--ssh-keygen needs --key")
    if staging and not keyless:
        raise click.UsageError("--staging goes with --keyless")
    try:
        if keyless:
            out = sign_receipt_keyless(receipt, staging=staging)
        else:
            assert key is not None
            signer: Signer = SshKeygenSigner(key) if use_ssh_keygen else _key_signer(key)
            out = sign_receipt(receipt, signer)
    except (ReceiptError, KeyFileError) as exc:
        raise InputError(str(exc)) from None
    except KeylessError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {out}")


@receipts.command("verify")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--trust-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Trust store folder, read alone (default: <root>/keys plus the own trust/ of each "
    "folder given, as `cab cell run` writes it; that one never vouches for official receipts).",
)
@click.option(
    "--schema",
    "schema_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Receipt schema (default: <root>/schemas/receipt.schema.json).",
)
@click.option(
    "--check-tasks", is_flag=True, help="Also match each task digest against tasks/ in the root."
)
@click.option(
    "--check-images/--no-check-images",
    default=True,
    show_default=True,
    help="Match each receipt's agent image against this checkout's locks (images/lock.json "
    "registry digest, images/AGENT dependency lock, agent.toml pin): an official receipt that "
    "ran another image is rejected (image-not-locked); a community one passes and says so.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to verify in (default: one per core from 1,000 receipts, else 1).",
)
@click.option(
    "--rescore",
    is_flag=True,
    help="Also re-run the checks of every verified receipt from its recorded patch (needs "
    "Docker and the runtime images) and fail receipts whose check verdicts differ.",
)
@click.option(
    "--rescore-sample",
    type=click.IntRange(min=1),
    default=None,
    help="With --rescore: re-score a random N of the verified receipts when there are more.",
)
@json_option
@pass_ctx
def receipts_verify(
    ctx: Ctx,
    paths: tuple[Path, ...],
    trust_dir: Path | None,
    schema_path: Path | None,
    check_tasks: bool,
    check_images: bool,
    workers: int | None,
    rescore: bool,
    rescore_sample: int | None,
    as_json: bool,
) -> None:
    """Verify receipts (files, or folders searched for *.dsse.json / *.sigstore.json) offline.

    Without --trust-dir, reads <root>/keys plus the own trust/ of each folder given (what
    `cab cell run --out DIR` writes) and says so on stderr. Prints one line per receipt and a
    summary; exits 0 only when every receipt passes. With --rescore, a receipt whose task tree
    differs from the one it ran on cannot be re-scored and fails.
    """
    if rescore_sample is not None and not rescore:
        raise click.UsageError("--rescore-sample goes with --rescore")
    if schema_path is None:
        default = ctx.root / "schemas" / "receipt.schema.json"
        schema_path = default if default.is_file() else None
    try:
        trust = resolve_trust(paths, ctx.root / "keys", trust_dir)
    except TrustStoreError as exc:
        raise InputError(str(exc)) from None
    if not as_json and trust_dir is None:  # chosen for the user: say which (--json always does)
        click.echo(trust.line(), err=True)
    digests = None
    if check_tasks:
        with catalog_errors():
            digests = task_digests(ctx.root / "tasks")
    locked = None
    if check_images and not (ctx.root / "images" / "lock.json").is_file():
        click.echo(f"{ctx.root}/images/lock.json does not exist: images not checked", err=True)
    elif check_images:
        with catalog_errors():
            try:
                locked = locked_agent_images(ctx.root)
            except DepsLockError as exc:
                raise InputError(f"--check-images: {exc}") from None
    found = find_receipts(paths)
    if workers is None:
        workers = auto_workers(len(found))
    if not found:
        raise InputError(
            f"no receipts (*.dsse.json, *.sigstore.json) under {', '.join(map(str, paths))}"
        )
    try:
        verdicts = verify_receipts(
            paths,
            trust.store,
            schema_path=schema_path,
            task_digests=digests,
            locked_images=locked,
            workers=workers,
        )
    except (OSError, StrictJsonError, SchemaError) as exc:
        reason = str(exc).splitlines()[0]
        raise InputError(f"{schema_path}: unusable schema: {reason}") from None
    if rescore:
        verdicts = _rescore(ctx.root, verdicts, rescore_sample, quiet=as_json)
    failed = sum(not v.ok for v in verdicts)
    if as_json:
        print_json(
            {
                "ok": failed == 0,
                "failed": failed,
                "receipts": [v.to_json() for v in verdicts],
                "trust_stores": [s.to_json() for s in trust.sources],
            }
        )
    else:
        for v in verdicts:
            click.echo(v.line())
        tiers = {t: sum(v.ok and v.tier == t for v in verdicts) for t in ("official", "community")}
        click.echo(
            f"{len(verdicts) - failed}/{len(verdicts)} receipts ok "
            f"({tiers['official']} official, {tiers['community']} community), {failed} failed"
        )
    if failed:
        raise SystemExit(1)


def _rescore(
    root: Path, verdicts: list[Verdict], sample: int | None, *, quiet: bool
) -> list[Verdict]:
    """Re-score the verified receipts (or a random sample); a differing one becomes a failure."""
    with catalog_errors():
        tasks = load_tasks(root)
    verified = {v.path: v for v in verdicts if v.ok and v.receipt is not None}
    chosen = sample_receipts(sorted(verified), sample)
    if not quiet:
        click.echo(
            f"[rescore] re-running the checks of {len(chosen)}/{len(verified)} verified receipt(s)",
            err=True,
        )
    failed: dict[Path, Rescore] = {}
    for path in chosen:
        receipt = verified[path].receipt
        assert receipt is not None
        result = rescore_receipt(path, receipt, root, tasks)
        if not quiet:
            click.echo(result.line(), err=True)
        if not result.ok:
            failed[path] = result
    return [
        replace(v, ok=False, code=failed[v.path].code.rejection(), reason=failed[v.path].reason)
        if v.path in failed
        else v
        for v in verdicts
    ]


def _read_predicate(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The predicate and signature notes of an envelope, bundle or bare predicate file."""
    doc = loads_strict(path.read_bytes())
    notes: list[str] = []
    if isinstance(doc, dict) and "dsseEnvelope" in doc:
        doc = doc["dsseEnvelope"]
        notes.append("sigstore bundle (keyless)")
    if isinstance(doc, dict) and "payload" in doc:
        notes += [f"signature keyid {s.get('keyid') or '-'}" for s in doc.get("signatures", [])]
        text = str(doc["payload"]).replace("-", "+").replace("_", "/")
        payload = base64.b64decode(text + "=" * (-len(text) % 4))
        doc = loads_strict(payload).get("predicate")
    if not isinstance(doc, dict):
        raise StrictJsonError("no receipt predicate in this file")
    return doc, notes


@receipts.command("show")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def receipts_show(path: Path) -> None:
    """Print a receipt (envelope, bundle or predicate) for a person. Does not verify it."""
    try:
        doc, notes = _read_predicate(path)
        receipt = Receipt.model_validate(doc)
    except (ValueError, StrictJsonError) as exc:
        raise InputError(f"{path}: {str(exc).splitlines()[0]}") from None
    _print_receipt(receipt, notes)


def _print_receipt(r: Receipt, notes: list[str]) -> None:
    console = Console()
    head = Table(title=f"{r.cell.key}  [bold]{r.outcome.value}[/bold]", show_header=False)
    head.add_column(style="bold")
    head.add_column()
    rows = [
        ("outcome", f"{r.outcome.value}: {r.outcome_detail}"),
        ("agent", f"{r.agent.name} {r.agent.version} ({r.agent.image})"),
        ("model", f"{r.model.id} via {r.model.route} @ {r.model.endpoint}"),
        ("task", f"{r.task.id} {r.task.digest}"),
        ("runner", f"{r.runner.id} (harness {r.runner.harness_version}, {r.runner.host})"),
        ("methodology", r.methodology_version),
        (
            "time",
            f"{r.timings.started_at:%Y-%m-%d %H:%M:%S} total {r.timings.total_s:.1f}s "
            f"(agent {r.timings.agent_s:.1f}s, checks {r.timings.checks_s:.1f}s)",
        ),
        (
            "usage",
            f"{r.usage.requests} requests ({r.usage.failed_requests} failed), "
            f"{r.usage.input_tokens} in / {r.usage.output_tokens} out tokens, "
            f"cost {'-' if r.usage.cost_usd is None else f'${r.usage.cost_usd:.4f}'}",
        ),
        ("failure class", r.failure_class or "-"),
        ("infra retries", str(r.infra_retries)),
        (
            "blast radius",
            f"{r.blast_radius.files_changed} files, +{r.blast_radius.lines_added}"
            f"/-{r.blast_radius.lines_deleted} lines, "
            f"{len(r.blast_radius.paths_outside_scope)} outside scope, "
            f"{r.blast_radius.network_attempts} network attempts",
        ),
        *[("signature", n) for n in notes],
        ("verified", "no: run `cab receipts verify`"),
    ]
    for k, v in rows:
        head.add_row(k, v)
    console.print(head)
    checks = Table(title="Checks")
    for col in ("check", "passed", "seconds", "summary"):
        checks.add_column(col)
    for c in r.checks:
        checks.add_row(c.name.value, "yes" if c.passed else "no", f"{c.duration_s:.1f}", c.summary)
    console.print(checks)
    arts = Table(title="Artifacts")
    for col in ("path", "bytes", "digest"):
        arts.add_column(col)
    a = r.artifacts
    optional = [x for x in (a.transcript, a.trajectory) if x is not None]
    for art in [a.patch, *optional, a.agent_log, *a.check_logs]:
        arts.add_row(art.path, str(art.size), art.digest)
    console.print(arts)
