"""Loading the catalogs from the project tree, with one-line errors that name file and field."""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from runner.catalog._decoys import DECOY_DIR
from runner.catalog._models import AgentSpec, ModelCatalog, TaskSpec

T = TypeVar("T", bound=BaseModel)

TASK_FILES = ("task.toml", "instruction.md", "solution.patch")
TASK_DIRS = ("repo", "tests")


class CatalogError(Exception):
    """A catalog file is malformed. `str()` is the one line a user sees."""

    def __init__(self, path: Path | str, field: str, problem: str) -> None:
        self.path = str(path)
        self.field = field
        self.problem = problem
        where = f"{self.path}: {field}" if field else self.path
        super().__init__(f"{where}: {problem}")


def find_root(start: Path | None = None) -> Path:
    """The project tree holding models.toml: $CAB_ROOT, else the nearest parent of the current
    directory that has one, else the checkout this package was imported from."""
    env = os.environ.get("CAB_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for cand in (here, *here.parents):
        if (cand / "models.toml").is_file() and (cand / "images").is_dir():
            return cand
    return Path(__file__).resolve().parents[2]


def _loc(loc: Iterable[int | str], top_key: str | None = None) -> str:
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i == 0 and top_key and part == top_key:
            out += part
        else:
            out += f".{part}" if out else part
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(path, "", "file not found") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CatalogError(path, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(path, "", f"invalid TOML: {exc}") from None


def parse_file(path: Path, model: type[T], data: dict[str, Any] | None = None) -> T:
    """Validate one TOML file against its model; the first error becomes a CatalogError."""
    data = _read_toml(path) if data is None else data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = _loc(err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field is missing"
        raise CatalogError(path, field, msg) from None


def load_models(root: Path) -> ModelCatalog:
    return parse_file(root / "models.toml", ModelCatalog)


def load_agents(root: Path) -> dict[str, AgentSpec]:
    agents: dict[str, AgentSpec] = {}
    for path in sorted((root / "images").glob("*/agent.toml")):
        spec = parse_file(path, AgentSpec)
        if spec.name != path.parent.name:
            raise CatalogError(path, "name", f"must equal its folder name {path.parent.name!r}")
        agents[spec.name] = spec
    return agents


def load_tasks(root: Path) -> dict[str, TaskSpec]:
    return _load_tasks_in(root / "tasks")


def _load_tasks_in(tasks_dir: Path) -> dict[str, TaskSpec]:
    tasks: dict[str, TaskSpec] = {}
    for path in sorted(tasks_dir.glob("*/task.toml")):
        spec = parse_file(path, TaskSpec)
        folder = path.parent
        if spec.id != folder.name:
            raise CatalogError(path, "id", f"must equal its folder name {folder.name!r}")
        for name in TASK_FILES:
            if not (folder / name).is_file():
                raise CatalogError(folder / name, "", "required task file is missing")
        for name in TASK_DIRS:
            if not (folder / name).is_dir():
                raise CatalogError(folder / name, "", "required task folder is missing")
        tasks[spec.id] = spec
    return tasks


@dataclass(frozen=True)
class Catalog:
    root: Path
    models: ModelCatalog
    agents: dict[str, AgentSpec]
    tasks: dict[str, TaskSpec]


def load_catalog(root: Path | None = None) -> Catalog:
    root = root or find_root()
    return Catalog(root, load_models(root), load_agents(root), load_tasks(root))


def _selected(rel: str, include: list[str], exclude: list[str]) -> bool:
    return any(fnmatchcase(rel, g) for g in include) and not any(
        fnmatchcase(rel, g) for g in exclude
    )


# What the task digest covers (METHODOLOGY.md section 8, "Task digest"): what the agent sees
# (instruction.md, repo/), what the checks use (tests/, and the fields of task.toml that the cell
# and the checks read), and the decoys (decoys/: the wrong patches the checks were proven to
# reject, so a receipt names the task as it was validated). Nothing else: the gold patch is seen by
# neither, so fixing a typo in it must not invalidate the receipts of the task.
DIGEST_FILES = ("instruction.md",)
DIGEST_DIRS = ("repo", "tests", DECOY_DIR)
DIGEST_SPEC_FIELDS = frozenset({"runtime_image", "time_limit_s", "checks"})
_SPEC_ENTRY = "task.toml#" + ",".join(sorted(DIGEST_SPEC_FIELDS))


def _covered(rel: str) -> bool:
    top, sep, _rest = rel.partition("/")
    return rel in DIGEST_FILES or (bool(sep) and top in DIGEST_DIRS)


def task_digest(task_dir: Path, spec: TaskSpec | None = None) -> str:
    """sha256 over what the agent sees, the checks use and the decoys: for each covered file
    (`_covered`, then the task's [digest] include/exclude globs) in sorted POSIX path order, the
    path, a NUL, the file's sha256, a newline; then the entry for task.toml's run fields
    (DIGEST_SPEC_FIELDS as sorted-key compact JSON) the same way. Modes and mtimes do not count;
    symlinks anywhere in the task tree are refused (a task must not point outside itself)."""
    spec = spec or parse_file(task_dir / "task.toml", TaskSpec)
    rules = spec.digest
    files = []
    for p in task_dir.rglob("*"):
        rel = p.relative_to(task_dir).as_posix()
        if p.is_symlink():
            raise CatalogError(p, "", "symlinks are not allowed in a task tree")
        if p.is_file() and _covered(rel) and _selected(rel, rules.include, rules.exclude):
            files.append(rel)
    entries = [(rel, (task_dir / rel).read_bytes()) for rel in sorted(files)]
    run_fields = spec.model_dump(mode="json", include=set(DIGEST_SPEC_FIELDS))
    compact = json.dumps(run_fields, sort_keys=True, separators=(",", ":"))
    entries.append((_SPEC_ENTRY, compact.encode()))
    h = hashlib.sha256()
    for rel, data in entries:
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest() + b"\n")
    return "sha256:" + h.hexdigest()


def task_digests(tasks_dir: Path) -> dict[str, str]:
    """Task id -> task digest, for every task under `tasks_dir` (each task.toml validated): what
    receipts of this task tree must record."""
    return {
        task_id: task_digest(tasks_dir / task_id, spec)
        for task_id, spec in _load_tasks_in(tasks_dir).items()
    }
