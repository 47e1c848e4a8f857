import json

import pytest

from fleetkit.errors import ParseError

REGISTER = """id,make,model,year,odometer
TRK-11,Volvo,FL,2016,310000
VAN-20,Renault,Master,19x9,41000
VAN-21,Renault,Master,2020,39000
TRK-11,Volvo,FH,2018,120000
van 22,Ford,Transit,2021,1000
CAR-3,Skoda,Octavia,2022,18000,extra
VAN-23,Fiat,Ducato,2023,
"""


def test_load_vehicles_collects_every_bad_row() -> None:
    from fleetkit.parsers import load_vehicles

    errors: list[ParseError] = []
    vehicles = load_vehicles(REGISTER, errors)
    assert [v.id for v in vehicles] == ["TRK-11", "VAN-21", "VAN-23"]
    assert vehicles[0].model == "FL"  # the first of two rows with one id is kept
    assert [(e.line, e.field) for e in errors] == [(3, "year"), (5, "id"), (6, "id"), (7, None)]
    assert "TRK-11 is already on line 2" in str(errors[1])
    assert all(isinstance(e, ParseError) for e in errors)


def test_without_errors_the_first_bad_row_still_raises() -> None:
    from fleetkit.parsers import load_vehicles

    with pytest.raises(ParseError) as err:
        load_vehicles(REGISTER)
    assert (err.value.line, err.value.field) == (3, "year")


def test_header_problems_always_raise() -> None:
    from fleetkit.parsers import load_vehicles

    with pytest.raises(ParseError, match="missing columns: year"):
        load_vehicles("id,make,model\nVAN-1,Ford,Transit\n", [])


def test_services_and_fuel_collect_bad_rows() -> None:
    from fleetkit.parsers import load_fuel, load_services

    errors: list[ParseError] = []
    services = load_services(
        "vehicle,item,date,odometer\nVAN-1,oil change,2025-02-30,1000\n"
        "VAN-1,brakes,2025-03-01,2000\nVAN-1,coolant,2025-03-02,lots\n",
        errors,
    )
    assert [s.item for s in services] == ["brakes"]
    assert [(e.line, e.field) for e in errors] == [(2, "date"), (4, "odometer")]
    errors = []
    receipts = load_fuel(
        "vehicle,date,odometer,litres\nVAN-1,2025-03-01,1000,0\nVAN-1,2025-03-04,1400,38.5\n",
        errors,
    )
    assert len(receipts) == 1 and [(e.line, e.field) for e in errors] == [(2, "litres")]


def run(tmp_path, capsys, *argv: str) -> tuple[int, str, str]:
    from fleetkit.cli import main

    code = main(["--store", str(tmp_path / "fleet.json"), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_import_keep_going(tmp_path, capsys) -> None:
    register = tmp_path / "register.csv"
    register.write_text(REGISTER)
    code, out, err = run(tmp_path, capsys, "import", str(register), "--keep-going")
    assert code == 1
    assert out.strip() == "imported 3 vehicles (3 new), skipped 4 rows"
    lines = err.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(f"fleet: {register}: line 3, year: ")
    assert lines[3] == f"fleet: {register}: line 7: 6 values for 5 columns"
    store = json.loads((tmp_path / "fleet.json").read_text())
    assert [v["id"] for v in store["vehicles"]] == ["TRK-11", "VAN-21", "VAN-23"]


def test_cli_keep_going_on_a_clean_file(tmp_path, capsys) -> None:
    register = tmp_path / "register.csv"
    register.write_text("id,make,model,year\nVAN-4,Ford,Transit,2019\n")
    code, out, err = run(tmp_path, capsys, "import", str(register), "--keep-going")
    assert (code, out.strip(), err) == (0, "imported 1 vehicles (1 new), skipped 0 rows", "")


def test_cli_log_and_fuel_keep_going(tmp_path, capsys) -> None:
    register = tmp_path / "register.csv"
    register.write_text("id,make,model,year\nVAN-4,Ford,Transit,2019\n")
    assert run(tmp_path, capsys, "import", str(register))[0] == 0
    log = tmp_path / "log.csv"
    log.write_text("vehicle,item,date,odometer\nVAN-4,oil,2025-01-01,x\nVAN-4,oil,2025-02-01,900\n")
    code, out, err = run(tmp_path, capsys, "log", str(log), "--keep-going")
    assert (code, out.strip()) == (1, "logged 1 service records, skipped 1 rows")
    assert err.strip() == f"fleet: {log}: line 2, odometer: not a distance: 'x'"
    fuel = tmp_path / "fuel.csv"
    fuel.write_text("vehicle,date,odometer,litres\nVAN-4,2025-02-02,950,40\n")
    code, out, _ = run(tmp_path, capsys, "fuel", str(fuel), "--keep-going")
    assert (code, out.strip()) == (0, "added 1 fuel receipts, skipped 0 rows")


def test_cli_without_the_flag_stops_at_the_first_bad_row(tmp_path, capsys) -> None:
    register = tmp_path / "register.csv"
    register.write_text(REGISTER)
    code, out, err = run(tmp_path, capsys, "import", str(register))
    assert code == 2 and out == ""
    assert err.startswith("fleet: line 3, year: ")
    assert not (tmp_path / "fleet.json").exists()
