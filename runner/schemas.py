"""JSON Schemas (Draft 2020-12) derived from the pydantic models, and their drift check.

The committed files under schemas/ are what verifiers validate against; the models are the source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from runner.agents import Trajectory
from runner.board import Board
from runner.catalog import AgentSpec, ModelCatalog, TaskSpec
from runner.proxy import ProbeReport
from runner.receipts import Receipt, render_schema
from runner.store import Manifest

# file name -> model. Adding a contract means adding a line here.
SCHEMAS: dict[str, type[BaseModel]] = {
    "models.schema.json": ModelCatalog,
    "agent.schema.json": AgentSpec,
    "task.schema.json": TaskSpec,
    "receipt.schema.json": Receipt,
    "board.schema.json": Board,
    "store-manifest.schema.json": Manifest,
    "trajectory.schema.json": Trajectory,
    "probe.schema.json": ProbeReport,
}


@dataclass(frozen=True)
class SchemaDrift:
    path: Path
    reason: str  # "missing" or "differs"


def export_schemas(out_dir: Path) -> list[Path]:
    """Write every schema; a file is replaced atomically so a reader never sees half of one."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = out_dir / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(render_schema(model), encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written


def check_schemas(out_dir: Path) -> list[SchemaDrift]:
    drift = []
    for name, model in SCHEMAS.items():
        path = out_dir / name
        if not path.is_file():
            drift.append(SchemaDrift(path, "missing"))
        elif path.read_text(encoding="utf-8") != render_schema(model):
            drift.append(SchemaDrift(path, "differs"))
    return drift


def load_schema(out_dir: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out_dir / name).read_text(encoding="utf-8"))
    return data
