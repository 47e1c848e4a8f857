"""Typed tables read from CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TextIO

Cell = int | Decimal | bool | str | None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "int", "decimal", "bool", "text"

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "decimal")


class TableError(ValueError):
    pass


def parse_cell(text: str) -> Cell:
    """`""` -> None, `12` -> 12, `1.50` -> Decimal('1.50'), `true` -> True, else the text."""
    if text == "":
        return None
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return value if value.is_finite() else text


def _kind(values: Iterable[Cell]) -> str:
    kinds = set()
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool):
            kinds.add("bool")
        elif isinstance(v, int):
            kinds.add("int")
        elif isinstance(v, Decimal):
            kinds.add("decimal")
        else:
            kinds.add("text")
    if kinds <= {"int"}:
        return "int" if kinds else "text"
    if kinds <= {"int", "decimal"}:
        return "decimal"
    if kinds == {"bool"}:
        return "bool"
    return "text"


class Table:
    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> None:
        for i, row in enumerate(rows):
            if len(row) != len(columns):
                raise TableError(f"row {i + 1} has {len(row)} cells, expected {len(columns)}")
        self.columns = list(columns)
        self.rows = [list(r) for r in rows]

    @classmethod
    def from_records(cls, header: Sequence[str], records: Sequence[Sequence[Cell]]) -> Table:
        for i, record in enumerate(records):
            if len(record) != len(header):
                raise TableError(f"row {i + 1} has {len(record)} cells, expected {len(header)}")
        columns = [Column(name, _kind(r[i] for r in records)) for i, name in enumerate(header)]
        return cls(columns, records)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def select(self, names: Sequence[str]) -> Table:
        missing = [n for n in names if n not in self.names]
        if missing:
            raise TableError(f"unknown column {missing[0]!r}")
        idx = [self.names.index(n) for n in names]
        return Table([self.columns[i] for i in idx], [[row[i] for i in idx] for row in self.rows])

    def __len__(self) -> int:
        return len(self.rows)


def read_csv(stream: TextIO) -> Table:
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError("empty CSV: no header") from None
    records = [[parse_cell(cell) for cell in row] for row in reader if row]
    return Table.from_records(header, records)


def read_csv_text(text: str) -> Table:
    return read_csv(io.StringIO(text))
