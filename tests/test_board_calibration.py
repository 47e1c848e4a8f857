"""`cab board build` end to end on signed receipts: calibration models (not in the catalog)
render, and receipts of another task version are refused one line each."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runner.catalog import task_digests
from runner.cli import main
from tests.receipt_factory import signed_receipt, trust_line

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = task_digests(ROOT / "tasks")
TASKS = sorted(DIGESTS)[:3]


def _trust(tmp_path: Path, key: Ed25519PrivateKey) -> Path:
    trust = tmp_path / "trust"
    trust.mkdir(exist_ok=True)
    (trust / "allowed_signers").write_text(trust_line(key) + "\n")
    return trust


def _build(tmp_path: Path, trust: Path, *extra: str) -> tuple[int, str]:
    args = ["--root", str(ROOT), "board", "build", str(tmp_path / "r"), "-o", str(tmp_path / "b")]
    result = CliRunner().invoke(main, [*args, "--trust", str(trust), *extra])
    return result.exit_code, result.output


def test_board_build_with_calibration_models(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    for i, model in enumerate(("oracle", "null")):
        task = TASKS[i]
        folder = tmp_path / "r" / f"c{i}"
        signed_receipt(folder, key, model=model, task=task, task_digest=DIGESTS[task])
    code, output = _build(tmp_path, _trust(tmp_path, key))
    assert code == 0, output
    catalog_page = (tmp_path / "b" / "catalog.html").read_text()
    assert "oracle" in catalog_page and "tier-community" in catalog_page


def test_receipts_of_another_task_version_are_refused_one_line_each(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    good, *stale = TASKS
    signed_receipt(
        tmp_path / "r" / "good", key, model="oracle", task=good, task_digest=DIGESTS[good]
    )
    for task in stale:  # signed, valid, but of a task tree that is not this one
        signed_receipt(
            tmp_path / "r" / task, key, model="oracle", task=task, task_digest="sha256:" + "1" * 64
        )
    trust = _trust(tmp_path, key)
    code, output = _build(tmp_path, trust)
    assert code == 2
    refused = [ln for ln in output.splitlines() if ln.startswith("[board] refused")]
    assert len(refused) == len(stale)
    for task, line in zip(stale, refused, strict=True):
        assert f"task {task} is {DIGESTS[task]} in the catalog" in line
    assert not (tmp_path / "b").exists()  # nothing half-written
    code, output = _build(tmp_path, trust, "--skip-invalid", "--json")
    assert code == 0, output
    assert (tmp_path / "b" / "board.json").is_file()
    assert sum("[board] skipped" in ln for ln in output.splitlines()) == len(stale)
