"""Reading the CSV files the depots export.

Every file has a header row; column names are matched case-insensitively and surrounding
spaces are ignored. Blank lines and lines starting with `#` are skipped. Line numbers in errors
are the file's own (the header is line 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from fleetkit import validation as v
from fleetkit.errors import ParseError
from fleetkit.models import FuelReceipt, FuelType, ServiceRecord, Status, Vehicle

VEHICLE_COLUMNS = ("id", "make", "model", "year")
SERVICE_COLUMNS = ("vehicle", "item", "date", "odometer")
FUEL_COLUMNS = ("vehicle", "date", "odometer", "litres")


def read_rows(text: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row of a CSV text."""
    lines = io.StringIO(text)
    reader = csv.reader(lines)
    header: list[str] | None = None
    for row in reader:
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            missing = [c for c in required if c not in header]
            if missing:
                raise ParseError(f"missing columns: {', '.join(missing)}", line=line)
            continue
        if len(row) > len(header):
            raise ParseError(f"{len(row)} values for {len(header)} columns", line=line)
        yield line, {name: cell for name, cell in zip(header, row, strict=False)}
    if header is None:
        raise ParseError("the file is empty (no header row)")


def _text(source: str | Path) -> str:
    if isinstance(source, Path):
        return source.read_text(encoding="utf-8-sig")
    return source


def parse_vehicle(line: int, row: dict[str, str]) -> Vehicle:
    vid = v.vehicle_id(v.required(row, "id", line), line, "id")
    year = v.integer(v.required(row, "year", line), line, "year", minimum=1950)
    vehicle = Vehicle(
        id=vid,
        make=v.required(row, "make", line),
        model=v.required(row, "model", line),
        year=year,
    )
    if row.get("odometer", "").strip():
        vehicle.odometer_km = v.km(row["odometer"], line, "odometer")
    if row.get("digits", "").strip():
        vehicle.odometer_digits = v.integer(row["digits"], line, "digits", minimum=4)
    if row.get("fuel", "").strip():
        vehicle.fuel = FuelType(
            v.choice(row["fuel"], line, "fuel", tuple(f.value for f in FuelType))
        )
    if row.get("status", "").strip():
        vehicle.status = Status(
            v.choice(row["status"], line, "status", tuple(s.value for s in Status))
        )
    if row.get("depot", "").strip():
        vehicle.depot = row["depot"].strip()
    if row.get("in_service", "").strip():
        vehicle.in_service = v.day(row["in_service"], line, "in_service")
    if row.get("tags", "").strip():
        vehicle.tags = sorted({t.strip().lower() for t in row["tags"].split(";") if t.strip()})
    return vehicle


def load_vehicles(source: str | Path) -> list[Vehicle]:
    """The vehicles of a register CSV; the first bad row raises ParseError."""
    vehicles: list[Vehicle] = []
    seen: dict[str, int] = {}
    for line, row in read_rows(_text(source), VEHICLE_COLUMNS):
        vehicle = parse_vehicle(line, row)
        if vehicle.id in seen:
            raise ParseError(
                f"{vehicle.id} is already on line {seen[vehicle.id]}", line=line, field="id"
            )
        seen[vehicle.id] = line
        vehicles.append(vehicle)
    return vehicles


def parse_service(line: int, row: dict[str, str]) -> ServiceRecord:
    return ServiceRecord(
        vehicle_id=v.vehicle_id(v.required(row, "vehicle", line), line),
        item=v.required(row, "item", line).lower().replace(" ", "-"),
        done_on=v.day(v.required(row, "date", line), line, "date"),
        odometer_km=v.km(v.required(row, "odometer", line), line, "odometer"),
        cost=v.money(row.get("cost") or "0", line, "cost"),
        notes=(row.get("notes") or "").strip(),
    )


def load_services(source: str | Path) -> list[ServiceRecord]:
    return [parse_service(line, row) for line, row in read_rows(_text(source), SERVICE_COLUMNS)]


def parse_fuel(line: int, row: dict[str, str]) -> FuelReceipt:
    return FuelReceipt(
        vehicle_id=v.vehicle_id(v.required(row, "vehicle", line), line),
        filled_on=v.day(v.required(row, "date", line), line, "date"),
        odometer_km=v.km(v.required(row, "odometer", line), line, "odometer"),
        litres=v.litres(v.required(row, "litres", line), line, "litres"),
        price_per_litre=v.money(row.get("price") or "0", line, "price"),
        full=v.flag(row.get("full") or "", line, "full"),
    )


def load_fuel(source: str | Path) -> list[FuelReceipt]:
    return [parse_fuel(line, row) for line, row in read_rows(_text(source), FUEL_COLUMNS)]
