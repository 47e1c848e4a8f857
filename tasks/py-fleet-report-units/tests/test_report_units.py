"""Hidden tests: `fleet report --units imperial` (miles, US mpg); the metric report unchanged."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fleetkit.models import FuelReceipt, Vehicle

D = Decimal

VEHICLES = """id,make,model,year,odometer
TRK-7,Iveco,Daily,2017,250000
VAN-4,Renault,Master,2022,48280
CAR-2,Skoda,Octavia,2023,16093
"""
FUEL = """vehicle,date,odometer,litres,full
TRK-7,2025-04-01,249400,60.00,yes
TRK-7,2025-04-09,250000,49.25,yes
VAN-4,2025-04-02,47090,50.00,yes
VAN-4,2025-04-06,47700,40.00,no
VAN-4,2025-04-11,48280,64.73,yes
"""


def receipt(vid: str, day: int, km: int, litres: str, full: bool = True) -> FuelReceipt:
    return FuelReceipt(vid, date(2025, 6, day), km, D(litres), full=full)


def store(tmp_path: Path) -> str:
    from fleetkit.cli import main

    path = tmp_path / "fleet.json"
    (tmp_path / "v.csv").write_text(VEHICLES)
    (tmp_path / "f.csv").write_text(FUEL)
    assert main(["--store", str(path), "import", str(tmp_path / "v.csv")]) == 0
    assert main(["--store", str(path), "fuel", str(tmp_path / "f.csv")]) == 0
    return str(path)


def test_format_distance_imperial_whole_miles_half_up() -> None:
    from fleetkit.units import format_distance

    assert format_distance(250000, "imperial") == "155,343 mi"
    assert format_distance(16093, units="imperial") == "10,000 mi"
    assert format_distance(0, "imperial") == "0 mi"
    assert format_distance(-805, "imperial") == "-500 mi"


def test_format_distance_unknown_units() -> None:
    from fleetkit.units import format_distance

    with pytest.raises(ValueError, match="nautical"):
        format_distance(1000, "nautical")


def test_format_distance_default_is_km() -> None:
    from fleetkit.units import format_distance

    assert format_distance(48280) == "48,280 km"
    assert format_distance(-805) == "-805 km"


def test_format_distance_metric() -> None:
    from fleetkit.units import format_distance

    assert format_distance(48280, "metric") == "48,280 km"


def test_economy_mpg_from_measured_distance_and_litres() -> None:
    from fleetkit.fuel import economy

    truck = Vehicle("TRK-7", "Iveco", "Daily", 2017)
    e = economy(truck, [receipt("TRK-7", 1, 249400, "60.00"), receipt("TRK-7", 9, 250000, "49.25")])
    assert e.per_100km == D("8.21")
    assert e.mpg == D("28.7")
    van = Vehicle("VAN-4", "Renault", "Master", 2022)
    e = economy(
        van,
        [
            receipt("VAN-4", 2, 47090, "50.00"),
            receipt("VAN-4", 6, 47700, "40.00", full=False),
            receipt("VAN-4", 11, 48280, "64.73"),
        ],
    )
    assert (e.km, e.litres) == (1190, D("104.73"))
    assert e.mpg == D("26.7")


def test_economy_mpg_none_without_a_measured_stretch() -> None:
    from fleetkit.fuel import economy

    car = Vehicle("CAR-2", "Skoda", "Octavia", 2023)
    assert economy(car, []).mpg is None
    assert economy(car, [receipt("CAR-2", 3, 16000, "30.00")]).mpg is None


def test_summary_report_imperial_columns(tmp_path: Path) -> None:
    from fleetkit import fuel, reports, storage

    fleet = storage.load(Path(store(tmp_path)))
    economies = fuel.fleet_economy(list(fleet.vehicles.values()), fleet.receipts)
    out = reports.summary_report(fleet, economies, "csv", units="imperial")
    assert out.splitlines() == [
        "vehicle,model,year,status,odometer,mpg",
        "CAR-2,Skoda Octavia,2023,active,\"10,000 mi\",",
        "TRK-7,Iveco Daily,2017,active,\"155,343 mi\",28.7",
        "VAN-4,Renault Master,2022,active,\"30,000 mi\",26.7",
    ]


def test_cli_report_units_imperial(tmp_path: Path, capsys) -> None:
    from fleetkit.cli import main

    path = store(tmp_path)
    capsys.readouterr()
    assert main(["--store", path, "report", "--units", "imperial", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "| vehicle | model | year | status | odometer | mpg |"
    assert "| TRK-7 | Iveco Daily | 2017 | active | 155,343 mi | 28.7 |" in out
    assert "km" not in out and "l/100" not in out


def test_cli_report_rejects_unknown_units(tmp_path: Path, capsys) -> None:
    from fleetkit.cli import main

    path = store(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["--store", path, "report", "--units", "furlongs"])
    assert exc.value.code == 2
    assert "--units" in capsys.readouterr().err


def test_cli_report_metric_is_unchanged(tmp_path: Path, capsys) -> None:
    from fleetkit.cli import main

    path = store(tmp_path)
    capsys.readouterr()
    assert main(["--store", path, "report", "--format", "csv"]) == 0
    default = capsys.readouterr().out
    assert default.splitlines() == [
        "vehicle,model,year,status,odometer,l/100 km",
        "CAR-2,Skoda Octavia,2023,active,\"16,093 km\",",
        "TRK-7,Iveco Daily,2017,active,\"250,000 km\",8.21",
        "VAN-4,Renault Master,2022,active,\"48,280 km\",8.80",
    ]


def test_cli_report_units_metric_is_the_default(tmp_path: Path, capsys) -> None:
    from fleetkit.cli import main

    path = store(tmp_path)
    capsys.readouterr()
    assert main(["--store", path, "report", "--format", "csv"]) == 0
    default = capsys.readouterr().out
    assert main(["--store", path, "report", "--format", "csv", "--units", "metric"]) == 0
    assert capsys.readouterr().out == default
