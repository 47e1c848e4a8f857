"""Board: merge verified receipts into per-cell aggregates, summaries and a static site."""

from runner.board._models import (
    AgentSummary,
    Axes,
    Board,
    CellAggregate,
    CostBasis,
    Evidence,
    HeadToHead,
    Interval,
    ModelSummary,
    Outcomes,
    UnscoredCell,
)

__all__ = [
    "AgentSummary",
    "Axes",
    "Board",
    "CellAggregate",
    "CostBasis",
    "Evidence",
    "HeadToHead",
    "Interval",
    "ModelSummary",
    "Outcomes",
    "UnscoredCell",
]
