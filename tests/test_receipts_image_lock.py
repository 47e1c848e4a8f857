"""`cab receipts verify` checks the agent image a receipt records against this checkout's locks:
an official receipt that ran another image is rejected (image-not-locked), a community receipt
passes and its verdict says whether the image was the locked one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner.cli import main
from runner.images import locked_agent_images, read_lock_files
from runner.receipts import (
    Ed25519Signer,
    ImageIdentity,
    LockedAgentImage,
    Receipt,
    Tier,
    sign_receipt,
    statement_bytes,
    verify_receipts,
)
from tests.receipt_factory import ReceiptFactory, trust_line, trust_store
from tests.test_receipts_keyless import OFFICIAL, SCHEMA, _AcceptingSigstore, _forged_bundle, _store

ROOT = Path(__file__).resolve().parents[1]
LOCKED = locked_agent_images(ROOT)
LOCK_SHA = "sha256:" + read_lock_files(ROOT / "images" / "claude-code").sha256
DIGEST = "registry.test/cab/agent-claude-code@sha256:" + "c" * 64
PULLED = {"source": "registry", "registry_digest": DIGEST, "lock_sha256": LOCK_SHA}
LOCAL = {"source": "local-build", "lock_sha256": LOCK_SHA, "locked_versions": {"x": "1"}}


def _predicate(tmp_path: Path, identity: dict[str, Any] | None, **kw: Any) -> dict[str, Any]:
    doc = ReceiptFactory(tmp_path).predicate(runner_id=kw.pop("runner_id", "official"), **kw)
    if identity is not None:
        doc["agent"]["image_identity"] = identity
    return doc


def _official(tmp_path: Path, identity: dict[str, Any] | None, **kw: Any) -> Path:
    receipt = Receipt.model_validate(_predicate(tmp_path, identity, **kw))
    path = tmp_path / f"{receipt.cell.key}.sigstore.json"
    path.write_bytes(_forged_bundle(statement_bytes(receipt)))
    return path


@pytest.fixture
def accept_bundles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("runner.receipts._verify.KeylessVerifier", _AcceptingSigstore)


def _verify_official(path: Path, locked: dict[str, LockedAgentImage] = LOCKED) -> Any:
    (v,) = verify_receipts([path], _store(OFFICIAL), schema_path=SCHEMA, locked_images=locked)
    return v


def test_official_receipt_of_the_locked_local_build_passes(
    tmp_path: Path, accept_bundles: None
) -> None:
    v = _verify_official(_official(tmp_path, LOCAL))
    assert v.ok and v.tier is Tier.official and v.image_note == "", v.reason


@pytest.mark.parametrize(
    ("identity", "kw", "why"),
    [
        (None, {}, "records no image identity"),
        ({**LOCAL, "lock_sha256": "sha256:" + "0" * 64}, {}, "built from dependency lock"),
        (LOCAL, {"agent_version": "2.0.0"}, "the lock pins"),
        (
            {"source": "registry", "registry_digest": DIGEST, "lock_sha256": LOCK_SHA},
            {},
            "pulled as",
        ),
        (LOCAL, {"agent": "not-an-agent"}, "not in images/lock.json"),
    ],
)
def test_official_receipt_of_another_image_is_rejected(
    tmp_path: Path, accept_bundles: None, identity: Any, kw: dict[str, Any], why: str
) -> None:
    v = _verify_official(_official(tmp_path, identity, **kw))
    assert not v.ok and v.code == "image-not-locked", v
    assert why in v.reason


def test_official_receipt_pulled_by_the_locked_digest_passes(
    tmp_path: Path, accept_bundles: None
) -> None:
    pulled = {"source": "registry", "registry_digest": DIGEST, "lock_sha256": LOCK_SHA}
    locked = {
        **LOCKED,
        "claude-code": LockedAgentImage(LOCKED["claude-code"].version, LOCK_SHA, DIGEST),
    }
    v = _verify_official(_official(tmp_path, pulled), locked)
    assert v.ok, v.reason
    other = {
        **locked,
        "claude-code": LockedAgentImage(LOCKED["claude-code"].version, LOCK_SHA, DIGEST[:-1] + "d"),
    }
    assert _verify_official(_official(tmp_path / "b", pulled), other).code == "image-not-locked"


def test_without_locks_the_image_is_not_judged(tmp_path: Path, accept_bundles: None) -> None:
    (v,) = verify_receipts([_official(tmp_path, None)], _store(OFFICIAL), schema_path=SCHEMA)
    assert v.ok and v.image_note is None


def test_a_registry_identity_needs_its_digest() -> None:
    with pytest.raises(ValueError, match="registry_digest"):
        ImageIdentity.model_validate({"source": "registry", "lock_sha256": LOCK_SHA})
    with pytest.raises(ValueError, match="no registry_digest"):
        ImageIdentity.model_validate({**LOCAL, "registry_digest": DIGEST})


def _community(tmp_path: Path, identity: dict[str, Any] | None) -> tuple[Path, Path]:
    key = Ed25519PrivateKey.generate()
    folder = tmp_path / "c1"
    doc = _predicate(folder, identity, runner_id="alice")
    (folder / "receipt.json").write_text(json.dumps(doc), encoding="utf-8")
    envelope = sign_receipt(folder / "receipt.json", Ed25519Signer(key))
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "allowed_signers").write_text(trust_line(key, "alice") + "\n", encoding="utf-8")
    assert trust_store(trust_line(key, "alice"))  # the same line parses as a store
    return envelope, trust


@pytest.mark.parametrize(
    ("identity", "shown"),
    [
        (LOCAL, ".dsse.json\n"),
        ({**LOCAL, "lock_sha256": "sha256:" + "0" * 64}, "(image not locked: built from"),
        (None, "(image not locked: the receipt records no image identity)"),
    ],
)
def test_cli_shows_whether_a_community_receipt_ran_the_locked_image(
    tmp_path: Path, identity: Any, shown: str
) -> None:
    envelope, trust = _community(tmp_path, identity)
    args = ["--root", str(ROOT), "receipts", "verify", "--trust-dir", str(trust), str(envelope)]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert shown in out.output
    out = CliRunner().invoke(main, [*args, "--json"])
    (verdict,) = json.loads(out.stdout)["receipts"]
    assert verdict["image_locked"] is (identity is LOCAL)
    out = CliRunner().invoke(main, [*args, "--no-check-images"])
    assert "image" not in out.output.splitlines()[0]
