"""Event types and their JSON form."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """One accepted command. ``seq`` numbers events 1, 2, 3, ... without gaps."""

    seq: int
    kind: str  # open | deposit | withdraw | transfer
    account: str
    amount: int = 0  # cents
    to_account: str | None = None
    key: str | None = None  # the command's idempotency key

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        return cls(
            seq=int(data["seq"]),
            kind=str(data["kind"]),
            account=str(data["account"]),
            amount=int(data.get("amount", 0)),
            to_account=data.get("to_account"),
            key=data.get("key"),
        )
