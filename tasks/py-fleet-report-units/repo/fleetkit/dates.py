"""Dates as the inputs write them, and calendar arithmetic.

Accepted: ISO `2026-03-01`, `01.03.2026` (day first) and `2026/03/01`.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")


def parse_date(text: str) -> date:
    s = text.strip()
    for pattern, order in ((_ISO, "ymd"), (_DOTTED, "dmy"), (_SLASHED, "ymd")):
        m = pattern.match(s)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError as exc:
                raise ValueError(f"not a date: {text!r} ({exc})") from None
    raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD)")


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months; the day of month is clamped to the target
    month's length (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_duration(day: date, count: int, unit: str) -> date:
    if unit == "d":
        return day + timedelta(days=count)
    if unit == "w":
        return day + timedelta(weeks=count)
    if unit == "m":
        return add_months(day, count)
    if unit == "y":
        return add_months(day, 12 * count)
    raise ValueError(f"unknown duration unit {unit!r}")


def months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` (negative when end is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and end.day < start.day and add_months(start, months) > end:
        months -= 1
    elif months < 0 and end.day > start.day and add_months(start, months) < end:
        months += 1
    return months


def working_days(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """Monday-to-Friday days in [start, end), holidays left out."""
    if end <= start:
        return 0
    days = 0
    cur = start
    while cur < end:
        if cur.weekday() < 5 and cur not in holidays:
            days += 1
        cur += timedelta(days=1)
    return days


def next_working_day(day: date, holidays: frozenset[date] = frozenset()) -> date:
    cur = day
    while cur.weekday() >= 5 or cur in holidays:
        cur += timedelta(days=1)
    return cur
