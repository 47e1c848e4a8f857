"""CSV import of the vehicle register, service logs and fuel receipts."""

from fleetkit.parsers.csvio import load_fuel, load_services, load_vehicles, read_rows

__all__ = ["load_fuel", "load_services", "load_vehicles", "read_rows"]
