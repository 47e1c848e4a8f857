"""gridcalc: a small spreadsheet engine.

>>> from gridcalc import Sheet
>>> s = Sheet()
>>> s.set("A1", 2); s.set("A2", 3); s.set("B1", "=SUM(A1:A2)*10")
>>> s.get("B1")
50.0
"""

from gridcalc.errors import CircularReference, FormulaError, GridError
from gridcalc.refs import CellRef, expand_range, parse_ref
from gridcalc.sheet import ErrorValue, Sheet

__all__ = [
    "CellRef",
    "CircularReference",
    "ErrorValue",
    "FormulaError",
    "GridError",
    "Sheet",
    "expand_range",
    "parse_ref",
]
