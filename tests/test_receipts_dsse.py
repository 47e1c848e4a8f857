"""DSSE framing: PAE bytes, base64 alphabets, envelope parsing, and securesystemslib interop."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from runner.receipts import (
    INTOTO_PAYLOAD_TYPE,
    Ed25519Signer,
    Envelope,
    EnvelopeError,
    Signature,
    StrictJsonError,
    canonical_bytes,
    fingerprint,
    loads_canonical,
    loads_strict,
    pae,
    sign_envelope,
)
from runner.receipts._dsse import b64decode_any


def test_pae_matches_the_spec_test_vector() -> None:
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_pae_counts_bytes_not_characters() -> None:
    assert pae("t", "é".encode()) == b"DSSEv1 1 t 2 \xc3\xa9"
    assert pae("", b"") == b"DSSEv1 0  0 "


@pytest.mark.parametrize(
    "data", [b"", b"\x00", b"\xfb\xff", b"\xfb\xff\xfe\x01", bytes(range(256))]
)
def test_base64_both_alphabets_with_or_without_padding(data: bytes) -> None:
    std = base64.b64encode(data).decode()
    url = base64.urlsafe_b64encode(data).decode()
    for text in (std, url, std.rstrip("="), url.rstrip("=")):
        assert b64decode_any(text) == data


@pytest.mark.parametrize("text", ["a+b-", "ab$c", "abc=d", "a", 12])
def test_base64_rejects_mixed_alphabets_and_junk(text: object) -> None:
    with pytest.raises(EnvelopeError):
        b64decode_any(text)  # type: ignore[arg-type]


def test_envelope_round_trip_and_verification() -> None:
    key = Ed25519PrivateKey.generate()
    env = sign_envelope(b'{"a":1}', Ed25519Signer(key))
    again = Envelope.from_dict(loads_strict(env.file_bytes()))
    assert again == env
    assert again.signatures[0].keyid == fingerprint(key.public_key())
    key.public_key().verify(again.signatures[0].sig, again.pae())
    # The stored form is RFC 8785 plus a newline, and nothing else.
    assert env.file_bytes() == canonical_bytes(env.to_dict()) + b"\n"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "not a JSON object"),
        ({"payload": "", "signatures": [{"sig": ""}]}, "payloadType"),
        ({"payloadType": "t", "signatures": [{"sig": ""}]}, "payload is missing"),
        ({"payload": "", "payloadType": "t", "signatures": []}, "no signatures"),
        ({"payload": "", "payloadType": "t", "signatures": [{"keyid": "k"}]}, "has no sig"),
        ({"payload": "", "payloadType": "t", "signatures": [{"sig": "", "x": 1}]}, "keyid and sig"),
        ({"payload": "", "payloadType": "t", "signatures": [{"sig": ""}], "x": 1}, "unknown field"),
        ({"payload": "!", "payloadType": "t", "signatures": [{"sig": ""}]}, "base64"),
    ],
)
def test_malformed_envelopes_are_named(doc: object, message: str) -> None:
    with pytest.raises(EnvelopeError, match=message):
        Envelope.from_dict(doc)


def test_strict_json_refuses_duplicates_and_constants() -> None:
    with pytest.raises(StrictJsonError, match="duplicate JSON key 'a'"):
        loads_strict(b'{"b": {"a": 1, "a": 1}}')
    with pytest.raises(StrictJsonError, match="NaN"):
        loads_strict(b'{"a": NaN}')
    with pytest.raises(StrictJsonError, match="UTF-8"):
        loads_strict(b'{"a": "\xff"}')


@pytest.mark.parametrize(
    "text",
    [
        '{"a":1,"b":2}',
        '{"a":1.5,"b":"x\\n\\u001f\\"\\\\/é"}',
        '{"a":[true,false,null,-3,0.001]}',
        '{"\\u20ac":1,"\\ud83d\\ude00":2,"\\uffff":3}',  # JCS sorts by UTF-16 code units
        '{"big":1e+21,"small":1e-7,"whole":300.0,"neg":-0.0}',
    ],
)
def test_loads_canonical_agrees_with_rfc8785(text: str) -> None:
    obj = json.loads(text)
    canonical = canonical_bytes(obj)
    assert loads_canonical(canonical) == obj
    if canonical != text.encode():
        with pytest.raises(StrictJsonError):
            loads_canonical(text.encode())
    sloppy = json.dumps(obj, indent=1).encode()
    with pytest.raises(StrictJsonError, match="canonical"):
        loads_canonical(sloppy)


def test_loads_canonical_refuses_duplicates_even_when_sorted() -> None:
    with pytest.raises(StrictJsonError, match="duplicate"):
        loads_canonical(b'{"a":1,"a":1}')
    with pytest.raises(StrictJsonError, match="RFC 8785"):
        loads_canonical(b'{"a":12345678901234567890}')


def test_securesystemslib_verifies_our_envelopes() -> None:
    """An independent DSSE implementation accepts what we sign, and we accept what it signs."""
    from securesystemslib.dsse import Envelope as SslibEnvelope
    from securesystemslib.signer import CryptoSigner, SSlibKey

    key = Ed25519PrivateKey.generate()
    ours = sign_envelope(b'{"_type":"https://in-toto.io/Statement/v1"}', Ed25519Signer(key))
    keyid = ours.signatures[0].keyid  # sslib only tries keys whose keyid equals the signature's
    sslib_key = SSlibKey.from_crypto(key.public_key(), keyid=keyid)
    theirs = SslibEnvelope.from_dict(json.loads(ours.file_bytes()))
    assert theirs.pae() == ours.pae()
    accepted = theirs.verify([sslib_key], 1)
    assert keyid in accepted

    # And the other way: an envelope securesystemslib signs verifies with our PAE.
    signed = SslibEnvelope(b"payload", INTOTO_PAYLOAD_TYPE, {})
    signed.sign(CryptoSigner(key, sslib_key))
    back = Envelope.from_dict(signed.to_dict())
    key.public_key().verify(back.signatures[0].sig, back.pae())

    # A flipped payload byte is refused by securesystemslib too.
    bad = json.loads(ours.file_bytes())
    payload = bytearray(base64.b64decode(bad["payload"]))
    payload[3] ^= 1
    bad["payload"] = base64.b64encode(bytes(payload)).decode()
    from securesystemslib.exceptions import VerificationError

    with pytest.raises(VerificationError):
        SslibEnvelope.from_dict(bad).verify([sslib_key], 1)


@settings(max_examples=300, deadline=None)
@given(
    payload=st.binary(max_size=64),
    payload_type=st.text(max_size=20),
    keyids=st.lists(st.text(max_size=20), min_size=1, max_size=3),
    sig=st.binary(max_size=80),
)
def test_envelope_file_bytes_are_rfc8785(
    payload: bytes, payload_type: str, keyids: list[str], sig: bytes
) -> None:
    env = Envelope(payload_type, payload, tuple(Signature(k, sig) for k in keyids))
    try:
        expected = canonical_bytes(env.to_dict()) + b"\n"
    except Exception:  # rfc8785 refuses lone surrogates; so must we
        with pytest.raises(UnicodeEncodeError):
            env.file_bytes()
        return
    assert env.file_bytes() == expected


def _orjson_sorted(obj: object) -> bytes | None:
    import orjson

    try:
        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None


@settings(max_examples=500, deadline=None)
@given(
    obj=st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**60), 2**60)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_loads_canonical_decides_like_rfc8785(obj: object) -> None:
    """The fast path never accepts bytes that RFC 8785 would write differently."""
    for data in (
        json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        ),
        json.dumps(obj, separators=(",", ":")).encode(),
        _orjson_sorted(obj),  # the fast encoder's own output must not slip past either
    ):
        if data is None:
            continue
        try:
            truth = canonical_bytes(json.loads(data)) == data
        except Exception:
            truth = False
        try:
            loads_canonical(data)
            accepted = True
        except StrictJsonError:
            accepted = False
        assert accepted == truth, data
