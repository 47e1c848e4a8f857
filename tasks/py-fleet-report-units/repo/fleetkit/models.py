"""The fleet's records as plain dataclasses.

Everything here is data: behaviour lives in the modules that use it (schedule, costs, fuel, ...).
Distances are kilometres, money is `decimal.Decimal` in the fleet's currency, dates are
`datetime.date`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum


class FuelType(str, Enum):
    DIESEL = "diesel"
    PETROL = "petrol"
    ELECTRIC = "electric"
    HYBRID = "hybrid"


class Status(str, Enum):
    ACTIVE = "active"
    WORKSHOP = "workshop"
    RETIRED = "retired"


@dataclass
class Vehicle:
    """One vehicle of the register."""

    id: str
    make: str
    model: str
    year: int
    odometer_km: int = 0
    odometer_digits: int = 6
    fuel: FuelType = FuelType.DIESEL
    depot: str = "main"
    status: Status = Status.ACTIVE
    in_service: date | None = None
    tags: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.id} ({self.make} {self.model} {self.year})"

    @property
    def odometer_limit(self) -> int:
        """The first reading the odometer cannot show: it rolls over to 0 there."""
        return 10**self.odometer_digits


@dataclass
class ServiceRecord:
    """A maintenance item done on a vehicle at a date and odometer reading."""

    vehicle_id: str
    item: str
    done_on: date
    odometer_km: int
    cost: Decimal = Decimal("0")
    notes: str = ""


@dataclass
class FuelReceipt:
    """A fill-up: litres bought at an odometer reading. `full` is a fill to the brim."""

    vehicle_id: str
    filled_on: date
    odometer_km: int
    litres: Decimal
    price_per_litre: Decimal = Decimal("0")
    full: bool = True


@dataclass
class Part:
    """A catalogue part: list price per unit."""

    number: str
    name: str
    list_price: Decimal
    unit: str = "pc"


@dataclass
class PartLine:
    part: Part
    quantity: Decimal


@dataclass
class WorkOrder:
    """A job on one vehicle: parts, labour hours and a priority (1 = most urgent)."""

    id: str
    vehicle_id: str
    title: str
    hours: Decimal = Decimal("1")
    priority: int = 3
    parts: list[PartLine] = field(default_factory=list)
    opened_on: date | None = None
    closed_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None
