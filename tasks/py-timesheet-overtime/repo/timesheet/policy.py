"""Overtime policy: where a week starts and how many hours it holds before overtime."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum


class Weekday(IntEnum):
    """Same numbering as ``date.weekday()``."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6

    @classmethod
    def from_name(cls, name: str) -> Weekday:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown weekday {name!r}") from None


@dataclass(frozen=True)
class OvertimePolicy:
    """Hours beyond ``weekly_limit`` inside one work week are overtime."""

    weekly_limit: timedelta = timedelta(hours=40)
    week_starts_on: Weekday = Weekday.MONDAY

    def __post_init__(self) -> None:
        if self.weekly_limit <= timedelta(0):
            raise ValueError("weekly_limit must be positive")
