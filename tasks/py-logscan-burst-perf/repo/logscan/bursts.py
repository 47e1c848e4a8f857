"""Finding clients that send too many requests in a short time.

For one client, the *window count* of its request r is the number of that client's requests whose
timestamp t satisfies `r.ts - window_s < t <= r.ts` (r itself included, and so are other requests
with the very same timestamp). A request is *hot* when its window count exceeds `threshold`.
Taking the client's requests in timestamp order (ties keep their input order), each maximal run
of consecutive hot requests is one Burst.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from logscan.records import Request


@dataclass(frozen=True)
class Burst:
    client: str
    start: float  # timestamp of the first hot request of the run
    end: float  # timestamp of the last hot request of the run
    peak: int  # highest window count in the run
    requests: int  # number of hot requests in the run


def _by_client(requests: Iterable[Request]) -> dict[str, list[Request]]:
    clients: list[str] = []
    grouped: list[list[Request]] = []
    for request in requests:
        if request.client not in clients:
            clients.append(request.client)
            grouped.append([])
        grouped[clients.index(request.client)].append(request)
    return dict(zip(clients, grouped, strict=True))


def window_counts(requests: Sequence[Request], window_s: float) -> list[int]:
    """Window count of each request of one client, in the order given (sorted by time)."""
    counts = []
    for current in requests:
        counts.append(
            sum(1 for other in requests if current.ts - window_s < other.ts <= current.ts)
        )
    return counts


def _runs(
    client: str, ordered: Sequence[Request], counts: list[int], threshold: int
) -> list[Burst]:
    bursts: list[Burst] = []
    run: list[int] = []
    for i, count in enumerate([*counts, 0]):
        if i < len(counts) and count > threshold:
            run.append(i)
        elif run:
            bursts.append(
                Burst(
                    client=client,
                    start=ordered[run[0]].ts,
                    end=ordered[run[-1]].ts,
                    peak=max(counts[j] for j in run),
                    requests=len(run),
                )
            )
            run = []
    return bursts


def find_bursts(requests: Iterable[Request], window_s: float, threshold: int) -> list[Burst]:
    """All bursts of all clients, sorted by start time, then client."""
    if window_s <= 0:
        raise ValueError("window_s must be positive")
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    bursts: list[Burst] = []
    for client, own in _by_client(requests).items():
        ordered = sorted(own, key=lambda r: r.ts)
        bursts.extend(_runs(client, ordered, window_counts(ordered, window_s), threshold))
    return sorted(bursts, key=lambda b: (b.start, b.client))
