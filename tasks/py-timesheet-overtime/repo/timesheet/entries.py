"""Reading clock records.

The export is CSV with a header ``employee,start,end,project``; ``start`` and ``end`` are ISO 8601
timestamps as written by the badge terminals, with the terminal's UTC offset (e.g.
``2026-03-28T22:00:00+01:00``). Timestamps without an offset are accepted for hand-written files.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

REQUIRED_COLUMNS = ("employee", "start", "end")


class ParseError(ValueError):
    """A record cannot be read; the message names the line."""


@dataclass(frozen=True)
class Entry:
    """One clocked interval of work."""

    employee: str
    start: datetime
    end: datetime
    project: str = ""

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


def _parse_timestamp(text: str, line: int, column: str) -> datetime:
    try:
        stamp = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ParseError(f"line {line}: {column} {text!r} is not an ISO 8601 timestamp") from None
    # Offsets make comparisons between naive and aware values fail; the terminals all sit in
    # one office, so the wall-clock reading is what matters.
    return stamp.replace(tzinfo=None)


def parse_entries(text: str) -> list[Entry]:
    """Parse an export into entries, in file order."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ParseError(f"header is missing column(s): {', '.join(missing)}")
    entries = []
    for row in reader:
        line = reader.line_num
        employee = (row.get("employee") or "").strip()
        if not employee:
            raise ParseError(f"line {line}: employee is empty")
        start = _parse_timestamp(row["start"] or "", line, "start")
        end = _parse_timestamp(row["end"] or "", line, "end")
        entry = Entry(employee, start, end, (row.get("project") or "").strip())
        if entry.duration <= timedelta(0):
            raise ParseError(f"line {line}: end is not after start")
        if entry.duration > timedelta(hours=24):
            raise ParseError(f"line {line}: a single entry longer than 24 hours")
        entries.append(entry)
    return entries
