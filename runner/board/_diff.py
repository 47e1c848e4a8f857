"""What changed between two boards, cell by cell."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from runner.board._build import DIGITS, BoardError
from runner.board._models import Board, CellAggregate


@dataclass(frozen=True)
class CellChange:
    tier: str
    agent: str
    model: str
    change: str  # added | removed | changed | unchanged
    old_pass_rate: float | None
    new_pass_rate: float | None
    old_composite: float | None
    new_composite: float | None
    old_n: int | None
    new_n: int | None

    @property
    def delta_pass_rate(self) -> float | None:
        if self.old_pass_rate is None or self.new_pass_rate is None:
            return None
        return round(self.new_pass_rate - self.old_pass_rate, DIGITS)

    @property
    def delta_composite(self) -> float | None:
        if self.old_composite is None or self.new_composite is None:
            return None
        return round(self.new_composite - self.old_composite, DIGITS)

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "delta_pass_rate": self.delta_pass_rate,
            "delta_composite": self.delta_composite,
        }


@dataclass(frozen=True)
class BoardDiff:
    old_version: str
    new_version: str
    receipts_added: int
    receipts_removed: int
    cells: list[CellChange]

    @property
    def comparable(self) -> bool:
        """Numbers mean the same thing only within one methodology major version."""
        return self.old_version.split(".")[0] == self.new_version.split(".")[0]

    @property
    def changed(self) -> list[CellChange]:
        return [c for c in self.cells if c.change != "unchanged"]

    def to_json(self) -> dict[str, Any]:
        return {
            "old_methodology_version": self.old_version,
            "new_methodology_version": self.new_version,
            "comparable": self.comparable,
            "receipts_added": self.receipts_added,
            "receipts_removed": self.receipts_removed,
            "cells": [c.to_json() for c in self.changed],
            "unchanged_cells": len(self.cells) - len(self.changed),
        }


def load_board(path: Path) -> Board:
    """A board.json file, or a folder holding one."""
    if path.is_dir():
        path = path / "board.json"
    try:
        return Board.model_validate(json.loads(path.read_bytes()))
    except FileNotFoundError:
        raise BoardError(f"{path}: no such file") from None
    except json.JSONDecodeError as exc:
        raise BoardError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise BoardError(f"{path}: not a board ({where}: {err['msg']})") from None


def _same(a: CellAggregate, b: CellAggregate) -> bool:
    # Digests identical means the same receipts; numbers identical otherwise still counts.
    return a.model_dump(exclude={"receipts"}) == b.model_dump(exclude={"receipts"}) and (
        a.receipts == b.receipts
    )


def diff_boards(old: Board, new: Board) -> BoardDiff:
    def index(board: Board) -> dict[tuple[str, str, str], CellAggregate]:
        return {(c.tier.value, c.agent, c.model): c for c in board.cells}

    before, after = index(old), index(new)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a is None:
            kind = "added"
        elif b is None:
            kind = "removed"
        else:
            kind = "unchanged" if _same(a, b) else "changed"
        changes.append(
            CellChange(
                tier=key[0],
                agent=key[1],
                model=key[2],
                change=kind,
                old_pass_rate=a.pass_rate if a else None,
                new_pass_rate=b.pass_rate if b else None,
                old_composite=a.composite if a else None,
                new_composite=b.composite if b else None,
                old_n=a.n if a else None,
                new_n=b.n if b else None,
            )
        )
    return BoardDiff(
        old_version=old.methodology_version,
        new_version=new.methodology_version,
        receipts_added=len(set(new.receipts) - set(old.receipts)),
        receipts_removed=len(set(old.receipts) - set(new.receipts)),
        cells=changes,
    )
