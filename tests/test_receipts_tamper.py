"""Property-based tamper suite: every alteration of a signed receipt is rejected, for a named
reason, without the verifier raising. Cases run are counted and printed at the end (-s).

Each case starts from the same signed receipt (raw Ed25519, and an SSHSIG made by a real
ssh-keygen when one is installed) copied into a fresh folder, applies one alteration, verifies.
"""

from __future__ import annotations

import base64
import json
import os
import random
import shutil
import struct
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from runner.receipts import (
    INTOTO_PAYLOAD_TYPE,
    RECEIPT_NAMESPACE,
    Ed25519Signer,
    Envelope,
    Signature,
    SshKeygenSigner,
    TrustStore,
    canonical_bytes,
    fingerprint,
    generate_keypair,
    load_private_key,
    sign_envelope,
    sign_receipt,
    verify_receipts,
)
from runner.receipts._sshkeys import public_key_blob, sshsig_signed_data
from tests.receipt_factory import ReceiptFactory, trust_line, trust_store

pytestmark = pytest.mark.slow  # ~15 s for ~2,000 cases

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "receipt.schema.json"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CASES: Counter[str] = Counter()
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@dataclass(frozen=True)
class World:
    """A signed receipt as files (relative path -> bytes), and who is trusted."""

    files: dict[str, bytes]
    envelope: str
    key: Ed25519PrivateKey
    store: TrustStore

    @property
    def envelope_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.files[self.envelope])
        return doc

    @property
    def payload(self) -> bytes:
        return base64.b64decode(self.envelope_doc["payload"])

    @property
    def artifacts(self) -> list[str]:
        return sorted(p for p in self.files if p != self.envelope)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _build_world(ssh: bool) -> World:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        receipt = ReceiptFactory(folder / "run").write(runner_id="alice")
        private, _ = generate_keypair(folder / "id")
        key = load_private_key(private)
        signer = SshKeygenSigner(private) if ssh else Ed25519Signer(key)
        env = sign_receipt(receipt, signer)
        receipt.unlink()  # only the envelope and the artifacts travel
        files = _snapshot(folder / "run")
        return World(files, env.name, key, trust_store(trust_line(key, "alice")))


@pytest.fixture(scope="module")
def world() -> World:
    return _build_world(ssh=False)


@pytest.fixture(scope="module")
def ssh_world() -> World:
    if shutil.which("ssh-keygen") is None and not os.environ.get("CI"):
        pytest.skip("no ssh-keygen")
    return _build_world(ssh=True)


def _verify(case: str, files: dict[str, bytes], store: TrustStore) -> tuple[str, str]:
    """Write the files to a fresh folder, verify, and insist on exactly one failing verdict."""
    CASES[case] += 1
    with tempfile.TemporaryDirectory() as tmp:
        for rel, data in files.items():
            path = Path(tmp, rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        verdicts = verify_receipts([Path(tmp)], store, schema_path=SCHEMA, now=NOW)
    assert len(verdicts) == 1
    (v,) = verdicts
    assert not v.ok, f"{case}: tampered receipt passed"
    assert v.reason and v.code != "ok"
    return v.code, v.reason


def _with(world: World, **changes: bytes) -> dict[str, bytes]:
    files = dict(world.files)
    files.update(changes)
    return files


def _flip(data: bytes, index: int, xor: int) -> bytes:
    out = bytearray(data)
    out[index % len(out)] ^= xor
    return bytes(out)


def _envelope_with(world: World, payload: bytes | None = None, sig: bytes | None = None) -> bytes:
    doc = world.envelope_doc
    if payload is not None:
        doc["payload"] = base64.b64encode(payload).decode()
    if sig is not None:
        doc["signatures"][0]["sig"] = base64.b64encode(sig).decode()
    return canonical_bytes(doc) + b"\n"


def _resigned(world: World, payload: bytes, key: Ed25519PrivateKey | None = None) -> bytes:
    return sign_envelope(payload, Ed25519Signer(key or world.key)).file_bytes()


flips = st.tuples(st.integers(min_value=0, max_value=1 << 20), st.integers(1, 255))


# --- bytes of the stored envelope, the payload, the signature, the artifacts --------------------


@SETTINGS
@given(flip=flips)
def test_flip_any_envelope_byte(world: World, flip: tuple[int, int]) -> None:
    files = _with(world, **{world.envelope: _flip(world.files[world.envelope], *flip)})
    code, _ = _verify("envelope byte", files, world.store)
    assert code in {"envelope", "payload-type", "signature", "keyid", "untrusted-key"}


@SETTINGS
@given(flip=flips)
def test_flip_any_envelope_byte_sshsig(ssh_world: World, flip: tuple[int, int]) -> None:
    w = ssh_world
    files = _with(w, **{w.envelope: _flip(w.files[w.envelope], *flip)})
    code, _ = _verify("envelope byte (SSHSIG)", files, w.store)
    assert code in {"envelope", "payload-type", "signature", "keyid", "untrusted-key", "namespace"}


@SETTINGS
@given(flip=flips)
def test_flip_any_payload_byte(world: World, flip: tuple[int, int]) -> None:
    files = _with(
        world, **{world.envelope: _envelope_with(world, payload=_flip(world.payload, *flip))}
    )
    assert _verify("payload byte", files, world.store)[0] == "signature"


@SETTINGS
@given(flip=flips)
def test_flip_any_signature_byte(world: World, flip: tuple[int, int]) -> None:
    sig = base64.b64decode(world.envelope_doc["signatures"][0]["sig"])
    files = _with(world, **{world.envelope: _envelope_with(world, sig=_flip(sig, *flip))})
    assert _verify("signature byte", files, world.store)[0] == "signature"


@SETTINGS
@given(flip=flips)
def test_flip_any_sshsig_byte(ssh_world: World, flip: tuple[int, int]) -> None:
    w = ssh_world
    sig = base64.b64decode(w.envelope_doc["signatures"][0]["sig"])
    files = _with(w, **{w.envelope: _envelope_with(w, sig=_flip(sig, *flip))})
    code, _ = _verify("signature byte (SSHSIG)", files, w.store)
    assert code in {"signature", "untrusted-key", "namespace"}


@SETTINGS
@given(data=st.data(), flip=flips)
def test_flip_any_artifact_byte(world: World, data: st.DataObject, flip: tuple[int, int]) -> None:
    rel = data.draw(st.sampled_from(world.artifacts))
    files = _with(world, **{rel: _flip(world.files[rel], *flip)})
    assert _verify("artifact byte", files, world.store)[0] == "artifact"


@SETTINGS
@given(data=st.data(), extra=st.binary(max_size=8))
def test_truncate_extend_or_remove_an_artifact(
    world: World, data: st.DataObject, extra: bytes
) -> None:
    rel = data.draw(st.sampled_from(world.artifacts))
    files = dict(world.files)
    how = data.draw(st.sampled_from(["truncate", "extend", "remove"]))
    if how == "remove":
        del files[rel]
    elif how == "truncate":
        files[rel] = files[rel][: data.draw(st.integers(0, len(files[rel]) - 1))]
    else:
        assume(extra)
        files[rel] += extra
    assert _verify(f"artifact {how}", files, world.store)[0] == "artifact"


# --- key order and duplicate keys (properly signed, so the JSON checks must catch them) ---------


def _shuffled(obj: Any, rng: random.Random) -> Any:
    if isinstance(obj, dict):
        items = list(obj.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(obj, list):
        return [_shuffled(v, rng) for v in obj]
    return obj


@SETTINGS
@given(rng=st.randoms(use_true_random=False))
def test_reordered_keys_are_rejected(world: World, rng: random.Random) -> None:
    stmt = json.loads(world.payload)
    text = json.dumps(_shuffled(stmt, rng), separators=(",", ":"), ensure_ascii=False).encode()
    assume(text != world.payload)
    files = _with(world, **{world.envelope: _resigned(world, text)})
    code, reason = _verify("reordered keys", files, world.store)
    assert (code, reason) == ("payload", "payload: not RFC 8785 canonical JSON")


def _objects(obj: Any) -> Iterator[dict[str, Any]]:
    if isinstance(obj, dict):
        yield obj
        for v in obj.values():
            yield from _objects(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _objects(v)


def _dump_with_duplicate(obj: Any, target: dict[str, Any], key: str, value: Any, at: int) -> str:
    """Sorted compact JSON, except that `target` carries `key` twice (second copy at `at`)."""
    if isinstance(obj, dict):
        pairs = [(k, obj[k]) for k in sorted(obj)]
        if obj is target:
            pairs.insert(at % (len(pairs) + 1), (key, value))
        inner = ",".join(
            json.dumps(k, ensure_ascii=False)
            + ":"
            + _dump_with_duplicate(v, target, key, value, at)
            for k, v in pairs
        )
        return "{" + inner + "}"
    if isinstance(obj, list):
        return "[" + ",".join(_dump_with_duplicate(v, target, key, value, at) for v in obj) + "]"
    return json.dumps(obj, ensure_ascii=False)


@SETTINGS
@given(data=st.data(), at=st.integers(0, 40), same=st.booleans())
def test_duplicate_keys_are_rejected(
    world: World, data: st.DataObject, at: int, same: bool
) -> None:
    stmt = json.loads(world.payload)
    target = data.draw(st.sampled_from([o for o in _objects(stmt) if o]))
    key = data.draw(st.sampled_from(sorted(target)))
    value = target[key] if same else data.draw(st.one_of(st.none(), st.integers(), st.text()))
    text = _dump_with_duplicate(stmt, target, key, value, at).encode()
    files = _with(world, **{world.envelope: _resigned(world, text)})
    code, reason = _verify("duplicate key (payload)", files, world.store)
    assert code == "payload" and f"duplicate JSON key {key!r}" in reason


@SETTINGS
@given(data=st.data(), at=st.integers(0, 3))
def test_duplicate_keys_in_the_envelope(world: World, data: st.DataObject, at: int) -> None:
    doc = world.envelope_doc
    key = data.draw(st.sampled_from(sorted(doc)))
    other = {"payload": base64.b64encode(b"{}").decode(), "payloadType": "text/plain"}
    value = other.get(key, [])
    text = _dump_with_duplicate(doc, doc, key, value, at).encode() + b"\n"
    code, reason = _verify(
        "duplicate key (envelope)", _with(world, **{world.envelope: text}), world.store
    )
    assert code == "envelope" and "duplicate JSON key" in reason


# --- who signed, and what the trust store says about them ---------------------------------------

principals = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)
namespaces = st.from_regex(r"[a-z0-9.@-]{1,40}", fullmatch=True).filter(
    lambda n: n != RECEIPT_NAMESPACE
)


@SETTINGS
@given(bob=principals)
def test_swapped_signer(world: World, bob: str) -> None:
    assume(bob != "alice")
    other = Ed25519PrivateKey.generate()
    store = trust_store(trust_line(world.key, "alice"), trust_line(other, bob))
    files = _with(world, **{world.envelope: _resigned(world, world.payload, other)})
    code, reason = _verify("swapped signer", files, store)
    assert code == "principal" and f"signed by {bob}" in reason


@SETTINGS
@given(seed=st.binary(min_size=32, max_size=32), lie=st.booleans())
def test_key_not_in_the_store(world: World, seed: bytes, lie: bool) -> None:
    stranger = Ed25519PrivateKey.from_private_bytes(seed)
    assume(stranger.public_key() != world.key.public_key())
    env = sign_envelope(world.payload, Ed25519Signer(stranger))
    if lie:  # claim a trusted keyid: the hint must not make the signature pass
        sig = env.signatures[0]
        env = Envelope(
            env.payload_type, env.payload, (Signature(Ed25519Signer(world.key).keyid, sig.sig),)
        )
    files = _with(world, **{world.envelope: env.file_bytes()})
    code, _ = _verify("key not in store", files, world.store)
    assert code == ("signature" if lie else "untrusted-key")


@SETTINGS
@given(
    before=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=NOW.replace(tzinfo=None), timezones=st.just(UTC)
    )
)
def test_expired_valid_before(world: World, before: datetime) -> None:
    stamp = before.strftime("%Y%m%d%H%M%SZ")
    store = trust_store(trust_line(world.key, "alice", f'valid-before="{stamp}"'))
    code, reason = _verify("expired valid-before", dict(world.files), store)
    assert code == "key-validity" and "expired" in reason


@SETTINGS
@given(after=st.integers(min_value=1, max_value=10**9))
def test_not_yet_valid(world: World, after: int) -> None:
    stamp = (NOW + timedelta(seconds=after)).strftime("%Y%m%d%H%M%SZ")
    store = trust_store(trust_line(world.key, "alice", f'valid-after="{stamp}"'))
    code, _ = _verify("future valid-after", dict(world.files), store)
    assert code == "key-validity"


@SETTINGS
@given(ns=namespaces)
def test_key_trusted_for_another_namespace(world: World, ns: str) -> None:
    store = trust_store(trust_line(world.key, "alice", f'namespaces="{ns}"'))
    assert _verify("trust line namespace", dict(world.files), store)[0] == "namespace"


def _sshsig(key: Ed25519PrivateKey, message: bytes, namespace: str) -> bytes:
    def string(b: bytes) -> bytes:
        return struct.pack(">I", len(b)) + b

    raw = key.sign(sshsig_signed_data(message, namespace, "sha512"))
    return (
        b"SSHSIG" + struct.pack(">I", 1) + string(public_key_blob(key.public_key()))
        + string(namespace.encode()) + string(b"") + string(b"sha512")
        + string(string(b"ssh-ed25519") + string(raw))
    )  # fmt: skip


@SETTINGS
@given(ns=namespaces)
def test_sshsig_for_another_namespace(world: World, ns: str) -> None:
    pae = Envelope(INTOTO_PAYLOAD_TYPE, world.payload, ()).pae()
    # Sanity: the same construction with the right namespace verifies (so the test can fail).
    good = _with(
        world,
        **{world.envelope: _envelope_with(world, sig=_sshsig(world.key, pae, RECEIPT_NAMESPACE))},
    )
    (ok,) = verify_receipts([_write(good)], world.store, schema_path=SCHEMA, now=NOW)
    assert ok.ok, ok.reason
    files = _with(world, **{world.envelope: _envelope_with(world, sig=_sshsig(world.key, pae, ns))})
    code, reason = _verify("SSHSIG namespace", files, world.store)
    assert code == "namespace" and repr(ns) in reason


_KEEP: list[tempfile.TemporaryDirectory[str]] = []


def _write(files: dict[str, bytes]) -> Path:
    tmp = tempfile.TemporaryDirectory()
    _KEEP.append(tmp)
    for rel, data in files.items():
        Path(tmp.name, rel).parent.mkdir(parents=True, exist_ok=True)
        Path(tmp.name, rel).write_bytes(data)
    return Path(tmp.name)


def test_untampered_world_verifies(world: World) -> None:
    """The starting point passes: every rejection above is due to the alteration alone."""
    (v,) = verify_receipts([_write(world.files)], world.store, schema_path=SCHEMA, now=NOW)
    assert v.ok, v.reason
    assert fingerprint(world.key.public_key()) == world.envelope_doc["signatures"][0]["keyid"]


def test_zz_report_case_count() -> None:
    for tmp in _KEEP:
        tmp.cleanup()
    if len(CASES) < 10:
        pytest.skip("partial run (-k): the count is only meaningful for the whole module")
    total = sum(CASES.values())
    print(f"\ntamper suite: {total} cases run, all rejected")
    for case, n in sorted(CASES.items()):
        print(f"  {n:5d}  {case}")
    assert total >= 1000, CASES
