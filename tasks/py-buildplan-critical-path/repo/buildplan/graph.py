"""Jobs and the dependency graph between them."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field


class GraphError(ValueError):
    """The plan is not a valid job graph."""


class CycleError(GraphError):
    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__("cycle: " + " -> ".join(cycle))


@dataclass(frozen=True)
class Job:
    name: str
    duration: float
    needs: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.duration < 0:
            raise GraphError(f"job {self.name!r}: duration must not be negative")


class Graph:
    """An immutable, validated job graph."""

    def __init__(self, jobs: Iterable[Job]) -> None:
        self.jobs: dict[str, Job] = {}
        for job in jobs:
            if job.name in self.jobs:
                raise GraphError(f"duplicate job {job.name!r}")
            self.jobs[job.name] = job
        for job in self.jobs.values():
            for dep in job.needs:
                if dep not in self.jobs:
                    raise GraphError(f"job {job.name!r} needs unknown job {dep!r}")
        self._check_acyclic()

    def __len__(self) -> int:
        return len(self.jobs)

    def dependents(self, name: str) -> list[str]:
        """Jobs that need `name`, sorted by name."""
        return sorted(j.name for j in self.jobs.values() if name in j.needs)

    def sources(self) -> list[str]:
        return sorted(n for n, j in self.jobs.items() if not j.needs)

    def sinks(self) -> list[str]:
        needed = {d for j in self.jobs.values() for d in j.needs}
        return sorted(n for n in self.jobs if n not in needed)

    def _check_acyclic(self) -> None:
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        path: list[str] = []

        def visit(name: str) -> None:
            state[name] = 1
            path.append(name)
            for dep in sorted(self.jobs[name].needs):
                if state.get(dep) == 1:
                    start = path.index(dep)
                    raise CycleError([*path[start:], dep])
                if dep not in state:
                    visit(dep)
            path.pop()
            state[name] = 2

        for name in sorted(self.jobs):
            if name not in state:
                visit(name)

    def topological_order(self) -> list[str]:
        """Dependencies first; among jobs that are ready at the same time, by name."""
        remaining = {n: len(set(j.needs)) for n, j in self.jobs.items()}
        ready = [n for n, count in remaining.items() if count == 0]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            name = heapq.heappop(ready)
            order.append(name)
            for dependent in self.dependents(name):
                remaining[dependent] -= 1
                if remaining[dependent] == 0:
                    heapq.heappush(ready, dependent)
        return order

    def total_duration(self) -> float:
        return sum(j.duration for j in self.jobs.values())
