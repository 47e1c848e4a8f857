"""What the task digest covers (issue 22, finding 3; METHODOLOGY.md section 8): exactly what the
agent sees and what the checks use, so fixing the gold patch keeps every receipt of the task."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

import runner
from runner.catalog import TaskSpec, load_models, parse_file, task_digest
from tests.test_catalog import make_root

ROOT = Path(__file__).resolve().parents[1]

Edit = Callable[[Path], None]


def append(rel: str, text: str) -> Edit:
    def edit(task: Path) -> None:
        path = task / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(text)

    return edit


def toml_sub(old: str, new: str) -> Edit:
    def edit(task: Path) -> None:
        text = (task / "task.toml").read_text(encoding="utf-8")
        assert old in text
        (task / "task.toml").write_text(text.replace(old, new), encoding="utf-8")

    return edit


# (what changes, the edit, whether the digest must move)
CASES: list[tuple[str, Edit, bool]] = [
    # Seen by neither the agent nor a check: the digest stays.
    ("gold patch typo", append("solution.patch", "# typo fixed\n"), False),
    ("title", toml_sub('title = "Fix it"', 'title = "Fix it, please"'), False),
    ("difficulty", toml_sub('difficulty = "easy"', 'difficulty = "medium"'), False),
    ("rationale", toml_sub('"one file"', '"one file, one line"'), False),
    ("kind", toml_sub('kind = "bugfix"', 'kind = "feature"'), False),
    ("author notes", append("NOTES.md", "why this task exists\n"), False),
    ("toml comment", append("task.toml", "# reviewed\n"), False),
    ("bytecode", append("repo/__pycache__/a.cpython-311.pyc", "junk"), False),
    # Seen by the agent: it moves.
    ("instruction", append("instruction.md", "More detail.\n"), True),
    ("source", append("repo/a.py", "y = 2\n"), True),
    ("visible test", append("repo/tests/test_a.py", "def test_a(): pass\n"), True),
    ("new repo file", append("repo/README.md", "hi\n"), True),
    ("agent time limit", toml_sub("time_limit_s = 600", "time_limit_s = 900"), True),
    # Used by the checks: it moves.
    ("hidden test", append("tests/test_a.py", "def test_bug(): pass\n"), True),
    ("hidden conftest", append("tests/conftest.py", "X = 1\n"), True),
    ("runtime image", toml_sub('"runtime-python"', '"runtime-node"'), True),
    ("fail_to_pass", toml_sub('"tests/test_a.py::test_bug"', '"tests/test_a.py::test_b"'), True),
    # The decoys the checks were proven to reject: they move it too.
    ("new decoy", append("decoys/partial.patch", "Decoy: partial\n"), True),
    ("lint command", toml_sub('["ruff", "check"]', '["ruff", "check", "--fix"]'), True),
    ("diff policy", toml_sub("max_changed_lines = 50", "max_changed_lines = 60"), True),
]


@pytest.mark.parametrize(("what", "edit", "moves"), CASES, ids=[c[0] for c in CASES])
def test_the_digest_moves_exactly_with_what_the_agent_or_checks_see(
    tmp_path: Path, what: str, edit: Edit, moves: bool
) -> None:
    task = make_root(tmp_path) / "tasks" / "t1"
    before = task_digest(task)
    edit(task)
    assert (task_digest(task) != before) is moves, what


def test_digest_globs_never_widen_to_the_gold_patch(tmp_path: Path) -> None:
    task = make_root(tmp_path) / "tasks" / "t1"
    with (task / "task.toml").open("a", encoding="utf-8") as f:
        f.write('\n[digest]\ninclude = ["**"]\nexclude = []\n')
    before = task_digest(task)
    append("solution.patch", "changed\n")(task)
    assert task_digest(task) == before


def documented_digest(task: Path) -> str:
    """METHODOLOGY.md section 8's computation, written from the text, for a task without
    [digest] globs."""

    def covered(rel: Path) -> bool:
        seen = rel == Path("instruction.md") or rel.parts[0] in ("repo", "tests", "decoys")
        return seen and "__pycache__" not in rel.parts and rel.suffix != ".pyc"

    files = sorted(
        rel.as_posix()
        for rel in (p.relative_to(task) for p in task.rglob("*") if p.is_file())
        if covered(rel)
    )
    entries = [(rel, (task / rel).read_bytes()) for rel in files]
    # The fields as the checks see them: the parsed spec, defaults filled in.
    spec = TaskSpec.model_validate(tomllib.loads((task / "task.toml").read_text("utf-8")))
    fields = spec.model_dump(mode="json", include={"checks", "runtime_image", "time_limit_s"})
    compact = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    entries.append(("task.toml#checks,runtime_image,time_limit_s", compact))
    h = hashlib.sha256()
    for rel, data in entries:
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest() + b"\n")
    return "sha256:" + h.hexdigest()


@pytest.mark.parametrize("task_id", ["py-confkit-inline-comments", "sh-cfgcheck-set-e"])
def test_the_code_computes_what_methodology_says(task_id: str) -> None:
    task = ROOT / "tasks" / task_id
    assert task_digest(task, parse_file(task / "task.toml", TaskSpec)) == documented_digest(task)
    text = (ROOT / "METHODOLOGY.md").read_text(encoding="utf-8")
    assert "`task.toml#checks,runtime_image,time_limit_s`" in text
    assert "under `decoys/`" in text
    assert "does not cover `solution.patch`" in text


def test_a_task_with_decoys_computes_what_methodology_says() -> None:
    task = ROOT / "tests" / "fixtures" / "decoy-tasks" / "decoy-median"
    assert list((task / "decoys").glob("*.patch"))
    assert task_digest(task) == documented_digest(task)


def test_the_change_is_a_recorded_bump() -> None:
    # METHODOLOGY.md section 9: what the digest covers is methodology; changing it is (at least) a
    # minor bump past 1.0, with its changelog line, and 1.0's catalog stays in archive/.
    version = runner.METHODOLOGY_VERSION
    assert tuple(map(int, version.split("."))) > (1, 0)
    text = (ROOT / "METHODOLOGY.md").read_text(encoding="utf-8")
    assert text.startswith(f"# Methodology {version}\n")
    assert f"Version: **{version}**" in text
    assert re.search(rf"^- \*\*{re.escape(version)}\*\* \(", text, re.M), "no changelog line"
    assert re.search(r"^- \*\*[0-9.]+\*\* \(.*\): the task digest covers", text, re.M)
    assert load_models(ROOT).methodology_version == version
    archived = ROOT / "archive" / "1.0" / "models.toml"
    assert tomllib.loads(archived.read_text(encoding="utf-8"))["methodology_version"] == "1.0"
