"""Exceptions shared by the fleetkit modules."""


class FleetError(Exception):
    """Base class: a user-facing problem with one line of explanation."""


class ParseError(FleetError):
    """A value in an input file could not be read."""

    def __init__(self, message: str, *, line: int | None = None, field: str | None = None):
        self.line = line
        self.field = field
        where = []
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(field)
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
        self.message = message


class StoreError(FleetError):
    """The JSON store is missing, unreadable or inconsistent."""


class PlanningError(FleetError):
    """Work orders cannot be planned as asked."""


class UnknownVehicle(FleetError):
    """A record names a vehicle that is not in the register."""

    def __init__(self, vehicle_id: str):
        super().__init__(f"unknown vehicle {vehicle_id!r}")
        self.vehicle_id = vehicle_id
