"""The fleet's JSON store: one file with the register, the records and the work orders.

The file is written atomically (a temporary file renamed over the old one) and carries a
format version; Decimals are stored as strings and dates as ISO text.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from fleetkit.errors import StoreError, UnknownVehicle
from fleetkit.models import (
    FuelReceipt,
    FuelType,
    Part,
    PartLine,
    ServiceRecord,
    Status,
    Vehicle,
    WorkOrder,
)

FORMAT = 2


@dataclass
class Fleet:
    vehicles: dict[str, Vehicle] = field(default_factory=dict)
    services: list[ServiceRecord] = field(default_factory=list)
    receipts: list[FuelReceipt] = field(default_factory=list)
    orders: dict[str, WorkOrder] = field(default_factory=dict)

    def vehicle(self, vehicle_id: str) -> Vehicle:
        try:
            return self.vehicles[vehicle_id]
        except KeyError:
            raise UnknownVehicle(vehicle_id) from None

    def add_vehicles(self, vehicles: list[Vehicle]) -> int:
        """Add or replace; returns how many were new."""
        new = 0
        for v in vehicles:
            new += v.id not in self.vehicles
            self.vehicles[v.id] = v
        return new

    def add_services(self, records: list[ServiceRecord]) -> None:
        for r in records:
            vehicle = self.vehicle(r.vehicle_id)
            self.services.append(r)
            if r.odometer_km > vehicle.odometer_km and r.done_on >= (
                self.last_activity(vehicle.id) or date.min
            ):
                vehicle.odometer_km = r.odometer_km

    def add_receipts(self, receipts: list[FuelReceipt]) -> None:
        for r in receipts:
            self.vehicle(r.vehicle_id)
            self.receipts.append(r)

    def last_activity(self, vehicle_id: str) -> date | None:
        days = [s.done_on for s in self.services if s.vehicle_id == vehicle_id]
        days += [r.filled_on for r in self.receipts if r.vehicle_id == vehicle_id]
        return max(days) if days else None


def _vehicle_doc(v: Vehicle) -> dict[str, Any]:
    return {
        "id": v.id,
        "make": v.make,
        "model": v.model,
        "year": v.year,
        "odometer_km": v.odometer_km,
        "odometer_digits": v.odometer_digits,
        "fuel": v.fuel.value,
        "depot": v.depot,
        "status": v.status.value,
        "in_service": v.in_service.isoformat() if v.in_service else None,
        "tags": v.tags,
    }


def _vehicle(doc: dict[str, Any]) -> Vehicle:
    return Vehicle(
        id=doc["id"],
        make=doc["make"],
        model=doc["model"],
        year=int(doc["year"]),
        odometer_km=int(doc.get("odometer_km", 0)),
        odometer_digits=int(doc.get("odometer_digits", 6)),
        fuel=FuelType(doc.get("fuel", "diesel")),
        depot=doc.get("depot", "main"),
        status=Status(doc.get("status", "active")),
        in_service=date.fromisoformat(doc["in_service"]) if doc.get("in_service") else None,
        tags=list(doc.get("tags", [])),
    )


def _order_doc(o: WorkOrder) -> dict[str, Any]:
    return {
        "id": o.id,
        "vehicle_id": o.vehicle_id,
        "title": o.title,
        "hours": str(o.hours),
        "priority": o.priority,
        "parts": [
            {
                "number": pl.part.number,
                "name": pl.part.name,
                "list_price": str(pl.part.list_price),
                "unit": pl.part.unit,
                "quantity": str(pl.quantity),
            }
            for pl in o.parts
        ],
        "opened_on": o.opened_on.isoformat() if o.opened_on else None,
        "closed_on": o.closed_on.isoformat() if o.closed_on else None,
    }


def _order(doc: dict[str, Any]) -> WorkOrder:
    return WorkOrder(
        id=doc["id"],
        vehicle_id=doc["vehicle_id"],
        title=doc["title"],
        hours=Decimal(doc.get("hours", "1")),
        priority=int(doc.get("priority", 3)),
        parts=[
            PartLine(
                Part(p["number"], p["name"], Decimal(p["list_price"]), p.get("unit", "pc")),
                Decimal(p["quantity"]),
            )
            for p in doc.get("parts", [])
        ],
        opened_on=date.fromisoformat(doc["opened_on"]) if doc.get("opened_on") else None,
        closed_on=date.fromisoformat(doc["closed_on"]) if doc.get("closed_on") else None,
    )


def to_doc(fleet: Fleet) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "vehicles": [_vehicle_doc(v) for _, v in sorted(fleet.vehicles.items())],
        "services": [
            {
                "vehicle_id": s.vehicle_id,
                "item": s.item,
                "done_on": s.done_on.isoformat(),
                "odometer_km": s.odometer_km,
                "cost": str(s.cost),
                "notes": s.notes,
            }
            for s in fleet.services
        ],
        "receipts": [
            {
                "vehicle_id": r.vehicle_id,
                "filled_on": r.filled_on.isoformat(),
                "odometer_km": r.odometer_km,
                "litres": str(r.litres),
                "price_per_litre": str(r.price_per_litre),
                "full": r.full,
            }
            for r in fleet.receipts
        ],
        "orders": [_order_doc(o) for _, o in sorted(fleet.orders.items())],
    }


def from_doc(doc: dict[str, Any]) -> Fleet:
    if doc.get("format") != FORMAT:
        raise StoreError(f"unsupported store format {doc.get('format')!r} (expected {FORMAT})")
    fleet = Fleet()
    for v in doc.get("vehicles", []):
        fleet.vehicles[v["id"]] = _vehicle(v)
    for s in doc.get("services", []):
        fleet.services.append(
            ServiceRecord(
                s["vehicle_id"],
                s["item"],
                date.fromisoformat(s["done_on"]),
                int(s["odometer_km"]),
                Decimal(s.get("cost", "0")),
                s.get("notes", ""),
            )
        )
    for r in doc.get("receipts", []):
        fleet.receipts.append(
            FuelReceipt(
                r["vehicle_id"],
                date.fromisoformat(r["filled_on"]),
                int(r["odometer_km"]),
                Decimal(r["litres"]),
                Decimal(r.get("price_per_litre", "0")),
                bool(r.get("full", True)),
            )
        )
    for o in doc.get("orders", []):
        order = _order(o)
        fleet.orders[order.id] = order
    return fleet


def load(path: Path) -> Fleet:
    """The fleet in `path`; an empty fleet when the file does not exist yet."""
    if not path.exists():
        return Fleet()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise StoreError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    except OSError as exc:
        raise StoreError(f"{path}: {exc.strerror}") from None
    if not isinstance(doc, dict):
        raise StoreError(f"{path}: not a fleet store")
    try:
        return from_doc(doc)
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"{path}: malformed store ({exc})") from None


def save(fleet: Fleet, path: Path) -> None:
    text = json.dumps(to_doc(fleet), indent=2, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".fleet-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
