from __future__ import annotations

from pathlib import Path

import click

from runner.cli._common import InputError
from runner.receipts import RECEIPT_NAMESPACE, generate_keypair, ssh_public_key_fingerprint

DEFAULT_KEY = Path("~/.ssh/cab_receipt_ed25519")


@click.group()
def keys() -> None:
    """Signing keys for community receipts (OpenSSH Ed25519)."""


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
