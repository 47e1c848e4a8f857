"""`cab board build` and `cab board diff` end to end on signed envelope files."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import runner.receipts
from runner import METHODOLOGY_VERSION
from runner.board import BoardError, VerificationResult
from runner.board._inputs import adapt_verdicts, receipts_verifier
from runner.cli import main
from runner.receipts._models import Receipt, Tier
from tests.board.envelopes import Ed25519Verifier, envelope_bytes, keyid
from tests.board.receipt_factory import make_receipt as _make_receipt

LLAMA = "meta/llama-3.3-70b-instruct"  # the model in the repository's models.toml
V = METHODOLOGY_VERSION  # the version of the repository's models.toml
OTHER = f"{V.split('.')[0]}.{int(V.split('.')[1]) + 1}"  # another minor of the same major


def make_receipt(*args: Any, **kwargs: Any) -> Receipt:
    """Receipts of the repository catalog's version unless the test says otherwise."""
    return _make_receipt(*args, **{"methodology_version": V, **kwargs})


OFFICIAL_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
COMMUNITY_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
STRANGER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(2, 34)))


def verifier() -> Ed25519Verifier:
    return Ed25519Verifier(
        {
            keyid(OFFICIAL_KEY.public_key()): (OFFICIAL_KEY.public_key(), Tier.official),
            keyid(COMMUNITY_KEY.public_key()): (COMMUNITY_KEY.public_key(), Tier.community),
        }
    )


@pytest.fixture(autouse=True)
def _verifier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "runner.cli._board.load_verifier", lambda trust, schema, digests=None: verifier()
    )


def write(folder: Path, receipt: Receipt, key: Ed25519PrivateKey = OFFICIAL_KEY) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{receipt.cell.key}.dsse.json"
    path.write_bytes(envelope_bytes(receipt, key))
    return path


@pytest.fixture
def receipts(tmp_path: Path) -> Path:
    folder = tmp_path / "receipts"
    for i, outcome in enumerate(["passed", "passed", "failed", "infra_error"]):
        write(folder / "shard-1", make_receipt("aider", LLAMA, f"t{i}", outcome))
    for i, outcome in enumerate(["passed", "failed", "failed", "agent_error"]):
        write(folder / "shard-2", make_receipt("codex", LLAMA, f"t{i}", outcome))
    write(folder / "community", make_receipt("opencode", LLAMA, "t0", "passed"), COMMUNITY_KEY)
    return folder


def cab(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), *map(str, args)])


def test_build_writes_a_valid_board_and_site(root: Path, receipts: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = cab(root, "board", "build", receipts, "-o", out)
    assert result.exit_code == 0, result.output
    assert "9 receipts, 3 cells, 0 skipped" in result.output

    data = json.loads((out / "board.json").read_bytes())
    schema = json.loads((root / "schemas" / "board.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    files = sorted(receipts.rglob("*.dsse.json"))
    assert data["receipts"] == sorted(
        "sha256:" + hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    )
    cells = {(c["agent"], c["tier"]): c for c in data["cells"]}
    assert (cells[("aider", "official")]["passes"], cells[("aider", "official")]["n"]) == (2, 3)
    assert cells[("codex", "official")]["outcomes"]["agent_error"] == 1
    assert cells[("opencode", "community")]["n"] == 1

    for page in (
        "index.html",
        "catalog.html",
        "assets/style.css",
        "models/index.html",
        "agents/index.html",
        "models/meta--llama-3.3-70b-instruct.html",
        "agents/aider.html",
        "agents/codex.html",
        "agents/opencode.html",
    ):
        assert (out / page).is_file(), page
    index = (out / "index.html").read_text()
    assert "<svg" in index and "66.7%" in index
    summary = (out / "summary.md").read_text()
    assert summary.startswith("## CodingAgentBench board")
    assert "| Aider | **66.7%** [21-94] · " in summary  # display name from agent.toml
    assert len(summary.encode()) < 1024 * 1024
    assert not list(tmp_path.glob(".site.*"))  # no staging folder left behind


def test_same_receipts_give_byte_identical_output(
    root: Path, receipts: Path, tmp_path: Path
) -> None:
    assert cab(root, "board", "build", receipts, "-o", tmp_path / "a").exit_code == 0
    # Same receipts, named file by file in another order: same bytes.
    files = sorted(receipts.rglob("*.dsse.json"), reverse=True)
    assert cab(root, "board", "build", *files, "-o", tmp_path / "b").exit_code == 0
    for name in ("board.json", "summary.md", "index.html", "catalog.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_invalid_receipt_refuses_the_build(root: Path, receipts: Path, tmp_path: Path) -> None:
    bad = write(receipts / "bad", make_receipt("aider", LLAMA, "t9", "passed"), STRANGER_KEY)
    out = tmp_path / "site"
    result = cab(root, "board", "build", receipts, "-o", out)
    assert result.exit_code == 2
    assert f"{bad}: no signature by a trusted key" in result.output
    assert not out.exists()


def test_skip_invalid_drops_and_lists(root: Path, receipts: Path, tmp_path: Path) -> None:
    bad = write(receipts / "bad", make_receipt("aider", LLAMA, "t9", "passed"), STRANGER_KEY)
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main,
        ["--root", str(root), "board", "build", str(receipts), "-o", str(out), "--skip-invalid"],
    )
    assert result.exit_code == 0, result.output
    assert f"skipped {bad}: no signature by a trusted key" in result.stderr
    assert "9 receipts, 3 cells, 1 skipped" in result.stdout
    assert f"`{bad}`: no signature by a trusted key" in (out / "summary.md").read_text()
    digest = "sha256:" + hashlib.sha256(bad.read_bytes()).hexdigest()
    assert digest not in json.loads((out / "board.json").read_bytes())["receipts"]


def test_failed_build_leaves_the_previous_board(root: Path, receipts: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cab(root, "board", "build", receipts, "-o", out).exit_code == 0
    before = (out / "board.json").read_bytes()
    write(receipts, make_receipt("aider", LLAMA, "t0", "failed", methodology_version=OTHER))
    result = cab(root, "board", "build", receipts, "-o", out)
    assert result.exit_code == 2
    pair = ", ".join(sorted((V, OTHER)))
    assert f"methodology versions {pair} cannot share a board" in result.output
    assert (out / "board.json").read_bytes() == before


def test_archive_keeps_board_with_its_catalog(root: Path, receipts: Path, tmp_path: Path) -> None:
    out, archive = tmp_path / "site", tmp_path / "archive"
    result = cab(root, "board", "build", receipts, "-o", out, "--archive", archive)
    assert result.exit_code == 0, result.output
    assert (archive / V / "board.json").read_bytes() == (out / "board.json").read_bytes()
    assert (archive / V / "models.toml").read_bytes() == (root / "models.toml").read_bytes()
    # Rebuilding from the archived catalog gives the same board.
    again = tmp_path / "again"
    models = archive / V / "models.toml"
    assert cab(root, "board", "build", receipts, "-o", again, "--models", models).exit_code == 0
    assert (again / "board.json").read_bytes() == (out / "board.json").read_bytes()


def test_missing_path_is_one_line(root: Path, tmp_path: Path) -> None:
    result = cab(root, "board", "build", tmp_path / "nope", "-o", tmp_path / "site")
    assert result.exit_code == 2
    assert "nope: no such file or directory" in result.output


def test_diff_cell_by_cell(root: Path, receipts: Path, tmp_path: Path) -> None:
    old_files = sorted((receipts / "shard-1").glob("*.json"))[:2]  # aider: t0 pass, t1 pass
    assert cab(root, "board", "build", *old_files, "-o", tmp_path / "old").exit_code == 0
    assert cab(root, "board", "build", receipts, "-o", tmp_path / "new").exit_code == 0

    result = cab(root, "board", "diff", tmp_path / "old", tmp_path / "new", "--json")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.output)
    assert diff["comparable"] is True
    assert (diff["receipts_added"], diff["receipts_removed"]) == (7, 0)
    by_cell = {(c["tier"], c["agent"]): c for c in diff["cells"]}
    aider = by_cell[("official", "aider")]
    assert aider["change"] == "changed"
    assert (aider["old_pass_rate"], aider["new_pass_rate"]) == (1.0, 0.666667)
    assert aider["delta_pass_rate"] == -0.333333
    assert (aider["old_n"], aider["new_n"]) == (2, 3)
    assert by_cell[("official", "codex")]["change"] == "added"
    assert by_cell[("community", "opencode")]["change"] == "added"

    text = cab(root, "board", "diff", tmp_path / "old", tmp_path / "new")
    assert "~ official  aider x meta/llama-3.3-70b-instruct: 100.0% -> 66.7% (-33.3 pts" in (
        text.output
    )
    same = cab(root, "board", "diff", tmp_path / "new", tmp_path / "new", "--json")
    assert json.loads(same.output)["cells"] == []


def test_diff_rejects_a_non_board(tmp_path: Path, root: Path) -> None:
    (tmp_path / "x.json").write_text('{"cells": []}')
    result = cab(root, "board", "diff", tmp_path / "x.json", tmp_path / "x.json")
    assert result.exit_code == 2
    assert "x.json: not a board" in result.output


@dataclass
class FakeVerdict:
    path: Path
    ok: bool
    tier: str | None
    reason: str
    receipt: Receipt | None


def test_adapt_verdicts_digests_the_envelope_bytes(tmp_path: Path) -> None:
    receipt = make_receipt("aider", LLAMA, "t0", "passed")
    good = write(tmp_path, receipt)
    results = adapt_verdicts(
        [
            FakeVerdict(good, True, "community", "", receipt),
            FakeVerdict(tmp_path / "bad.dsse.json", False, None, "bad signature", None),
        ]
    )
    assert results[0].verified is not None
    assert results[0].verified.tier is Tier.community
    assert results[0].verified.digest == "sha256:" + hashlib.sha256(good.read_bytes()).hexdigest()
    assert results[1] == VerificationResult(tmp_path / "bad.dsse.json", None, "bad signature")


def test_no_board_without_a_verifier(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delattr(runner.receipts, "verify_receipts", raising=False)
    with pytest.raises(BoardError, match="refusing to build a board from unverified receipts"):
        receipts_verifier(tmp_path)


def test_never_replaces_an_unrelated_folder(root: Path, receipts: Path, tmp_path: Path) -> None:
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    result = cab(root, "board", "build", receipts, "-o", precious)
    assert result.exit_code == 2
    assert "not a board folder" in result.output
    assert (precious / "notes.txt").read_text() == "keep me"


def test_a_receipt_named_twice_counts_once(root: Path, receipts: Path, tmp_path: Path) -> None:
    one = sorted(receipts.rglob("*.dsse.json"))[0]
    twice = one.parent / ".." / one.parent.name / one.name
    result = cab(root, "board", "build", receipts, one, twice, "-o", tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert "9 receipts, 3 cells" in result.output
