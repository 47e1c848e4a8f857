"""A receipts folder's own trust/: the newcomer's two steps work, and the folder vouches for no
more than its own community receipts (issue 22, finding 1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner.catalog import task_digest
from runner.cell import RunnerKey, load_or_create_key, write_trust
from runner.cli import main
from runner.receipts import (
    Ed25519Signer,
    TrustKind,
    TrustStoreError,
    resolve_trust,
    sign_receipt,
    verify_receipts,
)
from tests.receipt_factory import ReceiptFactory, trust_line

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "receipt.schema.json"
MODEL = "meta/llama-3.3-70b-instruct"  # in the repository's models.toml


def cab(root: Path, *args: object) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), *map(str, args)])


def project(tmp_path: Path, *signer_lines: str) -> Path:
    """A project root with the repository's schemas and catalog and its own keys/."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copy(ROOT / "models.toml", root / "models.toml")
    (root / "keys").mkdir()
    (root / "keys" / "allowed_signers").write_text("".join(f"{s}\n" for s in signer_lines))
    return root


TASKS = ("py-confkit-inline-comments", "sh-cfgcheck-set-e")  # real tasks: the board checks them


def local_run(out: Path, key: RunnerKey, tasks: tuple[str, ...] = TASKS) -> list[Path]:
    """What `cab cell run --out OUT` leaves, minus Docker: signed cells and OUT/trust."""
    write_trust(out, key)
    envelopes = []
    for task in tasks:
        factory = ReceiptFactory(out / f"aider__{task}")
        predicate = factory.write(
            runner_id=key.runner_id,
            agent="aider",
            model=MODEL,
            task=task,
            task_digest=task_digest(ROOT / "tasks" / task),
        )
        envelopes.append(sign_receipt(predicate, key.signer))
    return envelopes


@pytest.fixture
def newcomer(tmp_path: Path) -> RunnerKey:
    return load_or_create_key(tmp_path / "home" / "runner_ed25519", "newcomer")


def test_the_newcomers_two_steps_verify_and_build(tmp_path: Path, newcomer: RunnerKey) -> None:
    out = tmp_path / "out"
    envelopes = local_run(out, newcomer)
    verified = cab(ROOT, "receipts", "verify", out)  # the shipped keys/ trusts nobody
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.splitlines() == [
        *(
            f"ok community {e} (image not locked: the receipt records no image identity)"
            for e in envelopes
        ),
        "2/2 receipts ok (0 official, 2 community), 0 failed",
    ]
    # Which trust stores judged it, on stderr: the project's keys/ and the folder's own trust/.
    assert verified.stderr.startswith(f"trust: {ROOT / 'keys'} (project, 0 key lines), ")
    assert f"{out / 'trust'} (the folder's own; community tier only, 1 key line)" in (
        verified.stderr
    )

    as_json = json.loads(cab(ROOT, "receipts", "verify", out, "--json").stdout)
    assert as_json["ok"] is True
    assert [(s["path"], s["kind"]) for s in as_json["trust_stores"]] == [
        (str(ROOT / "keys"), "project"),
        (str(out / "trust"), "folder"),
    ]

    board = cab(ROOT, "board", "build", out, "-o", tmp_path / "board", "--json")
    assert board.exit_code == 0, board.output
    doc = json.loads(board.stdout)
    assert doc["receipts"] == 2 and doc["skipped"] == []
    assert [s["kind"] for s in doc["trust_stores"]] == ["project", "folder"]
    board_json = json.loads((tmp_path / "board" / "board.json").read_text())
    assert {c["tier"] for c in board_json["cells"]} == {"community"}


def test_an_explicit_trust_dir_is_read_alone(tmp_path: Path, newcomer: RunnerKey) -> None:
    out = tmp_path / "out"
    local_run(out, newcomer)
    empty = tmp_path / "empty-keys"
    empty.mkdir()
    result = cab(ROOT, "receipts", "verify", out, "--trust-dir", empty)
    assert result.exit_code == 1
    assert "is not trusted" in result.stdout
    assert "trust: " not in result.stderr  # the user named the store; --json still lists it
    doc = json.loads(cab(ROOT, "receipts", "verify", out, "--trust-dir", empty, "--json").stdout)
    assert doc["trust_stores"] == [
        {"path": str(empty), "kind": "given", "signers": 0, "ignored": []}
    ]
    board = cab(ROOT, "board", "build", out, "-o", tmp_path / "b", "--trust", empty)
    assert board.exit_code == 2 and "is not trusted" in board.output


def test_a_folder_cannot_sign_as_a_runner_the_project_knows(
    tmp_path: Path, newcomer: RunnerKey
) -> None:
    # keys/ says who "newcomer" is; a folder vouching for another key under that id is ignored.
    known = Ed25519PrivateKey.generate()
    root = project(tmp_path, trust_line(known, "newcomer"))
    out = tmp_path / "out"
    local_run(out, newcomer, tasks=TASKS[:1])
    result = cab(root, "receipts", "verify", out)
    assert result.exit_code == 1, result.output
    assert "is not trusted" in result.stdout
    assert "names runner newcomer, which the project's trust store decides for" in result.stderr


@pytest.mark.parametrize(
    ("folder_files", "project_lines", "signers", "ignored"),
    [
        # (files in OUT/trust, principals in keys/, signer lines kept from the folder, notes)
        ({"allowed_signers": "a"}, (), 1, 0),
        ({"allowed_signers": "a"}, ("a",), 0, 1),
        ({"allowed_signers": "a,b"}, ("b",), 0, 1),
        ({"allowed_signers": "a", "sigstore_identities.json": "{}"}, (), 1, 1),
        ({"allowed_signers": "a", "sigstore/trusted_root.json": "{}"}, (), 1, 1),
        ({"sigstore_identities.json": "{}"}, (), None, None),  # no allowed_signers: not read
    ],
)
def test_what_a_folders_trust_contributes(
    tmp_path: Path,
    folder_files: dict[str, str],
    project_lines: tuple[str, ...],
    signers: int | None,
    ignored: int | None,
) -> None:
    key = Ed25519PrivateKey.generate()
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "allowed_signers").write_text(
        "".join(trust_line(Ed25519PrivateKey.generate(), p) + "\n" for p in project_lines)
    )
    out = tmp_path / "out"
    for rel, principal_or_text in folder_files.items():
        path = out / "trust" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = trust_line(key, principal_or_text) if rel == "allowed_signers" else principal_or_text
        path.write_text(text + "\n")
    resolved = resolve_trust([out], keys, None)
    folders = [s for s in resolved.sources if s.kind is TrustKind.folder]
    if signers is None:
        assert folders == []
        return
    (folder,) = folders
    assert (folder.signers, len(folder.ignored)) == (signers, ignored)
    assert len(resolved.store.signers) == len(project_lines) + signers
    # Official tier is the project's alone, whatever the folder holds.
    assert resolved.store.sigstore_identities == () and resolved.store.trusted_root is None


def test_only_the_given_folders_own_trust_is_read(tmp_path: Path, newcomer: RunnerKey) -> None:
    # A trust/ deeper inside the folder (say, inside a pull request's cell folder) is not read.
    out = tmp_path / "out"
    (envelope,) = local_run(out / "nested", newcomer, tasks=TASKS[:1])
    keys = tmp_path / "keys"
    keys.mkdir()
    resolved = resolve_trust([out], keys, None)
    assert [s.kind for s in resolved.sources] == [TrustKind.project]
    (verdict,) = verify_receipts([out], resolved.store, schema_path=SCHEMA)
    assert verdict.code == "untrusted-key"
    # A file named on the command line brings no trust store either.
    assert [s.kind for s in resolve_trust([envelope], keys, None).sources] == [TrustKind.project]


def test_a_malformed_folder_trust_file_is_one_line_exit_2(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    out = tmp_path / "out"
    ReceiptFactory(out / "c1").write()
    sign_receipt(out / "c1" / "receipt.json", Ed25519Signer(key))
    (out / "trust").mkdir()
    (out / "trust" / "allowed_signers").write_text("alice ssh-rsa AAAA\n")
    with pytest.raises(TrustStoreError, match=r"trust/allowed_signers:1: "):
        resolve_trust([out], ROOT / "keys", None)
    result = cab(ROOT, "receipts", "verify", out)
    assert result.exit_code == 2
    assert "trust/allowed_signers:1: key type ssh-rsa is not supported" in result.output
