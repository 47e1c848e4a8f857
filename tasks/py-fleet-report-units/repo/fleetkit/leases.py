"""Leased vehicles: contract mileage allowance and the excess charge at the end.

A lease allows `km_per_year` kilometres per contract year, pro rata; kilometres above the
allowance are charged at `excess_per_km`. A projection extrapolates the current daily
average to the end of the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from fleetkit.costs import to_cents


@dataclass(frozen=True)
class Lease:
    vehicle_id: str
    start: date
    end: date
    km_per_year: int
    start_km: int
    excess_per_km: Decimal

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"{self.vehicle_id}: lease ends before it starts")
        if self.km_per_year <= 0:
            raise ValueError(f"{self.vehicle_id}: km_per_year must be positive")

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def allowance(self, on: date) -> int:
        """Kilometres allowed from the start up to `on` (capped at the end), pro rata."""
        elapsed = min(max((on - self.start).days, 0), self.days)
        km = Decimal(self.km_per_year) * elapsed / Decimal(365)
        return int(km.quantize(Decimal("1"), ROUND_HALF_UP))

    def total_allowance(self) -> int:
        return self.allowance(self.end)


@dataclass(frozen=True)
class LeaseStatus:
    driven: int
    allowed: int
    projected: int
    projected_excess_charge: Decimal

    @property
    def over(self) -> bool:
        return self.driven > self.allowed


def status(lease: Lease, odometer_km: int, today: date) -> LeaseStatus:
    driven = max(odometer_km - lease.start_km, 0)
    allowed = lease.allowance(today)
    elapsed = max((min(today, lease.end) - lease.start).days, 1)
    projected = int(Decimal(driven) * lease.days / elapsed)
    excess = max(projected - lease.total_allowance(), 0)
    return LeaseStatus(driven, allowed, projected, to_cents(lease.excess_per_km * excess))
