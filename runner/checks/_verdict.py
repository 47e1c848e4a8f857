"""The result of one check: pass or fail, a short reason, and facts a caller may need."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Receipts keep a check's summary to 500 characters; long lists are cut with a count of the rest.
SUMMARY_MAX = 500


@dataclass(frozen=True)
class Verdict:
    name: str
    passed: bool
    summary: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.summary) > SUMMARY_MAX:
            object.__setattr__(self, "summary", self.summary[: SUMMARY_MAX - 3] + "...")


def listing(items: list[str], limit: int = 5) -> str:
    """`a, b, c (+4 more)`: enough to act on, short enough for a summary line."""
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    return f"{shown} (+{rest} more)" if rest > 0 else shown
