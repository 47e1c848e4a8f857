"""timesheet: daily totals and weekly overtime from clock-in/clock-out records."""

from timesheet.entries import Entry, ParseError, parse_entries
from timesheet.policy import OvertimePolicy, Weekday
from timesheet.report import WeekSummary, daily_totals, weekly_summary
from timesheet.splitting import split_at_midnight
from timesheet.weeks import week_start

__all__ = [
    "Entry",
    "OvertimePolicy",
    "ParseError",
    "WeekSummary",
    "Weekday",
    "daily_totals",
    "parse_entries",
    "split_at_midnight",
    "week_start",
    "weekly_summary",
]
