"""Trips between depots and customer sites, and the distance table they use.

The distance table is symmetric; a trip is a sequence of stops starting and ending at a depot.
`nearest_neighbour` gives a quick tour over the stops of a day, `two_opt` improves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class RouteError(ValueError):
    """A stop is unknown or the table is inconsistent."""


@dataclass
class DistanceTable:
    km: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, a: str, b: str, km: int) -> None:
        if a == b:
            raise RouteError(f"a distance from {a} to itself")
        if km <= 0:
            raise RouteError(f"{a}-{b}: distance must be positive")
        key = (a, b) if a < b else (b, a)
        if key in self.km and self.km[key] != km:
            raise RouteError(f"{a}-{b}: two distances ({self.km[key]} and {km})")
        self.km[key] = km

    def get(self, a: str, b: str) -> int:
        if a == b:
            return 0
        key = (a, b) if a < b else (b, a)
        try:
            return self.km[key]
        except KeyError:
            raise RouteError(f"no distance between {a} and {b}") from None

    def places(self) -> list[str]:
        return sorted({p for pair in self.km for p in pair})

    @classmethod
    def parse(cls, text: str) -> DistanceTable:
        """Lines `A B 12` (km); `#` comments and blank lines skipped."""
        table = cls()
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 3:
                raise RouteError(f"line {lineno}: expected 'FROM TO KM', got {raw!r}")
            try:
                km = int(parts[2])
            except ValueError:
                raise RouteError(f"line {lineno}: {parts[2]!r} is not whole km") from None
            table.add(parts[0], parts[1], km)
        return table


def tour_length(table: DistanceTable, tour: Sequence[str]) -> int:
    return sum(table.get(a, b) for a, b in zip(tour, tour[1:], strict=False))


def nearest_neighbour(table: DistanceTable, depot: str, stops: Sequence[str]) -> list[str]:
    """depot, stops in nearest-first order (ties by name), depot."""
    left = sorted(set(stops) - {depot})
    tour = [depot]
    while left:
        here = tour[-1]
        nxt = min(left, key=lambda s: (table.get(here, s), s))
        tour.append(nxt)
        left.remove(nxt)
    tour.append(depot)
    return tour


def two_opt(table: DistanceTable, tour: list[str], max_rounds: int = 50) -> list[str]:
    """Reverse segments while that shortens the tour (first improvement), at most `max_rounds`
    passes. The first and last stop stay in place."""
    best = list(tour)
    for _ in range(max_rounds):
        improved = False
        for i in range(1, len(best) - 2):
            for j in range(i + 1, len(best) - 1):
                a, b, c, d = best[i - 1], best[i], best[j], best[j + 1]
                delta = table.get(a, c) + table.get(b, d) - table.get(a, b) - table.get(c, d)
                if delta < 0:
                    best[i : j + 1] = reversed(best[i : j + 1])
                    improved = True
        if not improved:
            break
    return best


def plan_day(table: DistanceTable, depot: str, stops: Sequence[str]) -> tuple[list[str], int]:
    tour = two_opt(table, nearest_neighbour(table, depot, stops))
    return tour, tour_length(table, tour)
