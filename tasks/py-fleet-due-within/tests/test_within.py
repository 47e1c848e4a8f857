from datetime import date

import pytest

from fleetkit.models import ServiceRecord, Vehicle
from fleetkit.schedule import Due, PlanItem, due_list


@pytest.mark.parametrize(
    ("text", "duration", "km"),
    [
        ("45d", (45, "d"), None),
        ("3m,2500km", (3, "m"), 2500),
        ("800mi", None, 1287),
        ("2w , 1200 km", (2, "w"), 1200),
        ("4000km,1y", (1, "y"), 4000),
    ],
)
def test_parse_horizon(text: str, duration: tuple[int, str] | None, km: int | None) -> None:
    from fleetkit.units import Horizon, parse_horizon

    h = parse_horizon(text)
    assert isinstance(h, Horizon)
    assert (h.duration, h.km) == (duration, km)


@pytest.mark.parametrize("text", ["", "soon", "30d,2m", "1500", "5km,7km", "2,000km", "9q"])
def test_parse_horizon_rejects(text: str) -> None:
    from fleetkit.units import parse_horizon

    with pytest.raises(ValueError, match="not a horizon"):
        parse_horizon(text)


def due(item: str, due_on: date | None, km_left: int | None, days_left: int | None) -> Due:
    return Due("VAN-9", item, None, due_on, km_left, days_left)


def test_months_are_calendar_months() -> None:
    from fleetkit.schedule import due_within
    from fleetkit.units import Horizon

    today = date(2026, 1, 31)
    dues = [
        due("a", date(2026, 2, 28), None, 28),
        due("b", date(2026, 3, 1), None, 29),
        due("c", date(2026, 3, 2), None, 30),
    ]
    assert [d.item for d in due_within(dues, today, Horizon((1, "m"), None))] == ["a"]
    assert [d.item for d in due_within(dues, today, Horizon((30, "d"), None))] == ["a", "b", "c"]


def test_km_horizon_and_overdue_items() -> None:
    from fleetkit.schedule import due_within
    from fleetkit.units import Horizon

    today = date(2026, 5, 1)
    dues = [
        due("late-by-date", date(2026, 4, 1), 9000, -30),
        due("late-by-km", None, -200, None),
        due("near-km", None, 2400, None),
        due("far-km", None, 2600, None),
        due("near-date", date(2026, 5, 20), 7000, 19),
        due("far", date(2026, 11, 1), 8000, 184),
    ]
    got = [d.item for d in due_within(dues, today, Horizon(None, 2500))]
    assert got == ["late-by-date", "late-by-km", "near-km"]
    got = [d.item for d in due_within(dues, today, Horizon((3, "w"), None))]
    assert got == ["late-by-date", "late-by-km", "near-date"]
    got = [d.item for d in due_within(dues, today, Horizon((3, "w"), 2500))]
    assert got == ["late-by-date", "late-by-km", "near-km", "near-date"]


def test_order_is_kept() -> None:
    from fleetkit.schedule import due_within
    from fleetkit.units import Horizon

    vehicles = [
        Vehicle("VAN-9", "Ford", "Transit", 2020, odometer_km=28_000, in_service=date(2020, 1, 1)),
        Vehicle("TRK-2", "MAN", "TGL", 2018, odometer_km=91_000, in_service=date(2018, 1, 1)),
    ]
    records = [
        ServiceRecord("VAN-9", "oil-change", date(2025, 8, 1), 15_000),
        ServiceRecord("TRK-2", "oil-change", date(2025, 12, 1), 80_000),
    ]
    plan = (PlanItem("oil-change", every_km=15_000, every_months=12),)
    dues = due_list(vehicles, records, date(2026, 5, 1), plan=plan)
    picked = due_within(dues, date(2026, 5, 1), Horizon((4, "m"), 4500))
    assert picked == [d for d in dues if d in picked]
    assert [d.vehicle_id for d in picked] == ["VAN-9", "TRK-2"]


def run(tmp_path, capsys, *argv: str) -> tuple[int, str, str]:
    from fleetkit import storage
    from fleetkit.cli import main

    store = tmp_path / "f.json"
    if not store.exists():
        fleet = storage.Fleet()
        fleet.add_vehicles(
            [Vehicle("VAN-9", "Ford", "Transit", 2020, odometer_km=20_000, in_service=date(2020, 1, 1))]
        )
        fleet.add_services(
            [
                ServiceRecord("VAN-9", "oil-change", date(2025, 7, 10), 18_000),
                ServiceRecord("VAN-9", "annual-inspection", date(2025, 9, 5), 18_500),
                ServiceRecord("VAN-9", "tyre-rotation", date(2025, 7, 10), 18_000),
                ServiceRecord("VAN-9", "brake-inspection", date(2025, 7, 10), 18_000),
                ServiceRecord("VAN-9", "coolant", date(2025, 7, 10), 18_000),
            ]
        )
        storage.save(fleet, store)
    code = main(["--store", str(store), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_within(tmp_path, capsys) -> None:
    code, out, _ = run(tmp_path, capsys, "due", "--today", "2026-05-01", "--within", "10w", "--format", "csv")
    assert code == 0
    items = [line.split(",")[1] for line in out.strip().splitlines()[1:]]
    assert items == ["oil-change"]
    code, out, _ = run(tmp_path, capsys, "due", "--today", "2026-05-01", "--within", "5m,8100km", "--format", "csv")
    items = [line.split(",")[1] for line in out.strip().splitlines()[1:]]
    assert items == ["oil-change", "tyre-rotation", "annual-inspection"]


def test_cli_within_errors(tmp_path, capsys) -> None:
    code, out, err = run(tmp_path, capsys, "due", "--within", "fortnight")
    assert code == 2 and out == ""
    assert err.startswith("fleet: --within: not a horizon: 'fortnight'")
    code, _, err = run(tmp_path, capsys, "due", "--within", "30d", "--all")
    assert code == 2 and err.strip() == "fleet: --within and --all cannot be combined"


def test_cli_default_unchanged(tmp_path, capsys) -> None:
    code, out, _ = run(tmp_path, capsys, "due", "--today", "2026-05-01", "--format", "csv")
    assert code == 0
    items = [line.split(",")[1] for line in out.strip().splitlines()[1:]]
    assert items == []
    code, out, _ = run(tmp_path, capsys, "due", "--today", "2026-05-01", "--all", "--format", "csv")
    assert len(out.strip().splitlines()) == 6
