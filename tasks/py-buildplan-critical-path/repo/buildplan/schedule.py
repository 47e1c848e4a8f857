"""Simulating a pipeline on a fixed number of workers (greedy list scheduling)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from buildplan.graph import Graph


@dataclass(frozen=True)
class Slot:
    job: str
    worker: int  # 1-based
    start: float
    end: float


@dataclass(frozen=True)
class Schedule:
    slots: list[Slot]

    @property
    def makespan(self) -> float:
        return max((s.end for s in self.slots), default=0.0)

    def by_worker(self) -> dict[int, list[Slot]]:
        out: dict[int, list[Slot]] = {}
        for slot in sorted(self.slots, key=lambda s: (s.worker, s.start)):
            out.setdefault(slot.worker, []).append(slot)
        return out


def schedule(graph: Graph, workers: int) -> Schedule:
    """Whenever a worker is free, it takes the ready job that comes first in topological order.
    Ties between free workers go to the lowest worker number."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    rank = {name: i for i, name in enumerate(graph.topological_order())}
    finished: dict[str, float] = {}
    free = [(0.0, w) for w in range(1, workers + 1)]
    heapq.heapify(free)
    pending = set(graph.jobs)
    slots: list[Slot] = []
    while pending:
        now, worker = heapq.heappop(free)
        ready = [
            n
            for n in pending
            if all(d in finished and finished[d] <= now for d in graph.jobs[n].needs)
        ]
        if not ready:
            # Nothing can start yet: wait for the next job to finish.
            later = [t for t in finished.values() if t > now]
            heapq.heappush(free, (min(later) if later else now, worker))
            continue
        name = min(ready, key=rank.__getitem__)
        end = now + graph.jobs[name].duration
        slots.append(Slot(name, worker, now, end))
        finished[name] = end
        pending.discard(name)
        heapq.heappush(free, (end, worker))
    return Schedule(slots)
