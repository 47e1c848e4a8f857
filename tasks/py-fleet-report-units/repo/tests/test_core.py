"""Visible tests: a quick check of each module."""

from datetime import date
from decimal import Decimal

import pytest

from fleetkit import costs, dates, odometer, planner, units
from fleetkit.models import Part, PartLine, Vehicle, WorkOrder
from fleetkit.parsers import load_vehicles
from fleetkit.schedule import PlanItem, due_for


def test_units() -> None:
    assert units.parse_distance("12,000 km") == 12000
    assert units.parse_distance("10mi") == 16
    assert units.parse_volume("10 gal") == Decimal("37.85")
    assert units.parse_duration("2w") == (2, "w")


def test_dates() -> None:
    assert dates.parse_date("01.03.2026") == date(2026, 3, 1)
    assert dates.add_months(date(2026, 1, 15), 1) == date(2026, 2, 15)
    assert dates.months_between(date(2026, 1, 15), date(2026, 4, 14)) == 2


def test_odometer() -> None:
    van = Vehicle("VAN-1", "Ford", "Transit", 2020)
    assert odometer.distance(van, 1000, 1500) == 500
    with pytest.raises(odometer.OdometerError):
        odometer.check_reading(van, 1_000_000)


def test_due_by_km() -> None:
    van = Vehicle("VAN-1", "Ford", "Transit", 2020, odometer_km=14500)
    d = due_for(van, PlanItem("tyre-rotation", every_km=10000), [], date(2026, 3, 1))
    assert d.km_left == -4500 and d.overdue


def test_invoice() -> None:
    order = WorkOrder(
        "WO-1",
        "VAN-1",
        "brakes",
        hours=Decimal("1.5"),
        parts=[PartLine(Part("BP-100", "brake pads", Decimal("40.00")), Decimal("2"))],
    )
    inv = costs.invoice(order, costs.PriceList(labour_rate=Decimal("60")))
    assert inv.subtotal == Decimal("170.00")
    assert inv.total == Decimal("204.00")


def test_plan() -> None:
    orders = [WorkOrder(f"WO-{i}", "VAN-1", "job", hours=Decimal(i)) for i in (1, 2, 3)]
    out = planner.plan(orders, ["ann", "bob"])
    assert [(a.order_id, a.technician, a.start) for a in out] == [
        ("WO-1", "ann", 0),
        ("WO-2", "bob", 0),
        ("WO-3", "ann", 1),
    ]


def test_import() -> None:
    text = 'id,make,model,year,odometer\nvan-3,Ford,Transit,2021,"42,000"\n'
    [v] = load_vehicles(text)
    assert (v.id, v.odometer_km) == ("VAN-3", 42000)
