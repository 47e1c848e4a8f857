"""Writing a board to disk: validated board.json, summary.md and the site, all or nothing.

The whole output folder is built beside its destination and renamed into place, so a reader never
sees half a board and a failed build leaves the previous one untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runner.board._build import BoardError, board_json
from runner.board._models import Board
from runner.receipts import SchemaCheck, model_schema

BOARD_SCHEMA = "board.schema.json"


def board_schema(schema_dir: Path | None) -> dict[str, Any]:
    """The committed schema when there is one (what verifiers use), else the model's own."""
    if schema_dir is not None and (schema_dir / BOARD_SCHEMA).is_file():
        data: dict[str, Any] = json.loads((schema_dir / BOARD_SCHEMA).read_text("utf-8"))
        return data
    return model_schema(Board)


def validate_board_bytes(data: bytes, schema: Mapping[str, Any]) -> None:
    """board.json must satisfy the schema: checked as receipts are (SchemaCheck: the compiled
    validator answers "valid", jsonschema decides and words anything else)."""
    err = SchemaCheck(dict(schema)).best_error(json.loads(data))
    if err is not None:
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        raise BoardError(f"board.json fails {BOARD_SCHEMA} at {where}: {err.message}")


def _replace_dir(staging: Path, dest: Path) -> None:
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        dest.rename(old)
    staging.rename(dest)
    if old is not None:
        shutil.rmtree(old)


def write_tree(dest: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` (relative path -> bytes) as the whole content of `dest`, atomically.

    An existing `dest` is replaced only when it is empty or a previous board (has board.json):
    a mistyped -o must never swallow an unrelated folder.
    """
    dest = dest.resolve()
    if dest.exists():
        if not dest.is_dir():
            raise BoardError(f"{dest}: exists and is not a folder")
        if any(dest.iterdir()) and not (dest / "board.json").is_file():
            raise BoardError(f"{dest}: not empty and not a board folder (no board.json); refusing")
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        for rel, content in sorted(files.items()):
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        _replace_dir(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def board_files(
    board: Board, site: Mapping[str, bytes], summary: str, schema: Mapping[str, Any]
) -> dict[str, bytes]:
    """The output folder's files, board.json validated against the schema first."""
    data = board_json(board)
    validate_board_bytes(data, schema)
    if "board.json" in site or "summary.md" in site:
        raise BoardError("the site must not overwrite board.json or summary.md")
    return {**site, "board.json": data, "summary.md": summary.encode("utf-8")}


def archive_board(archive_root: Path, board: Board, models_toml: bytes) -> Path:
    """archive/<methodology_version>/{board.json, models.toml}: the version's latest board kept
    with the exact catalog it was scored under."""
    dest = archive_root / board.methodology_version
    write_tree(dest, {"board.json": board_json(board), "models.toml": models_toml})
    return dest
