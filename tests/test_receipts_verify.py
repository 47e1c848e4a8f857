"""Signing and verifying receipts end to end: round trip, each check's failure, the CLI."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner import RECEIPT_PREDICATE_TYPE
from runner.cli import main
from runner.receipts import (
    INTOTO_PAYLOAD_TYPE,
    RECEIPT_NAMESPACE,
    Ed25519Signer,
    Envelope,
    Receipt,
    Signature,
    SshKeygenSigner,
    Tier,
    build_statement,
    canonical_bytes,
    generate_keypair,
    load_trust_store,
    sign_envelope,
    sign_receipt,
    verify_receipts,
)
from runner.receipts._sshkeys import sign_with_ssh_keygen
from tests.receipt_factory import ReceiptFactory, signed_receipt, trust_line, trust_store

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "receipt.schema.json"


@pytest.fixture(scope="module")
def alice() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _resign(envelope: Path, payload: bytes, key: Ed25519PrivateKey) -> None:
    """Replace the payload and sign it properly: the failure must come from a later check."""
    envelope.write_bytes(sign_envelope(payload, Ed25519Signer(key)).file_bytes())


def _statement(envelope: Path) -> dict[str, object]:
    env = json.loads(envelope.read_bytes())
    result: dict[str, object] = json.loads(base64.b64decode(env["payload"]))
    return result


def _verify_one(path: Path, store: object, **kw: object) -> tuple[str, str]:
    (v,) = verify_receipts([path], store, schema_path=SCHEMA, **kw)  # type: ignore[arg-type]
    return v.code, v.reason


def test_round_trip_generate_sign_trust_verify_via_cli(tmp_path: Path) -> None:
    cli = CliRunner()
    key = tmp_path / "id"
    out = cli.invoke(main, ["keys", "generate", "--out", str(key), "--runner-id", "alice"])
    assert out.exit_code == 0, out.output
    trust = tmp_path / "keys"
    trust.mkdir()
    (trust / "allowed_signers").write_text(out.output.strip().splitlines()[-1] + "\n")
    receipt = ReceiptFactory(tmp_path / "run").write(runner_id="alice")
    signed = cli.invoke(main, ["receipts", "sign", str(receipt), "--key", str(key)])
    assert signed.exit_code == 0, signed.output
    envelope = Path(signed.output.split()[-1])
    assert envelope.name == "claude-code__qwen--qwen3-coder-30b__fix-off-by-one__a1.dsse.json"

    ok = cli.invoke(main, ["receipts", "verify", str(tmp_path / "run"), "--trust-dir", str(trust)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines() == [
        f"ok community {envelope} (image not locked: the receipt records no image identity)",
        "1/1 receipts ok (0 official, 1 community), 0 failed",
    ]
    as_json = cli.invoke(
        main, ["receipts", "verify", str(envelope), "--trust-dir", str(trust), "--json"]
    )
    doc = json.loads(as_json.output)
    assert doc["ok"] is True and doc["receipts"][0]["principal"] == "alice"
    assert doc["receipts"][0]["tier"] == "community"

    # The same receipt against the shipped (empty) trust store fails, exit 1, one line why.
    empty = cli.invoke(
        main, ["receipts", "verify", str(envelope), "--trust-dir", str(ROOT / "keys")]
    )
    assert empty.exit_code == 1
    assert empty.output.startswith(f"FAIL {envelope}: signature 0: key SHA256:")

    shown = cli.invoke(main, ["receipts", "show", str(envelope)])
    assert shown.exit_code == 0 and "fix-off-by-one" in shown.output and "passed" in shown.output


def test_verdict_carries_the_receipt_for_the_board(
    tmp_path: Path, alice: Ed25519PrivateKey
) -> None:
    env = signed_receipt(tmp_path, alice)
    (v,) = verify_receipts([env], trust_store(trust_line(alice)), schema_path=SCHEMA)
    assert v.ok and v.tier is Tier.community and v.principal == "alice"
    assert isinstance(v.receipt, Receipt) and v.receipt.runner.id == "alice"
    payload = base64.b64decode(json.loads(env.read_bytes())["payload"])
    assert v.statement_digest == "sha256:" + hashlib.sha256(payload).hexdigest()
    stmt = json.loads(payload)
    assert stmt["predicateType"] == RECEIPT_PREDICATE_TYPE
    assert {s["name"] for s in stmt["subject"]} == {
        "patch.diff", "transcript.jsonl", "agent.log", "checks/runner.log", "checks/lint.log",
        "checks/diff.log", "task:fix-off-by-one",
    }  # fmt: skip


def test_principal_must_equal_runner_id(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    env = signed_receipt(tmp_path, alice, runner_id="mallory")
    code, reason = _verify_one(env, trust_store(trust_line(alice, "alice")))
    assert code == "principal" and "runner id is 'mallory'" in reason


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ('namespaces="git"', "namespace"),
        ('valid-before="20200101Z"', "key-validity"),
        ('valid-after="29990101Z"', "key-validity"),
        (f'namespaces="git,{RECEIPT_NAMESPACE}",valid-after="20200101Z"', "ok"),
        ("", "ok"),  # no namespaces option: any namespace
    ],
)
def test_trust_line_options(
    tmp_path: Path, alice: Ed25519PrivateKey, options: str, code: str
) -> None:
    env = signed_receipt(tmp_path, alice)
    got, _ = _verify_one(env, trust_store(trust_line(alice, "alice", options)))
    assert got == code


def test_validity_is_judged_at_the_given_time(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    env = signed_receipt(tmp_path, alice)
    store = trust_store(trust_line(alice, "alice", 'valid-before="20300101Z"'))
    assert _verify_one(env, store, now=datetime(2029, 12, 31, tzinfo=UTC))[0] == "ok"
    assert _verify_one(env, store, now=datetime(2030, 1, 1, tzinfo=UTC))[0] == "key-validity"


def test_a_second_line_can_authorise_the_same_key(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    env = signed_receipt(tmp_path, alice)
    store = trust_store(
        trust_line(alice, "alice", 'valid-before="20200101Z"'), trust_line(alice, "alice")
    )
    assert _verify_one(env, store)[0] == "ok"


def test_duplicate_cells_across_the_set(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    a = signed_receipt(tmp_path / "a", alice)
    b = signed_receipt(tmp_path / "b", alice)
    c = signed_receipt(tmp_path / "c", alice, attempt=2)
    verdicts = verify_receipts([tmp_path], trust_store(trust_line(alice)), schema_path=SCHEMA)
    codes = {v.path: v.code for v in verdicts}
    assert codes == {a: "duplicate-cell", b: "duplicate-cell", c: "ok"}
    # The same file named twice (directly and through its folder) is one receipt, not two.
    again = verify_receipts([c, tmp_path / "c"], trust_store(trust_line(alice)), schema_path=SCHEMA)
    assert [v.code for v in again] == ["ok"]


def test_artifact_checks(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    store = trust_store(trust_line(alice))
    env = signed_receipt(tmp_path, alice)
    (tmp_path / "checks" / "lint.log").write_bytes(b"All checks passed?\n")
    digest = hashlib.sha256(b"All checks passed?\n").hexdigest()
    assert _verify_one(env, store) == (
        "artifact", f"artifact checks/lint.log digest sha256:{digest} differs from the receipt"
    )  # fmt: skip
    (tmp_path / "checks" / "lint.log").unlink()
    assert "missing" in _verify_one(env, store)[1]
    (tmp_path / "checks" / "lint.log").write_bytes(b"short")
    assert "has 5 bytes" in _verify_one(env, store)[1]


def test_renamed_receipt_file_fails(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    env = signed_receipt(tmp_path, alice)
    for name in ("other-cell.dsse.json", env.name.replace(".dsse.json", ".x.dsse.json")):
        moved = env.with_name(name)
        env.rename(moved)
        assert _verify_one(moved, trust_store(trust_line(alice)))[0] == "file-name"
        env = moved


def test_task_digest_check(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    env = signed_receipt(tmp_path, alice)
    receipt = verify_receipts([env], trust_store(trust_line(alice)))[0].receipt
    assert receipt is not None
    store = trust_store(trust_line(alice))
    assert _verify_one(env, store, task_digests={"fix-off-by-one": receipt.task.digest})[0] == "ok"
    assert _verify_one(env, store, task_digests={}) == (
        "task-digest", "task fix-off-by-one is not in the catalog"
    )  # fmt: skip
    other = "sha256:" + "1" * 64
    code, reason = _verify_one(env, store, task_digests={"fix-off-by-one": other})
    assert code == "task-digest" and other in reason


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda s: s.update(_type="https://in-toto.io/Statement/v0.1"), "statement"),
        (lambda s: s.update(predicateType="https://example.com/other/v1"), "predicate-type"),
        (lambda s: s["predicate"].update(surprise=1), "schema"),
        (lambda s: s["predicate"]["runner"].pop("host"), "schema"),
        (lambda s: s["predicate"].update(outcome="failed"), "predicate"),  # model-level rule
        (lambda s: s["subject"].pop(), "subjects"),
        (lambda s: s["subject"][0]["digest"].update(sha256="0" * 64), "subjects"),
        (lambda s: s["predicate"]["artifacts"]["patch"].update(path="../patch.diff"), "schema"),
        (lambda s: s.update(predicate=[]), "schema"),
    ],
)
def test_signed_but_wrong_statements(
    tmp_path: Path, alice: Ed25519PrivateKey, mutate: object, code: str
) -> None:
    """Correctly signed by a trusted key, yet wrong inside: each caught by its own check."""
    env = signed_receipt(tmp_path, alice)
    stmt = _statement(env)
    mutate(stmt)  # type: ignore[operator]
    _resign(env, canonical_bytes(stmt), alice)
    assert _verify_one(env, trust_store(trust_line(alice)))[0] == code


def test_payload_type_and_canonical_form(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    store = trust_store(trust_line(alice))
    env = signed_receipt(tmp_path, alice)
    payload = canonical_bytes(_statement(env))
    other = Envelope("application/json", payload, ())
    sig = Signature(Ed25519Signer(alice).keyid, alice.sign(other.pae()))
    env.write_bytes(Envelope("application/json", payload, (sig,)).file_bytes())
    assert _verify_one(env, store)[0] == "payload-type"
    _resign(env, json.dumps(_statement_from(payload), indent=1).encode(), alice)
    assert _verify_one(env, store) == ("payload", "payload: not RFC 8785 canonical JSON")
    # Pretty-printing the envelope file itself is a change too.
    _resign(env, payload, alice)
    env.write_text(json.dumps(json.loads(env.read_bytes()), indent=2))
    assert _verify_one(env, store)[0] == "envelope"


def _statement_from(payload: bytes) -> object:
    return json.loads(payload)


def test_url_safe_base64_is_read_by_the_dsse_layer(alice: Ed25519PrivateKey) -> None:
    env = sign_envelope(b'{"a":"??>>"}', Ed25519Signer(alice))  # '?>' encodes to '/' and '+'
    assert "/" in env.to_dict()["payload"] or "+" in env.to_dict()["payload"]
    doc = env.to_dict()
    doc["payload"] = base64.urlsafe_b64encode(env.payload).decode().rstrip("=")
    assert Envelope.from_dict(doc) == env


@pytest.mark.skipif(
    shutil.which("ssh-keygen") is None and not os.environ.get("CI"), reason="no ssh-keygen"
)
def test_ssh_keygen_signed_receipt_verifies_and_altered_fails(tmp_path: Path) -> None:
    private, public = generate_keypair(tmp_path / "id")
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "allowed_signers").write_text(
        f'alice namespaces="{RECEIPT_NAMESPACE}" {public.read_text()}'
    )
    store = load_trust_store(keys)
    receipt = ReceiptFactory(tmp_path / "run").write(runner_id="alice")
    env = sign_receipt(receipt, SshKeygenSigner(private))
    sig = base64.b64decode(json.loads(env.read_bytes())["signatures"][0]["sig"])
    assert sig.startswith(b"SSHSIG")
    assert _verify_one(env, store) == ("ok", "")

    # Through the CLI too.
    out = CliRunner().invoke(
        main, ["receipts", "sign", str(receipt), "--key", str(private), "--ssh-keygen"]
    )
    assert out.exit_code == 0, out.output
    assert _verify_one(env, store) == ("ok", "")

    # Altered: a payload byte changed under the same SSHSIG.
    doc = json.loads(env.read_bytes())
    payload = bytearray(base64.b64decode(doc["payload"]))
    payload[payload.index(b'"passed"') + 1] = ord("P")
    doc["payload"] = base64.b64encode(bytes(payload)).decode()
    env.write_bytes(canonical_bytes(doc) + b"\n")
    assert _verify_one(env, store) == ("signature", "signature 0: SSHSIG signature does not verify")

    # Signed for another namespace by the trusted key.
    blob = sign_with_ssh_keygen(
        Envelope(INTOTO_PAYLOAD_TYPE, bytes(payload), ()).pae(), private, "git"
    )
    doc["signatures"][0]["sig"] = base64.b64encode(blob).decode()
    env.write_bytes(canonical_bytes(doc) + b"\n")
    assert _verify_one(env, store)[0] == "namespace"


def test_statement_shape(tmp_path: Path) -> None:
    receipt = Receipt.model_validate(ReceiptFactory(tmp_path).predicate())
    stmt = build_statement(receipt)
    assert list(stmt) == ["_type", "subject", "predicateType", "predicate"]
    names = [s["name"] for s in stmt["subject"]]
    assert names == sorted(names)


def test_sign_refuses_bad_input(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    factory = ReceiptFactory(tmp_path)
    path = factory.write()
    (tmp_path / "agent.log").write_text("changed after the run")
    cli = CliRunner()
    key = tmp_path / "id"
    generate_keypair(key)
    out = cli.invoke(main, ["receipts", "sign", str(path), "--key", str(key)])
    assert out.exit_code == 2 and "artifact agent.log" in out.output
    assert not list(tmp_path.glob("*.dsse.json"))
    path.write_text('{"schema_version": 1, "schema_version": 1}')
    out = cli.invoke(main, ["receipts", "sign", str(path), "--key", str(key)])
    assert out.exit_code == 2 and "duplicate JSON key" in out.output
    out = cli.invoke(main, ["receipts", "sign", str(path)])
    assert out.exit_code == 2 and "exactly one of --key" in out.output


def test_cli_verify_rejects_empty_input_and_bad_schema(
    tmp_path: Path, alice: Ed25519PrivateKey
) -> None:
    out = CliRunner().invoke(main, ["receipts", "verify", str(tmp_path)])
    assert out.exit_code == 2 and "no receipts" in out.output
    env = signed_receipt(tmp_path / "r", alice)
    bad = tmp_path / "bad.schema.json"
    bad.write_text('{"type": 12}')
    out = CliRunner().invoke(main, ["receipts", "verify", str(env), "--schema", str(bad)])
    assert out.exit_code == 2 and "unusable schema" in out.output


def test_every_signature_must_verify(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    env = signed_receipt(tmp_path, alice)
    one = Envelope.from_dict(json.loads(env.read_bytes()))
    store = trust_store(trust_line(alice))
    bob = Ed25519PrivateKey.generate()
    cosigned = (*one.signatures, Signature(Ed25519Signer(bob).keyid, bob.sign(one.pae())))
    env.write_bytes(Envelope(one.payload_type, one.payload, cosigned).file_bytes())
    assert _verify_one(env, store)[0] == "untrusted-key"
    twice = (*one.signatures, *one.signatures)
    env.write_bytes(Envelope(one.payload_type, one.payload, twice).file_bytes())
    assert _verify_one(env, store)[0] == "ok"


def test_one_verdict_per_file_in_the_order_given(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    """The board relies on this: files in, verdicts out, same order, same Path objects."""
    a = signed_receipt(tmp_path / "a", alice, task="t-a")
    b = signed_receipt(tmp_path / "b", alice, task="t-b")
    missing = tmp_path / "gone.dsse.json"
    verdicts = verify_receipts([b, missing, a], trust_store(trust_line(alice)), schema_path=SCHEMA)
    assert [v.path for v in verdicts] == [b, missing, a]
    assert [v.code for v in verdicts] == ["ok", "unreadable", "ok"]


def test_cli_signs_with_a_passphrase_protected_key(tmp_path: Path) -> None:
    key, _ = generate_keypair(tmp_path / "id", passphrase=b"pw")
    receipt = ReceiptFactory(tmp_path / "run").write()
    cli = CliRunner()
    no_pass = cli.invoke(main, ["receipts", "sign", str(receipt), "--key", str(key)])
    assert no_pass.exit_code == 2 and "passphrase" in no_pass.output
    ok = cli.invoke(
        main,
        ["receipts", "sign", str(receipt), "--key", str(key)],
        env={"CAB_KEY_PASSPHRASE": "pw"},
    )
    assert ok.exit_code == 0, ok.output
    assert Path(ok.output.split()[-1]).is_file()


def test_workers_give_the_same_verdicts(tmp_path: Path, alice: Ed25519PrivateKey) -> None:
    envs = [signed_receipt(tmp_path / f"c{i}", alice, task=f"t{i % 9}") for i in range(12)]
    (envs[3].parent / "agent.log").write_text("changed")  # one artifact failure
    store = trust_store(trust_line(alice))
    one = verify_receipts([tmp_path], store, schema_path=SCHEMA)
    two = verify_receipts([tmp_path], store, schema_path=SCHEMA, workers=2)
    assert [v.to_json() for v in one] == [v.to_json() for v in two]
    assert [v.receipt for v in one] == [v.receipt for v in two]
    assert {v.code for v in two} == {"ok", "artifact", "duplicate-cell"}
    cli = CliRunner().invoke(
        main, ["receipts", "verify", str(tmp_path), "--workers", "2", "--trust-dir", str(tmp_path)]
    )
    assert cli.exit_code == 1 and len(cli.output.splitlines()) == 13


def test_every_failed_rescore_has_its_own_rejection_code() -> None:
    from runner.receipts import RejectionCode, RescoreCode

    failing = [c for c in RescoreCode if c not in (RescoreCode.ok, RescoreCode.no_checks)]
    assert {c.rejection() for c in failing} == {
        c for c in RejectionCode if c.value.startswith("rescore-")
    }
    # Machines read the code as its plain string (--json, the board's skip list).
    assert json.dumps({"code": RejectionCode.untrusted_key}) == '{"code": "untrusted-key"}'


def test_an_infra_error_without_evidence_is_rejected(
    tmp_path: Path, alice: Ed25519PrivateKey
) -> None:
    """An infra error leaves the denominator: a runner that relabels failures as infra errors
    without saying what failed would shrink it. A validly signed one is still refused."""
    from runner.receipts import Ed25519Signer, canonical_bytes, sign_receipt

    doc = ReceiptFactory(tmp_path).predicate(outcome="infra_error")
    doc["checks"] = []
    (tmp_path / "receipt.json").write_text(json.dumps(doc))
    envelope = sign_receipt(tmp_path / "receipt.json", Ed25519Signer(alice))
    store = trust_store(trust_line(alice))
    assert _verify_one(envelope, store)[0] == "ok"
    statement = _statement(envelope)
    statement["predicate"]["infra_evidence"] = []  # type: ignore[index]
    _resign(envelope, canonical_bytes(statement), alice)
    code, reason = _verify_one(envelope, store)
    assert code == "predicate" and "infra_evidence" in reason
