"""A group's ledger: balances in the group currency and a short list of transfers to settle."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tabsplit.expenses import Expense, split_expense
from tabsplit.fx import RateTable
from tabsplit.money import Money

# Balances closer to zero than this are treated as settled.
SETTLED = Decimal("0.005")


@dataclass(frozen=True)
class Transfer:
    debtor: str
    creditor: str
    amount: Money

    def __str__(self) -> str:
        return f"{self.debtor} -> {self.creditor} {self.amount}"


class Ledger:
    def __init__(self, currency: str, members: list[str], rates: RateTable) -> None:
        if rates.base != currency:
            raise ValueError("the rate table must be based on the group currency")
        self.currency = currency
        self.members = list(members)
        self.rates = rates
        self.expenses: list[Expense] = []

    def add(self, expense: Expense) -> None:
        unknown = [m for m in [expense.payer, *expense.shares] if m not in self.members]
        if unknown:
            raise ValueError(f"not a member: {unknown[0]}")
        self.expenses.append(expense)

    def balances(self) -> dict[str, Money]:
        """Net position per member in the group currency: positive = is owed money.

        Each expense is converted once and then split, so that the parts add up to the converted
        amount exactly.
        """
        net = {m: Money.zero(self.currency) for m in self.members}
        for expense in self.expenses:
            converted = self.rates.convert(expense.amount, self.currency)
            local = Expense(expense.payer, converted, expense.shares, expense.note)
            net[expense.payer] = net[expense.payer] + converted
            for member, part in split_expense(local).items():
                net[member] = net[member] - part
        return net

    def check_balanced(self) -> None:
        total = sum((b.amount for b in self.balances().values()), Decimal(0))
        if total != 0:
            raise AssertionError(f"balances do not add up to zero: {total}")

    def settle(self) -> list[Transfer]:
        """Greedy settlement: the largest debtor pays the largest creditor until all are even.
        At most len(members) - 1 transfers."""
        balances = {m: b.amount for m, b in self.balances().items()}
        transfers: list[Transfer] = []
        while True:
            debtors = sorted((v, m) for m, v in balances.items() if v < -SETTLED)
            creditors = sorted(((-v, m) for m, v in balances.items() if v > SETTLED))
            if not debtors or not creditors:
                return transfers
            debt, debtor = debtors[0]
            credit, creditor = creditors[0]
            amount = min(-debt, -credit)
            transfers.append(Transfer(debtor, creditor, Money(amount, self.currency)))
            balances[debtor] += amount
            balances[creditor] -= amount
