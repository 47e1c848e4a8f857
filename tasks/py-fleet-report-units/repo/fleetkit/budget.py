"""Monthly maintenance budget: what was spent, and a forecast from the service plan.

Spending is grouped by calendar month of the record's date. The forecast prices every plan item
that falls due by date in the coming months at the item's average past cost (or the default cost
when it was never done).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from fleetkit.dates import add_months
from fleetkit.models import ServiceRecord, Vehicle
from fleetkit.schedule import DEFAULT_PLAN, PlanItem, due_for

DEFAULT_ITEM_COST = Decimal("150.00")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month.of(add_months(self.first_day(), 1))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def spent_by_month(records: Iterable[ServiceRecord]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for r in records:
        key = str(Month.of(r.done_on))
        out[key] = out.get(key, Decimal("0")) + r.cost
    return dict(sorted(out.items()))


def average_costs(records: Iterable[ServiceRecord]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for r in records:
        if r.cost > 0:
            sums[r.item] = sums.get(r.item, Decimal("0")) + r.cost
            counts[r.item] = counts.get(r.item, 0) + 1
    return {
        item: (sums[item] / counts[item]).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for item in sorted(sums)
    }


def forecast(
    vehicles: Iterable[Vehicle],
    records: list[ServiceRecord],
    today: date,
    months: int = 6,
    plan: tuple[PlanItem, ...] = DEFAULT_PLAN,
) -> dict[str, Decimal]:
    """Expected cost per month for the `months` months starting with today's, by due date."""
    if months <= 0:
        raise ValueError("months must be positive")
    averages = average_costs(records)
    first = Month.of(today)
    keys = [first]
    while len(keys) < months:
        keys.append(keys[-1].next())
    out = {str(k): Decimal("0") for k in keys}
    for vehicle in vehicles:
        for item in plan:
            d = due_for(vehicle, item, records, today)
            if d.due_on is None:
                continue
            key = str(Month.of(max(d.due_on, today)))
            if key in out:
                out[key] += averages.get(item.item, DEFAULT_ITEM_COST)
    return out
