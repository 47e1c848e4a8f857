"""Wilson intervals and exact McNemar p-values against published and hand-computed values."""

from __future__ import annotations

from math import comb

import pytest

from runner.board import mcnemar_exact_p, wilson_interval


@pytest.mark.parametrize(
    ("passes", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857, method 3 examples.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        # Symmetric textbook cases.
        (5, 10, 0.2366, 0.7634),
        (2, 4, 0.1500, 0.8500),
        (1, 4, 0.0456, 0.6994),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_matches_published_values(passes: int, n: int, low: float, high: float) -> None:
    got = wilson_interval(passes, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_edges_are_exact() -> None:
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0
    low, high = wilson_interval(3, 7)
    assert 0 < low < 3 / 7 < high < 1


@pytest.mark.parametrize(("passes", "n"), [(0, 0), (-1, 5), (6, 5)])
def test_wilson_rejects_impossible_counts(passes: int, n: int) -> None:
    with pytest.raises(ValueError):
        wilson_interval(passes, n)


@pytest.mark.parametrize(
    ("a_only", "b_only", "p"),
    [
        (0, 0, 1.0),  # no discordant pairs: no evidence either way
        (1, 0, 1.0),  # 2 * 1/2
        (5, 0, 0.0625),  # 2 / 32
        (0, 5, 0.0625),  # symmetric
        (8, 0, 0.0078125),  # 2 / 256
        (9, 1, 0.021484375),  # 2 * (1 + 9) / 1024
        (2, 8, 0.109375),  # 2 * (1 + 10 + 45) / 1024
        (10, 2, 158 / 4096),  # 2 * (1 + 12 + 66) / 4096
        (3, 3, 1.0),  # capped at 1
    ],
)
def test_mcnemar_exact_hand_computed(a_only: int, b_only: int, p: float) -> None:
    assert mcnemar_exact_p(a_only, b_only) == pytest.approx(p, rel=1e-12)


def test_mcnemar_is_the_two_sided_binomial_tail() -> None:
    for n in range(1, 30):
        for k in range(n + 1):
            tail = sum(comb(n, i) for i in range(min(k, n - k) + 1)) / 2**n
            assert mcnemar_exact_p(k, n - k) == pytest.approx(min(1.0, 2 * tail), rel=1e-12)


def test_mcnemar_large_counts_do_not_overflow() -> None:
    p = mcnemar_exact_p(700, 300)
    assert 0 < p < 1e-30
