from datetime import date
from decimal import Decimal

import pytest

from fleetkit import odometer
from fleetkit.fuel import economy
from fleetkit.models import FuelReceipt, ServiceRecord, Vehicle
from fleetkit.schedule import PlanItem, due_for


def vehicle(digits: int, km: int = 0, vid: str = "TRK-4") -> Vehicle:
    return Vehicle(vid, "MAN", "TGL", 2009, odometer_km=km, odometer_digits=digits)


def fill(vid: str, day: int, km: int, litres: str, full: bool = True) -> FuelReceipt:
    return FuelReceipt(vid, date(2025, 3, day), km, Decimal(litres), Decimal("1.60"), full)


@pytest.mark.parametrize(
    ("digits", "earlier", "later", "km"),
    [(6, 998_700, 1_450, 2_750), (5, 99_200, 600, 1_400), (7, 9_999_990, 15, 25)],
)
def test_distance_across_rollover(digits: int, earlier: int, later: int, km: int) -> None:
    assert odometer.distance(vehicle(digits), earlier, later) == km


@pytest.mark.parametrize(
    ("digits", "reading", "km", "after"),
    [(6, 995_500, 10_000, 5_500), (5, 97_000, 15_000, 12_000), (6, 999_999, 1, 0)],
)
def test_advance_wraps(digits: int, reading: int, km: int, after: int) -> None:
    assert odometer.advance(vehicle(digits), reading, km) == after


def test_total_distance_across_rollover() -> None:
    readings = [997_000, 999_900, 2_100, 8_000]
    assert odometer.total_distance(vehicle(6), readings) == 11_000


def test_plain_distances_unchanged() -> None:
    v = vehicle(6)
    assert odometer.distance(v, 120_000, 120_000) == 0
    assert odometer.distance(v, 5_000, 17_250) == 12_250
    assert odometer.advance(v, 40_000, 15_000) == 55_000
    with pytest.raises(odometer.OdometerError):
        odometer.distance(vehicle(5), 100_000, 3)
    with pytest.raises(odometer.OdometerError):
        odometer.advance(v, -1, 10)


def test_economy_across_rollover() -> None:
    v = vehicle(6, vid="VAN-8")
    receipts = [
        fill("VAN-8", 1, 999_100, "60"),
        fill("VAN-8", 3, 999_800, "20", full=False),
        fill("VAN-8", 6, 650, "35"),
    ]
    eco = economy(v, receipts)
    assert (eco.km, eco.litres) == (1_550, Decimal("55"))
    assert eco.per_100km == Decimal("3.55")


def test_economy_across_rollover_five_digits() -> None:
    v = vehicle(5)
    receipts = [fill("TRK-4", 2, 98_400, "80"), fill("TRK-4", 9, 1_200, "77")]
    eco = economy(v, receipts)
    assert eco.km == 2_800 and eco.per_100km == Decimal("2.75")


def test_economy_without_rollover_unchanged() -> None:
    v = vehicle(6, vid="VAN-8")
    receipts = [fill("VAN-8", 1, 40_000, "50"), fill("VAN-8", 8, 40_800, "64")]
    assert economy(v, receipts).per_100km == Decimal("8.00")


def service(item: str, km: int) -> ServiceRecord:
    return ServiceRecord("TRK-4", item, date(2025, 1, 10), km)


def test_due_across_rollover_five_digits() -> None:
    rot = PlanItem("tyre-rotation", every_km=10_000)
    d = due_for(vehicle(5, km=2_500), rot, [service("tyre-rotation", 96_000)], date(2025, 3, 1))
    assert d.km_left == 3_500
    assert d.due_km == 6_000
    assert d.state == "ok"


def test_due_across_rollover_six_digits() -> None:
    oil = PlanItem("oil-change", every_km=15_000)
    d = due_for(vehicle(6, km=4_000), oil, [service("oil-change", 992_000)], date(2025, 3, 1))
    assert (d.km_left, d.due_km) == (3_000, 7_000)


def test_overdue_after_rollover() -> None:
    rot = PlanItem("tyre-rotation", every_km=10_000)
    d = due_for(vehicle(6, km=6_500), rot, [service("tyre-rotation", 995_000)], date(2025, 3, 1))
    assert d.km_left == -1_500 and d.overdue


def test_due_without_rollover_unchanged() -> None:
    rot = PlanItem("tyre-rotation", every_km=10_000)
    d = due_for(vehicle(6, km=48_000), rot, [service("tyre-rotation", 40_000)], date(2025, 3, 1))
    assert (d.km_left, d.due_km, d.state) == (2_000, 50_000, "ok")


def test_timeline_distances_across_rollover() -> None:
    from fleetkit.history import timeline

    v = vehicle(6, vid="VAN-8")
    services = [ServiceRecord("VAN-8", "oil-change", date(2025, 3, 2), 999_500)]
    receipts = [fill("VAN-8", 1, 999_000, "40"), fill("VAN-8", 5, 1_700, "45")]
    events = timeline(v, services, receipts)
    assert [e.km_since_previous for e in events] == [None, 500, 2_200]


def test_report_shows_economy_across_rollover(tmp_path, capsys) -> None:
    from fleetkit import storage
    from fleetkit.cli import main

    fleet = storage.Fleet()
    fleet.add_vehicles([vehicle(6, km=1_100, vid="VAN-8")])
    fleet.add_receipts(
        [fill("VAN-8", 1, 998_600, "70"), fill("VAN-8", 7, 1_100, "125")]
    )
    store = tmp_path / "f.json"
    storage.save(fleet, store)
    assert main(["--store", str(store), "report", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[1].startswith("VAN-8,") and rows[1].endswith(",5.00")
