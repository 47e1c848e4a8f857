"""Tyre tread depth tracking and when to replace.

Tread is measured in millimetres at service visits. Wear is taken as linear in kilometres
between the two latest measurements of a position; the legal minimum is 1.6 mm, the fleet
replaces at 3.0 mm.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fleetkit import odometer
from fleetkit.models import Vehicle

POSITIONS = ("FL", "FR", "RL", "RR")
LEGAL_MIN_MM = Decimal("1.6")
REPLACE_AT_MM = Decimal("3.0")
NEW_TREAD_MM = Decimal("8.0")


@dataclass(frozen=True)
class TreadReading:
    vehicle_id: str
    position: str
    odometer_km: int
    depth_mm: Decimal

    def __post_init__(self) -> None:
        if self.position not in POSITIONS:
            raise ValueError(f"unknown tyre position {self.position!r}")
        if not Decimal("0") <= self.depth_mm <= Decimal("20"):
            raise ValueError(f"implausible tread depth {self.depth_mm} mm")


@dataclass(frozen=True)
class TyreForecast:
    position: str
    depth_mm: Decimal
    mm_per_1000km: Decimal | None
    km_to_replace: int | None

    @property
    def illegal(self) -> bool:
        return self.depth_mm < LEGAL_MIN_MM

    @property
    def replace_now(self) -> bool:
        return self.depth_mm <= REPLACE_AT_MM


def _latest_two(readings: list[TreadReading], position: str) -> list[TreadReading]:
    mine = [r for r in readings if r.position == position]
    return mine[-2:]


def forecast(vehicle: Vehicle, readings: list[TreadReading]) -> list[TyreForecast]:
    """One forecast per position that has a reading, in POSITIONS order. Readings are in time
    order."""
    mine = [r for r in readings if r.vehicle_id == vehicle.id]
    out = []
    for pos in POSITIONS:
        last = _latest_two(mine, pos)
        if not last:
            continue
        depth = last[-1].depth_mm
        rate = km_left = None
        if len(last) == 2:
            km = odometer.distance(vehicle, last[0].odometer_km, last[1].odometer_km)
            worn = last[0].depth_mm - last[1].depth_mm
            if km > 0 and worn > 0:
                rate = (worn * 1000 / km).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
                margin = depth - REPLACE_AT_MM
                km_left = max(0, int(margin / worn * km))
        out.append(TyreForecast(pos, depth, rate, km_left))
    return out


def worst(forecasts: list[TyreForecast]) -> TyreForecast | None:
    return min(forecasts, key=lambda f: (f.depth_mm, f.position), default=None)
