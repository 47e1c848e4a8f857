"""Traffic summary: counts, status classes, latency percentiles, top paths."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from logscan.records import Request


def percentile(sorted_values: Sequence[int], pct: float) -> int | None:
    """Nearest-rank percentile of already sorted values; None for no values."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class Summary:
    requests: int
    skipped: int
    clients: int
    status_classes: dict[str, float]  # "2xx" -> share of requests, 0..1
    latency_ms: dict[str, int | None]  # "p50"/"p90"/"p99"
    top_paths: list[tuple[str, int]]


def summarize(requests: Sequence[Request], skipped: int = 0, top: int = 3) -> Summary:
    classes = Counter(f"{r.status // 100}xx" for r in requests)
    total = len(requests) or 1
    durations = sorted(r.duration_ms for r in requests if r.duration_ms is not None)
    paths = Counter(r.path for r in requests)
    return Summary(
        requests=len(requests),
        skipped=skipped,
        clients=len({r.client for r in requests}),
        status_classes={k: classes.get(k, 0) / total for k in ("2xx", "3xx", "4xx", "5xx")},
        latency_ms={f"p{p}": percentile(durations, p) for p in (50, 90, 99)},
        top_paths=sorted(paths.items(), key=lambda kv: (-kv[1], kv[0]))[:top],
    )
