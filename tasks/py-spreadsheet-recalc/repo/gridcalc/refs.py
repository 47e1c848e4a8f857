"""Cell references: ``A1`` style names, column letters and rectangular ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gridcalc.errors import GridError

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$")


def column_index(letters: str) -> int:
    """``A`` -> 1, ``Z`` -> 26, ``AA`` -> 27."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - ord("A") + 1)
    return index


def column_letters(index: int) -> str:
    """Inverse of :func:`column_index`."""
    if index < 1:
        raise ValueError("column index starts at 1")
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


@dataclass(frozen=True, order=True)
class CellRef:
    """A cell position; ``str()`` gives the canonical upper-case name."""

    row: int
    col: int

    def __str__(self) -> str:
        return f"{column_letters(self.col)}{self.row}"


def parse_ref(text: str) -> CellRef:
    """Parse ``A1``, ``b12`` or ``$C$3`` (absolute markers are accepted and ignored)."""
    match = _REF.match(text.strip())
    if match is None:
        raise GridError(f"not a cell reference: {text!r}")
    return CellRef(int(match[2]), column_index(match[1]))


def normalize(name: str) -> str:
    """Canonical name of a cell: ``b2`` -> ``B2``."""
    return str(parse_ref(name))


def expand_range(start: str, end: str) -> list[str]:
    """All cell names of the rectangle between two corners, row by row."""
    a, b = parse_ref(start), parse_ref(end)
    rows = range(min(a.row, b.row), max(a.row, b.row) + 1)
    cols = range(min(a.col, b.col), max(a.col, b.col) + 1)
    return [str(CellRef(r, c)) for r in rows for c in cols]
