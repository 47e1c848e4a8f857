"""shiprate: shipping quotes."""

from shiprate.errors import NoService, ParcelRejected, ShipRateError, UnknownCarrier
from shiprate.models import Address, Parcel, Quote
from shiprate.rates import CARRIERS, cheapest_quote, quote

__all__ = [
    "CARRIERS",
    "Address",
    "NoService",
    "Parcel",
    "ParcelRejected",
    "Quote",
    "ShipRateError",
    "UnknownCarrier",
    "cheapest_quote",
    "quote",
]
