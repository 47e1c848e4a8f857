"""Prices, discounts, VAT and invoices.

Money is `Decimal`, rounded to the cent **half up** (0.005 -> 0.01) at each line and at the VAT
amount, as the accounting system does. The fleet discount applies to parts only, never to
labour. VAT is charged on the discounted subtotal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from fleetkit.models import WorkOrder

CENT = Decimal("0.01")
DEFAULT_VAT = Decimal("0.20")
DEFAULT_LABOUR_RATE = Decimal("68.00")


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT)


def percent(text: str) -> Decimal:
    """'12.5%' or '0.125' -> Decimal('0.125')."""
    s = text.strip()
    if s.endswith("%"):
        return Decimal(s[:-1].strip()) / 100
    value = Decimal(s)
    if value > 1:
        raise ValueError(f"{text!r}: write a rate above 1 as a percentage, e.g. '{value}%'")
    return value


@dataclass(frozen=True)
class PriceList:
    """What a depot charges: labour per hour, the fleet's parts discount and the VAT rate."""

    labour_rate: Decimal = DEFAULT_LABOUR_RATE
    parts_discount: Decimal = Decimal("0")
    vat: Decimal = DEFAULT_VAT

    def __post_init__(self) -> None:
        if not Decimal("0") <= self.parts_discount < Decimal("1"):
            raise ValueError("parts_discount must be in [0, 1)")
        if self.vat < 0:
            raise ValueError("vat must not be negative")


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal  # after discount, rounded to the cent


@dataclass
class Invoice:
    order_id: str
    vehicle_id: str
    lines: list[InvoiceLine] = field(default_factory=list)
    vat_rate: Decimal = DEFAULT_VAT

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))

    @property
    def vat(self) -> Decimal:
        return to_cents(self.subtotal * self.vat_rate)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.vat


def part_line(
    description: str, quantity: Decimal, list_price: Decimal, discount: Decimal
) -> InvoiceLine:
    unit = list_price * (1 - discount)
    return InvoiceLine(description, quantity, unit, to_cents(unit * quantity))


def labour_line(hours: Decimal, rate: Decimal) -> InvoiceLine:
    return InvoiceLine("labour", hours, rate, to_cents(hours * rate))


def invoice(order: WorkOrder, prices: PriceList) -> Invoice:
    """The invoice of a work order: one line per part, then the labour line."""
    inv = Invoice(order.id, order.vehicle_id, vat_rate=prices.vat)
    for pl in order.parts:
        inv.lines.append(
            part_line(
                f"{pl.part.number} {pl.part.name}",
                pl.quantity,
                pl.part.list_price,
                prices.parts_discount,
            )
        )
    if order.hours > 0:
        rate = prices.labour_rate * (1 - prices.parts_discount)
        inv.lines.append(labour_line(order.hours, rate))
    return inv


def cost_per_km(total: Decimal, km: int) -> Decimal | None:
    if km <= 0:
        return None
    return (total / km).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def straight_line_depreciation(
    purchase: Decimal, residual: Decimal, years: int, age_years: int
) -> Decimal:
    """Book value after `age_years` of straight-line depreciation over `years`."""
    if years <= 0:
        raise ValueError("years must be positive")
    age = min(max(age_years, 0), years)
    return to_cents(purchase - (purchase - residual) * age / years)
