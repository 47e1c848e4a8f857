"""The verifier's fast paths give the answers of the plain ones they replaced.

File discovery (one scandir walk, memoised resolve) against Path.rglob + Path.resolve; artifact
reads (one open with O_NOFOLLOW) against every kind of non-file; the verdict's envelope digest
against the file's bytes; forked workers against one process; libsodium's Ed25519 check against
cryptography's.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner.board._inputs import RECEIPT_SUFFIXES as BOARD_SUFFIXES
from runner.board._inputs import adapt_verdicts, expand_receipt_paths
from runner.receipts import (
    Ed25519Signer,
    _ed25519,
    canonical_bytes,
    sign_receipt,
    verify_receipts,
)
from runner.receipts._ed25519 import ed25519_verifies
from runner.receipts._verify import RECEIPT_SUFFIXES, find_receipts
from tests.receipt_factory import (
    ARTIFACT_TEXT,
    ReceiptFactory,
    signed_receipt,
    trust_line,
    trust_store,
)

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "receipt.schema.json"


@pytest.fixture(scope="module")
def alice() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _plain_find(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        found = (
            sorted(q for q in p.rglob("*.json") if q.name.endswith(RECEIPT_SUFFIXES))
            if p.is_dir()
            else [p]
        )
        for q in found:
            if q.resolve() not in seen:
                seen.add(q.resolve())
                out.append(q)
    return out


def _plain_expand(paths: list[Path]) -> list[Path]:
    found: set[Path] = set()
    for arg in paths:
        if arg.is_dir():
            found.update(
                p.resolve()
                for p in arg.rglob("*")
                if p.is_file() and p.name.endswith(BOARD_SUFFIXES)
            )
        else:
            found.add(arg.resolve())
    return sorted(found)


@pytest.fixture()
def tricky_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Symlinked folders and files, a dangling link, hidden folders, a folder named like a
    receipt, names that sort differently as strings than as paths."""
    t = tmp_path / "t"
    (t / "a" / "b").mkdir(parents=True)
    (t / "a" / "b" / "x.dsse.json").write_text("1")
    (t / "a.b").mkdir()
    (t / "a.b" / "y.dsse.json").write_text("2")
    (t / "a" / ".hidden").mkdir()
    (t / "a" / ".hidden" / "h.sigstore.json").write_text("3")
    (t / "a" / "notes.json").write_text("{}")
    (t / "a" / "dir.dsse.json").mkdir()
    (t / "link").symlink_to(t / "a")
    (t / "a" / "b" / "sub").symlink_to(t / "a" / ".hidden")
    (t / "a" / "alias.dsse.json").symlink_to(t / "a" / "b" / "x.dsse.json")
    (t / "a" / "dangling.dsse.json").symlink_to(t / "nowhere")
    monkeypatch.chdir(t)
    return t


@pytest.mark.parametrize(
    "args",
    [
        ["."],
        ["a", "link"],
        ["link", "a"],
        ["a.b", "a/b"],
        ["link/b/x.dsse.json", "a/b/../b/x.dsse.json", "a/b/sub/../b/x.dsse.json", "a"],
        ["missing.dsse.json", "a/../missing.dsse.json"],
    ],
)
def test_discovery_matches_rglob_and_resolve(tricky_tree: Path, args: list[str]) -> None:
    for paths in ([Path(a) for a in args], [tricky_tree / a for a in args]):
        assert find_receipts(paths) == _plain_find(paths)
        existing = [p for p in paths if p.exists()]
        assert expand_receipt_paths(existing) == _plain_expand(existing)


def test_artifacts_that_are_not_regular_files_are_rejected(
    tmp_path: Path, alice: Ed25519PrivateKey
) -> None:
    store = trust_store(trust_line(alice))
    env = signed_receipt(tmp_path, alice)
    log = tmp_path / "checks" / "lint.log"
    real = tmp_path / "elsewhere.log"
    real.write_bytes(log.read_bytes())

    def verdict() -> tuple[str, str]:
        (v,) = verify_receipts([env], store, schema_path=SCHEMA)
        return v.code, v.reason

    log.unlink()
    log.symlink_to(real)  # same bytes, but a symlink can point anywhere later
    assert verdict() == ("artifact", "artifact checks/lint.log is missing (or not a regular file)")
    log.unlink()
    os.mkfifo(log)  # must not block the verifier
    assert verdict() == ("artifact", "artifact checks/lint.log is missing (or not a regular file)")
    log.unlink()
    log.mkdir()
    assert verdict() == ("artifact", "artifact checks/lint.log is missing (or not a regular file)")
    log.rmdir()
    log.write_bytes(real.read_bytes())
    assert verdict()[0] == "ok"
    # A symlink anywhere on the path, not only the last component: the folder of the logs.
    checks = tmp_path / "checks"
    checks.rename(tmp_path / "real-checks")
    checks.symlink_to(tmp_path / "real-checks")
    assert verdict() == (
        "artifact",
        "artifact checks/runner.log: checks is not a real folder (a symlink, or missing)",
    )
    checks.unlink()
    (tmp_path / "real-checks").rename(checks)
    assert verdict()[0] == "ok"
    if os.geteuid() != 0:  # root reads anything
        log.chmod(0)
        assert verdict() == (
            "artifact",
            "artifact checks/lint.log cannot be read: Permission denied",
        )


def test_envelope_digest_is_of_the_verified_bytes(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    env = signed_receipt(tmp_path, alice)
    (v,) = verify_receipts([env], trust_store(trust_line(alice)), schema_path=SCHEMA)
    assert v.ok
    assert v.envelope_digest == "sha256:" + hashlib.sha256(env.read_bytes()).hexdigest()
    (result,) = adapt_verdicts([v])
    assert result.verified is not None and result.verified.digest == v.envelope_digest


def test_workers_give_the_verdicts_of_one_process(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    for i in range(12):
        signed_receipt(tmp_path / f"c{i}", alice, task=f"t{i % 10}", attempt=1 + i // 10)
    (tmp_path / "c3" / "agent.log").write_bytes(b"changed\n")  # one rejected
    signed_receipt(tmp_path / "dup", alice, task="t0")  # two duplicates
    store = trust_store(trust_line(alice))
    one = verify_receipts([tmp_path], store, schema_path=SCHEMA, workers=1)
    two = verify_receipts([tmp_path], store, schema_path=SCHEMA, workers=2)
    assert [v.code for v in one].count("ok") == 10
    assert [(v.path, v.code, v.reason, v.envelope_digest, v.receipt) for v in one] == [
        (v.path, v.code, v.reason, v.envelope_digest, v.receipt) for v in two
    ]


@pytest.mark.parametrize("sodium", [True, False], ids=["libsodium", "cryptography"])
def test_ed25519_check_agrees_with_cryptography(
    sodium: bool, monkeypatch: pytest.MonkeyPatch, alice: Ed25519PrivateKey
) -> None:
    monkeypatch.setattr(_ed25519, "SODIUM", sodium)
    public = alice.public_key()
    rng = random.Random(7)
    for _ in range(200):
        message = rng.randbytes(rng.randrange(0, 400))
        sig = alice.sign(message)
        assert ed25519_verifies(public, sig, message)
        i = rng.randrange(64 + len(message))
        flip = 1 << rng.randrange(8)
        if i < 64:
            bad_sig = bytearray(sig)
            bad_sig[i] ^= flip
            bad_msg = message
        else:
            bad_sig = bytearray(sig)
            bad_msg = bytearray(message)
            bad_msg[i - 64] ^= flip
        try:
            public.verify(bytes(bad_sig), bytes(bad_msg))
            reference = True
        except InvalidSignature:
            reference = False
        assert ed25519_verifies(public, bytes(bad_sig), bytes(bad_msg)) is reference is False
    other = Ed25519PrivateKey.generate().public_key()
    assert not ed25519_verifies(other, alice.sign(b"x"), b"x")
    assert not ed25519_verifies(public, alice.sign(b"x")[:63], b"x")


@pytest.mark.parametrize("sodium", [True, False], ids=["libsodium", "cryptography"])
def test_receipt_signatures_through_either_library(
    sodium: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, alice: Ed25519PrivateKey
) -> None:
    monkeypatch.setattr(_ed25519, "SODIUM", sodium)
    store = trust_store(trust_line(alice))
    env = signed_receipt(tmp_path, alice)
    (v,) = verify_receipts([env], store, schema_path=SCHEMA)
    assert v.ok
    doc = json.loads(env.read_bytes())
    sig = bytearray(base64.b64decode(doc["signatures"][0]["sig"]))
    sig[10] ^= 4
    doc["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
    env.write_bytes(canonical_bytes(doc) + b"\n")
    (v,) = verify_receipts([env], store, schema_path=SCHEMA)
    assert v.code == "signature"


@pytest.mark.parametrize("size", [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 << 20])
def test_artifacts_of_any_size_are_hashed_to_the_last_byte(
    tmp_path: Path, alice: Ed25519PrivateKey, size: int
) -> None:
    patch = bytes(random.Random(size).randbytes(size))
    factory = ReceiptFactory(tmp_path, {**ARTIFACT_TEXT, "patch.diff": patch})
    env = sign_receipt(factory.write(runner_id="alice"), Ed25519Signer(alice))
    store = trust_store(trust_line(alice))
    (v,) = verify_receipts([env], store, schema_path=SCHEMA)
    assert v.ok, v.reason
    if size:
        changed = bytearray(patch)
        changed[-1] ^= 1
        (tmp_path / "patch.diff").write_bytes(bytes(changed))
        (v,) = verify_receipts([env], store, schema_path=SCHEMA)
        assert (v.code, "patch.diff digest" in v.reason) == ("artifact", True)
    (tmp_path / "patch.diff").write_bytes(patch + b"\n")
    (v,) = verify_receipts([env], store, schema_path=SCHEMA)
    assert v.reason == f"artifact patch.diff has {size + 1} bytes, receipt says {size}"


def test_unreadable_and_odd_receipt_files(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    store = trust_store(trust_line(alice))
    env = signed_receipt(tmp_path / "ok", alice)
    fifo = tmp_path / "odd" / env.name
    fifo.parent.mkdir()
    os.mkfifo(fifo)  # must not hang the verifier
    folder = tmp_path / "dir" / env.name
    folder.mkdir(parents=True)
    verdicts = verify_receipts([env, fifo, folder.parent], store, schema_path=SCHEMA)
    assert [v.code for v in verdicts] == ["ok", "envelope", "unreadable"]
    assert verdicts[2].reason == "cannot read: Is a directory"
