"""Timestamps in the access-log format, and back to ISO 8601 for output."""

from __future__ import annotations

from datetime import UTC, datetime

_FORMAT = "%d/%b/%Y:%H:%M:%S %z"


def parse_log_time(text: str) -> float:
    """`10/Oct/2026:13:55:36 +0000` -> seconds since the epoch."""
    return datetime.strptime(text, _FORMAT).timestamp()


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
