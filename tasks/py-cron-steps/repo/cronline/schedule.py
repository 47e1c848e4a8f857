"""Finding the next run times of an expression."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cronline.expression import CronExpression

# Five years covers every satisfiable expression (Feb 29 on a given weekday can take that long).
SEARCH_LIMIT = timedelta(days=366 * 5)


def next_after(expr: CronExpression, moment: datetime) -> datetime:
    """The first matching minute strictly after ``moment`` (seconds are dropped).

    Skips whole days and hours that cannot match instead of testing every minute.
    """
    candidate = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    deadline = candidate + SEARCH_LIMIT
    while candidate <= deadline:
        if not expr.matches_day(candidate):
            candidate = (candidate + timedelta(days=1)).replace(hour=0, minute=0)
            continue
        if candidate.hour not in expr.hours:
            candidate = (candidate + timedelta(hours=1)).replace(minute=0)
            continue
        if candidate.minute not in expr.minutes:
            candidate += timedelta(minutes=1)
            continue
        return candidate
    raise ValueError(f"{expr.source!r} never matches")


def upcoming(expr: CronExpression, moment: datetime, count: int) -> list[datetime]:
    """The next ``count`` run times after ``moment``."""
    return list(islice(_iterate(expr, moment), count))


def _iterate(expr: CronExpression, moment: datetime) -> Iterator[datetime]:
    while True:
        moment = next_after(expr, moment)
        yield moment
