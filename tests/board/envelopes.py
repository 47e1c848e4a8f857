"""Signed receipt envelopes for the board's tests and benchmark, made with `cryptography` directly.

A DSSE envelope (payloadType application/vnd.in-toto+json) around an in-toto Statement v1 whose
predicate is the receipt, signed with Ed25519 over the DSSE PAE. The verifier here stands in for
runner.receipts' one behind the board's ReceiptVerifier interface.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import ValidationError

from runner import RECEIPT_PREDICATE_TYPE
from runner.board import VerificationResult, VerifiedReceipt
from runner.receipts._models import Receipt, Tier

PAYLOAD_TYPE = "application/vnd.in-toto+json"


def pae(payload_type: str, body: bytes) -> bytes:
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def keyid(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


def envelope_bytes(receipt: Receipt, key: Ed25519PrivateKey) -> bytes:
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": receipt.cell.key, "digest": {"sha256": "0" * 64}}],
        "predicateType": RECEIPT_PREDICATE_TYPE,
        "predicate": receipt.model_dump(mode="json"),
    }
    body = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode()
    sig = key.sign(pae(PAYLOAD_TYPE, body))
    env = {
        "payload": base64.b64encode(body).decode(),
        "payloadType": PAYLOAD_TYPE,
        "signatures": [{"keyid": keyid(key.public_key()), "sig": base64.b64encode(sig).decode()}],
    }
    return json.dumps(env, sort_keys=True).encode()


class Ed25519Verifier:
    """Verifies envelopes against known keys; the key decides the tier."""

    def __init__(self, keys: dict[str, tuple[Ed25519PublicKey, Tier]]) -> None:
        self.keys = keys

    def one(self, path: Path) -> VerificationResult:
        raw = path.read_bytes()
        try:
            env = json.loads(raw)
            if env.get("payloadType") != PAYLOAD_TYPE:
                return VerificationResult(path, None, "unexpected payloadType")
            body = base64.b64decode(env["payload"])
            for sig in env["signatures"]:
                known = self.keys.get(sig["keyid"])
                if known is None:
                    continue
                try:
                    known[0].verify(base64.b64decode(sig["sig"]), pae(PAYLOAD_TYPE, body))
                except InvalidSignature:
                    return VerificationResult(path, None, "bad signature")
                statement = json.loads(body)
                if statement.get("predicateType") != RECEIPT_PREDICATE_TYPE:
                    return VerificationResult(path, None, "unexpected predicateType")
                receipt = Receipt.model_validate(statement["predicate"])
                digest = "sha256:" + hashlib.sha256(raw).hexdigest()
                return VerificationResult(path, VerifiedReceipt(receipt, digest, known[1]))
            return VerificationResult(path, None, "no signature by a trusted key")
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            return VerificationResult(path, None, f"malformed envelope: {type(exc).__name__}")

    def __call__(self, paths: Sequence[Path], /) -> list[VerificationResult]:
        return [self.one(p) for p in paths]
