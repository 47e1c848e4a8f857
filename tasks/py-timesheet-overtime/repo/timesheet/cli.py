"""``timesheet weekly EXPORT.csv [--limit HOURS] [--week-start DAY]``"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from timesheet.entries import ParseError, parse_entries
from timesheet.formatting import render_weeks
from timesheet.policy import OvertimePolicy, Weekday
from timesheet.report import weekly_summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="timesheet")
    sub = parser.add_subparsers(dest="command", required=True)
    weekly = sub.add_parser("weekly", help="weekly worked/regular/overtime table")
    weekly.add_argument("export", type=Path)
    weekly.add_argument("--limit", type=float, default=40.0, help="hours per week (default 40)")
    weekly.add_argument("--week-start", default="monday", help="first day of the work week")
    args = parser.parse_args(argv)
    try:
        policy = OvertimePolicy(timedelta(hours=args.limit), Weekday.from_name(args.week_start))
        entries = parse_entries(args.export.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"timesheet: {exc}", file=sys.stderr)
        return 2 if not isinstance(exc, ParseError) else 1
    print(render_weeks(weekly_summary(entries, policy)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
