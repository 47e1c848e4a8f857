"""Due dates as an iCalendar (RFC 5545) feed, one all-day event per due item.

Lines are folded at 75 octets and end in CRLF; text values escape backslash, comma, semicolon
and newlines. UIDs are stable: the same item of the same vehicle keeps its UID across exports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timezone

from fleetkit.schedule import Due

PRODID = "-//fleetkit//due dates//EN"


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> list[str]:
    """Split a content line into chunks of at most 75 octets, continuation lines starting with a
    space, never inside a UTF-8 sequence."""
    out: list[str] = []
    current = ""
    limit = 75
    for ch in line:
        if len((current + ch).encode("utf-8")) > limit:
            out.append(current)
            current = " " + ch
            limit = 75
        else:
            current += ch
    out.append(current)
    return out


def uid(d: Due) -> str:
    digest = hashlib.sha256(f"{d.vehicle_id}/{d.item}".encode()).hexdigest()[:16]
    return f"{digest}@fleetkit"


def event(d: Due, stamp: datetime) -> list[str]:
    assert d.due_on is not None
    nxt = date.fromordinal(d.due_on.toordinal() + 1)
    return [
        "BEGIN:VEVENT",
        f"UID:{uid(d)}",
        f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART;VALUE=DATE:{d.due_on.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{nxt.strftime('%Y%m%d')}",
        f"SUMMARY:{escape(f'{d.vehicle_id}: {d.item} due')}",
        f"DESCRIPTION:{escape(f'state on export: {d.state}')}",
        "END:VEVENT",
    ]


def to_ical(dues: Iterable[Due], stamp: datetime | None = None) -> str:
    stamp = stamp or datetime.now(timezone.utc)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}"]
    for d in dues:
        if d.due_on is not None:
            lines += event(d, stamp)
    lines.append("END:VCALENDAR")
    folded = [chunk for line in lines for chunk in fold(line)]
    return "\r\n".join(folded) + "\r\n"
