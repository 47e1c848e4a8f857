"""fleetkit: maintenance scheduling, costs and reports for a fleet of vehicles."""

from fleetkit.models import FuelReceipt, Part, ServiceRecord, Vehicle, WorkOrder

__version__ = "1.6.0"

__all__ = ["FuelReceipt", "Part", "ServiceRecord", "Vehicle", "WorkOrder", "__version__"]
