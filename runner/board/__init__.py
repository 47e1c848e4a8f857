"""Board: merge verified receipts into per-cell aggregates, summaries and a static site."""

from runner.board._models import Axes, Board, CellAggregate, Evidence, HeadToHead, Interval, Summary

__all__ = ["Axes", "Board", "CellAggregate", "Evidence", "HeadToHead", "Interval", "Summary"]
