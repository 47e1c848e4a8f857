"""Turn a receipt predicate (JSON beside its artifacts) into a signed envelope file."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from runner.receipts._canonical import StrictJsonError, loads_strict
from runner.receipts._dsse import INTOTO_PAYLOAD_TYPE, Envelope, Signature
from runner.receipts._keyless import BUNDLE_SUFFIX, sign_statement_keyless
from runner.receipts._models import Receipt
from runner.receipts._sshkeys import (
    RECEIPT_NAMESPACE,
    KeyFileError,
    fingerprint,
    load_private_key,
    sign_with_ssh_keygen,
    ssh_public_key_fingerprint,
)
from runner.receipts._statement import ArtifactError, check_artifacts, statement_bytes

ENVELOPE_SUFFIX = ".dsse.json"


class ReceiptError(ValueError):
    """A receipt predicate file is unreadable or invalid; the message names the file."""


class Signer(Protocol):
    @property
    def keyid(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


@dataclass(frozen=True)
class Ed25519Signer:
    """Raw Ed25519 over the PAE, with a key loaded from an OpenSSH key file."""

    key: Ed25519PrivateKey

    @classmethod
    def from_file(cls, path: Path, passphrase: bytes | None = None) -> Ed25519Signer:
        return cls(load_private_key(path, passphrase))

    @property
    def keyid(self) -> str:
        return fingerprint(self.key.public_key())

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


@dataclass(frozen=True)
class SshKeygenSigner:
    """SSHSIG through `ssh-keygen -Y sign`; `key_path` may be a .pub whose key is in ssh-agent."""

    key_path: Path
    namespace: str = RECEIPT_NAMESPACE

    @property
    def keyid(self) -> str:
        pub = self.key_path if self.key_path.suffix == ".pub" else Path(f"{self.key_path}.pub")
        try:
            return ssh_public_key_fingerprint(pub)
        except (OSError, ValueError) as exc:
            raise KeyFileError(
                f"{pub}: need the ssh-ed25519 public key for the keyid ({exc})"
            ) from None

    def sign(self, data: bytes) -> bytes:
        return sign_with_ssh_keygen(data, self.key_path, self.namespace)


def load_receipt(path: Path) -> Receipt:
    """Read a predicate JSON strictly and validate it against the model."""
    try:
        doc = loads_strict(path.read_bytes())
    except OSError as exc:
        raise ReceiptError(f"{path}: cannot read: {exc.strerror}") from None
    except StrictJsonError as exc:
        raise ReceiptError(f"{path}: {exc}") from None
    try:
        return Receipt.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or "(top)"
        raise ReceiptError(f"{path}: {loc}: {first['msg']}") from None


def write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prepare(receipt_path: Path) -> tuple[Receipt, bytes]:
    receipt = load_receipt(receipt_path)
    try:
        check_artifacts(receipt, receipt_path.parent)
        payload = statement_bytes(receipt)
    except ArtifactError as exc:
        raise ReceiptError(f"{receipt_path}: {exc}") from None
    return receipt, payload


def sign_envelope(payload: bytes, signer: Signer) -> Envelope:
    envelope = Envelope(INTOTO_PAYLOAD_TYPE, payload, ())
    sig = Signature(signer.keyid, signer.sign(envelope.pae()))
    return Envelope(INTOTO_PAYLOAD_TYPE, payload, (sig,))


def sign_receipt(receipt_path: Path, signer: Signer) -> Path:
    """Write <cell-key>.dsse.json beside the predicate (atomically) and return its path."""
    receipt, payload = _prepare(receipt_path)
    out = receipt_path.parent / f"{receipt.cell.key}{ENVELOPE_SUFFIX}"
    write_atomic(out, sign_envelope(payload, signer).file_bytes())
    return out


def sign_receipt_keyless(receipt_path: Path, *, staging: bool = False) -> Path:
    """Write <cell-key>.sigstore.json beside the predicate and return its path."""
    receipt, payload = _prepare(receipt_path)
    out = receipt_path.parent / f"{receipt.cell.key}{BUNDLE_SUFFIX}"
    write_atomic(out, sign_statement_keyless(payload, staging=staging).encode("utf-8"))
    return out
