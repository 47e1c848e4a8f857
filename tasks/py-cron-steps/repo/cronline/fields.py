"""The five cron fields, their bounds, and parsing of a single field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    name: str
    low: int
    high: int

    @property
    def all_values(self) -> frozenset[int]:
        return frozenset(range(self.low, self.high + 1))


MINUTE = FieldSpec("minute", 0, 59)
HOUR = FieldSpec("hour", 0, 23)
DAY_OF_MONTH = FieldSpec("day-of-month", 1, 31)
MONTH = FieldSpec("month", 1, 12)
DAY_OF_WEEK = FieldSpec("day-of-week", 0, 6)

FIELDS = (MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK)


class FieldError(ValueError):
    """One field is malformed; the expression parser adds context."""


def _value(text: str, spec: FieldSpec) -> int:
    if not text.isdigit():
        raise FieldError(f"{text!r} is not a number")
    value = int(text)
    if not spec.low <= value <= spec.high:
        raise FieldError(f"{value} is outside {spec.low}-{spec.high}")
    return value


def parse_field(text: str, spec: FieldSpec) -> frozenset[int]:
    """The set of values a field text selects, e.g. ``1-5,10`` for hours."""
    if not text:
        raise FieldError("empty field")
    values: set[int] = set()
    for part in text.split(","):
        if part == "*":
            values |= spec.all_values
        elif "-" in part:
            start_text, _, end_text = part.partition("-")
            start, end = _value(start_text, spec), _value(end_text, spec)
            if start > end:
                raise FieldError(f"range {part!r} runs backwards")
            values.update(range(start, end + 1))
        else:
            values.add(_value(part, spec))
    return frozenset(values)
