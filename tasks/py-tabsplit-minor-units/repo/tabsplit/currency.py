"""ISO 4217 facts the rest of the package needs: minor units and display symbols."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Currency:
    code: str
    minor_units: int  # digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD
    symbol: str

    @property
    def quantum(self) -> Decimal:
        """The smallest amount: Decimal('0.01') for EUR, Decimal('1') for JPY."""
        return Decimal(1).scaleb(-self.minor_units)


_CURRENCIES = {
    c.code: c
    for c in (
        Currency("EUR", 2, "€"),
        Currency("USD", 2, "$"),
        Currency("GBP", 2, "£"),
        Currency("CHF", 2, "CHF "),
        Currency("JPY", 0, "¥"),
        Currency("KRW", 0, "₩"),
        Currency("KWD", 3, "KD "),
        Currency("BHD", 3, "BD "),
    )
}


class UnknownCurrency(ValueError):
    pass


def get_currency(code: str) -> Currency:
    try:
        return _CURRENCIES[code.upper()]
    except KeyError:
        raise UnknownCurrency(f"unknown currency {code!r}") from None


def known_codes() -> list[str]:
    return sorted(_CURRENCIES)
