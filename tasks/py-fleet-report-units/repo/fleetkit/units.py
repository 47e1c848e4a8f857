"""Distances, volumes and durations as the inputs write them.

Distances: `12000`, `12,000 km`, `7500mi` (miles are converted to whole kilometres).
Volumes: `45.2`, `45.2 l`, `12 gal` (US gallons). Durations: `30d`, `2w`, `6m` (months), `1y`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

KM_PER_MILE = Decimal("1.609344")
LITRES_PER_GALLON = Decimal("3.785411784")

_DISTANCE = re.compile(r"^\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*(km|mi|miles?)?\s*$", re.I)
_VOLUME = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(l|litres?|liters?|gal|gallons?)?\s*$", re.I)
_DURATION = re.compile(r"^\s*([0-9]+)\s*([dwmy])\s*$", re.I)


def _number(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None


def parse_distance(text: str) -> int:
    """Kilometres, rounded half up to a whole kilometre."""
    m = _DISTANCE.match(text)
    if m is None:
        raise ValueError(f"not a distance: {text!r}")
    value = _number(m.group(1))
    unit = (m.group(2) or "km").lower()
    if unit.startswith("mi"):
        value *= KM_PER_MILE
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def parse_volume(text: str) -> Decimal:
    """Litres, to 0.01 l."""
    m = _VOLUME.match(text)
    if m is None:
        raise ValueError(f"not a volume: {text!r}")
    value = _number(m.group(1))
    unit = (m.group(2) or "l").lower()
    if unit.startswith("gal"):
        value *= LITRES_PER_GALLON
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_duration(text: str) -> tuple[int, str]:
    """(count, unit) with unit one of 'd', 'w', 'm', 'y'."""
    m = _DURATION.match(text)
    if m is None:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30d, 2w, 6m, 1y)")
    return int(m.group(1)), m.group(2).lower()


def duration_days(count: int, unit: str) -> int:
    """An approximate length in days (months as 30 days, years as 365), for sorting only."""
    return count * {"d": 1, "w": 7, "m": 30, "y": 365}[unit]


def format_distance(km: int) -> str:
    return f"{km:,} km"


def format_volume(litres: Decimal) -> str:
    return f"{litres:.2f} l"


def format_duration(count: int, unit: str) -> str:
    """(2, 'w') -> '2 weeks'; (1, 'm') -> '1 month'."""
    names = {"d": "day", "w": "week", "m": "month", "y": "year"}
    if unit not in names:
        raise ValueError(f"unknown duration unit {unit!r}")
    name = names[unit]
    return f"{count} {name}" if count == 1 else f"{count} {name}s"
