"""Odometer readings.

A mechanical odometer shows `digits` digits and rolls over to zero after the largest reading
(999999 km for six digits). A later reading that is smaller than an earlier one therefore means
the odometer wrapped, as long as the vehicle cannot plausibly have driven a whole odometer range
between the two readings.
"""

from __future__ import annotations

from fleetkit.models import Vehicle


class OdometerError(ValueError):
    """A reading is impossible for the vehicle's odometer."""


def check_reading(vehicle: Vehicle, reading: int) -> int:
    if reading < 0:
        raise OdometerError(f"{vehicle.id}: negative odometer reading {reading}")
    if reading >= vehicle.odometer_limit:
        raise OdometerError(
            f"{vehicle.id}: reading {reading} does not fit a {vehicle.odometer_digits}-digit "
            "odometer"
        )
    return reading


def distance(vehicle: Vehicle, earlier: int, later: int) -> int:
    """Kilometres driven from the reading `earlier` to the reading `later`, rollover included."""
    check_reading(vehicle, earlier)
    check_reading(vehicle, later)
    if later >= earlier:
        return later - earlier
    return vehicle.odometer_limit - earlier + later


def advance(vehicle: Vehicle, reading: int, km: int) -> int:
    """The reading after driving `km` from `reading`."""
    check_reading(vehicle, reading)
    if km < 0:
        raise OdometerError(f"{vehicle.id}: cannot drive a negative distance")
    return (reading + km) % vehicle.odometer_limit


def total_distance(vehicle: Vehicle, readings: list[int]) -> int:
    """Kilometres over consecutive readings in time order."""
    return sum(distance(vehicle, a, b) for a, b in zip(readings, readings[1:], strict=False))
