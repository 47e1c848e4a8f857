"""Reading plans from TOML."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from buildplan.graph import Graph, GraphError, Job


def parse_plan(data: dict[str, Any]) -> Graph:
    jobs_table = data.get("jobs")
    if not isinstance(jobs_table, dict):
        raise GraphError("a plan needs a [jobs] table")
    jobs = []
    for name, spec in jobs_table.items():
        if not isinstance(spec, dict):
            raise GraphError(f"jobs.{name} must be a table")
        duration = spec.get("duration")
        if not isinstance(duration, int | float) or isinstance(duration, bool):
            raise GraphError(f"jobs.{name}.duration must be a number")
        needs = spec.get("needs", [])
        if not isinstance(needs, list) or not all(isinstance(n, str) for n in needs):
            raise GraphError(f"jobs.{name}.needs must be a list of job names")
        jobs.append(Job(name, float(duration), tuple(needs)))
    return Graph(jobs)


def load_plan(path: Path) -> Graph:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise GraphError(f"{path}: {exc}") from None
    return parse_plan(data)
