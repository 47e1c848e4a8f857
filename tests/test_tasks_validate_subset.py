"""CI-sized gold validation: one task per language through `validate_task` (all 25 run as
`nox -s tasks`). Each must fail on its baseline and pass every check with its gold patch, twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.catalog import load_tasks
from runner.checks import validate_task
from runner.images import inspect_image, runtime_tag

pytestmark = pytest.mark.docker

SUBSET = ["py-semver-prerelease", "js-csv-quoted-fields", "sh-backup-rotate-quoting"]


@pytest.mark.parametrize("task_id", SUBSET)
def test_task_validates(root: Path, base_image: str, task_id: str) -> None:
    spec = load_tasks(root)[task_id]
    image = runtime_tag(root, spec.runtime_image)
    if inspect_image(image) is None:
        pytest.fail(f"{image} is not built: `cab images build-runtime --all` (scripts/setup.sh)")
    result = validate_task(root / "tasks" / task_id, spec, image)
    assert result.ok, result.reason
    assert result.baseline_failing, "the baseline must fail at least one fail_to_pass test"
    assert result.digest.startswith("sha256:")


def test_subset_covers_every_language(root: Path) -> None:
    tasks = load_tasks(root)
    assert {tasks[t].language.value for t in SUBSET} == {"python", "javascript", "shell"}
