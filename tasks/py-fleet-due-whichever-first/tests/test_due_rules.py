from datetime import date

import pytest

from fleetkit.dates import add_months
from fleetkit.models import ServiceRecord, Vehicle
from fleetkit.schedule import PlanItem, due_for, due_list

OIL = PlanItem("oil-change", every_km=15000, every_months=12)
BRAKES = PlanItem("brake-inspection", every_km=30000, every_months=24)


def van(km: int) -> Vehicle:
    return Vehicle("VAN-7", "Iveco", "Daily", 2019, odometer_km=km)


def rec(item: str, day: date, km: int) -> ServiceRecord:
    return ServiceRecord("VAN-7", item, day, km)


def test_months_limit_alone_makes_it_overdue() -> None:
    d = due_for(van(43000), OIL, [rec("oil-change", date(2024, 5, 10), 40000)], date(2025, 6, 2))
    assert d.km_left == 12000 and d.days_left < 0
    assert d.overdue and d.state == "overdue"


def test_km_limit_alone_makes_it_overdue() -> None:
    d = due_for(van(26500), OIL, [rec("oil-change", date(2025, 4, 1), 10000)], date(2025, 6, 1))
    assert d.km_left == -1500 and d.days_left > 300
    assert d.overdue and d.state == "overdue"


def test_soon_by_km_alone() -> None:
    d = due_for(van(24300), OIL, [rec("oil-change", date(2025, 4, 1), 10000)], date(2025, 6, 1))
    assert d.km_left == 700
    assert d.soon and not d.overdue and d.state == "soon"


def test_soon_by_days_alone() -> None:
    d = due_for(van(11000), OIL, [rec("oil-change", date(2024, 6, 20), 10000)], date(2025, 6, 1))
    assert d.days_left == 19 and d.km_left == 14000
    assert d.state == "soon"


def test_ok_when_neither_limit_is_near() -> None:
    d = due_for(van(12000), OIL, [rec("oil-change", date(2025, 1, 5), 10000)], date(2025, 6, 1))
    assert d.state == "ok" and not d.overdue and not d.soon


def test_single_limit_items_unchanged() -> None:
    rot = PlanItem("tyre-rotation", every_km=10000)
    d = due_for(van(20500), rot, [rec("tyre-rotation", date(2025, 1, 5), 10000)], date(2025, 6, 1))
    assert d.km_left == -500 and d.overdue
    d = due_for(van(15000), rot, [rec("tyre-rotation", date(2025, 1, 5), 10000)], date(2025, 6, 1))
    assert d.state == "ok"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 5, 31), -3, date(2025, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 15), 13, date(2026, 2, 15)),
        (date(2025, 12, 10), 1, date(2026, 1, 10)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 7, 30), -4, date(2025, 3, 30)),
    ],
)
def test_add_months_keeps_a_day_that_exists(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_due_list_keeps_a_leap_day_inspection() -> None:
    vehicles = [van(50000)]
    records = [rec("brake-inspection", date(2024, 2, 29), 30000)]
    dues = due_list(vehicles, records, date(2026, 2, 1), plan=(BRAKES, OIL))
    by_item = {d.item: d for d in dues}
    assert set(by_item) == {"brake-inspection", "oil-change"}
    assert by_item["brake-inspection"].due_on == date(2026, 2, 28)
    assert by_item["brake-inspection"].state == "soon"


def test_cli_fails_on_an_item_overdue_by_months(tmp_path, capsys) -> None:
    from fleetkit import storage
    from fleetkit.cli import main

    fleet = storage.Fleet()
    fleet.add_vehicles([van(52000)])
    fleet.add_services([rec("oil-change", date(2024, 3, 3), 49000)])
    store = tmp_path / "f.json"
    storage.save(fleet, store)
    code = main(
        ["--store", str(store), "due", "--today", "2025-04-01", "--fail-overdue", "--format", "csv"]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "VAN-7,oil-change,overdue,2025-03-03," in out
