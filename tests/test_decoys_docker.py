"""`cab tasks validate` runs the decoys in real containers (issue 20's acceptance line): on a tiny
fixture task whose three decoys fail (all on the runner check, one on the diff policy too) plus one
that passes (the gold fix dressed as a decoy), validation fails and names the passing decoy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import main
from runner.images import inspect_image, runtime_tag

pytestmark = pytest.mark.docker
FIXTURE = Path(__file__).parent / "fixtures" / "decoy-tasks" / "decoy-median"


@pytest.fixture
def fixture_root(root: Path, base_image: str, tmp_path: Path) -> Path:
    """A project tree holding only the fixture task and the real runtime-python folder (so the
    image tag, the hash of that folder, is the one setup built)."""
    image = runtime_tag(root, "runtime-python")
    if inspect_image(image) is None:
        pytest.fail(f"{image} is not built: `cab images build-runtime --all` (scripts/setup.sh)")
    shutil.copy(root / "models.toml", tmp_path / "models.toml")
    shutil.copytree(root / "images" / "runtime-python", tmp_path / "images" / "runtime-python")
    shutil.copytree(FIXTURE, tmp_path / "tasks" / "decoy-median")
    return tmp_path


def test_a_decoy_that_passes_fails_validation_and_is_named(fixture_root: Path) -> None:
    task = fixture_root / "tasks" / "decoy-median"
    gold = (task / "solution.patch").read_text()
    (task / "decoys" / "looks-wrong.patch").write_text(
        "Decoy: other\nWhy: The gold fix itself: the checks must reject it, and cannot.\n" + gold
    )
    result = CliRunner().invoke(
        main, ["--root", str(fixture_root), "tasks", "validate", "decoy-median"]
    )
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("FAIL decoy-median")
    assert lines[0].endswith(
        "decoy passes every check (a loophole: close it with a hidden test or the diff policy): "
        "decoys/looks-wrong.patch (other)"
    )
    decoys = {line.split()[1]: line for line in lines[1:]}
    assert sorted(decoys) == [
        "decoys/example-only.patch",
        "decoys/floor-division.patch",
        "decoys/looks-wrong.patch",
        "decoys/pin-the-bug.patch",
    ]
    assert decoys["decoys/looks-wrong.patch"].endswith("PASSES every check")
    assert (
        "rejected by runner: fail_to_pass 1/1 not passed: test_median::test_even"
        in (decoys["decoys/floor-division.patch"])
    )
    assert "rejected by runner: " in decoys["decoys/example-only.patch"]
    # The runner catches the pinned bug too; the diff policy refuses the edited visible test.
    assert decoys["decoys/pin-the-bug.patch"].endswith("(also diff)")
