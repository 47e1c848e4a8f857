"""The import contracts of pyproject.toml hold, and they bite: a forbidden import fails them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, "-c", LINT, "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "runner", tmp_path / "runner", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _private(tree: Path) -> subprocess.CompletedProcess[str]:
    script = ROOT / "scripts" / "check_private_imports.py"
    return subprocess.run(
        [sys.executable, str(script), str(tree)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_tree_keeps_every_contract(tree: Path) -> None:
    res = _lint(tree)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "BROKEN" not in re.sub(r"\x1b\[[0-9;]*m", "", res.stdout)
    res = _private(tree)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # A cell that reached for the board would make cell and board one layer.
        ("cell/_lifecycle.py", "import runner.board", "Layers"),
        # The bottom layer must not know who builds on it.
        ("receipts/_models.py", "import runner.plan", "Layers"),
        ("sandbox/_base.py", "import runner.cell", "Layers"),
        # Independent siblings of one layer.
        ("proxy/_config.py", "import runner.oracle", "Layers"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    tree: Path, module: str, line: str, contract: str
) -> None:
    path = tree / "runner" / module
    text = path.read_text(encoding="utf-8")
    path.write_text(f"{text}\n{line}  # noqa: E402\n", encoding="utf-8")
    res = _lint(tree)
    assert res.returncode != 0
    # Some import-linter releases colour their output even into a pipe.
    plain = re.sub(r"\x1b\[[0-9;]*m", "", res.stdout)
    broken = [ln.strip() for ln in plain.splitlines() if ln.strip().endswith("BROKEN")]
    assert any(contract in ln for ln in broken), res.stdout


def test_reaching_into_another_packages_private_module_is_refused(tree: Path) -> None:
    path = tree / "runner" / "board" / "_build.py"
    line = "from runner.receipts._verify import SchemaCheck  # noqa: E402"
    path.write_text(f"{path.read_text(encoding='utf-8')}\n{line}\n", encoding="utf-8")
    res = _private(tree)
    assert res.returncode == 1
    assert "runner.board._build -> runner.receipts._verify" in res.stdout
