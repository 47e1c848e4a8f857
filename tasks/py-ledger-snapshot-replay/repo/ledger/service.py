"""The Ledger: validated, idempotent commands on top of the log, the state and snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ledger import snapshot
from ledger.errors import InsufficientFunds, LedgerError, UnknownAccount
from ledger.eventlog import EventLog
from ledger.events import Event
from ledger.money import parse_amount
from ledger.state import LedgerState

LOG_NAME = "events.jsonl"
SNAPSHOT_NAME = "snapshot.json"


@dataclass(frozen=True)
class Receipt:
    """Result of a command: the event's ``seq`` and the (first) account's balance afterwards.

    ``duplicate`` is True when the idempotency key had already been used: nothing was applied and
    ``seq`` is the event the original command produced.
    """

    seq: int
    balance: int
    duplicate: bool = False


class Ledger:
    def __init__(self, directory: Path, snapshot_every: int = 100) -> None:
        if snapshot_every < 1:
            raise ValueError("snapshot_every must be at least 1")
        self.directory = Path(directory)
        self.snapshot_every = snapshot_every
        self.log = EventLog(self.directory / LOG_NAME)
        self.state = snapshot.load(self.directory / SNAPSHOT_NAME) or LedgerState()
        for event in self.log.read_from(self.state.last_seq):
            self.state.apply(event)

    # ------------------------------------------------------------------ queries

    def balance(self, account: str) -> int:
        """Balance in cents."""
        try:
            return self.state.balances[account]
        except KeyError:
            raise UnknownAccount(account) from None

    def balances(self) -> dict[str, int]:
        return dict(sorted(self.state.balances.items()))

    @property
    def last_seq(self) -> int:
        return self.state.last_seq

    # ------------------------------------------------------------------ commands

    def open_account(self, account: str, key: str | None = None) -> Receipt:
        if not account:
            raise LedgerError("account name must not be empty")
        if account in self.state.balances and (key is None or key not in self.state.applied_keys):
            raise LedgerError(f"account {account!r} already exists")
        return self._command("open", account, 0, None, key)

    def deposit(self, account: str, amount: str | int, key: str | None = None) -> Receipt:
        return self._command("deposit", account, _cents(amount), None, key)

    def withdraw(self, account: str, amount: str | int, key: str | None = None) -> Receipt:
        return self._command("withdraw", account, _cents(amount), None, key)

    def transfer(
        self, source: str, target: str, amount: str | int, key: str | None = None
    ) -> Receipt:
        if source == target:
            raise LedgerError("cannot transfer to the same account")
        return self._command("transfer", source, _cents(amount), target, key)

    # ------------------------------------------------------------------ internals

    def _command(
        self, kind: str, account: str, amount: int, to_account: str | None, key: str | None
    ) -> Receipt:
        if key is not None and key in self.state.applied_keys:
            return Receipt(self.state.applied_keys[key], self.balance(account), duplicate=True)
        if kind != "open":
            self.balance(account)  # raises UnknownAccount
            if to_account is not None:
                self.balance(to_account)
            if kind in ("withdraw", "transfer") and self.balance(account) < amount:
                raise InsufficientFunds(f"{account} has {self.balance(account)}, needs {amount}")
        event = Event(self.state.last_seq + 1, kind, account, amount, to_account, key)
        self.log.append(event)
        self.state.apply(event)
        if event.seq % self.snapshot_every == 0:
            snapshot.save(self.directory / SNAPSHOT_NAME, self.state)
        return Receipt(event.seq, self.balance(account))


def _cents(amount: str | int) -> int:
    if isinstance(amount, int):
        if amount <= 0:
            raise ValueError("amount must be positive")
        return amount
    return parse_amount(amount)
