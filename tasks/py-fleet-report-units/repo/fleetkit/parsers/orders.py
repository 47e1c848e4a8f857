"""Work orders and the parts catalogue from CSV.

Catalogue columns: `number,name,price[,unit]`. Work-order columns:
`id,vehicle,title,hours[,priority,opened,parts]` where `parts` is `NUMBER*QTY;NUMBER*QTY`
(quantity 1 when `*QTY` is left out).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from fleetkit import validation as v
from fleetkit.errors import ParseError
from fleetkit.models import Part, PartLine, WorkOrder
from fleetkit.parsers.csvio import read_rows

CATALOGUE_COLUMNS = ("number", "name", "price")
ORDER_COLUMNS = ("id", "vehicle", "title", "hours")


def _text(source: str | Path) -> str:
    return source.read_text(encoding="utf-8-sig") if isinstance(source, Path) else source


def load_catalogue(source: str | Path) -> dict[str, Part]:
    parts: dict[str, Part] = {}
    for line, row in read_rows(_text(source), CATALOGUE_COLUMNS):
        number = v.required(row, "number", line).upper()
        if not v.PART_NUMBER.match(number):
            raise ParseError(f"{number!r} is not a part number", line=line, field="number")
        if number in parts:
            raise ParseError(f"{number} is listed twice", line=line, field="number")
        parts[number] = Part(
            number,
            v.required(row, "name", line),
            v.money(v.required(row, "price", line), line, "price"),
            (row.get("unit") or "pc").strip() or "pc",
        )
    return parts


def parse_part_lines(text: str, catalogue: dict[str, Part], line: int) -> list[PartLine]:
    out = []
    for chunk in text.split(";"):
        chunk = chunk.strip()
        if not chunk:
            continue
        number, _, qty = chunk.partition("*")
        number = number.strip().upper()
        if number not in catalogue:
            raise ParseError(f"unknown part {number!r}", line=line, field="parts")
        try:
            quantity = Decimal(qty.strip() or "1")
        except InvalidOperation:
            raise ParseError(f"{qty!r} is not a quantity", line=line, field="parts") from None
        if quantity <= 0:
            raise ParseError(f"{number}: quantity must be positive", line=line, field="parts")
        out.append(PartLine(catalogue[number], quantity))
    return out


def load_orders(source: str | Path, catalogue: dict[str, Part]) -> list[WorkOrder]:
    orders: list[WorkOrder] = []
    ids: set[str] = set()
    for line, row in read_rows(_text(source), ORDER_COLUMNS):
        oid = v.required(row, "id", line).upper()
        if oid in ids:
            raise ParseError(f"{oid} is listed twice", line=line, field="id")
        ids.add(oid)
        hours = v.money(v.required(row, "hours", line), line, "hours")
        if hours == 0:
            raise ParseError("must be more than 0", line=line, field="hours")
        order = WorkOrder(
            id=oid,
            vehicle_id=v.vehicle_id(v.required(row, "vehicle", line), line),
            title=v.required(row, "title", line),
            hours=hours,
        )
        if (row.get("priority") or "").strip():
            order.priority = v.integer(row["priority"], line, "priority", minimum=1)
        if (row.get("opened") or "").strip():
            order.opened_on = v.day(row["opened"], line, "opened")
        if (row.get("parts") or "").strip():
            order.parts = parse_part_lines(row["parts"], catalogue, line)
        orders.append(order)
    return orders
