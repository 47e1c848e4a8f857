from decimal import Decimal

import pytest

from shiprate import (
    Address,
    NoService,
    Parcel,
    ParcelRejected,
    UnknownCarrier,
    cheapest_quote,
    quote,
)

DE = Address("DE", "10115")
FR = Address("FR", "75001")
US = Address("US", "10001")
SMALL = Parcel(1, 30, 20, 10)


def test_postal_domestic():
    q = quote("postal", SMALL, DE, DE)
    assert (q.price, q.transit_days) == (Decimal("4.95"), 2)


def test_postal_registered_world():
    assert quote("postal", SMALL, DE, US, "registered").price == Decimal("33.49")


def test_swiftship_volumetric_and_fuel():
    # 60x40x40 = 96000 cm3 / 5000 = 19.2 -> 20 kg billable; (9.50 + 1.10 * 20) * 1.085
    q = quote("swiftship", Parcel(5, 60, 40, 40), DE, FR)
    assert q.price == Decimal("34.18")


def test_freightco_minimum():
    assert quote("freightco", Parcel(25, 80, 60, 50), DE, DE).price == Decimal("45.00")


def test_rejections():
    with pytest.raises(NoService):
        quote("swiftship", SMALL, DE, US)
    with pytest.raises(ParcelRejected):
        quote("freightco", SMALL, DE, DE)
    with pytest.raises(UnknownCarrier):
        quote("pigeon", SMALL, DE, DE)


def test_cheapest():
    q = cheapest_quote(SMALL, DE, FR)
    assert q is not None and q.carrier == "swiftship"
