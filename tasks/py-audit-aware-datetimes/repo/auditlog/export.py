"""CSV export with epoch timestamps, for the SIEM import."""

from __future__ import annotations

import calendar
import csv
import io
from collections.abc import Iterable
from datetime import datetime

from auditlog.events import AuditEvent


def to_epoch(moment: datetime) -> float:
    """Seconds since 1970-01-01 UTC."""
    return calendar.timegm(moment.utctimetuple()) + moment.microsecond / 1_000_000


def from_epoch(seconds: float) -> datetime:
    return datetime.utcfromtimestamp(seconds)


def export_csv(events: Iterable[AuditEvent]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["epoch", "actor", "action", "target"])
    for event in events:
        writer.writerow([f"{to_epoch(event.at):.6f}", event.actor, event.action, event.target])
    return out.getvalue()
