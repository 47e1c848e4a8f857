"""An append-only JSON Lines store with time-range queries and retention."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from auditlog.clock import now
from auditlog.events import AuditEvent
from auditlog.serialize import event_from_json, event_to_json


class AuditStore:
    """Events in memory, mirrored to ``path`` (one JSON object per line) when given."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._events: list[AuditEvent] = []
        if path is not None and path.exists():
            with path.open(encoding="utf-8") as fh:
                self._events = [event_from_json(line) for line in fh if line.strip()]

    def append(self, event: AuditEvent) -> None:
        self._events.append(event)
        if self.path is not None:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(event_to_json(event) + "\n")

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[AuditEvent]:
        return iter(self._events)

    def query(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        actor: str | None = None,
    ) -> list[AuditEvent]:
        """Events with ``since <= at < until`` (either bound optional), oldest first."""
        found = [
            e
            for e in self._events
            if (since is None or e.at >= since)
            and (until is None or e.at < until)
            and (actor is None or e.actor == actor)
        ]
        return sorted(found, key=lambda e: e.at)

    def purge(self, keep_days: int) -> int:
        """Drop events older than ``keep_days`` days; returns how many were dropped."""
        cutoff = now() - timedelta(days=keep_days)
        kept = [e for e in self._events if e.at >= cutoff]
        dropped = len(self._events) - len(kept)
        self._events = kept
        if self.path is not None and dropped:
            tmp = self.path.with_suffix(self.path.suffix + ".tmp")
            tmp.write_text("".join(event_to_json(e) + "\n" for e in kept), encoding="utf-8")
            tmp.replace(self.path)
        return dropped
