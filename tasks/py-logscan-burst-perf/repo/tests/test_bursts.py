import pytest

from logscan import Request, find_bursts
from logscan.bursts import window_counts


def reqs(client, *times):
    return [Request(ts=float(t), client=client) for t in times]


def test_window_counts_include_ties_and_exclude_the_window_edge():
    ordered = reqs("a", 0, 5, 10, 10, 20)
    assert window_counts(ordered, 10) == [1, 2, 3, 3, 1]


def test_one_burst():
    bursts = find_bursts(reqs("a", 0, 1, 2, 3, 50), window_s=10, threshold=2)
    assert [(b.client, b.start, b.end, b.peak, b.requests) for b in bursts] == [
        ("a", 2.0, 3.0, 4, 2)
    ]


def test_clients_are_separate_and_sorted_by_start():
    data = reqs("b", 100, 101, 102) + reqs("a", 0, 1, 2) + reqs("c", 5)
    bursts = find_bursts(data, window_s=5, threshold=2)
    assert [(b.client, b.start) for b in bursts] == [("a", 2.0), ("b", 102.0)]


def test_bad_arguments():
    with pytest.raises(ValueError):
        find_bursts([], window_s=0, threshold=1)
    with pytest.raises(ValueError):
        find_bursts([], window_s=1, threshold=0)
