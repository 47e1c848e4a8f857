from datetime import datetime

import pytest

from cronline import CronSyntaxError, parse_cron
from cronline.schedule import upcoming


# --- steps


def test_star_step_minutes():
    assert parse_cron("*/15 * * * *").minutes == {0, 15, 30, 45}


def test_star_step_starts_at_field_low():
    assert parse_cron("0 0 */10 * *").days_of_month == {1, 11, 21, 31}
    assert parse_cron("0 0 1 */5 *").months == {1, 6, 11}


def test_range_step():
    assert parse_cron("1-30/7 * * * *").minutes == {1, 8, 15, 22, 29}
    assert parse_cron("0 9-17/4 * * *").hours == {9, 13, 17}


def test_start_step_runs_to_field_end():
    assert parse_cron("5/20 * * * *").minutes == {5, 25, 45}


def test_steps_inside_lists():
    assert parse_cron("0,*/20,7-9/2 * * * *").minutes == {0, 20, 40, 7, 9}


def test_step_larger_than_range():
    assert parse_cron("10-20/30 * * * *").minutes == {10}


@pytest.mark.parametrize(
    ("expr", "field"),
    [
        ("*/0 * * * *", "minute"),
        ("1-10/0 * * * *", "minute"),
        ("* */x * * *", "hour"),
        ("* * * */ *", "month"),
        ("* 25/2 * * *", "hour"),
        ("* * * * 5-1/2", "day-of-week"),
    ],
)
def test_bad_steps(expr, field):
    with pytest.raises(CronSyntaxError) as info:
        parse_cron(expr)
    assert info.value.field == field


def test_step_schedule():
    runs = upcoming(parse_cron("*/20 */6 * * *"), datetime(2026, 7, 1, 5, 50), 4)
    assert runs == [
        datetime(2026, 7, 1, 6, 0),
        datetime(2026, 7, 1, 6, 20),
        datetime(2026, 7, 1, 6, 40),
        datetime(2026, 7, 1, 12, 0),
    ]


# --- names and Sunday as 7


def test_day_names_range():
    assert parse_cron("0 9 * * MON-FRI").days_of_week == {1, 2, 3, 4, 5}


def test_names_case_insensitive_lists():
    e = parse_cron("0 0 1 jan,Jul,DEC sun,sat")
    assert e.months == {1, 7, 12}
    assert e.days_of_week == {0, 6}


def test_month_name_range_with_step():
    assert parse_cron("0 0 1 JAN-DEC/3 *").months == {1, 4, 7, 10}


def test_seven_is_sunday():
    assert parse_cron("0 0 * * 7").days_of_week == {0}
    assert parse_cron("0 0 * * 5-7").days_of_week == {5, 6, 0}


@pytest.mark.parametrize(
    ("expr", "field"),
    [
        ("MON * * * *", "minute"),
        ("0 0 * * JAN", "day-of-week"),
        ("0 0 * MON *", "month"),
        ("0 0 * FOO *", "month"),
        ("0 0 * * 8", "day-of-week"),
        ("0 0 * * FRI-MON", "day-of-week"),
    ],
)
def test_bad_names(expr, field):
    with pytest.raises(CronSyntaxError) as info:
        parse_cron(expr)
    assert info.value.field == field


def test_named_schedule():
    e = parse_cron("30 8 * * mon-fri")
    assert e.next_after(datetime(2026, 5, 9, 12, 0)) == datetime(2026, 5, 11, 8, 30)
    sunday = parse_cron("0 10 * * 7")
    assert sunday.next_after(datetime(2026, 5, 4)) == datetime(2026, 5, 10, 10, 0)


# --- existing syntax keeps working


def test_plain_syntax_unchanged():
    e = parse_cron("0,30 9-11 1,15 * 1-5")
    assert (e.minutes, e.hours, e.days_of_month) == ({0, 30}, {9, 10, 11}, {1, 15})
    assert e.days_of_week == {1, 2, 3, 4, 5}
    assert e.months == set(range(1, 13))


@pytest.mark.parametrize("expr", ["60 * * * *", "* * * * 5-1", "* * 32 * *", "1,,2 * * * *"])
def test_plain_errors_unchanged(expr):
    with pytest.raises(CronSyntaxError):
        parse_cron(expr)


def test_dom_dow_or_rule_unchanged():
    runs = upcoming(parse_cron("0 0 13 * 5"), datetime(2026, 2, 1), 3)
    assert runs == [datetime(2026, 2, 6), datetime(2026, 2, 13), datetime(2026, 2, 20)]
