"""Evaluating a parsed formula against the current cell values."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from gridcalc.ast import Binary, Call, Node, Number, RangeRef, Ref, Text, Unary
from gridcalc.functions import FUNCTIONS, FunctionError
from gridcalc.refs import expand_range

Lookup = Callable[[str], Any]

_ARITH: dict[str, Callable[[float, float], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "^": operator.pow,
}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class EvaluationError(Exception):
    """Carries a spreadsheet error code such as ``#DIV/0!``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise EvaluationError("#VALUE!") from None


def evaluate(node: Node, lookup: Lookup) -> Any:
    """Value of ``node``; ``lookup(name)`` returns a cell's current value. Error values read from
    cells propagate as EvaluationError."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Text):
        return node.value
    if isinstance(node, Ref):
        return _checked(lookup(node.name))
    if isinstance(node, RangeRef):
        return [_checked(lookup(name)) for name in expand_range(node.start, node.end)]
    if isinstance(node, Unary):
        value = _number(evaluate(node.operand, lookup))
        return -value if node.op == "-" else value
    if isinstance(node, Binary):
        left = evaluate(node.left, lookup)
        right = evaluate(node.right, lookup)
        if node.op == "&":
            return f"{'' if left is None else left}{'' if right is None else right}"
        if node.op in _COMPARE:
            return _COMPARE[node.op](left, right)
        a, b = _number(left), _number(right)
        if node.op == "/" and b == 0:
            raise EvaluationError("#DIV/0!")
        return _ARITH[node.op](a, b)
    if isinstance(node, Call):
        func = FUNCTIONS.get(node.name)
        if func is None:
            raise EvaluationError("#NAME?")
        args = [evaluate(arg, lookup) for arg in node.args]
        try:
            return func(*args)
        except FunctionError as exc:
            raise EvaluationError(exc.code) from None
        except TypeError:
            raise EvaluationError("#VALUE!") from None
    raise TypeError(f"unknown node {node!r}")


def _checked(value: Any) -> Any:
    code = getattr(value, "code", None)
    if code is not None:
        raise EvaluationError(code)
    return value
