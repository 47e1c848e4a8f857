import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(os.environ.get("TASK_REPO", "/repo"))

LOG = """\
203.0.113.9 - alice [30/Dec/2022:10:00:00 +0000] "GET /old HTTP/1.1" 200 10
203.0.113.9 - - [31/Dec/2022:23:59:59 +0000] "GET /index.html HTTP/1.1" 200 10
198.51.100.4 - - [01/Jan/2023:00:00:00 +0000] "GET /index.html HTTP/1.1" 200 10
198.51.100.4 - - [28/Feb/2023:12:00:00 +0000] "POST /api/login HTTP/1.1" 401 10
198.51.100.4 - - [01/Mar/2023:12:00:00 +0000] "POST /api/login HTTP/1.1" 200 10
192.0.2.77 - - [09/Aug/2023:08:00:00 +0200] "GET /index.html HTTP/1.1" 500 10
192.0.2.77 - - [12/Oct/2023:23:59:59 -0700] "GET /late HTTP/1.1" 200 10
not a log line at all
192.0.2.77 - - [31/Oct/2023:23:00:00 +0000] "GET /api/items HTTP/1.1" 503 10
192.0.2.77 - - [01/Nov/2023:00:00:01 +0000] "GET /api/items HTTP/1.1" 200 10
"""


@pytest.fixture
def logfile(tmp_path):
    path = tmp_path / "access.log"
    path.write_text(LOG)
    return path


def logstat(*args, stdin=None):
    return subprocess.run(
        ["bash", str(REPO / "bin" / "logstat"), *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=30,
    )


def out(*lines):
    return "".join(line + "\n" for line in lines)


def test_since_is_inclusive(logfile):
    res = logstat("--since", "2023-10-12", logfile)
    assert res.returncode == 0, res.stderr
    assert res.stdout == out("2\t/api/items", "1\t/late", "total\t3")


def test_until_is_inclusive(logfile):
    res = logstat("--until", "2022-12-31", logfile)
    assert res.returncode == 0, res.stderr
    assert res.stdout == out("1\t/index.html", "1\t/old", "total\t2")


def test_range_across_year_and_month_ends(logfile):
    res = logstat("--since", "2022-12-31", "--until", "2023-03-01", "--by", "ip", logfile)
    assert res.stdout == out("3\t198.51.100.4", "1\t203.0.113.9", "total\t4")
    res = logstat("--since", "2023-10-31", "--until", "2023-10-31", logfile)
    assert res.stdout == out("1\t/api/items", "total\t1")


def test_date_is_taken_from_the_line_as_written(logfile):
    # 23:59:59 -0700 on 12 Oct is already 13 Oct in UTC, but counts as 12 Oct.
    res = logstat("--since", "2023-10-12", "--until", "2023-10-12", logfile)
    assert res.stdout == out("1\t/late", "total\t1")
    res = logstat("--since", "2023-10-13", "--until", "2023-10-30", logfile)
    assert res.stdout == out("total\t0")


def test_dates_combine_with_status_top_and_stdin(logfile):
    res = logstat("--since", "2023-01-01", "--status", "5xx", "--by", "status", "--top", "1", stdin=LOG)
    assert res.stdout == out("1\t500", "total\t2")
    assert res.stderr == "logstat: skipped 1 malformed line(s)\n"


def test_leap_day_is_a_valid_date(logfile):
    res = logstat("--since", "2024-02-29", logfile)
    assert res.returncode == 0, res.stderr
    assert res.stdout == out("total\t0")
    res = logstat("--until", "2000-02-29", logfile)
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize(
    "value", ["2023-13-01", "2023-02-29", "2100-02-29", "2023-04-31", "2023-00-10", "23-10-01", "2023-1-05", "2023/10/01", "yesterday", ""]
)
def test_invalid_dates_are_usage_errors(logfile, value):
    for option in ("--since", "--until"):
        res = logstat(option, value, logfile)
        assert res.returncode == 2
        assert res.stdout == ""
        assert res.stderr == f"logstat: invalid date for {option}: {value} (expected YYYY-MM-DD)\n"


def test_zero_padded_august_and_september_dates(logfile):
    res = logstat("--since", "2023-08-09", "--until", "2023-09-08", logfile)
    assert res.returncode == 0, res.stderr
    assert res.stdout == out("1\t/index.html", "total\t1")


def test_readme_documents_the_options():
    readme = (REPO / "README.md").read_text()
    assert "--since" in readme and "--until" in readme and "YYYY-MM-DD" in readme


def test_since_after_until_is_a_usage_error(logfile):
    res = logstat("--since", "2023-10-02", "--until", "2023-10-01", logfile)
    assert res.returncode == 2
    assert res.stderr == "logstat: --since is after --until\n"


def test_grouping_without_dates_is_unchanged(logfile):
    res = logstat(logfile)
    assert res.returncode == 0
    assert res.stdout == out(
        "3\t/index.html", "2\t/api/items", "2\t/api/login", "1\t/late", "1\t/old", "total\t9"
    )
    assert res.stderr == "logstat: skipped 1 malformed line(s)\n"


def test_status_class_and_top_unchanged(logfile):
    res = logstat("--status", "2xx", "--by", "ip", "--top", "2", logfile)
    assert res.stdout == out("2\t192.0.2.77", "2\t198.51.100.4", "total\t6")


def test_other_usage_errors_unchanged(logfile, tmp_path):
    assert logstat("--frobnicate", logfile).returncode == 2
    assert logstat("--by", "size", logfile).returncode == 2
    assert logstat("--top", "0", logfile).returncode == 2
    res = logstat(tmp_path / "missing.log")
    assert res.returncode == 1
    assert res.stderr == f"logstat: cannot read {tmp_path / 'missing.log'}\n"
