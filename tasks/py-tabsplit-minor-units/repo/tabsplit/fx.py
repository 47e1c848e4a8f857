"""Converting between currencies with a table of rates against the group currency."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal

from tabsplit.currency import get_currency
from tabsplit.money import Money


class MissingRate(KeyError):
    pass


class RateTable:
    """`rates[c]` = units of currency c per one unit of the base currency."""

    def __init__(self, base: str, rates: Mapping[str, str | Decimal]) -> None:
        self.base = get_currency(base).code
        self._rates = {get_currency(code).code: Decimal(str(r)) for code, r in rates.items()}
        self._rates[self.base] = Decimal(1)
        for code, rate in self._rates.items():
            if rate <= 0:
                raise ValueError(f"rate for {code} must be positive")

    def rate(self, source: str, target: str) -> Decimal:
        """Units of `target` per one unit of `source`."""
        try:
            return self._rates[target] / self._rates[source]
        except KeyError as exc:
            raise MissingRate(f"no rate for {exc.args[0]}") from None

    def convert(self, money: Money, target: str) -> Money:
        """The amount in `target`, rounded half-even to the target's minor units."""
        target = get_currency(target).code
        if money.currency == target:
            return money
        value = money.amount * self.rate(money.currency, target)
        return Money(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN), target)
