"""A vehicle's timeline: service records and fill-ups merged in date order, with the distance
driven between consecutive events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from fleetkit import odometer
from fleetkit.models import FuelReceipt, ServiceRecord, Vehicle


@dataclass(frozen=True)
class Event:
    day: date
    kind: str  # service | fuel
    odometer_km: int
    text: str
    km_since_previous: int | None


def timeline(
    vehicle: Vehicle, services: Iterable[ServiceRecord], receipts: Iterable[FuelReceipt]
) -> list[Event]:
    raw: list[tuple[date, int, str, int, str]] = []
    for i, s in enumerate(services):
        if s.vehicle_id == vehicle.id:
            raw.append((s.done_on, i, "service", s.odometer_km, s.item))
    for i, r in enumerate(receipts):
        if r.vehicle_id == vehicle.id:
            raw.append((r.filled_on, i, "fuel", r.odometer_km, f"{r.litres} l"))
    raw.sort(key=lambda t: (t[0], t[2], t[1]))
    out: list[Event] = []
    previous: int | None = None
    for day, _, kind, km, text in raw:
        since = None if previous is None else odometer.distance(vehicle, previous, km)
        out.append(Event(day, kind, km, text, since))
        previous = km
    return out


def busiest_month(events: Iterable[Event]) -> tuple[str, int] | None:
    """The month with the most kilometres driven (ties: the earliest)."""
    per: dict[str, int] = {}
    for e in events:
        if e.km_since_previous:
            key = e.day.strftime("%Y-%m")
            per[key] = per.get(key, 0) + e.km_since_previous
    if not per:
        return None
    best = max(sorted(per.items()), key=lambda kv: kv[1])
    return best
