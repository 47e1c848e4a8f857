"""Amounts are integer cents internally; text uses a dot and two decimals."""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"^(?P<units>\d+)(?:\.(?P<cents>\d{1,2}))?$")


def parse_amount(text: str) -> int:
    """``"12.3"`` -> 1230 cents. Only positive amounts are valid."""
    match = _AMOUNT.match(text.strip())
    if match is None:
        raise ValueError(f"not an amount: {text!r}")
    cents = int(match["units"]) * 100 + int((match["cents"] or "0").ljust(2, "0"))
    if cents <= 0:
        raise ValueError("amount must be positive")
    return cents


def format_amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units}.{rest:02d}"
