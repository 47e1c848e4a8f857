from datetime import timedelta

import pytest

from timesheet import ParseError, parse_entries

HEADER = "employee,start,end,project\n"


def test_parse_basic():
    [e] = parse_entries(HEADER + "ana,2026-05-04T08:00:00,2026-05-04T16:30:00,ops\n")
    assert e.employee == "ana"
    assert e.project == "ops"
    assert e.duration == timedelta(hours=8, minutes=30)


def test_missing_column():
    with pytest.raises(ParseError, match="end"):
        parse_entries("employee,start\nana,2026-05-04T08:00:00\n")


@pytest.mark.parametrize(
    "row",
    [
        "ana,2026-05-04T08:00:00,2026-05-04T07:00:00,x",
        "ana,yesterday,2026-05-04T07:00:00,x",
        ",2026-05-04T08:00:00,2026-05-04T09:00:00,x",
        "ana,2026-05-04T08:00:00,2026-05-06T09:00:00,x",
    ],
)
def test_bad_rows(row):
    with pytest.raises(ParseError, match="line 2"):
        parse_entries(HEADER + row + "\n")
