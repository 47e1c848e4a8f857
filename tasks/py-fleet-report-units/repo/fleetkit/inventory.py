"""Parts stock per depot, reservations for work orders and reorder suggestions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from fleetkit.errors import FleetError
from fleetkit.models import Part, WorkOrder


class StockError(FleetError):
    """Not enough stock, or an unknown part."""


@dataclass
class StockItem:
    part: Part
    on_hand: Decimal = Decimal("0")
    reserved: Decimal = Decimal("0")
    reorder_point: Decimal = Decimal("0")
    reorder_quantity: Decimal = Decimal("0")

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


@dataclass
class Stock:
    depot: str
    items: dict[str, StockItem] = field(default_factory=dict)

    def add_part(
        self, part: Part, *, reorder_point: str = "0", reorder_quantity: str = "0"
    ) -> None:
        if part.number in self.items:
            raise StockError(f"{part.number} is already stocked at {self.depot}")
        self.items[part.number] = StockItem(
            part, reorder_point=Decimal(reorder_point), reorder_quantity=Decimal(reorder_quantity)
        )

    def item(self, number: str) -> StockItem:
        try:
            return self.items[number]
        except KeyError:
            raise StockError(f"{number} is not stocked at {self.depot}") from None

    def receive(self, number: str, quantity: Decimal) -> None:
        if quantity <= 0:
            raise StockError("received quantity must be positive")
        self.item(number).on_hand += quantity

    def reserve(self, order: WorkOrder) -> None:
        """Reserve every part of `order`, all or nothing."""
        needed: dict[str, Decimal] = {}
        for line in order.parts:
            needed[line.part.number] = needed.get(line.part.number, Decimal("0")) + line.quantity
        for number, qty in needed.items():
            item = self.item(number)
            if item.available < qty:
                raise StockError(
                    f"{order.id}: {number} needs {qty}, {item.available} available at {self.depot}"
                )
        for number, qty in needed.items():
            self.items[number].reserved += qty

    def issue(self, order: WorkOrder) -> None:
        """Take the reserved parts of `order` out of stock."""
        for line in order.parts:
            item = self.item(line.part.number)
            if item.reserved < line.quantity:
                raise StockError(f"{order.id}: {line.part.number} was not reserved")
            item.reserved -= line.quantity
            item.on_hand -= line.quantity

    def reorders(self) -> list[tuple[str, Decimal]]:
        """(part number, quantity to order) for every item at or below its reorder point."""
        out = []
        for number in sorted(self.items):
            item = self.items[number]
            if item.reorder_quantity > 0 and item.available <= item.reorder_point:
                shortfall = item.reorder_point - item.available
                qty = max(item.reorder_quantity, shortfall + item.reorder_quantity)
                out.append((number, qty))
        return out

    def value(self) -> Decimal:
        return sum(
            (i.on_hand * i.part.list_price for i in self.items.values()), Decimal("0")
        ).quantize(Decimal("0.01"))


def merge_stock(stocks: Iterable[Stock]) -> dict[str, Decimal]:
    """On-hand quantity per part over several depots."""
    total: dict[str, Decimal] = {}
    for stock in stocks:
        for number, item in stock.items.items():
            total[number] = total.get(number, Decimal("0")) + item.on_hand
    return dict(sorted(total.items()))
