"""Rules that flag vehicles for the fleet manager.

Each rule looks at one vehicle with its records and returns zero or more alerts. `run_rules`
applies every rule to every vehicle that is not retired.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fleetkit import fuel as fuel_mod
from fleetkit.models import FuelReceipt, ServiceRecord, Status, Vehicle

HIGH_CONSUMPTION = {"diesel": Decimal("12"), "petrol": Decimal("11"), "hybrid": Decimal("7")}
MAX_AGE_YEARS = 12
IDLE_DAYS = 60


@dataclass(frozen=True)
class Alert:
    vehicle_id: str
    rule: str
    message: str
    severity: str = "warning"  # info | warning | critical


@dataclass(frozen=True)
class Context:
    today: date
    services: list[ServiceRecord]
    receipts: list[FuelReceipt]


Rule = Callable[[Vehicle, Context], Iterable[Alert]]


def old_vehicle(vehicle: Vehicle, ctx: Context) -> Iterable[Alert]:
    age = ctx.today.year - vehicle.year
    if age > MAX_AGE_YEARS:
        yield Alert(vehicle.id, "age", f"{age} years old (limit {MAX_AGE_YEARS})", "info")


def high_consumption(vehicle: Vehicle, ctx: Context) -> Iterable[Alert]:
    limit = HIGH_CONSUMPTION.get(vehicle.fuel.value)
    if limit is None:
        return
    eco = fuel_mod.economy(vehicle, ctx.receipts).per_100km
    if eco is not None and eco > limit:
        yield Alert(vehicle.id, "consumption", f"{eco} l/100 km (limit {limit})")


def idle(vehicle: Vehicle, ctx: Context) -> Iterable[Alert]:
    days = [r.filled_on for r in ctx.receipts if r.vehicle_id == vehicle.id]
    days += [s.done_on for s in ctx.services if s.vehicle_id == vehicle.id]
    if not days:
        return
    quiet = (ctx.today - max(days)).days
    if quiet > IDLE_DAYS:
        yield Alert(vehicle.id, "idle", f"no activity for {quiet} days", "info")


def in_workshop(vehicle: Vehicle, ctx: Context) -> Iterable[Alert]:
    if vehicle.status is Status.WORKSHOP:
        yield Alert(vehicle.id, "workshop", "in the workshop", "info")


DEFAULT_RULES: tuple[Rule, ...] = (old_vehicle, high_consumption, idle, in_workshop)
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def run_rules(
    vehicles: Iterable[Vehicle], ctx: Context, rules: tuple[Rule, ...] = DEFAULT_RULES
) -> list[Alert]:
    out = [
        alert
        for vehicle in vehicles
        if vehicle.status is not Status.RETIRED
        for rule in rules
        for alert in rule(vehicle, ctx)
    ]
    out.sort(key=lambda a: (SEVERITY_ORDER[a.severity], a.vehicle_id, a.rule))
    return out
