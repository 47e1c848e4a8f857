"""CI runs `python -m pytest` and `ruff check src tests` in a fresh checkout with no install step,
and the packaging metadata must point at real code."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path.cwd()


@pytest.fixture
def checkout(tmp_path):
    dest = tmp_path / "checkout"
    shutil.copytree(
        REPO, dest, ignore=shutil.ignore_patterns(".git", "__pycache__", ".pytest_cache")
    )
    return dest


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=120)


def pyproject():
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def ruff_command():
    exe = shutil.which("ruff")
    return [exe] if exe else [sys.executable, "-m", "ruff"]


def test_pytest_from_fresh_checkout(checkout):
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], checkout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout


def test_slow_marker_selectable(checkout):
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "slow"], checkout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_ruff_config_loads_and_code_is_clean(checkout):
    result = run([*ruff_command(), "check", "--no-cache", "src", "tests"], checkout)
    assert result.returncode == 0, result.stdout + result.stderr


def _ruff_codes(checkout, relpath, source):
    probe = checkout / relpath
    probe.write_text(source, encoding="utf-8")
    result = run([*ruff_command(), "check", "--no-cache", "--output-format", "concise", relpath], checkout)
    return result.stdout + result.stderr


# First-party imports mixed into the third-party block: the import layout the project wants is
# stdlib / third-party / first-party, so ruff must still call this out, in src and in tests.
MIXED = "import os\n\nimport mdlinks\nimport pytest\n\nprint(os, mdlinks, pytest)\n"
# ... and the layout of tests/test_checker.py is accepted in a new module too.
GROUPED = "import os\n\nimport pytest\n\nimport mdlinks\n\nprint(os, mdlinks, pytest)\n"


def test_import_order_is_still_enforced(checkout):
    assert "I001" in _ruff_codes(checkout, "tests/test_probe_order.py", MIXED)
    assert "I001" in _ruff_codes(checkout, "src/mdlinks/_probe_order.py", MIXED)


def test_first_party_layout_accepted_everywhere(checkout):
    for relpath in ("tests/test_probe_grouped.py", "src/mdlinks/_probe_grouped.py"):
        out = _ruff_codes(checkout, relpath, GROUPED)
        assert "I001" not in out and "All checks passed" in out, out


def _script_exit(checkout, docs):
    target = pyproject()["project"]["scripts"]["mdlinks"]
    module, _, attr = target.partition(":")
    code = (
        "import importlib, sys; sys.path.insert(0, 'src'); "
        f"func = importlib.import_module({module!r}); "
        f"[func := getattr(func, part) for part in {attr!r}.split('.')]; "
        f"sys.exit(func([{str(docs)!r}, '--quiet']))"
    )
    return run([sys.executable, "-c", code], checkout)


def test_console_script_target_works(checkout, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n[b](b.md#b)\n", encoding="utf-8")
    (docs / "b.md").write_text("# B\n", encoding="utf-8")
    ok = _script_exit(checkout, docs)
    assert ok.returncode == 0, ok.stderr
    (docs / "b.md").write_text("# Not B\n", encoding="utf-8")
    broken = _script_exit(checkout, docs)
    assert broken.returncode == 1, broken.stderr


# --- things that are right today and must stay


def test_strict_markers_and_layout_kept():
    config = pyproject()
    assert "--strict-markers" in config["tool"]["pytest"]["ini_options"]["addopts"]
    assert config["tool"]["setuptools"]["packages"]["find"]["where"] == ["src"]
    assert (REPO / "src" / "mdlinks" / "__init__.py").is_file()
    assert "mdlinks" in config["project"]["scripts"]


def test_checker_behaviour(tmp_path):
    sys.path.insert(0, str(REPO / "src"))
    try:
        from mdlinks import check_tree, slugify
    finally:
        sys.path.remove(str(REPO / "src"))
    (tmp_path / "index.md").write_text(
        "# Intro & Setup\n[ok](#intro--setup) [bad](#setup) [gone](x.md)\n", encoding="utf-8"
    )
    assert slugify("Intro & Setup") == "intro--setup"
    assert [(b.target, b.reason) for b in check_tree(tmp_path)] == [
        ("#setup", "no such heading"),
        ("x.md", "no such file"),
    ]
