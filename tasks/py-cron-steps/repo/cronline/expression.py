"""Whole expressions: parsing the five fields and matching datetimes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cronline.errors import CronSyntaxError
from cronline.fields import FIELDS, FieldError, parse_field

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


@dataclass(frozen=True)
class CronExpression:
    """A parsed expression. Day of week uses 0 = Sunday ... 6 = Saturday."""

    source: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int]
    months: frozenset[int]
    days_of_week: frozenset[int]
    dom_restricted: bool
    dow_restricted: bool

    def matches_day(self, moment: datetime) -> bool:
        if moment.month not in self.months:
            return False
        dom = moment.day in self.days_of_month
        dow = (moment.isoweekday() % 7) in self.days_of_week
        if self.dom_restricted and self.dow_restricted:
            return dom or dow
        return dom and dow

    def matches(self, moment: datetime) -> bool:
        return (
            moment.minute in self.minutes
            and moment.hour in self.hours
            and self.matches_day(moment)
        )

    def next_after(self, moment: datetime) -> datetime:
        """The first matching minute strictly after ``moment``."""
        from cronline.schedule import next_after

        return next_after(self, moment)


def parse_cron(text: str) -> CronExpression:
    """Parse ``minute hour day-of-month month day-of-week`` or a macro such as ``@daily``."""
    source = text
    text = MACROS.get(text.strip().lower(), text)
    parts = text.split()
    if len(parts) != len(FIELDS):
        raise CronSyntaxError(source, f"expected {len(FIELDS)} fields, got {len(parts)}")
    values = []
    for part, spec in zip(parts, FIELDS, strict=True):
        try:
            values.append(parse_field(part, spec))
        except FieldError as exc:
            raise CronSyntaxError(source, str(exc), spec.name) from None
    return CronExpression(
        source,
        *values,
        dom_restricted=parts[2] != "*",
        dow_restricted=parts[4] != "*",
    )
