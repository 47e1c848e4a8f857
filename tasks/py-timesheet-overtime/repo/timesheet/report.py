"""Daily totals and weekly overtime."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from timesheet.entries import Entry
from timesheet.policy import OvertimePolicy
from timesheet.splitting import split_at_midnight
from timesheet.weeks import week_start


@dataclass(frozen=True)
class WeekSummary:
    employee: str
    week_start: date
    worked: timedelta
    regular: timedelta
    overtime: timedelta


def daily_totals(entries: Iterable[Entry]) -> dict[tuple[str, date], timedelta]:
    """Worked time per (employee, calendar day); entries crossing midnight are split."""
    totals: dict[tuple[str, date], timedelta] = defaultdict(timedelta)
    for entry in entries:
        for piece in split_at_midnight(entry):
            totals[(piece.employee, piece.start.date())] += piece.duration
    return dict(sorted(totals.items()))


def weekly_summary(
    entries: Iterable[Entry], policy: OvertimePolicy | None = None
) -> list[WeekSummary]:
    """Worked, regular and overtime hours per employee and work week, sorted by both."""
    policy = policy or OvertimePolicy()
    worked: dict[tuple[str, date], timedelta] = defaultdict(timedelta)
    for entry in entries:
        key = (entry.employee, week_start(entry.start.date(), policy.week_starts_on))
        worked[key] += entry.duration
    summaries = []
    for (employee, start), total in sorted(worked.items()):
        overtime = max(total - policy.weekly_limit, timedelta(0))
        summaries.append(WeekSummary(employee, start, total, total - overtime, overtime))
    return summaries
