"""The keyless (Sigstore) side, offline: pinned root, identity policies, bundle rejection.

No real bundle can be made here (no OIDC identity, no network), so these tests use bundles that
are well-formed but signed by a self-made certificate claiming a trusted workflow identity: the
pinned trusted root must reject them. Accepting a bundle, with sigstore's own verifier and a
private Sigstore instance made at test time, is in test_receipts_sigstore_e2e.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from runner.cli import main
from runner.receipts import (
    INTOTO_PAYLOAD_TYPE,
    KeylessError,
    KeylessVerifier,
    Receipt,
    SigstoreIdentity,
    Tier,
    TrustStore,
    identity_policy,
    load_trust_store,
    official_identity,
    pae,
    statement_bytes,
    verify_receipts,
)
from tests.receipt_factory import ReceiptFactory
from tests.sigstore_testroot import Claims

ROOT = Path(__file__).resolve().parents[1]
PINNED_ROOT = ROOT / "keys" / "sigstore" / "trusted_root.json"
SCHEMA = ROOT / "schemas" / "receipt.schema.json"
ISSUER = "https://token.actions.githubusercontent.com"
OFFICIAL = official_identity("example-org/bench", ".github/workflows/bench.yml")
CLAIMS = Claims.of(OFFICIAL)


def _fulcio_like_cert(
    claims: Claims = CLAIMS,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A certificate shaped like Fulcio's (SAN + OIDC extensions), but self-made."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sigstore.dev")]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(minutes=10))
        .add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(claims.identity)]), True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), False)
    )
    for ext in claims.extensions():
        builder = builder.add_extension(ext, False)
    return key, builder.sign(key, hashes.SHA256())


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _forged_bundle(payload: bytes, tlog_entries: int = 1) -> bytes:
    """A v0.3 bundle that parses, DSSE-signed by a self-made cert, with a made-up log entry."""
    key, cert = _fulcio_like_cert()
    sig = key.sign(pae(INTOTO_PAYLOAD_TYPE, payload), ec.ECDSA(hashes.SHA256()))
    entry = {
        "logIndex": "1",
        "logId": {"keyId": _b64(hashlib.sha256(b"log").digest())},
        "kindVersion": {"kind": "dsse", "version": "0.0.1"},
        "integratedTime": str(int(dt.datetime.now(dt.UTC).timestamp())),
        "inclusionPromise": {"signedEntryTimestamp": _b64(b"\x30\x00")},
        "inclusionProof": {
            "logIndex": "1",
            "rootHash": _b64(bytes(32)),
            "treeSize": "2",
            "hashes": [_b64(b"\x01" * 32)],
            "checkpoint": {"envelope": "rekor.sigstore.dev - 1\n2\nAAAA\n\n"},
        },
        "canonicalizedBody": _b64(b'{"apiVersion":"0.0.1","kind":"dsse","spec":{}}'),
    }
    doc = {
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {
            "certificate": {"rawBytes": _b64(cert.public_bytes(serialization.Encoding.DER))},
            "tlogEntries": [entry] * tlog_entries,
        },
        "dsseEnvelope": {
            "payload": _b64(payload),
            "payloadType": INTOTO_PAYLOAD_TYPE,
            "signatures": [{"sig": _b64(sig)}],
        },
    }
    return json.dumps(doc).encode()


def _bundle_file(tmp_path: Path, raw: bytes | None = None) -> tuple[Path, bytes]:
    factory = ReceiptFactory(tmp_path)
    receipt = Receipt.model_validate(factory.predicate(runner_id="official"))
    payload = statement_bytes(receipt)
    path = tmp_path / f"{receipt.cell.key}.sigstore.json"
    path.write_bytes(_forged_bundle(payload) if raw is None else raw)
    return path, payload


def _store(*identities: SigstoreIdentity, root: Path | None = PINNED_ROOT) -> TrustStore:
    return TrustStore((), identities, root)


def test_shipped_trust_store_is_usable_and_pinned() -> None:
    store = load_trust_store(ROOT / "keys")
    assert store.signers == () and store.sigstore_identities == ()
    assert store.trusted_root == PINNED_ROOT
    KeylessVerifier(store.trusted_root, (OFFICIAL,))  # the pinned root parses as a trust root
    digest = hashlib.sha256(PINNED_ROOT.read_bytes()).hexdigest()
    assert digest in (ROOT / "keys" / "README.md").read_text(), "record the pinned root's digest"


def test_identity_policy_accepts_the_configured_workflow() -> None:
    _, cert = _fulcio_like_cert()
    identity_policy(OFFICIAL).verify(cert)
    either = OFFICIAL.model_copy(update={"runner_environment": None})
    identity_policy(either).verify(
        _fulcio_like_cert(replace(CLAIMS, runner_environment="self-hosted"))[1]
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"workflow": ".github/workflows/other.yml"},
        {"ref": "refs/heads/evil"},
        {"issuer": "https://accounts.google.com"},
        {"repository": "example-org/fork"},
        {"runner_environment": "self-hosted"},
        {"ext_ref": "refs/heads/evil"},
        {"san": "https://github.com/example-org/fork/.github/workflows/bench.yml@refs/heads/main"},
    ],
)
def test_identity_policy_rejects_other_identities(changes: dict[str, str]) -> None:
    from sigstore.errors import VerificationError

    _, cert = _fulcio_like_cert(replace(CLAIMS, **changes))
    with pytest.raises(VerificationError):
        identity_policy(OFFICIAL).verify(cert)


def test_self_made_certificate_is_rejected_by_the_pinned_root(tmp_path: Path) -> None:
    path, _ = _bundle_file(tmp_path)
    (v,) = verify_receipts([path], _store(OFFICIAL), schema_path=SCHEMA)
    assert not v.ok and v.code == "keyless"
    assert v.reason.startswith("sigstore verification failed:")


@pytest.mark.parametrize(
    ("raw", "code", "reason"),
    [
        (b"not json", "envelope", "bundle: not JSON"),
        (b'{"mediaType": "a", "mediaType": "b"}', "envelope", "duplicate JSON key"),
        (b"{}", "keyless", "malformed sigstore bundle"),
        (b'{"mediaType": "application/vnd.dev.sigstore.bundle.v9+json"}', "keyless", "malformed"),
        (b"[]", "keyless", "malformed sigstore bundle"),
    ],
)
def test_malformed_bundles(tmp_path: Path, raw: bytes, code: str, reason: str) -> None:
    path, _ = _bundle_file(tmp_path, raw)
    (v,) = verify_receipts([path], _store(OFFICIAL), schema_path=SCHEMA)
    assert (v.code, v.ok) == (code, False) and reason in v.reason


def test_bundle_with_two_log_entries_is_malformed(tmp_path: Path) -> None:
    path, payload = _bundle_file(tmp_path)
    path.write_bytes(_forged_bundle(payload, tlog_entries=2))
    (v,) = verify_receipts([path], _store(OFFICIAL), schema_path=SCHEMA)
    assert v.code == "keyless" and "exactly one log entry" in v.reason


def test_bundles_need_identities_and_a_root(tmp_path: Path) -> None:
    path, _ = _bundle_file(tmp_path)
    (v,) = verify_receipts([path], _store(), schema_path=SCHEMA)
    assert v.code == "keyless" and "no sigstore identities" in v.reason
    (v,) = verify_receipts([path], _store(OFFICIAL, root=None), schema_path=SCHEMA)
    assert v.code == "keyless" and "no pinned trusted root" in v.reason
    broken = tmp_path / "root.json"
    broken.write_text("{}")
    with pytest.raises(KeylessError, match="unusable trusted root"):
        KeylessVerifier(broken, (OFFICIAL,))


class _AcceptingSigstore:
    """Stands in for sigstore's cryptographic verification (which needs a genuine bundle) to
    test what the verifier does with its answer: tier, principal and payloadType checks."""

    answer: tuple[str, str] = ("official", INTOTO_PAYLOAD_TYPE)

    def __init__(self, trusted_root: Path | None, identities: object) -> None:
        pass

    def verify(self, raw: bytes) -> tuple[str, str, bytes]:
        payload = base64.b64decode(json.loads(raw)["dsseEnvelope"]["payload"])
        return self.answer[0], self.answer[1], payload


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (("official", INTOTO_PAYLOAD_TYPE), "ok"),
        (("someone-else", INTOTO_PAYLOAD_TYPE), "principal"),
        (("official", "application/json"), "payload-type"),
    ],
)
def test_what_a_verified_bundle_leads_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: tuple[str, str], code: str
) -> None:
    monkeypatch.setattr(_AcceptingSigstore, "answer", answer)
    monkeypatch.setattr("runner.receipts._verify.KeylessVerifier", _AcceptingSigstore)
    path, _ = _bundle_file(tmp_path)
    (v,) = verify_receipts([path], _store(OFFICIAL), schema_path=SCHEMA)
    assert v.code == code, v.reason
    if code == "ok":
        assert v.tier is Tier.official and v.principal == "official"


def test_keyless_signing_without_an_oidc_identity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("GITHUB_ACTIONS", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                "SIGSTORE_ID_TOKEN", "GOOGLE_SERVICE_ACCOUNT_NAME", "BUILDKITE", "GITLAB_CI",
                "CIRCLECI"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    receipt = ReceiptFactory(tmp_path).write(runner_id="official")
    out = CliRunner().invoke(main, ["receipts", "sign", str(receipt), "--keyless"])
    assert out.exit_code == 1 and "no ambient OIDC credential" in out.output
    assert not list(tmp_path.glob("*.sigstore.json"))


def test_show_reads_a_bundle(tmp_path: Path) -> None:
    path, _ = _bundle_file(tmp_path)
    out = CliRunner().invoke(main, ["receipts", "show", str(path)])
    assert out.exit_code == 0, out.output
    assert "sigstore bundle (keyless)" in out.output and "official" in out.output
    assert "not verified" not in out.output and "no: run" in out.output
