"""DSSE v1 envelopes: PAE, base64 in both alphabets, and the envelope file format.

Signing algorithms live elsewhere (_sshkeys); this module only frames bytes. See the DSSE
protocol: Sign(PAE(UTF8(payloadType), payload)), PAE = "DSSEv1" SP LEN SP type SP LEN SP body.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from runner.receipts._canonical import fast_dumps_sorted

INTOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"


class EnvelopeError(ValueError):
    """The envelope is not a well-formed DSSE v1 envelope."""


def pae(payload_type: str, payload: bytes) -> bytes:
    """Pre-Authentication Encoding. LEN is the *byte* length in ASCII decimal."""
    type_bytes = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(type_bytes), type_bytes, len(payload), payload)


def b64decode_any(text: str) -> bytes:
    """Decode standard or URL-safe base64 (the spec says verifiers MUST accept both).

    Padding is optional; any other character, or stray data, is an error rather than being
    skipped the way base64.b64decode skips it by default.
    """
    if not isinstance(text, str):
        raise EnvelopeError("base64 field is not a string")
    try:  # the usual case, padded standard base64, without scanning or copying the text first
        return binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, ValueError):
        pass  # any other form: the checks below say what is wrong, or decode it
    if "-" in text or "_" in text:
        if "+" in text or "/" in text:
            raise EnvelopeError("base64 mixes the standard and URL-safe alphabets")
        text = text.replace("-", "+").replace("_", "/")
    text = text + "=" * (-len(text) % 4)
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise EnvelopeError(f"bad base64: {exc}") from None


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class Signature:
    keyid: str
    sig: bytes


@dataclass(frozen=True)
class Envelope:
    payload_type: str
    payload: bytes
    signatures: tuple[Signature, ...]

    def pae(self) -> bytes:
        return pae(self.payload_type, self.payload)

    def to_dict(self) -> dict[str, Any]:
        return {
            "payload": b64encode(self.payload),
            "payloadType": self.payload_type,
            "signatures": [{"keyid": s.keyid, "sig": b64encode(s.sig)} for s in self.signatures],
        }

    def file_bytes(self) -> bytes:
        """The one stored form of an envelope file: RFC 8785 JSON, standard padded base64, LF.

        A single stored form means any changed byte of the file is detectable, not only the
        bytes that are signed.
        """
        # Only strings under fixed ASCII keys: for that shape the fast encoder writes exactly
        # RFC 8785 (same escapes, same key order), several times faster than the JCS encoder.
        return fast_dumps_sorted(self.to_dict()) + b"\n"

    @classmethod
    def from_dict(cls, doc: Any) -> Envelope:
        """Read an envelope parsed by a strict JSON reader. Unknown fields are rejected."""
        if not isinstance(doc, dict):
            raise EnvelopeError("envelope is not a JSON object")
        extra = set(doc) - {"payload", "payloadType", "signatures"}
        if extra:
            raise EnvelopeError(f"envelope has unknown field(s): {', '.join(sorted(extra))}")
        payload_type = doc.get("payloadType")
        if not isinstance(payload_type, str):
            raise EnvelopeError("envelope payloadType is missing or not a string")
        if "payload" not in doc:
            raise EnvelopeError("envelope payload is missing")
        payload = b64decode_any(doc["payload"])
        raw_sigs = doc.get("signatures")
        if not isinstance(raw_sigs, list) or not raw_sigs:
            raise EnvelopeError("envelope has no signatures")
        sigs = []
        for i, entry in enumerate(raw_sigs):
            if not isinstance(entry, dict) or set(entry) - {"keyid", "sig"}:
                raise EnvelopeError(f"signature {i} is not an object of keyid and sig")
            keyid = entry.get("keyid", "")
            if not isinstance(keyid, str):
                raise EnvelopeError(f"signature {i} keyid is not a string")
            if "sig" not in entry:
                raise EnvelopeError(f"signature {i} has no sig")
            sigs.append(Signature(keyid, b64decode_any(entry["sig"])))
        return cls(payload_type, payload, tuple(sigs))
