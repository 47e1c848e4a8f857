"""One parsed log line, and parsing whole files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from logscan.timeutil import parse_log_time

_LINE = re.compile(
    r'^(?P<client>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" '
    r'(?P<status>\d{3}) (?P<size>\d+|-) "[^"]*" "[^"]*"(?: (?P<duration>\d+))?$'
)


@dataclass(frozen=True)
class Request:
    ts: float  # seconds since the epoch
    client: str
    method: str = "GET"
    path: str = "/"
    status: int = 200
    size: int = 0
    duration_ms: int | None = None


def parse_line(line: str) -> Request | None:
    """A Request, or None when the line is not in the expected format."""
    match = _LINE.match(line.rstrip("\n"))
    if not match:
        return None
    try:
        ts = parse_log_time(match["time"])
    except ValueError:
        return None
    return Request(
        ts=ts,
        client=match["client"],
        method=match["method"],
        path=match["path"].split("?", 1)[0],
        status=int(match["status"]),
        size=0 if match["size"] == "-" else int(match["size"]),
        duration_ms=int(match["duration"]) if match["duration"] else None,
    )


@dataclass
class ParseResult:
    requests: list[Request]
    skipped: int


def iter_requests(lines: Iterable[str], skipped: list[int]) -> Iterator[Request]:
    for line in lines:
        if not line.strip():
            continue
        request = parse_line(line)
        if request is None:
            skipped[0] += 1
        else:
            yield request


def parse_lines(lines: Iterable[str]) -> ParseResult:
    skipped = [0]
    requests = list(iter_requests(lines, skipped))
    return ParseResult(requests, skipped[0])
