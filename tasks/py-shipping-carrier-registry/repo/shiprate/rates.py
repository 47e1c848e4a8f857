"""Quotes for every carrier we ship with.

Each carrier has its own rules; they all live in :func:`quote` for now.
"""

from __future__ import annotations

from decimal import Decimal

from shiprate.errors import NoService, ParcelRejected, UnknownCarrier
from shiprate.models import Address, Parcel, Quote
from shiprate.money import ceil_to, round_price
from shiprate.zones import DOMESTIC, EU, EUROPE, WORLD, is_remote_postal_code, zone

CARRIERS = ("postal", "swiftship", "freightco")

# postal: weight brackets per zone, EUR
_POSTAL_BRACKETS = {
    DOMESTIC: [(Decimal(2), Decimal("4.95")), (Decimal(5), Decimal("6.99")), (Decimal(10), Decimal("9.49")), (Decimal(31.5), Decimal("16.49"))],  # noqa: E501
    EU: [(Decimal(2), Decimal("13.99")), (Decimal(5), Decimal("17.99")), (Decimal(10), Decimal("24.99")), (Decimal(31.5), Decimal("44.99"))],  # noqa: E501
    EUROPE: [(Decimal(2), Decimal("16.99")), (Decimal(5), Decimal("21.99")), (Decimal(10), Decimal("29.99")), (Decimal(31.5), Decimal("54.99"))],  # noqa: E501
    WORLD: [(Decimal(2), Decimal("29.99")), (Decimal(5), Decimal("44.99")), (Decimal(10), Decimal("64.99")), (Decimal(20), Decimal("99.99"))],  # noqa: E501
}
_POSTAL_DAYS = {DOMESTIC: 2, EU: 5, EUROPE: 6, WORLD: 12}

# swiftship: base + per started kg of billable weight, EUR
_SWIFT_RATES = {
    DOMESTIC: (Decimal("5.90"), Decimal("0.45")),
    EU: (Decimal("9.50"), Decimal("1.10")),
    EUROPE: (Decimal("12.00"), Decimal("1.60")),
}
_SWIFT_DAYS = {DOMESTIC: 1, EU: 3, EUROPE: 4}

# freightco: per 100 kg bracket with a minimum, EUR; only pallets and bulky goods
_FREIGHT_PER_100KG = {DOMESTIC: Decimal("38.00"), EU: Decimal("61.00"), EUROPE: Decimal("79.00")}
_FREIGHT_MINIMUM = {DOMESTIC: Decimal("45.00"), EU: Decimal("75.00"), EUROPE: Decimal("95.00")}


def quote(
    carrier: str,
    parcel: Parcel,
    origin: Address,
    destination: Address,
    service: str = "standard",
) -> Quote:
    """Price and transit time of sending ``parcel`` with ``carrier``'s ``service``."""
    z = zone(origin.country, destination.country)
    remote = is_remote_postal_code(destination.country, destination.postal_code)

    if carrier == "postal":
        if service not in ("standard", "registered"):
            raise NoService(f"postal has no {service!r} service")
        if parcel.longest_side_cm > 120 or parcel.girth_cm > 300:
            raise ParcelRejected("postal: parcel larger than 120 cm or 300 cm girth")
        brackets = _POSTAL_BRACKETS[z]
        price = next((p for limit, p in brackets if parcel.weight_kg <= limit), None)
        if price is None:
            raise ParcelRejected(f"postal: over {brackets[-1][0]} kg for zone {z}")
        if service == "registered":
            price += Decimal("3.50")
        # postal has no remote-area surcharge
        return Quote("postal", service, round_price(price), "EUR", _POSTAL_DAYS[z])

    if carrier == "swiftship":
        if service not in ("standard", "express"):
            raise NoService(f"swiftship has no {service!r} service")
        if z == WORLD:
            raise NoService("swiftship does not ship outside Europe")
        if parcel.weight_kg > 40 or parcel.longest_side_cm > 175:
            raise ParcelRejected("swiftship: over 40 kg or 175 cm")
        volumetric = parcel.volume_cm3 / Decimal(5000)
        billable = ceil_to(max(parcel.weight_kg, volumetric), Decimal(1))
        base, per_kg = _SWIFT_RATES[z]
        price = base + per_kg * billable
        days = _SWIFT_DAYS[z]
        if service == "express":
            price = price * Decimal("1.6")
            days = max(1, days - 1)
        if remote:
            price += Decimal("7.50")
            days += 1
        # fuel surcharge on everything
        price = price * Decimal("1.085")
        return Quote("swiftship", service, round_price(price), "EUR", days)

    if carrier == "freightco":
        if service != "standard":
            raise NoService(f"freightco has no {service!r} service")
        if z == WORLD:
            raise NoService("freightco does not ship outside Europe")
        if parcel.weight_kg < 20 and parcel.longest_side_cm < 100:
            raise ParcelRejected("freightco: only bulky goods (20 kg or 100 cm and up)")
        volumetric = parcel.volume_cm3 / Decimal(3000)
        billable = ceil_to(max(parcel.weight_kg, volumetric), Decimal(100))
        price = max(_FREIGHT_PER_100KG[z] * billable / 100, _FREIGHT_MINIMUM[z])
        if remote:
            price = price * Decimal("1.2")
        days = 3 if z == DOMESTIC else 6
        return Quote("freightco", service, round_price(price), "EUR", days)

    raise UnknownCarrier(carrier)


def cheapest_quote(
    parcel: Parcel, origin: Address, destination: Address, service: str = "standard"
) -> Quote | None:
    """The lowest-priced quote over all carriers that take the parcel (ties: fewer days, then
    carrier name), or None if nobody does."""
    quotes = []
    for name in CARRIERS:
        try:
            quotes.append(quote(name, parcel, origin, destination, service))
        except (NoService, ParcelRejected):
            continue
    if not quotes:
        return None
    return min(quotes, key=lambda q: (q.price, q.transit_days, q.carrier))
