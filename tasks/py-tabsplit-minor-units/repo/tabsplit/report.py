"""Human-readable output for the CLI."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN

from tabsplit.ledger import Transfer
from tabsplit.money import Money


def format_money(money: Money, *, signed: bool = False) -> str:
    """`+41.67 EUR`, `1,500 JPY`: thousands separators, the currency's own minor units."""
    value = money.amount.quantize(money.quantum, rounding=ROUND_HALF_EVEN)
    text = f"{abs(value):,.{money.info.minor_units}f}"
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    return f"{sign}{text} {money.currency}"


def balances_table(balances: dict[str, Money]) -> str:
    width = max((len(m) for m in balances), default=0)
    return "\n".join(
        f"{member:<{width}}  {format_money(b, signed=True)}" for member, b in balances.items()
    )


def transfers_table(transfers: list[Transfer]) -> str:
    if not transfers:
        return "all settled"
    lines = [f"{t.debtor} -> {t.creditor}" for t in transfers]
    width = max(len(line) for line in lines)
    return "\n".join(
        f"{line:<{width}}  {format_money(t.amount)}"
        for line, t in zip(lines, transfers, strict=True)
    )
