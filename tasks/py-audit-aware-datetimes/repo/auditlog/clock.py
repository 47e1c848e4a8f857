"""The library's single source of the current time (replaceable in tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

_clock: Callable[[], datetime] = datetime.utcnow


def now() -> datetime:
    """The current time in UTC."""
    return _clock()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Replace the clock (``None`` restores the real one)."""
    global _clock
    _clock = clock or datetime.utcnow
