"""Where per-cell usage lines live, and reading them back (no LiteLLM import needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SETTINGS_ENV = "CAB_PROXY_SETTINGS"  # the proxy process's settings file (usage_dir, prices)
NO_CELL = "_no-cell"  # requests made with the master key
REJECTED = "_rejected"  # refused before any cell was known (forged or expired keys)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def usage_file(usage_dir: Path, cell_id: str) -> Path:
    """One file per cell; the name is the cell id made filesystem-safe."""
    return usage_dir / f"{_UNSAFE.sub('_', cell_id)}.jsonl"


def escapes_file(usage_dir: Path, cell_id: str) -> Path:
    """The models a cell's agent asked for that its key does not admit (one JSON line each)."""
    return usage_dir / f"{_UNSAFE.sub('_', cell_id)}.escapes.jsonl"


def record_escape(usage_dir: Path, cell_id: str, model: str, route: str) -> None:
    line = json.dumps({"model": model, "route": route}, sort_keys=True) + "\n"
    with escapes_file(usage_dir, cell_id).open("a", encoding="utf-8") as fh:
        fh.write(line)


def read_escapes(usage_dir: Path, cell_id: str) -> list[str]:
    """The refused model names, in order (a torn last line is skipped)."""
    path = escapes_file(usage_dir, cell_id)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            model = json.loads(line).get("model")
        except (ValueError, AttributeError):
            continue
        if isinstance(model, str):
            out.append(model)
    return out


def read_usage(usage_dir: Path, cell_id: str) -> list[dict[str, Any]]:
    """The cell's usage lines; a torn last line (proxy killed mid-write) is skipped."""
    path = usage_file(usage_dir, cell_id)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out
