"""Money helpers."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_price(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def ceil_to(amount: Decimal, step: Decimal) -> Decimal:
    """Round up to a multiple of ``step`` (weight brackets)."""
    return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step
