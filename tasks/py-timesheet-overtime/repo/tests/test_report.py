from datetime import date, timedelta

from timesheet import OvertimePolicy, daily_totals, parse_entries, week_start, weekly_summary
from timesheet.formatting import hours_minutes

HEADER = "employee,start,end,project\n"


def week_of_days(employee, first_day, hours, days=5):
    rows = []
    for i in range(days):
        d = first_day + timedelta(days=i)
        rows.append(f"{employee},{d}T08:00:00,{d}T{8 + hours:02d}:00:00,x")
    return "\n".join(rows) + "\n"


def test_week_start_monday():
    assert week_start(date(2026, 5, 7)) == date(2026, 5, 4)
    assert week_start(date(2026, 5, 4)) == date(2026, 5, 4)


def test_overtime_over_limit():
    entries = parse_entries(HEADER + week_of_days("ana", date(2026, 5, 4), 9))
    [s] = weekly_summary(entries)
    assert s.week_start == date(2026, 5, 4)
    assert s.worked == timedelta(hours=45)
    assert s.overtime == timedelta(hours=5)
    assert s.regular == timedelta(hours=40)


def test_custom_limit():
    entries = parse_entries(HEADER + week_of_days("ana", date(2026, 5, 4), 8))
    [s] = weekly_summary(entries, OvertimePolicy(weekly_limit=timedelta(hours=37, minutes=30)))
    assert s.overtime == timedelta(hours=2, minutes=30)


def test_daily_totals_split_night_shift():
    entries = parse_entries(HEADER + "bo,2026-05-05T22:00:00,2026-05-06T06:00:00,x\n")
    assert daily_totals(entries) == {
        ("bo", date(2026, 5, 5)): timedelta(hours=2),
        ("bo", date(2026, 5, 6)): timedelta(hours=6),
    }


def test_hours_minutes():
    assert hours_minutes(timedelta(hours=41, minutes=30)) == "41:30"
