"""ledger: an event-sourced account ledger.

Every accepted command becomes an event appended to ``events.jsonl``; the current state is the fold
of all events. Every ``snapshot_every`` events the state is written to ``snapshot.json`` so that
opening a ledger only replays the events after the snapshot.
"""

from ledger.errors import InsufficientFunds, LedgerError, UnknownAccount
from ledger.money import format_amount, parse_amount
from ledger.service import Ledger, Receipt

__all__ = [
    "InsufficientFunds",
    "Ledger",
    "LedgerError",
    "Receipt",
    "UnknownAccount",
    "format_amount",
    "parse_amount",
]
