from datetime import UTC, datetime, timedelta, timezone

import pytest

from quire.dates import human_date, iso_day, parse_datetime, parse_offset, rfc3339
from quire.errors import FrontMatterError, QuireError
from quire.frontmatter import split_front_matter


def test_front_matter_values():
    meta, body, line = split_front_matter(
        '---\nTitle: Hi\ncount: 3\nflag: true\nq: "3"\ntags: [a, "b, c"]\n---\nbody\n'
    )
    assert meta == {"title": "Hi", "count": 3, "flag": True, "q": "3", "tags": ["a", "b, c"]}
    assert body == "body\n"
    assert line == 8


def test_no_front_matter():
    assert split_front_matter("just text") == ({}, "just text", 1)


def test_front_matter_errors():
    with pytest.raises(FrontMatterError, match="never closed"):
        split_front_matter("---\ntitle: x\n")
    with pytest.raises(FrontMatterError, match="duplicate"):
        split_front_matter("---\na: 1\nA: 2\n---\n")
    with pytest.raises(FrontMatterError, match=r"x\.md:3"):
        split_front_matter("---\na: 1\nnot a pair\n---\n", "x.md")


def test_offsets():
    assert parse_offset("+02:00") == timezone(timedelta(hours=2))
    assert parse_offset("-0530") == timezone(-timedelta(hours=5, minutes=30))
    assert parse_offset("Z") is UTC
    with pytest.raises(QuireError):
        parse_offset("+25:00")


def test_local_times_use_the_site_timezone():
    tz = timezone(timedelta(hours=1))
    assert parse_datetime("2024-03-10", tz) == datetime(2024, 3, 10, tzinfo=tz)
    assert parse_datetime("2024-03-10 14:30", tz) == datetime(2024, 3, 10, 14, 30, tzinfo=tz)
    with pytest.raises(QuireError):
        parse_datetime("2024-02-30")


def test_formatting_in_utc():
    moment = datetime(2024, 3, 10, 9, 0, tzinfo=UTC)
    assert rfc3339(moment) == "2024-03-10T09:00:00Z"
    assert iso_day(moment) == "2024-03-10"
    assert human_date(moment) == "10 March 2024"
