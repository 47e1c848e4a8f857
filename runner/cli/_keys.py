from __future__ import annotations

from pathlib import Path

import click

from runner.cli._common import Ctx, InputError, pass_ctx
from runner.receipts import (
    DEFAULT_REF,
    DEFAULT_WORKFLOW,
    RECEIPT_NAMESPACE,
    SIGSTORE_IDENTITIES,
    TrustStoreError,
    generate_keypair,
    load_trust_store,
    official_identity,
    render_sigstore_identities,
    ssh_public_key_fingerprint,
    workflow_ref_identity,
)

DEFAULT_KEY = Path("~/.ssh/cab_receipt_ed25519")


@click.group()
def keys() -> None:
    """Signing keys: community keys (OpenSSH Ed25519) and the official (Sigstore) signer."""


@keys.command("generate")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=str(DEFAULT_KEY),
    show_default=True,
    help="Private key path; the public key goes to PATH.pub. Existing files are never replaced.",
)
@click.option("--runner-id", default="RUNNER-ID", help="Principal for the printed trust line.")
@click.option("--passphrase", is_flag=True, help="Prompt for a passphrase to encrypt the key.")
def keys_generate(out: Path, runner_id: str, passphrase: bool) -> None:
    """Write an OpenSSH Ed25519 key pair (private key mode 0600) and print its trust line."""
    out = out.expanduser()
    secret = None
    if passphrase:
        secret = click.prompt("Passphrase", hide_input=True, confirmation_prompt=True).encode()
    try:
        private, public = generate_keypair(out, comment=runner_id, passphrase=secret)
    except FileExistsError as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise InputError(f"{out}: cannot write key: {exc.strerror}") from None
    key_type, key_b64 = public.read_text(encoding="ascii").split()[:2]
    click.echo(f"private key: {private}")
    click.echo(f"public key:  {public}")
    click.echo(f"keyid:       {ssh_public_key_fingerprint(public)}")
    click.echo("add this line to keys/allowed_signers (by pull request):")
    click.echo(f'{runner_id} namespaces="{RECEIPT_NAMESPACE}" {key_type} {key_b64}')


RUNNER_ENVIRONMENTS = {"github-hosted": "github-hosted", "self-hosted": "self-hosted", "any": None}


@keys.command("official")
@click.option("--repository", required=True, metavar="OWNER/NAME",
              help="The GitHub repository whose sweep signs official receipts.")  # fmt: skip
@click.option("--workflow", default=DEFAULT_WORKFLOW, show_default=True,
              help="Path of the signing workflow in that repository.")  # fmt: skip
@click.option("--ref", default=DEFAULT_REF, show_default=True,
              help="The ref the workflow runs on (a full branch or tag ref).")  # fmt: skip
@click.option("--runner-id", default="official", show_default=True,
              help="The receipts' runner.id this identity signs as.")  # fmt: skip
@click.option("--runner-environment", type=click.Choice(sorted(RUNNER_ENVIRONMENTS)),
              default="github-hosted", show_default=True,
              help="Which runners may sign (any: hosted or self-hosted).")  # fmt: skip
@click.option("--trust-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Trust store to write into [default: <root>/keys].")  # fmt: skip
@pass_ctx
def keys_official(
    ctx: Ctx,
    repository: str,
    workflow: str,
    ref: str,
    runner_id: str,
    runner_environment: str,
    trust_dir: Path | None,
) -> None:
    """Name the official signer: write <trust-dir>/sigstore_identities.json (one-time step).

    A maintainer runs this once for the repository that runs the sweep, and commits the file by
    pull request. The verifier then accepts a keyless receipt only if its Fulcio certificate was
    issued to that workflow on that ref (SAN https://github.com/OWNER/NAME/WORKFLOW@REF), by
    GitHub Actions' OIDC issuer, with matching repository and ref extensions. Running it again
    replaces the identity (the review diff shows the change)."""
    trust_dir = trust_dir or ctx.root / "keys"
    try:
        identity = official_identity(
            repository, workflow, ref, runner_id=runner_id,
            runner_environment=RUNNER_ENVIRONMENTS[runner_environment],
        )  # fmt: skip
    except ValueError as exc:
        raise InputError(str(exc).splitlines()[0]) from None
    path = trust_dir / SIGSTORE_IDENTITIES
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_sigstore_identities([identity]), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from None
    click.echo(f"wrote {path}")
    click.echo(f"official signer: {identity.identity} (runner id {identity.runner_id})")
    click.echo("commit it by pull request; `cab keys check-official` is what the sweep runs")


@keys.command("check-official")
@click.option("--workflow-ref", default=None, metavar="OWNER/NAME/WORKFLOW@REF",
              help="This run's github.workflow_ref: it must be a trusted signer.")  # fmt: skip
@click.option("--trust-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Trust store to read [default: <root>/keys].")  # fmt: skip
@pass_ctx
def keys_check_official(ctx: Ctx, workflow_ref: str | None, trust_dir: Path | None) -> None:
    """Fail (one line, exit 1) unless an official signer is configured (and, with
    --workflow-ref, unless it is the workflow running now): the sweep runs this before it
    spends shard time on receipts its merge job would reject."""
    trust_dir = trust_dir or ctx.root / "keys"
    path = trust_dir / SIGSTORE_IDENTITIES
    try:
        identities = load_trust_store(trust_dir).sigstore_identities
    except TrustStoreError as exc:
        raise InputError(str(exc)) from None
    if not identities:
        raise click.ClickException(
            f"{path} names no official signer, so every keyless receipt would be rejected: a "
            "maintainer runs `cab keys official --repository OWNER/NAME` once (CONTRIBUTING.md)"
        )
    trusted = ", ".join(i.identity for i in identities)
    if workflow_ref is not None:
        san = workflow_ref_identity(workflow_ref)
        if san not in {i.identity for i in identities}:
            raise click.ClickException(
                f"{path} does not trust this run's signer {san} (it trusts {trusted})"
            )
    click.echo(f"official signer: {trusted}")
