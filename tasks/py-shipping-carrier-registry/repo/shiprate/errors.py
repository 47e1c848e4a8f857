"""Errors."""


class ShipRateError(Exception):
    """Base class."""


class UnknownCarrier(ShipRateError, KeyError):
    """No carrier with that name."""

    def __str__(self) -> str:
        return f"unknown carrier {self.args[0]!r}"


class NoService(ShipRateError):
    """The carrier does not offer that service (or not on that route)."""


class ParcelRejected(ShipRateError):
    """The carrier does not take this parcel (too heavy, too large)."""
