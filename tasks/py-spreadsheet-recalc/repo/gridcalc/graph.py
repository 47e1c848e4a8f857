"""Who reads whom: the dependency graph between cells."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable


class DependencyGraph:
    """Edges go from a cell to the cells its formula reads (its precedents); the reverse map
    (dependents) drives recalculation."""

    def __init__(self) -> None:
        self._precedents: dict[str, set[str]] = {}
        self._dependents: dict[str, set[str]] = defaultdict(set)

    def precedents(self, cell: str) -> set[str]:
        return set(self._precedents.get(cell, ()))

    def dependents(self, cell: str) -> set[str]:
        return set(self._dependents.get(cell, ()))

    def set_precedents(self, cell: str, precedents: Iterable[str]) -> None:
        """Record that ``cell`` now reads exactly ``precedents``."""
        new = set(precedents)
        self._precedents[cell] = new
        for p in new:
            self._dependents[p].add(cell)

    def find_cycle(self, cell: str, precedents: Iterable[str]) -> list[str] | None:
        """The cycle that ``cell`` reading ``precedents`` would create, or None.

        A cycle exists when one of the new precedents is ``cell`` itself or (transitively) one
        of its dependents.
        """
        targets = set(precedents)
        if cell in targets:
            return [cell, cell]
        parent: dict[str, str] = {}
        queue = deque([cell])
        seen = {cell}
        while queue:
            current = queue.popleft()
            for d in sorted(self._dependents.get(current, ())):
                if d in seen:
                    continue
                seen.add(d)
                parent[d] = current
                if d in targets:
                    path = [d]
                    while path[-1] != cell:
                        path.append(parent[path[-1]])
                    return [cell, *path]
                queue.append(d)
        return None

    def affected(self, cell: str) -> list[str]:
        """Every cell whose value depends (transitively) on ``cell``, in recalculation order."""
        order: list[str] = []
        seen = {cell}
        queue = deque([cell])
        while queue:
            current = queue.popleft()
            for d in sorted(self._dependents.get(current, ())):
                if d not in seen:
                    seen.add(d)
                    order.append(d)
                    queue.append(d)
        return order

    def topological_order(self, cells: Iterable[str]) -> list[str]:
        """``cells`` ordered so that every cell comes after the cells it reads."""
        wanted = set(cells)
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(node: str) -> None:
            if state.get(node) == 2:
                return
            state[node] = 1
            for p in sorted(self._precedents.get(node, ())):
                if p in wanted and state.get(p) != 1:
                    visit(p)
            state[node] = 2
            order.append(node)

        for node in sorted(wanted):
            visit(node)
        return order
