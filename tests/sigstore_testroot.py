"""A private Sigstore instance for tests: CA, CT log and transparency log, all made at test time.

A genuine bundle needs Fulcio, Rekor and a GitHub OIDC token, none of which this machine reaches.
So this module plays all three with fresh keys (test-only: generated per test session, never
written to the repository) and writes what sigstore-python's own `Verifier` reads:

- `trusted_root.json` (the same format as keys/sigstore/trusted_root.json) naming this instance's
  root + intermediate CA, its CT log key and its transparency-log key;
- v0.3 bundles for a DSSE envelope: a short-lived leaf certificate with Fulcio's GitHub Actions
  extensions and an embedded SCT, and a Rekor v1 `dsse` 0.0.1 log entry with an RFC 6962
  inclusion proof in a small tree, a signed checkpoint, and a signed entry timestamp.

Every piece can be spoiled on purpose (`Spoil`), so a test shows which check catches it. The
verifier under test is the project's (runner.receipts.verify_receipts), which hands the bundle to
sigstore's Verifier with the trusted root from the trust store: production reads that root only
from the reviewed keys/ folder, so nothing here is a hook in runner/.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from runner.receipts import INTOTO_PAYLOAD_TYPE, SigstoreIdentity, pae, render_sigstore_identities

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
BUNDLE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json"
TRUSTED_ROOT_V01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1"
SCT_LIST_OID = ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2")
# The .invalid top-level domain never resolves: nothing here can reach a real service.
REKOR_URL = "https://rekor.sigstore-test.invalid"
ORIGIN = "rekor.sigstore-test.invalid - 4242"
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _spki(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(key: ec.EllipticCurvePublicKey) -> bytes:
    """RFC 6962 key id: sha256 of the DER SubjectPublicKeyInfo (what sigstore indexes keys by)."""
    return hashlib.sha256(_spki(key)).digest()


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _utf8(text: str) -> bytes:
    data = text.encode()
    return b"\x0c" + _der_len(len(data)) + data


# --- the certificate's claims ------------------------------------------------------------------


@dataclass(frozen=True)
class Claims:
    """What Fulcio writes into a GitHub Actions certificate (the ones the policy reads)."""

    repository: str  # OWNER/NAME
    workflow: str = ".github/workflows/sweep.yml"
    ref: str = "refs/heads/main"
    issuer: str = GITHUB_ISSUER
    runner_environment: str = "github-hosted"
    san: str | None = None  # default: https://github.com/OWNER/NAME/WORKFLOW@REF
    ext_ref: str | None = None  # default: ref (a certificate whose extensions disagree)

    @property
    def identity(self) -> str:
        return self.san or f"https://github.com/{self.repository}/{self.workflow}@{self.ref}"

    @classmethod
    def of(cls, identity: SigstoreIdentity) -> Claims:
        return cls(
            identity.owner_name,
            identity.workflow,
            identity.ref,
            identity.issuer,
            identity.runner_environment or "github-hosted",
        )

    def extensions(self) -> list[x509.UnrecognizedExtension]:
        ref = self.ext_ref or self.ref
        repo_uri = f"https://github.com/{self.repository}"
        build_config = f"{repo_uri}/{self.workflow}@{self.ref}"
        values = [
            ("1.3.6.1.4.1.57264.1.1", self.issuer.encode()),  # the deprecated raw forms
            ("1.3.6.1.4.1.57264.1.2", b"workflow_dispatch"),
            ("1.3.6.1.4.1.57264.1.3", b"0" * 40),
            ("1.3.6.1.4.1.57264.1.5", self.repository.encode()),
            ("1.3.6.1.4.1.57264.1.6", ref.encode()),
            ("1.3.6.1.4.1.57264.1.8", _utf8(self.issuer)),  # the DER forms
            ("1.3.6.1.4.1.57264.1.9", _utf8(self.identity)),
            ("1.3.6.1.4.1.57264.1.11", _utf8(self.runner_environment)),
            ("1.3.6.1.4.1.57264.1.12", _utf8(repo_uri)),
            ("1.3.6.1.4.1.57264.1.14", _utf8(ref)),
            ("1.3.6.1.4.1.57264.1.18", _utf8(build_config)),
        ]
        return [x509.UnrecognizedExtension(ObjectIdentifier(o), v) for o, v in values]


# --- what a test may spoil ---------------------------------------------------------------------


@dataclass(frozen=True)
class Spoil:
    """One flag per check of sigstore's verifier; a default Spoil() makes a genuine bundle."""

    payload: bytes | None = None  # envelope carries these bytes, signed over the real ones
    logged_payload: bytes | None = None  # the log entry records another payload's hash
    lifetime: dt.timedelta = dt.timedelta(minutes=10)
    logged_after: dt.timedelta = dt.timedelta(minutes=1)  # integratedTime - notBefore
    foreign_ca: bool = False  # leaf issued by a CA the trusted root does not name
    foreign_ct: bool = False  # SCT signed by a CT log the trusted root does not name
    no_sct: bool = False
    proof_hash: bool = False  # one sibling hash of the inclusion proof flipped
    foreign_checkpoint: bool = False  # checkpoint signed by another log's key
    set_time: bool = False  # integratedTime moved (30 s) after the SET was signed


# --- the instance ------------------------------------------------------------------------------


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cab-sigstore-test"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _ca(
    cn: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Certificate, Any] | None,
    path_length: int,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(issuer[0].subject if issuer else _name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(EPOCH)
        .not_valid_after(EPOCH + dt.timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    signer = key
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()), False
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), False)
        signer = issuer[1]
    return builder.sign(signer, hashes.SHA384())


@dataclass
class Authority:
    """A root CA and the intermediate that issues leaves, like Fulcio's chain."""

    root_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP384R1())
    )
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP384R1())
    )

    def __post_init__(self) -> None:
        self.root = _ca("cab-test-root", self.root_key, None, 1)
        self.cert = _ca("cab-test-intermediate", self.key, (self.root, self.root_key), 0)


@dataclass
class PrivateSigstore:
    """Fulcio + CT log + Rekor in one object, with fresh test-only keys."""

    ca: Authority = field(default_factory=Authority)
    ct_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    log_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    other_ca: Authority = field(default_factory=Authority)
    other_key: ec.EllipticCurvePrivateKey = field(  # a CT log / tlog nobody trusts
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )

    # --- trusted_root.json ---------------------------------------------------------------

    def trusted_root(self) -> dict[str, Any]:
        def log(url: str, key: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
            pub = key.public_key()
            return {
                "baseUrl": url,
                "hashAlgorithm": "SHA2_256",
                "publicKey": {
                    "rawBytes": _b64(_spki(pub)),
                    "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                    "validFor": {"start": "2020-01-01T00:00:00Z"},
                },
                "logId": {"keyId": _b64(key_id(pub))},
            }

        der = serialization.Encoding.DER
        chain = [{"rawBytes": _b64(c.public_bytes(der))} for c in (self.ca.cert, self.ca.root)]
        return {
            "mediaType": TRUSTED_ROOT_V01,
            "tlogs": [log(REKOR_URL, self.log_key)],
            "certificateAuthorities": [
                {
                    "subject": {"organization": "cab-sigstore-test", "commonName": "cab-test"},
                    "uri": "https://fulcio.sigstore-test.invalid",
                    "certChain": {"certificates": chain},
                    "validFor": {"start": "2020-01-01T00:00:00Z"},
                }
            ],
            "ctlogs": [log("https://ctfe.sigstore-test.invalid", self.ct_key)],
            "timestampAuthorities": [],
        }

    def write_trust_dir(self, trust_dir: Path, *identities: SigstoreIdentity) -> Path:
        """A trust store like keys/: this instance's root and the given official identities."""
        (trust_dir / "sigstore").mkdir(parents=True, exist_ok=True)
        (trust_dir / "sigstore" / "trusted_root.json").write_text(json.dumps(self.trusted_root()))
        (trust_dir / "sigstore_identities.json").write_text(
            render_sigstore_identities(list(identities))
        )
        return trust_dir

    # --- Fulcio: a leaf with an embedded SCT -----------------------------------------------

    def leaf(
        self, claims: Claims, not_before: dt.datetime, spoil: Spoil
    ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        ca = self.other_ca if spoil.foreign_ca else self.ca
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([]))
            .issuer_name(ca.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_before + spoil.lifetime)
            .add_extension(
                x509.KeyUsage(True, False, False, False, False, False, False, False, False), True
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), False
            )
            .add_extension(
                x509.SubjectAlternativeName([x509.UniformResourceIdentifier(claims.identity)]),
                True,  # the subject is empty, so the SAN is critical (RFC 5280 4.2.1.6)
            )
        )
        for ext in claims.extensions():
            builder = builder.add_extension(ext, False)
        if spoil.no_sct:
            return key, builder.sign(ca.key, hashes.SHA384())
        # The SCT signs the certificate without its SCT list (RFC 6962 3.2): sign that first.
        tbs = builder.sign(ca.key, hashes.SHA384()).tbs_certificate_bytes
        ct = self.other_key if spoil.foreign_ct else self.ct_key
        sct = _sct(ct, key_id(ca.key.public_key()), tbs, not_before + dt.timedelta(seconds=5))
        cert = builder.add_extension(
            x509.UnrecognizedExtension(SCT_LIST_OID, _octets(_sct_list(sct))), False
        ).sign(ca.key, hashes.SHA384())
        assert cert.tbs_precertificate_bytes == tbs  # what sigstore rebuilds to check the SCT
        return key, cert

    # --- Rekor: a dsse 0.0.1 entry, its inclusion proof, checkpoint and SET --------------------

    def bundle(
        self,
        payload: bytes,
        claims: Claims,
        *,
        not_before: dt.datetime | None = None,
        spoil: Spoil = Spoil(),
    ) -> bytes:
        """A v0.3 bundle for `payload` (DSSE, in-toto payloadType), as Sigstore would issue it."""
        if not_before is None:
            not_before = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=2)
        key, cert = self.leaf(claims, not_before, spoil)
        sig = key.sign(pae(INTOTO_PAYLOAD_TYPE, payload), ec.ECDSA(hashes.SHA256()))
        envelope = {
            "payload": _b64(spoil.payload if spoil.payload is not None else payload),
            "payloadType": INTOTO_PAYLOAD_TYPE,
            "signatures": [{"sig": _b64(sig), "keyid": ""}],
        }
        body = _dsse_body(spoil.logged_payload or payload, envelope, cert)
        integrated = int((not_before + spoil.logged_after).timestamp())
        entry = self._log(body, integrated, spoil)
        der = serialization.Encoding.DER
        doc = {
            "mediaType": BUNDLE_V03,
            "verificationMaterial": {
                "certificate": {"rawBytes": _b64(cert.public_bytes(der))},
                "tlogEntries": [entry],
            },
            "dsseEnvelope": envelope,
        }
        return json.dumps(doc).encode()

    def _log(self, body: bytes, integrated: int, spoil: Spoil) -> dict[str, Any]:
        # A small log: our entry at index 5 of 7, the others unrelated entries.
        index, leaves = 5, [hashlib.sha256(bytes([i])).digest() for i in range(7)]
        leaves[index] = body
        root = _mth(leaves)
        proof = _path(index, leaves)
        if spoil.proof_hash:
            proof[0] = bytes(b ^ 0xFF for b in proof[0])
        log_pub = self.log_key.public_key()
        log_id = key_id(log_pub)
        note = f"{ORIGIN}\n{len(leaves)}\n{_b64(root)}\n"
        # A forged checkpoint names the real log (its key hint) but is signed by another key.
        note_key = self.other_key if spoil.foreign_checkpoint else self.log_key
        note_sig = note_key.sign(note.encode(), ec.ECDSA(hashes.SHA256()))
        hint = log_id[:4]
        checkpoint = f"{note}\n\u2014 {ORIGIN.split()[0]} {_b64(hint + note_sig)}\n"
        signed_time = integrated
        set_payload = rfc8785.dumps(
            {
                "body": _b64(body),
                "integratedTime": signed_time,
                "logID": log_id.hex(),
                "logIndex": index,
            }
        )
        entry_set = self.log_key.sign(set_payload, ec.ECDSA(hashes.SHA256()))
        if spoil.set_time:  # still inside the certificate's validity: only the SET can tell
            integrated -= 30
        return {
            "logIndex": str(index),
            "logId": {"keyId": _b64(log_id)},
            "kindVersion": {"kind": "dsse", "version": "0.0.1"},
            "integratedTime": str(integrated),
            "inclusionPromise": {"signedEntryTimestamp": _b64(entry_set)},
            "inclusionProof": {
                "logIndex": str(index),
                "rootHash": _b64(root),
                "treeSize": str(len(leaves)),
                "hashes": [_b64(h) for h in proof],
                "checkpoint": {"envelope": checkpoint},
            },
            "canonicalizedBody": _b64(body),
        }


# --- RFC 6962 pieces ---------------------------------------------------------------------------


def _leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return _leaf_hash(leaves[0])
    k = _split(len(leaves))
    return _node(_mth(leaves[:k]), _mth(leaves[k:]))


def _path(m: int, leaves: list[bytes]) -> list[bytes]:
    """The audit path of leaf m, lowest sibling first (RFC 6962 2.1.1)."""
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if m < k:
        return [*_path(m, leaves[:k]), _mth(leaves[k:])]
    return [*_path(m - k, leaves[k:]), _mth(leaves[:k])]


def _sct(
    ct_key: ec.EllipticCurvePrivateKey, issuer_key_id: bytes, tbs: bytes, when: dt.datetime
) -> bytes:
    """A v1 precertificate SCT (RFC 6962 3.2), TLS-encoded."""
    millis = int(when.timestamp() * 1000)
    signed = (
        struct.pack("!BBQH", 0, 0, millis, 1)  # v1, certificate_timestamp, time, precert_entry
        + issuer_key_id
        + len(tbs).to_bytes(3, "big")
        + tbs
        + struct.pack("!H", 0)  # no extensions
    )
    sig = ct_key.sign(signed, ec.ECDSA(hashes.SHA256()))
    log_id = key_id(ct_key.public_key())
    return (
        struct.pack("!B", 0)
        + log_id
        + struct.pack("!QH", millis, 0)
        + struct.pack("!BBH", 4, 3, len(sig))
        + sig  # sha256, ecdsa
    )


def _sct_list(*scts: bytes) -> bytes:
    body = b"".join(struct.pack("!H", len(s)) + s for s in scts)
    return struct.pack("!H", len(body)) + body


def _octets(data: bytes) -> bytes:
    return b"\x04" + _der_len(len(data)) + data


def _dsse_body(payload: bytes, envelope: dict[str, Any], cert: x509.Certificate) -> bytes:
    """Rekor's canonicalized dsse 0.0.1 body for this envelope (what the log entry commits).
    The envelope hash covers JSON bytes no verifier can reproduce; sigstore does not check it."""
    pem = cert.public_bytes(serialization.Encoding.PEM)
    sig = base64.b64decode(envelope["signatures"][0]["sig"])
    envelope_hash = hashlib.sha256(json.dumps(envelope).encode()).hexdigest()
    body = {
        "apiVersion": "0.0.1",
        "kind": "dsse",
        "spec": {
            "envelopeHash": {"algorithm": "sha256", "value": envelope_hash},
            "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()},
            "signatures": [{"signature": _b64(sig), "verifier": _b64(pem)}],
        },
    }
    return rfc8785.dumps(body)
