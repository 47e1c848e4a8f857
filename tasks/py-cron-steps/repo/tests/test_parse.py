import pytest

from cronline import CronSyntaxError, parse_cron


def test_star_and_lists():
    e = parse_cron("0,30 9-11 * * 1,3,5")
    assert e.minutes == {0, 30}
    assert e.hours == {9, 10, 11}
    assert e.days_of_week == {1, 3, 5}
    assert len(e.days_of_month) == 31


def test_macro():
    assert parse_cron("@hourly").minutes == {0}


@pytest.mark.parametrize(
    ("expr", "field"),
    [
        ("60 * * * *", "minute"),
        ("* 24 * * *", "hour"),
        ("* * 0 * *", "day-of-month"),
        ("* * * 13 *", "month"),
        ("* * * * 5-1", "day-of-week"),
        ("* * * * x", "day-of-week"),
    ],
)
def test_errors_name_field(expr, field):
    with pytest.raises(CronSyntaxError) as info:
        parse_cron(expr)
    assert info.value.field == field


def test_wrong_field_count():
    with pytest.raises(CronSyntaxError, match="5 fields"):
        parse_cron("* * *")
