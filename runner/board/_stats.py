"""The two statistics the board shows: Wilson score intervals and exact McNemar tests."""

from __future__ import annotations

import math
from fractions import Fraction

# Two-sided 95%: the 0.975 quantile of the standard normal.
Z_95 = 1.959963984540054


def wilson_interval(passes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Unlike the normal approximation it stays inside [0, 1] and is not zero-width at 0/n or n/n,
    so a small cell with no passes does not read as a certain zero.
    """
    if n <= 0:
        raise ValueError("a Wilson interval needs at least one trial")
    if not 0 <= passes <= n:
        raise ValueError(f"passes={passes} outside 0..{n}")
    p = passes / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = (z / denom) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At 0/n and n/n one bound is exactly 0 or 1; floats would give -1e-17 or 0.9999999999999999.
    low = 0.0 if passes == 0 else max(0.0, centre - half)
    high = 1.0 if passes == n else min(1.0, centre + half)
    return low, high


def mcnemar_exact_p(a_only: int, b_only: int) -> float:
    """Two-sided exact McNemar p-value: binomial(b + c, 1/2) on the discordant pairs.

    Computed in exact rational arithmetic so the p-value is identical on every machine; with no
    discordant pairs there is no evidence of a difference and p = 1.
    """
    if a_only < 0 or b_only < 0:
        raise ValueError("discordant counts must be non-negative")
    n = a_only + b_only
    if n == 0:
        return 1.0
    k = min(a_only, b_only)
    tail = sum(math.comb(n, i) for i in range(k + 1))
    return float(min(Fraction(1), Fraction(2 * tail, 2**n)))
