"""Dates and times in front matter, feeds and archives.

A page's `date` may be a day (`2024-03-10`), a local time (`2024-03-10 14:30` or
`2024-03-10T14:30:00`) or a time with an offset (`2024-03-10T23:30:00-05:00`, `...Z`). Times
without an offset are in the site's timezone (`timezone = "+01:00"` in quire.toml, UTC by
default); days are midnight in the site's timezone. Every parsed value is timezone-aware.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from quire.errors import QuireError

_OFFSET = re.compile(r"^(?:UTC)?([+-])(\d{2}):?(\d{2})$")
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_offset(text: str) -> timezone:
    """A fixed-offset timezone from `+02:00`, `-0530`, `UTC+01:00`, `Z` or `UTC`."""
    text = text.strip()
    if text in ("Z", "UTC", "+00:00"):
        return UTC
    match = _OFFSET.match(text)
    if not match:
        raise QuireError(f"invalid timezone offset {text!r} (expected e.g. +02:00)")
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta >= timedelta(hours=24):
        raise QuireError(f"invalid timezone offset {text!r}")
    return timezone(-delta if sign == "-" else delta)


def parse_datetime(value: str | date | datetime, site_tz: timezone = UTC) -> datetime:
    """An aware datetime from a front matter value (see the module docstring)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=site_tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=site_tz)
    match = _DATETIME.match(str(value).strip())
    if not match:
        raise QuireError(f"invalid date {value!r} (expected YYYY-MM-DD[THH:MM[:SS][+HH:MM]])")
    year, month, day, hour, minute, second, offset = match.groups()
    tz = parse_offset(offset) if offset else site_tz
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError as exc:
        raise QuireError(f"invalid date {value!r}: {exc}") from None


def rfc3339(moment: datetime) -> str:
    """`2024-03-10T04:30:00Z`: the moment in UTC, as Atom feeds want it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_day(moment: datetime, site_tz: timezone = UTC) -> str:
    """The calendar day of `moment` in the site's timezone, `YYYY-MM-DD`."""
    return moment.astimezone(site_tz).strftime("%Y-%m-%d")


def human_date(moment: datetime, site_tz: timezone = UTC) -> str:
    """`10 March 2024` in the site's timezone."""
    local = moment.astimezone(site_tz)
    return f"{local.day} {local.strftime('%B')} {local.year}"
