"""Rendering durations and reports as text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from timesheet.report import WeekSummary


def hours_minutes(value: timedelta) -> str:
    """``timedelta(hours=41, minutes=30)`` -> ``"41:30"`` (seconds are truncated)."""
    minutes = int(value.total_seconds()) // 60
    return f"{minutes // 60}:{minutes % 60:02d}"


def render_weeks(summaries: Iterable[WeekSummary]) -> str:
    lines = [f"{'employee':<16} {'week':<10} {'worked':>8} {'regular':>8} {'overtime':>8}"]
    for s in summaries:
        lines.append(
            f"{s.employee:<16} {s.week_start.isoformat():<10} {hours_minutes(s.worked):>8} "
            f"{hours_minutes(s.regular):>8} {hours_minutes(s.overtime):>8}"
        )
    return "\n".join(lines)
