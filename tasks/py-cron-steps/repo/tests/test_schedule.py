from datetime import datetime

from cronline import parse_cron
from cronline.schedule import upcoming


def test_weekday_morning():
    assert parse_cron("30 9 * * 1-5").next_after(datetime(2026, 5, 8, 10, 0)) == datetime(
        2026, 5, 11, 9, 30
    )


def test_strictly_after():
    assert parse_cron("0 * * * *").next_after(datetime(2026, 1, 1, 5, 0)) == datetime(
        2026, 1, 1, 6, 0
    )


def test_dom_or_dow():
    # the 13th, or any Friday
    runs = upcoming(parse_cron("0 0 13 * 5"), datetime(2026, 2, 1), 3)
    assert runs == [datetime(2026, 2, 6), datetime(2026, 2, 13), datetime(2026, 2, 20)]


def test_leap_day():
    assert parse_cron("0 12 29 2 *").next_after(datetime(2026, 3, 1)) == datetime(2028, 2, 29, 12)
