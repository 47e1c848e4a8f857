from logscan import parse_line, parse_lines

LINE = (
    '203.0.113.9 - - [10/Oct/2026:13:55:36 +0000] "GET /api/items?page=2 HTTP/1.1" '
    '200 5120 "-" "curl/8.5" 12'
)


def test_parse_line():
    r = parse_line(LINE)
    assert r is not None
    assert (r.client, r.method, r.path, r.status, r.size, r.duration_ms) == (
        "203.0.113.9", "GET", "/api/items", 200, 5120, 12,
    )  # fmt: skip
    assert r.ts == 1791640536.0


def test_parse_line_without_duration_and_size():
    r = parse_line(LINE.replace(" 5120 ", " - ").rsplit(" ", 1)[0])
    assert r is not None and r.size == 0 and r.duration_ms is None


def test_parse_lines_counts_garbage():
    result = parse_lines([LINE, "garbage", "", LINE])
    assert len(result.requests) == 2 and result.skipped == 1
