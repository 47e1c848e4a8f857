"""Catalog loading: the real catalogs load, and each kind of malformed file gives one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.catalog import ModelStatus, load_catalog, task_digest
from runner.cli import main

MODEL = """
methodology_version = "1.0"

[[model]]
id = "acme/coder-1"
display_name = "Coder 1"
provider = "Acme"
provider_url = "https://acme.example/"
hf_org = "acme"
parameter_class = "8B dense"
architecture = "dense"
license = "Apache-2.0"
tool_calling = { format = "hermes", parser = "hermes" }
serving = { route = "nvidia_nim/acme/coder-1" }
description = "test model"
status = "current"
joined_methodology = "1.0"
notes = { price = "none" }
"""

AGENT = """
name = "demo"
display_name = "Demo agent"
package = { registry = "npm", name = "demo-agent", version = "1.2.3" }
api = "chat_completions"
command = ["demo", "--yes", "{prompt}"]
version_command = ["demo", "--version"]
failure_patterns = [{ failure = "rate_limit", pattern = "429" }]
"""

TASK = """
id = "t1"
title = "Fix it"
language = "python"
kind = "bugfix"
difficulty = "easy"
difficulty_rationale = "one file"
runtime_image = "runtime-python"
time_limit_s = 600

[checks.runner]
command = ["pytest", "/tests", "--junitxml=/out/report.xml"]
report = "/out/report.xml"
fail_to_pass = ["tests/test_a.py::test_bug"]

[checks.lint]
tool = "ruff"
command = ["ruff", "check"]

[checks.diff]
allowed_paths = ["src/**"]
max_changed_lines = 50
"""


def make_root(tmp: Path, model: str = MODEL, agent: str = AGENT, task: str = TASK) -> Path:
    (tmp / "models.toml").write_text(model)
    (tmp / "images" / "demo").mkdir(parents=True)
    (tmp / "images" / "demo" / "agent.toml").write_text(agent)
    t = tmp / "tasks" / "t1"
    (t / "repo").mkdir(parents=True)
    (t / "tests").mkdir()
    (t / "task.toml").write_text(task)
    (t / "instruction.md").write_text("Please fix.\n")
    (t / "solution.patch").write_text("")
    (t / "repo" / "a.py").write_text("x = 1\n")
    return tmp


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    return result.exit_code, result.output


def test_real_catalogs_load(root: Path) -> None:
    cat = load_catalog(root)
    assert cat.models.models, "models.toml is empty"
    for spec in cat.tasks.values():
        assert task_digest(root / "tasks" / spec.id, spec).startswith("sha256:")


def test_catalog_models_json_lists_every_status(root: Path) -> None:
    code, out = run(root, "catalog", "models", "--json")
    assert code == 0, out
    data = json.loads(out)
    statuses = {m["status"] for m in data["models"]}
    assert ModelStatus.current.value in statuses
    ids = [m["id"] for m in data["models"]]
    assert len(ids) == len(set(ids))


def test_valid_minimal_tree_loads(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    for what in ("models", "agents", "tasks"):
        code, out = run(root, "catalog", what, "--json")
        assert code == 0, out


# (which file, edit, field named in the error, words of the problem)
BAD = [
    ("models", lambda s: s.replace('status = "current"', 'status = "current'), "", "invalid TOML"),
    ("models", lambda s: s + 'colour = "red"\n', "model[0].colour", "unknown field"),
    (
        "models",
        lambda s: s.replace('display_name = "Coder 1"\n', ""),
        "model[0].display_name",
        "required field is missing",
    ),
    (
        "models",
        lambda s: s.replace('"dense"\nlicense', '"sparse"\nlicense'),
        "model[0].architecture",
        "'dense' or 'moe'",
    ),
    (
        "models",
        lambda s: s.replace('status = "current"', 'status = "current"\nweights = "closed"'),
        "model[0]",
        "reference",
    ),
    (
        "models",
        lambda s: s.replace('parser = "hermes"', 'parser = ""'),
        "model[0]",
        "tool_calling.format and .parser",
    ),
    ("models", lambda s: s.replace('hf_org = "acme"\n', ""), "model[0]", "notes.hf_org"),
    (
        "models",
        lambda s: s + s.split("\n", 2)[2].replace("[[model]]", "[[model]]", 1),
        "(top level)",
        "duplicate model id",
    ),
    (
        "models",
        lambda s: s.replace('methodology_version = "1.0"', 'methodology_version = "one"'),
        "methodology_version",
        "pattern",
    ),
    ("agents", lambda s: s.replace('"1.2.3"', '"^1.2"'), "package.version", "pattern"),
    (
        "agents",
        lambda s: s.replace('pattern = "429"', 'pattern = "(unclosed"'),
        "failure_patterns[0].pattern",
        "not a valid regex",
    ),
    ("agents", lambda s: s.replace('"{prompt}"', '"hello"'), "(top level)", "{prompt}"),
    ("agents", lambda s: s.replace('name = "demo"', 'name = "other"'), "name", "folder name"),
    (
        "agents",
        lambda s: s.replace('api = "chat_completions"', 'api = "soap"'),
        "api",
        "chat_completions",
    ),
    (
        "tasks",
        lambda s: s.replace("time_limit_s = 600", "time_limit_s = -5"),
        "time_limit_s",
        "greater than 0",
    ),
    (
        "tasks",
        lambda s: s.replace('fail_to_pass = ["tests/test_a.py::test_bug"]', "fail_to_pass = []"),
        "checks.runner.fail_to_pass",
        "at least 1",
    ),
    (
        "tasks",
        lambda s: s.replace('tool = "ruff"', 'tool = "pylint"'),
        "checks.lint.tool",
        "'ruff'",
    ),
    ("tasks", lambda s: s.replace('id = "t1"', 'id = "t2"'), "id", "folder name"),
    (
        "tasks",
        lambda s: s.replace("[checks.diff]", "[checks.dif]"),
        "checks.diff",
        "required field is missing",
    ),
    (
        "tasks",
        lambda s: s.replace("[checks.diff]", "[checks.diff]\nforbidden = []"),
        "checks.diff.forbidden",
        "unknown field",
    ),
]


@pytest.mark.parametrize(("which", "edit", "field", "words"), BAD)
def test_malformed_file_gives_one_clear_line(
    tmp_path: Path, which: str, edit: object, field: str, words: str
) -> None:
    texts = {"models": MODEL, "agents": AGENT, "tasks": TASK}
    texts[which] = edit(texts[which])  # type: ignore[operator]
    root = make_root(tmp_path, model=texts["models"], agent=texts["agents"], task=texts["tasks"])
    code, out = run(root, "catalog", which)
    lines = out.strip().splitlines()
    assert code == 2, out
    assert len(lines) == 1, out
    line = lines[0]
    expected_file = {"models": "models.toml", "agents": "agent.toml", "tasks": "task.toml"}[which]
    assert expected_file in line
    assert f": {field}: " in line or (field == "" and "invalid TOML" in line)
    assert words in line


def test_missing_task_file_is_named(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    (root / "tasks" / "t1" / "solution.patch").unlink()
    code, out = run(root, "catalog", "tasks")
    assert code == 2
    assert "solution.patch: required task file is missing" in out


def test_task_digest_is_stable_and_content_sensitive(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    t = root / "tasks" / "t1"
    first = task_digest(t)
    (t / "repo" / "__pycache__").mkdir()
    (t / "repo" / "__pycache__" / "a.pyc").write_bytes(b"junk")
    assert task_digest(t) == first, "excluded files must not move the digest"
    (t / "repo" / "a.py").write_text("x = 2\n")
    assert task_digest(t) != first
