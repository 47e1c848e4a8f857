"""Depot settings from a small INI-like file.

```
[north]
labour_rate = 72.50
parts_discount = 10%
technicians = 3
holidays = 2026-12-25, 2026-12-26
```

Every section is a depot; unknown keys are an error so that a typo does not silently fall back
to a default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from fleetkit.costs import DEFAULT_LABOUR_RATE, DEFAULT_VAT, PriceList, percent
from fleetkit.dates import parse_date
from fleetkit.errors import FleetError

KEYS = ("labour_rate", "parts_discount", "vat", "technicians", "holidays")


class DepotConfigError(FleetError):
    pass


@dataclass
class Depot:
    name: str
    labour_rate: Decimal = DEFAULT_LABOUR_RATE
    parts_discount: Decimal = Decimal("0")
    vat: Decimal = DEFAULT_VAT
    technicians: int = 2
    holidays: frozenset[date] = field(default_factory=frozenset)

    def prices(self) -> PriceList:
        return PriceList(self.labour_rate, self.parts_discount, self.vat)


def _value(depot: Depot, key: str, value: str, lineno: int) -> None:
    try:
        if key == "labour_rate":
            depot.labour_rate = Decimal(value)
        elif key == "parts_discount":
            depot.parts_discount = percent(value)
        elif key == "vat":
            depot.vat = percent(value)
        elif key == "technicians":
            depot.technicians = int(value)
            if depot.technicians <= 0:
                raise ValueError("must be positive")
        elif key == "holidays":
            depot.holidays = frozenset(parse_date(v) for v in value.split(",") if v.strip())
    except (ValueError, InvalidOperation) as exc:
        raise DepotConfigError(f"line {lineno}: {key}: {exc}") from None


def parse_depots(text: str) -> dict[str, Depot]:
    depots: dict[str, Depot] = {}
    current: Depot | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip()
            if not name:
                raise DepotConfigError(f"line {lineno}: empty section name")
            if name in depots:
                raise DepotConfigError(f"line {lineno}: depot {name!r} defined twice")
            current = depots[name] = Depot(name)
            continue
        if "=" not in line:
            raise DepotConfigError(f"line {lineno}: expected 'key = value'")
        if current is None:
            raise DepotConfigError(f"line {lineno}: setting outside a [depot] section")
        key, value = (part.strip() for part in line.split("=", 1))
        if key not in KEYS:
            raise DepotConfigError(f"line {lineno}: unknown key {key!r} (one of {', '.join(KEYS)})")
        _value(current, key, value, lineno)
    return depots
