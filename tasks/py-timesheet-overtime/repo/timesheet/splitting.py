"""Cutting entries at local midnight so each piece belongs to exactly one calendar day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

from timesheet.entries import Entry


def _next_midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.date() + timedelta(days=1), time(), tzinfo=moment.tzinfo)


def split_at_midnight(entry: Entry) -> Iterator[Entry]:
    """Yield pieces of ``entry``, one per calendar day it touches, in order."""
    start = entry.start
    while True:
        boundary = _next_midnight(start)
        if entry.end <= boundary:
            yield Entry(entry.employee, start, entry.end, entry.project)
            return
        yield Entry(entry.employee, start, boundary, entry.project)
        start = boundary
