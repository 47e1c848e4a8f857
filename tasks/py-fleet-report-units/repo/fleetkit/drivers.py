"""Drivers, their licences and which vehicles they may drive.

A licence has categories (B: cars and vans up to 3.5 t, C1: trucks up to 7.5 t, C: heavier
trucks, D1: minibuses) and an expiry date. A vehicle's required category comes from its tags
(`cat-c1`, `cat-c`, ...); untagged vehicles need category B.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from fleetkit.errors import FleetError
from fleetkit.models import Status, Vehicle

CATEGORIES = ("B", "C1", "C", "D1", "D")
# A licence for the key category also covers the listed ones.
COVERS = {"C": {"C1", "B"}, "C1": {"B"}, "D": {"D1", "B"}, "D1": {"B"}, "B": set()}
EXPIRY_WARNING_DAYS = 60


class DriverError(FleetError):
    """A driver cannot be assigned as asked."""


@dataclass
class Driver:
    id: str
    name: str
    categories: set[str] = field(default_factory=lambda: {"B"})
    licence_expires: date | None = None
    depot: str = "main"

    def __post_init__(self) -> None:
        unknown = self.categories - set(CATEGORIES)
        if unknown:
            raise ValueError(f"{self.id}: unknown licence categories {sorted(unknown)}")

    def holds(self, category: str) -> bool:
        held = set(self.categories)
        for cat in self.categories:
            held |= COVERS.get(cat, set())
        return category in held

    def licence_valid(self, today: date) -> bool:
        return self.licence_expires is None or self.licence_expires >= today


def required_category(vehicle: Vehicle) -> str:
    for tag in vehicle.tags:
        if tag.startswith("cat-"):
            cat = tag[4:].upper()
            if cat in CATEGORIES:
                return cat
    return "B"


def may_drive(driver: Driver, vehicle: Vehicle, today: date) -> tuple[bool, str]:
    """Whether `driver` may drive `vehicle` on `today`, and why not."""
    if vehicle.status is not Status.ACTIVE:
        return False, f"{vehicle.id} is {vehicle.status.value}"
    if not driver.licence_valid(today):
        return False, f"{driver.name}'s licence expired on {driver.licence_expires}"
    cat = required_category(vehicle)
    if not driver.holds(cat):
        return False, f"{vehicle.id} needs category {cat}"
    return True, ""


@dataclass
class Roster:
    """Which driver has which vehicle on a day; one vehicle per driver and day."""

    assignments: dict[tuple[date, str], str] = field(
        default_factory=dict
    )  # (day, vehicle) -> driver

    def assign(self, day: date, driver: Driver, vehicle: Vehicle) -> None:
        ok, why = may_drive(driver, vehicle, day)
        if not ok:
            raise DriverError(why)
        if (day, vehicle.id) in self.assignments:
            raise DriverError(f"{vehicle.id} is already taken on {day}")
        if any(d == day and drv == driver.id for (d, _), drv in self.assignments.items()):
            raise DriverError(f"{driver.name} already drives another vehicle on {day}")
        self.assignments[(day, vehicle.id)] = driver.id

    def for_day(self, day: date) -> dict[str, str]:
        return {v: drv for (d, v), drv in sorted(self.assignments.items()) if d == day}


def expiring(
    drivers: Iterable[Driver], today: date, days: int = EXPIRY_WARNING_DAYS
) -> list[Driver]:
    """Drivers whose licence expires within `days` (already expired ones included), soonest
    first."""
    horizon = today + timedelta(days=days)
    out = [d for d in drivers if d.licence_expires is not None and d.licence_expires <= horizon]
    return sorted(out, key=lambda d: (d.licence_expires, d.id))
