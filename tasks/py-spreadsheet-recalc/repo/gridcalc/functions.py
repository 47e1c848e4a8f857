"""Built-in spreadsheet functions. Each receives already-evaluated arguments; a range argument
arrives as a list of cell values (None for empty cells)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


class FunctionError(Exception):
    """Raised by a function; the sheet turns it into an error value such as ``#VALUE!``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _flatten(args: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for arg in args:
        if isinstance(arg, list):
            out.extend(arg)
        else:
            out.append(arg)
    return out


def _numbers(args: Iterable[Any]) -> list[float]:
    """Numeric values among the arguments; empty cells and text inside ranges are skipped."""
    return [
        float(v)
        for v in _flatten(args)
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    ]


def fn_sum(*args: Any) -> float:
    return sum(_numbers(args))


def fn_average(*args: Any) -> float:
    values = _numbers(args)
    if not values:
        raise FunctionError("#DIV/0!")
    return sum(values) / len(values)


def fn_min(*args: Any) -> float:
    values = _numbers(args)
    return min(values) if values else 0.0


def fn_max(*args: Any) -> float:
    values = _numbers(args)
    return max(values) if values else 0.0


def fn_count(*args: Any) -> float:
    return float(len(_numbers(args)))


def fn_if(condition: Any, when_true: Any = True, when_false: Any = False) -> Any:
    return when_true if condition else when_false


def fn_round(value: Any, digits: Any = 0) -> float:
    if not isinstance(value, (int, float)):
        raise FunctionError("#VALUE!")
    # Spreadsheets round half away from zero, unlike Python's round().
    factor = 10 ** int(digits)
    scaled = abs(value) * factor
    rounded = int(scaled + 0.5) / factor
    return rounded if value >= 0 else -rounded


def fn_abs(value: Any) -> float:
    if not isinstance(value, (int, float)):
        raise FunctionError("#VALUE!")
    return abs(float(value))


def fn_concat(*args: Any) -> str:
    return "".join("" if v is None else _display(v) for v in _flatten(args))


def _display(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "SUM": fn_sum,
    "AVERAGE": fn_average,
    "MIN": fn_min,
    "MAX": fn_max,
    "COUNT": fn_count,
    "IF": fn_if,
    "ROUND": fn_round,
    "ABS": fn_abs,
    "CONCAT": fn_concat,
}
