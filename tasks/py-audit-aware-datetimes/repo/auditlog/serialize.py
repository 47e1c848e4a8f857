"""JSON form of events. Timestamps are written as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC)."""

from __future__ import annotations

import json
from datetime import datetime

from auditlog.events import AuditEvent

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def format_timestamp(moment: datetime) -> str:
    return moment.strftime(_FORMAT)


def parse_timestamp(text: str) -> datetime:
    """Parse a timestamp written by :func:`format_timestamp` (fraction optional)."""
    if "." not in text:
        text = text.replace("Z", ".000000Z")
    return datetime.strptime(text, _FORMAT)


def event_to_json(event: AuditEvent) -> str:
    return json.dumps(
        {
            "actor": event.actor,
            "action": event.action,
            "target": event.target,
            "at": format_timestamp(event.at),
            "metadata": event.metadata,
        },
        sort_keys=True,
    )


def event_from_json(line: str) -> AuditEvent:
    data = json.loads(line)
    return AuditEvent(
        data["actor"],
        data["action"],
        data["target"],
        parse_timestamp(data["at"]),
        dict(data.get("metadata", {})),
    )
