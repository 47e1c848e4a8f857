"""Visible tests of the `fleet` command on a small store."""

from pathlib import Path

from fleetkit.cli import main

VEHICLES = """id,make,model,year,odometer,in_service
VAN-1,Ford,Transit,2021,12000,2021-03-01
TRK-2,MAN,TGL,2018,250000,2018-06-15
"""
SERVICES = """vehicle,item,date,odometer,cost
VAN-1,oil-change,2025-09-01,5000,120.00
TRK-2,oil-change,2025-12-01,249000,310.00
"""


def test_import_log_and_due(tmp_path: Path, capsys) -> None:
    store = tmp_path / "fleet.json"
    (tmp_path / "v.csv").write_text(VEHICLES)
    (tmp_path / "s.csv").write_text(SERVICES)
    assert main(["--store", str(store), "import", str(tmp_path / "v.csv")]) == 0
    assert main(["--store", str(store), "log", str(tmp_path / "s.csv")]) == 0
    capsys.readouterr()
    assert main(["--store", str(store), "due", "--today", "2026-03-01", "--vehicle", "VAN-1"]) == 0
    out = capsys.readouterr().out
    assert "VAN-1" in out and "TRK-2" not in out


def test_unknown_vehicle_is_exit_2(tmp_path: Path, capsys) -> None:
    store = tmp_path / "fleet.json"
    assert main(["--store", str(store), "due", "--vehicle", "VAN-9"]) == 2
    assert "unknown vehicle 'VAN-9'" in capsys.readouterr().err
