from datetime import date, timedelta

import pytest

from timesheet import (
    OvertimePolicy,
    Weekday,
    daily_totals,
    parse_entries,
    week_start,
    weekly_summary,
)

HEADER = "employee,start,end,project\n"
H = lambda n: timedelta(hours=n)  # noqa: E731


def rows(*lines):
    return parse_entries(HEADER + "\n".join(lines) + "\n")


# 2026-05-03 is a Sunday, 2026-05-04 a Monday.
@pytest.mark.parametrize("offset", range(7))
def test_week_start_sunday_weeks(offset):
    day = date(2026, 5, 3) + timedelta(days=offset)
    assert week_start(day, Weekday.SUNDAY) == date(2026, 5, 3)


def test_week_start_saturday_weeks():
    assert week_start(date(2026, 5, 8), Weekday.SATURDAY) == date(2026, 5, 2)  # Friday
    assert week_start(date(2026, 5, 9), Weekday.SATURDAY) == date(2026, 5, 9)  # Saturday


def test_sunday_week_overtime():
    entries = rows(
        "ana,2026-05-03T08:00:00,2026-05-03T18:00:00,x",
        "ana,2026-05-04T08:00:00,2026-05-04T17:00:00,x",
        "ana,2026-05-05T08:00:00,2026-05-05T17:00:00,x",
        "ana,2026-05-06T08:00:00,2026-05-06T17:00:00,x",
        "ana,2026-05-07T08:00:00,2026-05-07T17:00:00,x",
    )
    summaries = weekly_summary(entries, OvertimePolicy(week_starts_on=Weekday.SUNDAY))
    assert [(s.week_start, s.worked, s.overtime) for s in summaries] == [
        (date(2026, 5, 3), H(46), H(6))
    ]


def test_night_shift_across_week_boundary_is_split():
    workdays = [f"bo,2026-05-0{d}T08:00:00,2026-05-0{d}T16:00:00,x" for d in range(4, 9)]
    entries = rows(*workdays, "bo,2026-05-10T20:00:00,2026-05-11T04:00:00,x")
    summaries = weekly_summary(entries)
    assert [(s.week_start, s.worked, s.regular, s.overtime) for s in summaries] == [
        (date(2026, 5, 4), H(44), H(40), H(4)),
        (date(2026, 5, 11), H(4), H(4), H(0)),
    ]


def test_night_shift_across_sunday_week_boundary():
    # Week starts Sunday: the Saturday-night shift is split between two weeks.
    entries = rows("cy,2026-05-09T21:00:00,2026-05-10T05:00:00,x")
    summaries = weekly_summary(entries, OvertimePolicy(week_starts_on=Weekday.SUNDAY))
    assert [(s.week_start, s.worked) for s in summaries] == [
        (date(2026, 5, 3), H(3)),
        (date(2026, 5, 10), H(5)),
    ]


def test_spring_forward_night_shift_duration():
    # Clocks go from 02:00 to 03:00 in the night: 22:00 -> 07:00 on the wall is 8 real hours.
    entries = rows("dee,2026-03-28T22:00:00+01:00,2026-03-29T07:00:00+02:00,x")
    assert entries[0].duration == H(8)
    assert daily_totals(entries) == {
        ("dee", date(2026, 3, 28)): H(2),
        ("dee", date(2026, 3, 29)): H(6),
    }
    [s] = weekly_summary(entries)
    assert s.worked == H(8)


def test_fall_back_week_overtime():
    # Clocks go from 03:00 back to 02:00: the 22:00 -> 06:00 shift is 9 real hours.
    nights = [
        f"eve,2026-10-{d}T22:00:00+02:00,2026-10-{d + 1}T06:00:00+02:00,x" for d in range(19, 23)
    ]
    entries = rows(*nights, "eve,2026-10-24T22:00:00+02:00,2026-10-25T06:00:00+01:00,x")
    summaries = weekly_summary(entries)
    assert [(s.week_start, s.worked, s.overtime) for s in summaries] == [
        (date(2026, 10, 19), H(41), H(1))
    ]


# --- behaviour that must not change


def test_monday_weeks_unchanged():
    assert week_start(date(2026, 5, 10)) == date(2026, 5, 4)
    assert week_start(date(2026, 5, 11), Weekday.MONDAY) == date(2026, 5, 11)


def test_plain_week_without_offsets():
    entries = rows(*[f"fay,2026-05-0{d}T09:00:00,2026-05-0{d}T18:30:00,x" for d in range(4, 9)])
    [s] = weekly_summary(entries, OvertimePolicy(weekly_limit=H(45)))
    assert (s.employee, s.week_start, s.worked, s.overtime) == (
        "fay",
        date(2026, 5, 4),
        timedelta(hours=47, minutes=30),
        timedelta(hours=2, minutes=30),
    )


def test_employees_kept_apart_and_sorted():
    entries = rows(
        "zed,2026-05-04T08:00:00,2026-05-04T10:00:00,x",
        "amy,2026-05-04T08:00:00,2026-05-04T09:00:00,x",
    )
    assert [(s.employee, s.worked) for s in weekly_summary(entries)] == [
        ("amy", H(1)),
        ("zed", H(2)),
    ]


def test_daily_totals_naive_night_shift():
    entries = rows("gus,2026-05-05T23:00:00,2026-05-06T01:30:00,x")
    assert daily_totals(entries) == {
        ("gus", date(2026, 5, 5)): H(1),
        ("gus", date(2026, 5, 6)): timedelta(hours=1, minutes=30),
    }
