"""The in-memory state: a fold over events."""

from __future__ import annotations

from dataclasses import dataclass, field

from ledger.events import Event


@dataclass
class LedgerState:
    balances: dict[str, int] = field(default_factory=dict)
    last_seq: int = 0
    # idempotency key -> seq of the event that command produced
    applied_keys: dict[str, int] = field(default_factory=dict)

    def apply(self, event: Event) -> None:
        if event.kind == "open":
            self.balances.setdefault(event.account, 0)
        elif event.kind == "deposit":
            self.balances[event.account] += event.amount
        elif event.kind == "withdraw":
            self.balances[event.account] -= event.amount
        elif event.kind == "transfer":
            assert event.to_account is not None
            self.balances[event.account] -= event.amount
            self.balances[event.to_account] += event.amount
        else:
            raise ValueError(f"unknown event kind {event.kind!r}")
        self.last_seq = event.seq
        if event.key is not None:
            self.applied_keys[event.key] = event.seq
