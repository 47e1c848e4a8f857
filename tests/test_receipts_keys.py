"""OpenSSH keys, fingerprints, SSHSIG from a real ssh-keygen, and the allowed_signers parser."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner.cli import main
from runner.receipts import (
    RECEIPT_NAMESPACE,
    Ed25519Signer,
    KeyFileError,
    SshKeygenSigner,
    TrustStoreError,
    fingerprint,
    generate_keypair,
    load_private_key,
    parse_allowed_signers,
    public_key_line,
)
from runner.receipts._sshkeys import parse_sshsig, sign_with_ssh_keygen, verify_sshsig

needs_ssh_keygen = pytest.mark.skipif(
    shutil.which("ssh-keygen") is None and not os.environ.get("CI"), reason="no ssh-keygen"
)


def _ssh_keygen(*args: str) -> str:
    return subprocess.run(
        ["ssh-keygen", *args], check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL
    ).stdout


def test_generate_writes_0600_and_never_overwrites(tmp_path: Path) -> None:
    private, public = generate_keypair(tmp_path / "k" / "id", comment="alice")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert public.read_text().startswith("ssh-ed25519 ") and public.read_text().endswith(" alice\n")
    before = private.read_bytes()
    with pytest.raises(FileExistsError):
        generate_keypair(private)
    public.unlink()  # even with only the private key left, nothing is replaced
    with pytest.raises(FileExistsError):
        generate_keypair(private)
    assert private.read_bytes() == before
    assert sorted(p.name for p in private.parent.iterdir()) == ["id"]  # no temp files left


@needs_ssh_keygen
def test_fingerprint_and_key_format_match_openssh(tmp_path: Path) -> None:
    private, public = generate_keypair(tmp_path / "id")
    key = load_private_key(private)
    printed = _ssh_keygen("-lf", str(public)).split()[1]
    assert fingerprint(key.public_key()) == printed
    # ssh-keygen reads our private key file and derives the same public key.
    assert _ssh_keygen("-y", "-f", str(private)).split()[:2] == public.read_text().split()[:2]


@needs_ssh_keygen
def test_passphrase_protected_keys(tmp_path: Path) -> None:
    private, _ = generate_keypair(tmp_path / "ours", passphrase=b"s3cret")
    with pytest.raises(KeyFileError, match="passphrase"):
        load_private_key(private)
    with pytest.raises(KeyFileError):
        load_private_key(private, b"wrong")
    assert isinstance(load_private_key(private, b"s3cret"), Ed25519PrivateKey)
    # A key made and encrypted by ssh-keygen itself (bcrypt KDF) loads too.
    theirs = tmp_path / "theirs"
    _ssh_keygen("-q", "-t", "ed25519", "-N", "pw", "-C", "", "-f", str(theirs))
    key = load_private_key(theirs, b"pw")
    assert public_key_line(key.public_key()) == " ".join(
        (tmp_path / "theirs.pub").read_text().split()[:2]
    )


def test_non_ed25519_keys_are_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    path = tmp_path / "ec"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(KeyFileError, match="not an Ed25519 key"):
        load_private_key(path)
    with pytest.raises(KeyFileError, match="cannot read"):
        load_private_key(tmp_path / "missing")


@needs_ssh_keygen
def test_sshsig_from_real_ssh_keygen(tmp_path: Path) -> None:
    private, public = generate_keypair(tmp_path / "id")
    key = load_private_key(private).public_key()
    message = b"DSSEv1 3 t/x 5 hello"
    blob = sign_with_ssh_keygen(message, private)
    sig = parse_sshsig(blob)
    assert sig.namespace == RECEIPT_NAMESPACE and sig.hash_alg == "sha512"
    verify_sshsig(sig, message, key)
    with pytest.raises(ValueError, match="does not verify"):
        verify_sshsig(sig, message + b"!", key)
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(ValueError, match="different key"):
        verify_sshsig(sig, message, other)
    # ssh-keygen's own verifier agrees with an allowed_signers line in our format.
    signers = tmp_path / "allowed_signers"
    signers.write_text(f'alice namespaces="{RECEIPT_NAMESPACE}" {public.read_text()}')
    armored = tmp_path / "m.sig"
    armored.write_text(
        "-----BEGIN SSH SIGNATURE-----\n"
        + base64.b64encode(blob).decode()
        + "\n-----END SSH SIGNATURE-----\n"
    )
    ok = subprocess.run(
        ["ssh-keygen", "-Y", "verify", "-f", str(signers), "-I", "alice", "-n",
         RECEIPT_NAMESPACE, "-s", str(armored)],
        input=message, capture_output=True, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert SshKeygenSigner(private).keyid == fingerprint(key)


def test_sshsig_parser_rejects_malformed_blobs() -> None:
    for blob, msg in [
        (b"NOTSIG", "not an SSHSIG"),
        (b"SSHSIG\x00\x00\x00\x02", "version"),
        (b"SSHSIG\x00\x00\x00\x01\x00\x00\x00\xff", "truncated"),
    ]:
        with pytest.raises(ValueError, match=msg):
            parse_sshsig(blob)


def test_allowed_signers_parsing(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    line = public_key_line(key.public_key())
    text = "\n".join(
        [
            "# comment",
            "",
            f"alice,bob {line} a comment",
            f'"carol" namespaces="{RECEIPT_NAMESPACE},git",valid-after="20260101Z",'
            f"valid-before=202701011200Z {line}",
            f"dave valid-before=20250101 {line}",
        ]
    )
    signers = parse_allowed_signers(text)
    assert [s.principals for s in signers] == [("alice", "bob"), ("carol",), ("dave",)]
    assert signers[0].namespaces is None and signers[0].allows_namespace("anything")
    assert signers[1].namespaces == (RECEIPT_NAMESPACE, "git")
    assert signers[1].valid_after == datetime(2026, 1, 1, tzinfo=UTC)
    assert signers[1].valid_before == datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
    assert signers[1].validity_problem(datetime(2026, 6, 1, tzinfo=UTC)) is None
    assert "not valid before" in str(signers[1].validity_problem(datetime(2025, 6, 1, tzinfo=UTC)))
    assert "expired" in str(signers[2].validity_problem(datetime(2025, 1, 1, tzinfo=UTC)))
    assert signers[0].fingerprint == fingerprint(key.public_key())


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("alice", "want: principals"),
        ("al*ce ssh-ed25519 AAAA", "plain runner ids"),
        ("alice cert-authority ssh-ed25519 AAAA", "cert-authority"),
        ("alice frobnicate=1 ssh-ed25519 AAAA", "unknown option"),
        ("alice valid-after=2026 ssh-ed25519 AAAA", "bad time"),
        ('alice namespaces="x ssh-ed25519 AAAA', "unterminated quote"),
        ("alice ssh-rsa AAAAB3NzaC1yc2E=", "not supported"),
        ("alice ssh-ed25519 bm90LWEta2V5", "bad key"),
    ],
)
def test_allowed_signers_errors_name_the_line(line: str, message: str) -> None:
    with pytest.raises(TrustStoreError, match=rf"^keys/allowed_signers:2: .*{message}"):
        parse_allowed_signers(f"# header\n{line}\n", "keys/allowed_signers")


def test_cli_keys_generate(tmp_path: Path) -> None:
    out = tmp_path / "id"
    result = CliRunner().invoke(main, ["keys", "generate", "--out", str(out), "--runner-id", "al"])
    assert result.exit_code == 0, result.output
    key = load_private_key(out)
    assert f"keyid:       {fingerprint(key.public_key())}" in result.output
    line = result.output.strip().splitlines()[-1]
    (signer,) = parse_allowed_signers(line)
    assert signer.principals == ("al",) and signer.namespaces == (RECEIPT_NAMESPACE,)
    assert signer.fingerprint == Ed25519Signer(key).keyid
    again = CliRunner().invoke(main, ["keys", "generate", "--out", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output
