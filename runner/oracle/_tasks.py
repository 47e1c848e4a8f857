"""What the oracle knows of each task: instruction, solution patch, and the files it yields."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from runner.catalog import TaskSpec, load_tasks

_DIFF_HEADER = re.compile(r"^diff --git a/(\S+) b/(\S+)$", re.MULTILINE)


def normalize_text(text: str) -> str:
    """Whitespace-insensitive form: agents re-wrap, indent or escape the instruction (Kilo
    quotes the prompt and backslash-escapes the quotes inside it)."""
    return " ".join(text.replace('\\"', '"').split())


@dataclass(frozen=True)
class FileChange:
    path: str  # POSIX, relative to the repo root
    old: str | None  # None: the patch creates the file
    new: str | None  # None: the patch deletes the file


@dataclass(frozen=True)
class OracleTask:
    id: str
    instruction: str
    patch: str
    changes: tuple[FileChange, ...]
    allowed_paths: tuple[str, ...] = ()
    repo_files: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        return normalize_text(self.instruction)


class TaskLoadError(Exception):
    pass


def solve_files(repo: Path, patch: str) -> tuple[FileChange, ...]:
    """Apply `patch` to a scratch copy of `repo` with git itself (so what the oracle writes as whole
    files is exactly what `git apply` would produce) and return the before/after of each file."""
    paths: list[str] = []
    for a, b in _DIFF_HEADER.findall(patch):
        for p in (a, b):
            if p not in paths:
                paths.append(p)
    with tempfile.TemporaryDirectory(prefix="cab-oracle-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(repo, work, symlinks=True)
        before = {p: _read(work / p) for p in paths}
        proc = subprocess.run(
            ["git", "apply", "--whitespace=nowarn", "-"],
            input=patch.encode(),
            cwd=work,
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise TaskLoadError(f"solution.patch does not apply: {proc.stderr.decode().strip()}")
        after = {p: _read(work / p) for p in paths}
    return tuple(FileChange(p, before[p], after[p]) for p in paths if before[p] != after[p])


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def load_oracle_task(task_dir: Path, spec: TaskSpec) -> OracleTask:
    patch = (task_dir / "solution.patch").read_text(encoding="utf-8")
    repo = task_dir / "repo"
    files = tuple(sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file()))
    return OracleTask(
        id=spec.id,
        instruction=(task_dir / "instruction.md").read_text(encoding="utf-8"),
        patch=patch,
        changes=solve_files(repo, patch),
        allowed_paths=tuple(spec.checks.diff.allowed_paths),
        repo_files=files,
    )


def load_oracle_tasks(root: Path) -> list[OracleTask]:
    """Every task under root/tasks (validated through the catalog)."""
    return [load_oracle_task(root / "tasks" / tid, spec) for tid, spec in load_tasks(root).items()]


def find_task(tasks: list[OracleTask], conversation_text: str) -> OracleTask | None:
    """The task whose whole instruction appears in the conversation. The longest match wins, so a
    task whose instruction contains another's is still recognised correctly."""
    haystack = normalize_text(conversation_text)
    hits = [t for t in tasks if t.key and t.key in haystack]
    return max(hits, key=lambda t: len(t.key)) if hits else None
