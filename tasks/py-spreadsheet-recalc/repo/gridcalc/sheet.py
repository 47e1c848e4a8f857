"""The Sheet: cell contents, cached values and incremental recalculation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridcalc.ast import Node
from gridcalc.errors import CircularReference
from gridcalc.evaluator import EvaluationError, evaluate
from gridcalc.graph import DependencyGraph
from gridcalc.parser import parse_formula, references
from gridcalc.refs import normalize

Content = float | int | str | bool | None


@dataclass(frozen=True)
class ErrorValue:
    """A formula's result when evaluation failed, e.g. ``#DIV/0!``."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass
class _Cell:
    content: Content
    formula: Node | None = None
    value: Any = None


class Sheet:
    """A single worksheet. ``set`` keeps every formula value current."""

    def __init__(self) -> None:
        self._cells: dict[str, _Cell] = {}
        self._graph = DependencyGraph()

    # ------------------------------------------------------------------ reading

    def get(self, name: str) -> Any:
        """Current value of a cell: a number (float), text, bool, ErrorValue, or None if empty."""
        cell = self._cells.get(normalize(name))
        return None if cell is None else cell.value

    def content(self, name: str) -> Content:
        """What was put in the cell (formulas keep their leading ``=``)."""
        cell = self._cells.get(normalize(name))
        return None if cell is None else cell.content

    def precedents(self, name: str) -> set[str]:
        return self._graph.precedents(normalize(name))

    def dependents(self, name: str) -> set[str]:
        return self._graph.dependents(normalize(name))

    # ------------------------------------------------------------------ writing

    def set(self, name: str, content: Content) -> None:
        """Put a constant or a formula (text starting with ``=``) into a cell.

        Raises FormulaError for a formula that does not parse and CircularReference for one that
        would depend on itself; in both cases the sheet is left unchanged.
        """
        name = normalize(name)
        formula: Node | None = None
        reads: set[str] = set()
        if isinstance(content, str) and content.startswith("="):
            formula = parse_formula(content[1:])
            reads = references(formula)
            cycle = self._graph.find_cycle(name, reads)
            if cycle is not None:
                raise CircularReference(cycle)
        self._cells[name] = _Cell(content, formula)
        self._graph.set_precedents(name, reads)
        self._recompute(name)
        for dependent in self._graph.affected(name):
            self._recompute(dependent)

    def clear(self, name: str) -> None:
        """Empty a cell; formulas reading it see an empty value (0 in arithmetic)."""
        self.set(name, None)
        self._cells.pop(normalize(name), None)

    def recalculate(self) -> None:
        """Recompute every formula from scratch, in dependency order."""
        for name in self._graph.topological_order(self._cells):
            self._recompute(name)

    # ------------------------------------------------------------------ internals

    def _lookup(self, name: str) -> Any:
        cell = self._cells.get(name)
        return None if cell is None else cell.value

    def _recompute(self, name: str) -> None:
        cell = self._cells.get(name)
        if cell is None:
            return
        if cell.formula is None:
            cell.value = _constant_value(cell.content)
            return
        try:
            cell.value = evaluate(cell.formula, self._lookup)
        except EvaluationError as exc:
            cell.value = ErrorValue(exc.code)


def _constant_value(content: Content) -> Any:
    if isinstance(content, bool) or content is None:
        return content
    if isinstance(content, (int, float)):
        return float(content)
    text = content.strip()
    try:
        return float(text)
    except ValueError:
        return content
