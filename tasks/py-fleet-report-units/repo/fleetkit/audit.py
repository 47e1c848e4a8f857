"""Consistency checks over a fleet store, for `fleet report --audit`.

Each check yields findings; none changes the store. Findings are sorted by vehicle, then by
check name, then by date, so two audits of the same store print the same lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from fleetkit.models import Status
from fleetkit.storage import Fleet


@dataclass(frozen=True)
class Finding:
    vehicle_id: str
    check: str
    day: date | None
    message: str

    def __str__(self) -> str:
        when = f" {self.day.isoformat()}" if self.day else ""
        return f"{self.vehicle_id}{when} [{self.check}] {self.message}"


def unknown_vehicles(fleet: Fleet) -> Iterator[Finding]:
    for s in fleet.services:
        if s.vehicle_id not in fleet.vehicles:
            yield Finding(s.vehicle_id, "unknown-vehicle", s.done_on, f"service {s.item}")
    for r in fleet.receipts:
        if r.vehicle_id not in fleet.vehicles:
            yield Finding(r.vehicle_id, "unknown-vehicle", r.filled_on, "fuel receipt")


def future_records(fleet: Fleet, today: date) -> Iterator[Finding]:
    for s in fleet.services:
        if s.done_on > today:
            yield Finding(s.vehicle_id, "future", s.done_on, f"service {s.item} in the future")
    for r in fleet.receipts:
        if r.filled_on > today:
            yield Finding(r.vehicle_id, "future", r.filled_on, "fuel receipt in the future")


def retired_activity(fleet: Fleet) -> Iterator[Finding]:
    for vid, vehicle in fleet.vehicles.items():
        if vehicle.status is not Status.RETIRED:
            continue
        for r in fleet.receipts:
            if r.vehicle_id == vid:
                yield Finding(vid, "retired", r.filled_on, "fuel bought for a retired vehicle")


def duplicate_services(fleet: Fleet) -> Iterator[Finding]:
    seen: set[tuple[str, str, date]] = set()
    for s in fleet.services:
        key = (s.vehicle_id, s.item, s.done_on)
        if key in seen:
            yield Finding(s.vehicle_id, "duplicate", s.done_on, f"{s.item} recorded twice")
        seen.add(key)


def odometer_beyond_register(fleet: Fleet) -> Iterator[Finding]:
    for s in fleet.services:
        vehicle = fleet.vehicles.get(s.vehicle_id)
        if vehicle is not None and s.odometer_km >= vehicle.odometer_limit:
            yield Finding(
                s.vehicle_id,
                "odometer",
                s.done_on,
                f"{s.odometer_km} km does not fit a {vehicle.odometer_digits}-digit odometer",
            )


def audit(fleet: Fleet, today: date) -> list[Finding]:
    findings = [
        *unknown_vehicles(fleet),
        *future_records(fleet, today),
        *retired_activity(fleet),
        *duplicate_services(fleet),
        *odometer_beyond_register(fleet),
    ]
    return sorted(findings, key=lambda f: (f.vehicle_id, f.check, f.day or date.min, f.message))
