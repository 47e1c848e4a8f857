"""Service plans and what is due.

A plan item has an interval in kilometres, in months, or both. It is due when **either** limit
is reached, whichever comes first, counted from the last time the item was done (or from the
vehicle's entry into service, at odometer 0, when it never was).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from fleetkit import odometer
from fleetkit.dates import add_months
from fleetkit.models import ServiceRecord, Status, Vehicle

DUE_SOON_KM = 1000
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class PlanItem:
    item: str
    every_km: int | None = None
    every_months: int | None = None

    def __post_init__(self) -> None:
        if self.every_km is None and self.every_months is None:
            raise ValueError(f"plan item {self.item!r} needs an interval in km or months")
        if self.every_km is not None and self.every_km <= 0:
            raise ValueError(f"plan item {self.item!r}: every_km must be positive")
        if self.every_months is not None and self.every_months <= 0:
            raise ValueError(f"plan item {self.item!r}: every_months must be positive")


DEFAULT_PLAN = (
    PlanItem("oil-change", every_km=15000, every_months=12),
    PlanItem("brake-inspection", every_km=30000, every_months=24),
    PlanItem("tyre-rotation", every_km=10000),
    PlanItem("annual-inspection", every_months=12),
    PlanItem("coolant", every_km=60000, every_months=48),
)


@dataclass(frozen=True)
class Due:
    """When a plan item falls due for one vehicle, and how it stands on `today`."""

    vehicle_id: str
    item: str
    due_km: int | None  # odometer reading at which it is due (rolled over like the odometer)
    due_on: date | None
    km_left: int | None
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return (self.km_left is not None and self.km_left <= 0) or (
            self.days_left is not None and self.days_left <= 0
        )

    @property
    def soon(self) -> bool:
        return not self.overdue and (
            (self.km_left is not None and self.km_left <= DUE_SOON_KM)
            or (self.days_left is not None and self.days_left <= DUE_SOON_DAYS)
        )

    @property
    def state(self) -> str:
        return "overdue" if self.overdue else "soon" if self.soon else "ok"


def last_done(records: Iterable[ServiceRecord], vehicle_id: str, item: str) -> ServiceRecord | None:
    """The latest record of `item` on the vehicle (by date, then by position)."""
    latest: ServiceRecord | None = None
    for rec in records:
        if rec.vehicle_id == vehicle_id and rec.item == item:
            if latest is None or rec.done_on >= latest.done_on:
                latest = rec
    return latest


def due_for(
    vehicle: Vehicle, plan_item: PlanItem, records: Iterable[ServiceRecord], today: date
) -> Due:
    last = last_done(records, vehicle.id, plan_item.item)
    base_km = last.odometer_km if last else 0
    base_day = last.done_on if last else (vehicle.in_service or today)
    due_km = km_left = None
    if plan_item.every_km is not None:
        driven = odometer.distance(vehicle, base_km, vehicle.odometer_km)
        km_left = plan_item.every_km - driven
        due_km = odometer.advance(vehicle, base_km, plan_item.every_km)
    due_on = days_left = None
    if plan_item.every_months is not None:
        due_on = add_months(base_day, plan_item.every_months)
        days_left = (due_on - today).days
    return Due(vehicle.id, plan_item.item, due_km, due_on, km_left, days_left)


def due_list(
    vehicles: Iterable[Vehicle],
    records: list[ServiceRecord],
    today: date,
    plan: tuple[PlanItem, ...] = DEFAULT_PLAN,
) -> list[Due]:
    """Every plan item of every active vehicle, most urgent first: overdue, then soon, then
    the rest; within a state by the smaller of days left and km left / 100, then by vehicle id
    and item."""
    out = [
        due_for(vehicle, item, records, today)
        for vehicle in vehicles
        if vehicle.status is not Status.RETIRED
        for item in plan
    ]
    rank = {"overdue": 0, "soon": 1, "ok": 2}

    def urgency(d: Due) -> float:
        values = []
        if d.days_left is not None:
            values.append(float(d.days_left))
        if d.km_left is not None:
            values.append(d.km_left / 100)
        return min(values)

    out.sort(key=lambda d: (rank[d.state], urgency(d), d.vehicle_id, d.item))
    return out
