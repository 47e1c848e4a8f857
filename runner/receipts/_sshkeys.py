"""OpenSSH Ed25519 keys: generation, loading, fingerprints, and SSHSIG signatures.

Two signature forms go into a DSSE `sig`: a raw 64-byte Ed25519 signature over the PAE, or an
SSHSIG blob (what `ssh-keygen -Y sign` makes, so agent and hardware keys work). SSHSIG is parsed
and verified here with `cryptography`; the format is PROTOCOL.sshsig in the OpenSSH sources.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# Domain separation for SSHSIG: a signature made for git commits or files cannot pass as a receipt.
RECEIPT_NAMESPACE = "receipt-v1@codingagentbench"

SSHSIG_MAGIC = b"SSHSIG"
_ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_ARMOR_END = "-----END SSH SIGNATURE-----"
_HASHES = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}


class KeyFileError(Exception):
    """A key file cannot be used (wrong type, missing passphrase, unreadable)."""


class SshSigError(ValueError):
    """An SSHSIG blob is malformed or does not verify."""


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """OpenSSH `SHA256:` fingerprint, the same string `ssh-keygen -lf` prints."""
    digest = serialization.ssh_key_fingerprint(public_key, hashes.SHA256())
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def public_key_line(public_key: Ed25519PublicKey) -> str:
    """`ssh-ed25519 AAAA...` without a comment."""
    return public_key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode("ascii")


def public_key_blob(public_key: Ed25519PublicKey) -> bytes:
    """The SSH wire encoding: string "ssh-ed25519" | string key32."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _string(b"ssh-ed25519") + _string(raw)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write atomically and never replace: tmp file, then link(2), which fails if path exists."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.link(tmp, path)
    finally:
        os.unlink(tmp)


def generate_keypair(
    out: Path, comment: str = "", passphrase: bytes | None = None
) -> tuple[Path, Path]:
    """Write an OpenSSH Ed25519 private key (mode 0600) at `out` and its public key at out.pub.

    Refuses to overwrite either file. A passphrase encrypts the key (bcrypt KDF, as ssh-keygen).
    Returns (private, public) paths.
    """
    pub_path = out.with_name(out.name + ".pub")
    for p in (out, pub_path):
        if p.exists() or p.is_symlink():
            raise FileExistsError(f"{p} already exists; not overwriting a key")
    out.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption(),
    )
    line = public_key_line(key.public_key()) + (f" {comment}" if comment else "") + "\n"
    _write_new(out, private, 0o600)
    try:
        _write_new(pub_path, line.encode("ascii"), 0o644)
    except BaseException:
        out.unlink()
        raise
    return out, pub_path


def load_private_key(path: Path, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    """Load an OpenSSH Ed25519 private key file; passphrase-protected keys need `passphrase`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read key: {exc.strerror}") from None
    try:
        key = serialization.load_ssh_private_key(data, password=passphrase)
    except (TypeError, ValueError) as exc:
        msg = str(exc)
        if "encrypted" in msg.lower() or "password" in msg.lower():
            msg = "key is passphrase-protected; give the passphrase" if not passphrase else msg
        raise KeyFileError(f"{path}: {msg}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 key (only ssh-ed25519 is supported)")
    return key


def ssh_public_key_fingerprint(pub_path: Path) -> str:
    """Fingerprint of a `.pub` file (the keyid a signature by its key carries)."""
    return fingerprint(load_public_key_line(pub_path.read_text(encoding="ascii")))


def load_public_key_line(line: str) -> Ed25519PublicKey:
    key = serialization.load_ssh_public_key(" ".join(line.split()[:2]).encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an ssh-ed25519 key")
    return key


# --- SSH wire format -------------------------------------------------------------------------


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def uint32(self) -> int:
        if self.pos + 4 > len(self.data):
            raise SshSigError("SSHSIG truncated")
        (value,) = struct.unpack_from(">I", self.data, self.pos)
        self.pos += 4
        return int(value)

    def string(self) -> bytes:
        n = self.uint32()
        if self.pos + n > len(self.data):
            raise SshSigError("SSHSIG truncated")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def done(self) -> bool:
        return self.pos == len(self.data)


@dataclass(frozen=True)
class SshSig:
    public_key_blob: bytes
    namespace: str
    hash_alg: str
    signature: bytes  # raw 64-byte Ed25519 signature

    @property
    def public_key(self) -> Ed25519PublicKey:
        r = _Reader(self.public_key_blob)
        if r.string() != b"ssh-ed25519":
            raise SshSigError("SSHSIG key is not ssh-ed25519")
        raw = r.string()
        if len(raw) != 32 or not r.done():
            raise SshSigError("SSHSIG ssh-ed25519 key is malformed")
        return Ed25519PublicKey.from_public_bytes(raw)


def parse_sshsig(blob: bytes) -> SshSig:
    """Parse a binary SSHSIG blob (not armored). Only ssh-ed25519 signatures are accepted."""
    if not blob.startswith(SSHSIG_MAGIC):
        raise SshSigError("not an SSHSIG blob")
    r = _Reader(blob[len(SSHSIG_MAGIC) :])
    if r.uint32() != 1:
        raise SshSigError("unsupported SSHSIG version")
    key_blob = r.string()
    namespace = r.string()
    r.string()  # reserved
    hash_alg = r.string()
    sig_blob = r.string()
    if not r.done():
        raise SshSigError("SSHSIG has trailing bytes")
    s = _Reader(sig_blob)
    sig_type = s.string()
    if sig_type != b"ssh-ed25519":
        raise SshSigError(f"unsupported SSHSIG signature type {sig_type.decode(errors='replace')}")
    raw = s.string()
    if len(raw) != 64 or not s.done():
        raise SshSigError("SSHSIG ed25519 signature is malformed")
    try:
        ns, alg = namespace.decode("utf-8"), hash_alg.decode("ascii")
    except UnicodeDecodeError:
        raise SshSigError("SSHSIG namespace or hash is not text") from None
    if alg not in _HASHES:
        raise SshSigError(f"unsupported SSHSIG hash {alg}")
    sig = SshSig(key_blob, ns, alg, raw)
    sig.public_key  # noqa: B018 -- validates the embedded key now, not at use
    return sig


def sshsig_signed_data(message: bytes, namespace: str, hash_alg: str) -> bytes:
    digest = _HASHES[hash_alg](message).digest()
    return (
        SSHSIG_MAGIC
        + _string(namespace.encode("utf-8"))
        + _string(b"")
        + _string(hash_alg.encode("ascii"))
        + _string(digest)
    )


def verify_sshsig(sig: SshSig, message: bytes, public_key: Ed25519PublicKey) -> None:
    """Raise SshSigError unless `sig` is a valid signature of `message` by `public_key`.

    The namespace is checked by the caller against policy (the trust store decides which
    namespaces a key may sign for).
    """
    if sig.public_key_blob != public_key_blob(public_key):
        raise SshSigError("SSHSIG was made by a different key")
    try:
        public_key.verify(sig.signature, sshsig_signed_data(message, sig.namespace, sig.hash_alg))
    except InvalidSignature:
        raise SshSigError("SSHSIG signature does not verify") from None


def dearmor_sshsig(text: str) -> bytes:
    lines = [ln.strip() for ln in text.strip().splitlines()]
    if len(lines) < 3 or lines[0] != _ARMOR_BEGIN or lines[-1] != _ARMOR_END:
        raise SshSigError("not an armored SSH signature")
    try:
        return base64.b64decode("".join(lines[1:-1]), validate=True)
    except ValueError:
        raise SshSigError("armored SSH signature has bad base64") from None


def sign_with_ssh_keygen(
    message: bytes, key_path: Path, namespace: str = RECEIPT_NAMESPACE
) -> bytes:
    """Sign through `ssh-keygen -Y sign` (key file, or its .pub with the key in ssh-agent).

    Returns the binary SSHSIG blob.
    """
    exe = shutil.which("ssh-keygen")
    if exe is None:
        raise KeyFileError("ssh-keygen is not on PATH (OpenSSH >= 8.1 is needed for -Y sign)")
    with tempfile.TemporaryDirectory(prefix="cab-sshsig-") as tmp:
        msg_path = Path(tmp) / "payload"
        msg_path.write_bytes(message)
        proc = subprocess.run(
            [exe, "-q", "-Y", "sign", "-f", str(key_path), "-n", namespace, str(msg_path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        sig_path = msg_path.with_name("payload.sig")
        if proc.returncode != 0 or not sig_path.is_file():
            detail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise KeyFileError(f"ssh-keygen -Y sign failed: {detail}")
        return dearmor_sshsig(sig_path.read_text(encoding="ascii"))
