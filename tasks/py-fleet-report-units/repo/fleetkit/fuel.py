"""Fuel economy from fill-ups.

Economy is measured between two *full* fill-ups: the litres of every fill-up after the first
full one, up to and including the next full one, over the distance between the two full ones.
Partial fill-ups in between add their litres; a partial fill-up before the first full one is
ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fleetkit import odometer
from fleetkit.models import FuelReceipt, Vehicle


@dataclass(frozen=True)
class Economy:
    vehicle_id: str
    km: int
    litres: Decimal

    @property
    def per_100km(self) -> Decimal | None:
        if self.km <= 0:
            return None
        value = self.litres * 100 / self.km
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def receipts_for(vehicle: Vehicle, receipts: list[FuelReceipt]) -> list[FuelReceipt]:
    """The vehicle's receipts in time order (date, then position in the input)."""
    mine = [(r.filled_on, i, r) for i, r in enumerate(receipts) if r.vehicle_id == vehicle.id]
    return [r for _, _, r in sorted(mine, key=lambda t: (t[0], t[1]))]


def economy(vehicle: Vehicle, receipts: list[FuelReceipt]) -> Economy:
    """Kilometres and litres over the vehicle's measured stretches."""
    ordered = receipts_for(vehicle, receipts)
    km = 0
    litres = Decimal("0")
    start: FuelReceipt | None = None
    pending = Decimal("0")
    for r in ordered:
        if start is None:
            if r.full:
                start = r
            continue
        pending += r.litres
        if r.full:
            km += odometer.distance(vehicle, start.odometer_km, r.odometer_km)
            litres += pending
            pending = Decimal("0")
            start = r
    return Economy(vehicle.id, km, litres)


def fuel_cost(receipts: list[FuelReceipt]) -> Decimal:
    total = sum((r.litres * r.price_per_litre for r in receipts), Decimal("0"))
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fleet_economy(vehicles: list[Vehicle], receipts: list[FuelReceipt]) -> list[Economy]:
    return [economy(v, receipts) for v in sorted(vehicles, key=lambda v: v.id)]
