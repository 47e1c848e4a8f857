"""Keyless receipts end to end: sigstore-python's own Verifier, through the project's verifier.

The bundles come from a private Sigstore instance made at test time (tests/sigstore_testroot.py:
CA, CT log and transparency log with fresh keys); the trust store that names its root is a folder
like keys/. Nothing is mocked on the verification side: certificate chain at the log's time, SCT,
identity policy, Merkle inclusion proof, signed checkpoint, signed entry timestamp, DSSE signature
and the log entry's consistency with the envelope are all sigstore's checks; the board build and
`cab board verify` reach the same verifier.
What stays untested here: bundles from the real Fulcio and Rekor, and keyless signing itself.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner.cli import main
from runner.receipts import (
    Receipt,
    SigstoreIdentity,
    Tier,
    TrustStore,
    Verdict,
    official_identity,
    resolve_trust,
    statement_bytes,
    verify_receipts,
)
from tests.receipt_factory import ReceiptFactory, trust_line
from tests.sigstore_testroot import Claims, PrivateSigstore, Spoil

ROOT = Path(__file__).resolve().parents[1]
PINNED_ROOT = ROOT / "keys" / "sigstore" / "trusted_root.json"
SCHEMA = ROOT / "schemas" / "receipt.schema.json"
OFFICIAL = official_identity("octo-org/bench")  # .github/workflows/sweep.yml @ refs/heads/main


@pytest.fixture(scope="module")
def sigstore() -> PrivateSigstore:
    return PrivateSigstore()


@pytest.fixture
def trust(tmp_path: Path, sigstore: PrivateSigstore) -> Path:
    return sigstore.write_trust_dir(tmp_path / "trust", OFFICIAL)


def _write(
    tmp_path: Path,
    sigstore: PrivateSigstore,
    claims: Claims | None = None,
    *,
    runner_id: str = "official",
    **kwargs: Any,
) -> tuple[Path, bytes]:
    """A receipt predicate with its artifacts, and its keyless bundle beside them."""
    factory = ReceiptFactory(tmp_path / "cell")
    receipt = Receipt.model_validate(factory.predicate(runner_id=runner_id))
    payload = statement_bytes(receipt)
    path = factory.folder / f"{receipt.cell.key}.sigstore.json"
    path.write_bytes(sigstore.bundle(payload, claims or Claims.of(OFFICIAL), **kwargs))
    return path, payload


def _verify(
    path: Path, trust: Path | None, identities: tuple[SigstoreIdentity, ...] = (OFFICIAL,)
) -> Verdict:
    root = trust / "sigstore" / "trusted_root.json" if trust else PINNED_ROOT
    (verdict,) = verify_receipts([path], TrustStore((), identities, root), schema_path=SCHEMA)
    return verdict


def test_a_genuine_bundle_is_an_official_receipt(
    tmp_path: Path, sigstore: PrivateSigstore, trust: Path
) -> None:
    path, _ = _write(tmp_path, sigstore)
    v = _verify(path, trust)
    assert v.ok, v.reason
    assert v.tier is Tier.official and v.principal == "official"


def test_the_cli_verifies_it_against_a_trust_dir(
    tmp_path: Path, sigstore: PrivateSigstore, trust: Path
) -> None:
    path, _ = _write(tmp_path, sigstore)
    # The receipt is synthetic (no agent image behind it): the image check is tested elsewhere.
    verify = ["receipts", "verify", "--no-check-images", str(path)]
    out = CliRunner().invoke(main, [*verify, "--trust-dir", str(trust)])
    assert out.exit_code == 0, out.output
    assert out.output.endswith("1/1 receipts ok (1 official, 0 community), 0 failed\n")
    # The same file against the project's own keys/ (no signer named yet): one line, exit 1.
    out = CliRunner().invoke(main, [*verify, "--trust-dir", str(ROOT / "keys")])
    assert out.exit_code == 1 and "no sigstore identities are trusted" in out.output


def test_a_certificate_expired_now_but_valid_when_logged_verifies(
    tmp_path: Path, sigstore: PrivateSigstore, trust: Path
) -> None:
    """Receipts are re-verified months later: validity is judged at the log's signed time."""
    long_ago = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
    path, _ = _write(tmp_path, sigstore, not_before=long_ago)
    assert _verify(path, trust).ok


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (
            Spoil(lifetime=dt.timedelta(minutes=10), logged_after=dt.timedelta(minutes=11)),
            "not valid at validation time",
        ),  # logged after the 10-minute certificate expired
        (Spoil(logged_after=dt.timedelta(minutes=-1)), "not valid at validation time"),
        (Spoil(foreign_ca=True), "failed to build timestamp certificate chain"),
        (Spoil(foreign_ct=True), "failed to verify SCT"),
        (Spoil(no_sct=True), "does not contain a signed certificate timestamp"),
        (Spoil(proof_hash=True), "inclusion proof contains invalid root hash"),
        (Spoil(foreign_checkpoint=True), "checkpoint: invalid signature"),
        (Spoil(set_time=True), "SET: invalid inclusion promise"),
        (
            Spoil(logged_payload=b'{"another": "statement"}'),
            "log entry payload hash does not match",
        ),
    ],
    ids=[
        "expired",
        "not-yet-valid",
        "foreign-ca",
        "foreign-ct-log",
        "no-sct",
        "bad-inclusion-proof",
        "forged-checkpoint",
        "moved-log-time",
        "log-entry-for-another-payload",
    ],
)
def test_each_broken_piece_is_rejected(
    tmp_path: Path, sigstore: PrivateSigstore, trust: Path, spoil: Spoil, reason: str
) -> None:
    path, _ = _write(tmp_path, sigstore, spoil=spoil)
    v = _verify(path, trust)
    assert (v.ok, v.code) == (False, "keyless")
    assert v.reason.startswith("sigstore verification failed:") and reason in v.reason, v.reason


def test_a_tampered_payload_is_rejected(
    tmp_path: Path, sigstore: PrivateSigstore, trust: Path
) -> None:
    """The receipt claims a pass it did not have: the bytes changed, the signature did not."""
    path, payload = _write(tmp_path, sigstore)
    doc = json.loads(path.read_bytes())
    statement = json.loads(payload)
    statement["predicate"]["outcome"] = (
        "failed" if statement["predicate"]["outcome"] == ("passed") else "passed"
    )
    doc["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    path.write_text(json.dumps(doc))
    v = _verify(path, trust)
    assert v.code == "keyless" and "DSSE: invalid signature" in v.reason, v.reason


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        (Claims("octo-org/fork"), "SANs do not match"),  # a fork's sweep
        (Claims("octo-org/bench", workflow=".github/workflows/ci.yml"), "SANs do not match"),
        (Claims("octo-org/bench", ref="refs/heads/dev"), "SANs do not match"),
        (Claims("octo-org/bench", ref="refs/pull/7/merge"), "SANs do not match"),
        (Claims("octo-org/bench", issuer="https://accounts.google.com"), "OIDCIssuer"),
        # The SAN is right, but an extension disagrees with it: trusted on neither.
        (Claims("octo-org/bench", ext_ref="refs/heads/dev"), "GitHubWorkflowRef"),
        (Claims("octo-org/bench", runner_environment="self-hosted"), "OIDCRunnerEnvironment"),
    ],
    ids=["repo", "workflow", "ref", "pull-ref", "issuer", "extension-vs-san", "self-hosted"],
)
def test_another_identity_is_rejected(
    tmp_path: Path, sigstore: PrivateSigstore, trust: Path, claims: Claims, reason: str
) -> None:
    path, _ = _write(tmp_path, sigstore, claims)
    v = _verify(path, trust)
    assert v.code == "keyless" and "certificate is not a trusted signer's" in v.reason
    assert reason in v.reason, v.reason


def test_the_signers_runner_id_must_be_the_receipts(
    tmp_path: Path, sigstore: PrivateSigstore, trust: Path
) -> None:
    path, _ = _write(tmp_path, sigstore, runner_id="someone-else")
    v = _verify(path, trust)
    assert v.code == "principal", v.reason


def test_the_production_root_rejects_the_test_instance(
    tmp_path: Path, sigstore: PrivateSigstore
) -> None:
    """The test CA, CT log and log keys mean nothing to keys/sigstore/trusted_root.json."""
    path, _ = _write(tmp_path, sigstore)
    v = _verify(path, None)
    assert v.code == "keyless" and "sigstore verification failed" in v.reason


def test_a_receipt_folder_cannot_bring_its_own_trusted_root(
    tmp_path: Path, sigstore: PrivateSigstore
) -> None:
    """Input folders' trust/ counts for community keys only: a root and identities in it are
    ignored, so the project's pinned root decides (and rejects the test instance)."""
    path, _ = _write(tmp_path, sigstore)
    folder = path.parent
    sigstore.write_trust_dir(folder / "trust", OFFICIAL)  # what an attacker would ship
    (folder / "trust" / "allowed_signers").write_text(
        trust_line(Ed25519PrivateKey.generate(), "mallory") + "\n"
    )
    project = tmp_path / "project-keys"
    (project / "sigstore").mkdir(parents=True)
    (project / "sigstore" / "trusted_root.json").write_bytes(PINNED_ROOT.read_bytes())
    (project / "sigstore_identities.json").write_text(
        json.dumps({"identities": [OFFICIAL.model_dump(mode="json")]})
    )
    resolved = resolve_trust([folder], project, None)
    assert resolved.store.trusted_root == project / "sigstore" / "trusted_root.json"
    assert any("never vouches for official" in n for s in resolved.sources for n in s.ignored)
    (v,) = verify_receipts([path], resolved.store, schema_path=SCHEMA)
    assert not v.ok and v.code == "keyless"


def test_the_board_counts_it_official_and_re_verifies_it(
    tmp_path: Path, sigstore: PrivateSigstore, trust: Path
) -> None:
    """The board's own verification (build, then `board verify` from the site's copy)."""
    from runner.catalog import task_digest

    factory = ReceiptFactory(tmp_path / "cell")
    doc = factory.predicate(
        runner_id="official",
        task="py-cron-steps",
        task_digest=task_digest(ROOT / "tasks" / "py-cron-steps"),
        model="deepseek-ai/deepseek-v4-flash",
    )
    receipt = Receipt.model_validate(doc)
    path = factory.folder / f"{receipt.cell.key}.sigstore.json"
    path.write_bytes(sigstore.bundle(statement_bytes(receipt), Claims.of(OFFICIAL)))
    site = tmp_path / "site"
    built = CliRunner().invoke(
        main, ["board", "build", str(path), "--trust", str(trust), "-o", str(site)]
    )
    assert built.exit_code == 0, built.output
    (cell,) = json.loads((site / "board.json").read_text())["cells"]
    assert (cell["tier"], cell["passes"]) == ("official", 1)
    again = CliRunner().invoke(main, ["board", "verify", str(site), "--trust", str(trust)])
    assert again.exit_code == 0, again.output
    refused = CliRunner().invoke(
        main, ["board", "verify", str(site), "--trust", str(ROOT / "keys")]
    )
    assert refused.exit_code == 1, refused.output  # the project's keys/ name no signer yet
