"""Expenses and how they split among members."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tabsplit.money import Money


@dataclass(frozen=True)
class Expense:
    payer: str
    amount: Money
    # member -> weight, in the order given; equal weights split evenly
    shares: dict[str, Decimal] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        if not self.shares:
            raise ValueError("an expense needs at least one share")
        if self.amount.amount <= 0:
            raise ValueError("an expense amount must be positive")


def split_expense(expense: Expense) -> dict[str, Money]:
    """What each member owes for this expense, in the expense's currency."""
    members = list(expense.shares)
    parts = expense.amount.allocate([expense.shares[m] for m in members])
    return dict(zip(members, parts, strict=True))
