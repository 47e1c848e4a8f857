"""Value types."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Parcel:
    weight_kg: Decimal
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal

    def __post_init__(self) -> None:
        for name in ("weight_kg", "length_cm", "width_cm", "height_cm"):
            value = getattr(self, name)
            if not isinstance(value, Decimal):
                object.__setattr__(self, name, Decimal(str(value)))
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")

    @property
    def volume_cm3(self) -> Decimal:
        return self.length_cm * self.width_cm * self.height_cm

    @property
    def longest_side_cm(self) -> Decimal:
        return max(self.length_cm, self.width_cm, self.height_cm)

    @property
    def girth_cm(self) -> Decimal:
        """Length plus twice the two shorter sides, as carriers measure it."""
        sides = sorted((self.length_cm, self.width_cm, self.height_cm))
        return sides[2] + 2 * (sides[0] + sides[1])


@dataclass(frozen=True)
class Address:
    country: str  # ISO 3166-1 alpha-2
    postal_code: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "country", self.country.upper())


@dataclass(frozen=True)
class Quote:
    carrier: str
    service: str
    price: Decimal
    currency: str
    transit_days: int
