"""A board over receipts of calibration models (not in the catalog) renders its site."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner.cli import main
from tests.receipt_factory import signed_receipt, trust_line

ROOT = Path(__file__).resolve().parents[1]


def test_board_build_with_calibration_models(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    for i, model in enumerate(("oracle", "null")):
        signed_receipt(tmp_path / "r" / f"c{i}", key, model=model, task=f"task-{i}")
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "allowed_signers").write_text(trust_line(key) + "\n")
    result = CliRunner().invoke(
        main,
        ["--root", str(ROOT), "board", "build", str(tmp_path / "r"), "-o", str(tmp_path / "b"),
         "--trust", str(trust)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output + repr(result.exception)
    catalog_page = (tmp_path / "b" / "catalog.html").read_text()
    assert "oracle" in catalog_page and "tier-community" in catalog_page
