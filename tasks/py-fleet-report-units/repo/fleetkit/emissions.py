"""CO2 from the fuel bought, per vehicle and for the fleet.

Factors are kilograms of CO2 per litre burned (tank to wheel); electricity is not counted here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from fleetkit.models import FuelReceipt, FuelType, Vehicle

KG_CO2_PER_LITRE = {
    FuelType.DIESEL: Decimal("2.68"),
    FuelType.PETROL: Decimal("2.31"),
    FuelType.HYBRID: Decimal("2.31"),
    FuelType.ELECTRIC: Decimal("0"),
}


@dataclass(frozen=True)
class Emission:
    vehicle_id: str
    litres: Decimal
    kg_co2: Decimal


def in_period(receipts: Iterable[FuelReceipt], start: date, end: date) -> list[FuelReceipt]:
    """Receipts with start <= filled_on < end."""
    return [r for r in receipts if start <= r.filled_on < end]


def vehicle_emission(vehicle: Vehicle, receipts: Iterable[FuelReceipt]) -> Emission:
    litres = sum((r.litres for r in receipts if r.vehicle_id == vehicle.id), Decimal("0"))
    kg = (litres * KG_CO2_PER_LITRE[vehicle.fuel]).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Emission(vehicle.id, litres, kg)


def fleet_emissions(
    vehicles: Iterable[Vehicle], receipts: list[FuelReceipt], start: date, end: date
) -> list[Emission]:
    period = in_period(receipts, start, end)
    return [vehicle_emission(v, period) for v in sorted(vehicles, key=lambda v: v.id)]


def total_tonnes(emissions: Iterable[Emission]) -> Decimal:
    kg = sum((e.kg_co2 for e in emissions), Decimal("0"))
    return (kg / 1000).quantize(Decimal("0.001"), ROUND_HALF_UP)
