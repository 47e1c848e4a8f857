"""What a task's difficulty label is justified by (issue 20): the size of its repo, of its gold
patch, its hidden tests, its decoys and, when `cab tasks validate --record` wrote one, which
checks caught each decoy. `cab catalog tasks --json` lists them; nothing here starts a container."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from runner.catalog import DecoyError, TaskSpec, load_decoys, task_digest
from runner.checks._diff import DiffParseError, parse_diff
from runner.checks._lint import SHELL_SHEBANG
from runner.checks._validate import TaskValidation

RECORD_FILE = "validation.json"  # tasks/validation.json, written by `cab tasks validate --record`
CODE_SUFFIXES = frozenset(
    {".py", ".pyi", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".mts", ".cts", ".sh", ".bash"}
)
_SKIP_PARTS = frozenset({"__pycache__", "node_modules", ".git"})


def _is_code(path: Path) -> bool:
    if path.suffix in CODE_SUFFIXES:
        return True
    if path.suffix:
        return False
    try:
        with path.open("rb") as fh:
            first = fh.readline(200).decode("utf-8", errors="replace")
    except OSError:
        return False
    return bool(SHELL_SHEBANG.match(first))


def _is_test(rel: Path) -> bool:
    return (
        any(p in ("tests", "test", "__tests__") for p in rel.parts[:-1])
        or rel.name.startswith(("test_", "test."))
        or rel.stem.endswith(("_test", ".test", ".spec"))
    )


def repo_signals(repo: Path) -> dict[str, int]:
    """Files and non-blank lines of code in repo/ (visible tests counted apart)."""
    files = code_files = code_lines = test_files = test_lines = 0
    for p in sorted(repo.rglob("*")):
        rel = p.relative_to(repo)
        if not p.is_file() or p.is_symlink() or _SKIP_PARTS & set(rel.parts):
            continue
        files += 1
        if not _is_code(p):
            continue
        lines = sum(1 for line in p.read_bytes().split(b"\n") if line.strip())
        if _is_test(rel):
            test_files, test_lines = test_files + 1, test_lines + lines
        else:
            code_files, code_lines = code_files + 1, code_lines + lines
    return {
        "files": files,
        "code_files": code_files,
        "code_lines": code_lines,
        "test_files": test_files,
        "test_lines": test_lines,
    }


def patch_signals(patch: str) -> dict[str, int] | None:
    try:
        files = parse_diff(patch)
    except DiffParseError:
        return None
    return {
        "files": len(files),
        "added": sum(f.added for f in files),
        "deleted": sum(f.deleted for f in files),
        "lines": sum(f.added + f.deleted for f in files),
    }


def read_record(tasks_dir: Path) -> dict[str, Any]:
    """tasks/validation.json's per-task entries, {} when there is none."""
    path = tasks_dir / RECORD_FILE
    if not path.is_file():
        return {}
    doc = json.loads(path.read_text(encoding="utf-8"))
    tasks = doc.get("tasks", {}) if isinstance(doc, dict) else {}
    return tasks if isinstance(tasks, dict) else {}


def record_entry(result: TaskValidation) -> dict[str, Any]:
    """What --record keeps of a validation: verdicts only (no times, no log text), so the file
    is the same for the same task whatever machine validated it."""
    return {
        "digest": result.digest,
        "ok": result.ok,
        "decoys": {
            d.path: {"kind": d.kind, "caught_by": d.caught_by, "rejected": d.rejected}
            for d in result.decoys
        },
    }


def write_record(tasks_dir: Path, results: list[TaskValidation]) -> Path:
    """Merge `results` into tasks/validation.json (other tasks' entries stay)."""
    path = tasks_dir / RECORD_FILE
    tasks = read_record(tasks_dir)
    for r in results:
        tasks[r.task_id] = record_entry(r)
    doc = {
        "about": "Written by `cab tasks validate --record`: per task, the digest it validated, "
        "whether it passed and which checks caught each decoy. `cab catalog tasks --json` "
        "shows an entry only as current while the task's digest still matches.",
        "tasks": dict(sorted(tasks.items())),
    }
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def task_signals(task_dir: Path, spec: TaskSpec, record: dict[str, Any]) -> dict[str, Any]:
    """The difficulty signals of one task (see the module docstring)."""
    gold_path = task_dir / "solution.patch"
    gold = patch_signals(gold_path.read_text(encoding="utf-8")) if gold_path.is_file() else None
    try:
        decoys = load_decoys(task_dir)
        decoy_error = None
    except DecoyError as exc:
        decoys, decoy_error = [], str(exc)
    kinds: dict[str, int] = {}
    for d in decoys:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    entry = record.get(spec.id)
    validation = None
    if isinstance(entry, dict):
        validation = {**entry, "current": entry.get("digest") == task_digest(task_dir, spec)}
    runner = spec.checks.runner
    return {
        "repo": repo_signals(task_dir / "repo"),
        "gold": gold,
        "hidden_tests": {
            "fail_to_pass": len(runner.fail_to_pass),
            "pass_to_pass": len(runner.pass_to_pass),
        },
        "decoys": {
            "count": len(decoys),
            "kinds": dict(sorted(kinds.items())),
            "error": decoy_error,
        },
        "validation": validation,
    }
