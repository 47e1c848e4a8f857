"""The new structure: one Carrier class per module, and a registry."""

from decimal import Decimal

import pytest

from shiprate import Address, NoService, Parcel, Quote, UnknownCarrier, cheapest_quote, quote

# Imported inside the tests so that a missing module fails each test instead of stopping
# collection of the whole suite.


def carriers():
    import shiprate.carriers

    return shiprate.carriers


def available_carriers():
    return carriers().available_carriers()


def get_carrier(name):
    return carriers().get_carrier(name)


def register_carrier(carrier):
    return carriers().register_carrier(carrier)


def unregister_carrier(name):
    return carriers().unregister_carrier(name)


def carrier_class(module, name):
    import importlib

    return getattr(importlib.import_module(f"shiprate.carriers.{module}"), name)

DE = Address("DE", "80331")
FR = Address("FR", "75001")
SMALL = Parcel(Decimal("1"), Decimal("30"), Decimal("20"), Decimal("10"))


def make_pigeon():
    class Pigeon(carriers().Carrier):
        name = "pigeon"
        services = ("standard",)

        def quote(self, parcel, origin, destination, service="standard"):
            if service not in self.services:
                raise NoService(service)
            return Quote(self.name, service, Decimal("0.99"), "EUR", 9)

    return Pigeon()


@pytest.fixture
def pigeon():
    carrier = make_pigeon()
    register_carrier(carrier)
    yield carrier
    if "pigeon" in available_carriers():
        unregister_carrier("pigeon")


def test_builtin_carriers_registered():
    assert available_carriers() == ["freightco", "postal", "swiftship"]
    assert isinstance(get_carrier("postal"), carrier_class("postal", "PostalCarrier"))
    assert isinstance(get_carrier("swiftship"), carrier_class("swiftship", "SwiftShipCarrier"))
    assert isinstance(get_carrier("freightco"), carrier_class("freightco", "FreightCoCarrier"))
    for name in available_carriers():
        carrier = get_carrier(name)
        assert isinstance(carrier, carriers().Carrier)
        assert carrier.name == name


def test_services_declared():
    assert get_carrier("postal").services == ("standard", "registered")
    assert get_carrier("swiftship").services == ("standard", "express")
    assert get_carrier("freightco").services == ("standard",)


def test_carrier_objects_quote_like_the_function():
    parcel = Parcel(Decimal("4.2"), Decimal("60"), Decimal("40"), Decimal("40"))
    for name, service in [("postal", "registered"), ("swiftship", "express")]:
        direct = get_carrier(name).quote(parcel, DE, FR, service)
        assert direct == quote(name, parcel, DE, FR, service)
    assert carrier_class("postal", "PostalCarrier")().quote(SMALL, DE, DE).price == Decimal("4.95")


def test_carrier_is_abstract():
    class Incomplete(carriers().Carrier):
        name = "incomplete"
        services = ("standard",)

    with pytest.raises(TypeError):
        Incomplete()


def test_unknown_carrier_lookup():
    with pytest.raises(UnknownCarrier):
        get_carrier("pigeon")
    with pytest.raises(UnknownCarrier):
        unregister_carrier("pigeon")


def test_registered_carrier_is_quoted_and_can_win(pigeon):
    assert "pigeon" in available_carriers()
    assert get_carrier("pigeon") is pigeon
    assert quote("pigeon", SMALL, DE, FR).price == Decimal("0.99")
    best = cheapest_quote(SMALL, DE, FR)
    assert best is not None and best.carrier == "pigeon"


def test_duplicate_registration_rejected(pigeon):
    with pytest.raises(ValueError):
        register_carrier(make_pigeon())
    with pytest.raises(ValueError):
        register_carrier(carrier_class("postal", "PostalCarrier")())


def test_unregistered_carrier_disappears(pigeon):
    unregister_carrier("pigeon")
    with pytest.raises(UnknownCarrier):
        quote("pigeon", SMALL, DE, FR)
    assert cheapest_quote(SMALL, DE, FR).carrier != "pigeon"


def test_quote_goes_through_registry():
    postal = get_carrier("postal")
    unregister_carrier("postal")
    try:
        with pytest.raises(UnknownCarrier):
            quote("postal", SMALL, DE, DE)
        best = cheapest_quote(SMALL, DE, Address("US", "10001"))
        assert best is None  # only postal ships outside Europe
    finally:
        register_carrier(postal)
    assert quote("postal", SMALL, DE, DE).carrier == "postal"
