"""Field checks shared by the parsers: each returns the cleaned value or raises ParseError."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from fleetkit.dates import parse_date
from fleetkit.errors import ParseError
from fleetkit.units import parse_distance, parse_volume

VEHICLE_ID = re.compile(r"^[A-Z]{2,5}-[0-9]{1,4}$")
PART_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,19}$")


def required(row: dict[str, str], name: str, line: int) -> str:
    value = (row.get(name) or "").strip()
    if not value:
        raise ParseError("is required", line=line, field=name)
    return value


def vehicle_id(text: str, line: int, name: str = "vehicle") -> str:
    value = text.strip().upper()
    if not VEHICLE_ID.match(value):
        raise ParseError(f"{text!r} is not a vehicle id like VAN-12", line=line, field=name)
    return value


def integer(text: str, line: int, name: str, *, minimum: int | None = None) -> int:
    try:
        value = int(text.strip().replace(",", ""))
    except ValueError:
        raise ParseError(f"{text!r} is not a whole number", line=line, field=name) from None
    if minimum is not None and value < minimum:
        raise ParseError(f"{value} is below {minimum}", line=line, field=name)
    return value


def money(text: str, line: int, name: str) -> Decimal:
    cleaned = text.strip().replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ParseError(f"{text!r} is not an amount", line=line, field=name) from None
    if value < 0:
        raise ParseError(f"{text!r} is negative", line=line, field=name)
    return value


def day(text: str, line: int, name: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ParseError(str(exc), line=line, field=name) from None


def km(text: str, line: int, name: str) -> int:
    try:
        return parse_distance(text)
    except ValueError as exc:
        raise ParseError(str(exc), line=line, field=name) from None


def litres(text: str, line: int, name: str) -> Decimal:
    try:
        value = parse_volume(text)
    except ValueError as exc:
        raise ParseError(str(exc), line=line, field=name) from None
    if value <= 0:
        raise ParseError("must be more than 0 l", line=line, field=name)
    return value


def flag(text: str, line: int, name: str) -> bool:
    value = text.strip().lower()
    if value in ("", "y", "yes", "true", "1"):
        return True
    if value in ("n", "no", "false", "0"):
        return False
    raise ParseError(f"{text!r} is not yes or no", line=line, field=name)


def choice(text: str, line: int, name: str, options: tuple[str, ...]) -> str:
    value = text.strip().lower()
    if value not in options:
        raise ParseError(f"{text!r} is not one of {', '.join(options)}", line=line, field=name)
    return value
