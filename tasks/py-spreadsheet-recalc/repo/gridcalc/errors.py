"""Exceptions."""


class GridError(Exception):
    """Base class of gridcalc errors."""


class FormulaError(GridError):
    """A formula cannot be parsed."""

    def __init__(self, formula: str, position: int, problem: str) -> None:
        super().__init__(f"{problem} at position {position} in {formula!r}")
        self.formula = formula
        self.position = position


class CircularReference(GridError):
    """Setting a cell would make a formula depend on itself."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__("circular reference: " + " -> ".join(cycle))
        self.cycle = cycle
