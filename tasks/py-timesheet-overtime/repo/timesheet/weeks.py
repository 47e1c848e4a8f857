"""Calendar helpers for work weeks."""

from __future__ import annotations

from datetime import date, timedelta


def week_start(day: date, first_weekday: int = 0) -> date:
    """The first day of the work week holding ``day``; weeks begin on ``first_weekday``
    (0 = Monday ... 6 = Sunday, as in ``date.weekday()``)."""
    if not 0 <= first_weekday <= 6:
        raise ValueError("first_weekday must be between 0 and 6")
    return day - timedelta(days=day.weekday() - first_weekday)


def week_days(start: date) -> list[date]:
    """The seven days of the week beginning at ``start``."""
    return [start + timedelta(days=i) for i in range(7)]
