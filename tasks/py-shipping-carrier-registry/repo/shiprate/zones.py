"""Shipping zones between countries."""

from __future__ import annotations

DOMESTIC = "domestic"
EU = "eu"
EUROPE = "europe"
WORLD = "world"

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
OTHER_EUROPE = frozenset("CH GB NO IS LI".split())


def zone(origin: str, destination: str) -> str:
    """Zone of a shipment from one country to another (origin is always an EU country)."""
    if origin == destination:
        return DOMESTIC
    if destination in EU_COUNTRIES:
        return EU
    if destination in OTHER_EUROPE:
        return EUROPE
    return WORLD


def is_remote_postal_code(country: str, postal_code: str) -> bool:
    """Islands and mountain areas that carriers charge extra for."""
    remote_prefixes = {
        "DE": ("18565", "25849", "25938", "26465", "26757", "27498"),
        "FR": ("20",),  # Corsica
        "IT": ("07", "08", "09", "90", "91", "92", "93", "94", "95", "96", "97", "98"),
        "ES": ("07", "35", "38", "51", "52"),
    }
    return postal_code.startswith(remote_prefixes.get(country, ()))
