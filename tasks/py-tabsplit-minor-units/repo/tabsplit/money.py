"""Exact amounts of one currency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

from tabsplit.currency import Currency, get_currency

CENT = Decimal("0.01")


class CurrencyMismatch(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Parse an amount, rounding half-even to the currency's minor units."""
        cur = get_currency(currency)
        value = Decimal(str(amount)).quantize(cur.quantum, rounding=ROUND_HALF_EVEN)
        return cls(value, cur.code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls.of(0, currency)

    @property
    def info(self) -> Currency:
        return get_currency(self.currency)

    @property
    def quantum(self) -> Decimal:
        return self.info.quantum

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"{self.currency} vs {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def times(self, factor: Decimal | int) -> Money:
        """Multiply and round half-even to minor units."""
        value = (self.amount * Decimal(factor)).quantize(self.quantum, rounding=ROUND_HALF_EVEN)
        return Money(value, self.currency)

    def allocate(self, weights: Sequence[int | Decimal]) -> list[Money]:
        """Split into parts proportional to `weights` that add up exactly to this amount.

        Each part is first rounded down to a whole minor unit; the units left over go one at a
        time to the first parts, in order.
        """
        if not weights or any(Decimal(w) < 0 for w in weights):
            raise ValueError("weights must be non-empty and non-negative")
        total_weight = sum(Decimal(w) for w in weights)
        if total_weight == 0:
            raise ValueError("weights must not all be zero")
        sign = -1 if self.amount < 0 else 1
        remaining = abs(self.amount)
        parts = [
            (remaining * Decimal(w) / total_weight).quantize(CENT, rounding=ROUND_DOWN)
            for w in weights
        ]
        leftover = remaining - sum(parts)
        i = 0
        while leftover > 0:
            if Decimal(weights[i % len(weights)]) > 0:
                parts[i % len(weights)] += CENT
                leftover -= CENT
            i += 1
        return [Money(sign * p, self.currency) for p in parts]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def total(amounts: Sequence[Money], currency: str) -> Money:
    result = Money.zero(currency)
    for m in amounts:
        result = result + m
    return result
