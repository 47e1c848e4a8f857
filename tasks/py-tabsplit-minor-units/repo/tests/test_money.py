from decimal import Decimal

import pytest

from tabsplit import Money
from tabsplit.money import CurrencyMismatch, total


def test_of_rounds_half_even():
    assert Money.of("2.675", "EUR").amount == Decimal("2.68")
    assert Money.of("2.665", "EUR").amount == Decimal("2.66")


def test_arithmetic_and_mismatch():
    a, b = Money.of("1.10", "EUR"), Money.of("2.20", "EUR")
    assert (a + b).amount == Decimal("3.30")
    assert (a - b).amount == Decimal("-1.10")
    with pytest.raises(CurrencyMismatch):
        a + Money.of(1, "USD")


def test_allocate_even_split_gives_remainder_to_first():
    parts = Money.of("100.00", "USD").allocate([1, 1, 1])
    assert [p.amount for p in parts] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_allocate_weighted():
    parts = Money.of("10.00", "EUR").allocate([2, 1, 0])
    assert [p.amount for p in parts] == [Decimal("6.67"), Decimal("3.33"), Decimal("0.00")]


def test_allocate_rejects_zero_weights():
    with pytest.raises(ValueError):
        Money.of(1, "EUR").allocate([0, 0])


def test_total():
    assert total([Money.of(1, "EUR"), Money.of("0.5", "EUR")], "EUR").amount == Decimal("1.50")
