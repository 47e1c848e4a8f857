"""The append-only event log: one JSON object per line."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from ledger.errors import CorruptLog
from ledger.events import Event


class EventLog:
    """Events in ``path``, oldest first.

    Appends are flushed and fsynced before they count as accepted. If the process dies in the
    middle of an append, the log ends in a torn line without its newline; that line was never
    acknowledged to anyone, so it does not count as an event.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)

    def append(self, event: Event) -> None:
        line = json.dumps(event.to_dict(), sort_keys=True) + "\n"
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def read_from(self, seq: int) -> Iterator[Event]:
        """Events whose ``seq`` is ``seq`` or later, in order."""
        with self.path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    event = Event.from_dict(json.loads(line))
                except (ValueError, KeyError) as exc:
                    raise CorruptLog(f"{self.path}:{number}: {exc}") from None
                if event.seq >= seq:
                    yield event

    def __len__(self) -> int:
        return sum(1 for _ in self.read_from(0))
