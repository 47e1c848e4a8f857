"""Assigning open work orders to technicians.

Orders are taken most urgent first: by priority (1 first), then by the day they were opened
(undated last), then by id. Each goes to the technician who is free earliest; when several are
free at the same time, the one listed first gets it. A technician works on one order at a time,
back to back, from hour 0.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fleetkit.errors import PlanningError
from fleetkit.models import WorkOrder

HOURS_PER_DAY = Decimal("8")


@dataclass(frozen=True)
class Assignment:
    order_id: str
    technician: str
    start: Decimal  # hours from the start of the plan
    end: Decimal

    @property
    def day(self) -> int:
        """The working day (0-based) the order starts on."""
        return int(self.start // HOURS_PER_DAY)


def order_key(order: WorkOrder) -> tuple[int, date, str]:
    return (order.priority, order.opened_on or date.max, order.id)


def plan(orders: Sequence[WorkOrder], technicians: Sequence[str]) -> list[Assignment]:
    """One assignment per open order, in the order they were assigned."""
    if not technicians:
        raise PlanningError("no technicians to plan for")
    if len(set(technicians)) != len(technicians):
        raise PlanningError("technician names must be unique")
    for order in orders:
        if order.hours <= 0:
            raise PlanningError(f"{order.id}: hours must be positive")
    free = [(Decimal("0"), index) for index in range(len(technicians))]
    heapq.heapify(free)
    out = []
    for order in sorted((o for o in orders if o.is_open), key=order_key):
        start, index = heapq.heappop(free)
        end = start + order.hours
        out.append(Assignment(order.id, technicians[index], start, end))
        heapq.heappush(free, (end, index))
    return out


def makespan(assignments: Sequence[Assignment]) -> Decimal:
    return max((a.end for a in assignments), default=Decimal("0"))


def by_technician(assignments: Sequence[Assignment]) -> dict[str, list[Assignment]]:
    out: dict[str, list[Assignment]] = {}
    for a in assignments:
        out.setdefault(a.technician, []).append(a)
    return out


def utilisation(
    assignments: Sequence[Assignment], technicians: Sequence[str]
) -> dict[str, Decimal]:
    """Busy hours over the makespan, per technician, to 0.01."""
    span = makespan(assignments)
    busy = {t: Decimal("0") for t in technicians}
    for a in assignments:
        busy[a.technician] += a.end - a.start
    if span == 0:
        return {t: Decimal("0") for t in technicians}
    return {t: (busy[t] / span).quantize(Decimal("0.01")) for t in technicians}
