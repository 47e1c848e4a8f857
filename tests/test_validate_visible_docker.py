"""`validate_task` runs the visible tests and finds unscored hidden tests in real containers, on
copies of py-confkit-inline-comments (issue 22, finding 2)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from runner.catalog import load_tasks
from runner.checks import validate_task
from runner.images import inspect_image, runtime_tag

pytestmark = pytest.mark.docker
TASK = "py-confkit-inline-comments"


@pytest.fixture(scope="module")
def image(root: Path, base_image: str) -> str:
    tag = runtime_tag(root, "runtime-python")
    if inspect_image(tag) is None:
        pytest.fail(f"{tag} is not built: `cab images build-runtime --all` (scripts/setup.sh)")
    return tag


def copy_task(root: Path, tmp_path: Path) -> Path:
    task_dir = tmp_path / TASK
    shutil.copytree(root / "tasks" / TASK, task_dir)
    return task_dir


def test_the_real_task_passes_with_its_visible_tests(root: Path, image: str) -> None:
    spec = load_tasks(root)[TASK]
    result = validate_task(root / "tasks" / TASK, spec, image)
    assert result.ok, result.reason
    assert result.visible == ["baseline: passed (exit 0)", "gold: passed (exit 0)"]
    assert result.unlisted == []


def test_a_gold_patch_that_breaks_a_visible_test_fails(
    root: Path, image: str, tmp_path: Path
) -> None:
    task_dir = copy_task(root, tmp_path)
    # A visible test that holds on the baseline and breaks once the gold patch changes parser.py.
    parser = task_dir / "repo" / "confkit" / "parser.py"
    digest = hashlib.sha256(parser.read_bytes()).hexdigest()
    (task_dir / "repo" / "tests" / "test_guard.py").write_text(
        "import hashlib\nimport pathlib\n\n\ndef test_parser_unchanged():\n"
        f"    data = pathlib.Path('confkit/parser.py').read_bytes()\n"
        f"    assert hashlib.sha256(data).hexdigest() == {digest!r}\n"
    )
    result = validate_task(task_dir, load_tasks(root)[TASK], image)
    assert not result.ok
    assert result.reason.startswith("gold patch: the visible tests in repo/ fail: exit 1: ")
    assert "test_parser_unchanged" in result.reason or "1 failed" in result.reason
    assert result.visible[0] == "baseline: passed (exit 0)"


def test_a_hidden_test_in_neither_list_fails(root: Path, image: str, tmp_path: Path) -> None:
    task_dir = copy_task(root, tmp_path)
    (task_dir / "tests" / "test_extra.py").write_text("def test_forgotten():\n    assert True\n")
    result = validate_task(task_dir, load_tasks(root)[TASK], image)
    assert not result.ok
    assert result.unlisted == ["test_extra::test_forgotten"]
    assert result.reason == (
        "hidden tests in neither fail_to_pass nor pass_to_pass (nothing scores them): "
        "test_extra::test_forgotten"
    )
