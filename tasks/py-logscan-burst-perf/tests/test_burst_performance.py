"""Hidden tests: find_bursts must scale to a day of traffic, and still give the same answers."""

import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import logscan
from logscan import Request, find_bursts

PACKAGE_PARENT = Path(logscan.__file__).resolve().parents[1]
# The instruction promises 2 s for 200,000 requests; the fixed code needs 1-3 CPU seconds per
# workload here, interpreter start and building the input included. The bound is on CPU seconds
# (RLIMIT_CPU in the child), not wall time, so a busy shared machine does not fail a correct fix;
# each workload is sized so that the slow approaches (pairwise counts, walking every window's
# neighbours, a list of clients scanned per request) need 10 minutes of CPU or more: >= 10x past
# the limit on any plausible machine. WALL_S is only a backstop for a hung child.
CPU_S = 20
WALL_S = 900


def _limit_cpu():
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_S, CPU_S + 5))


def run_timed(body: str) -> str:
    code = textwrap.dedent(
        """
        import random, time
        from logscan import Request, find_bursts
        rng = random.Random(7)
        """
    ) + textwrap.dedent(body)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            cwd=PACKAGE_PARENT,
            capture_output=True,
            text=True,
            timeout=WALL_S,
            preexec_fn=_limit_cpu,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"find_bursts did not finish within {WALL_S}s of wall time")
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        pytest.fail(f"find_bursts used more than {CPU_S} CPU seconds")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_day_of_traffic_from_many_clients():
    out = run_timed(
        """
        reqs = [Request(ts=rng.uniform(0, 86400), client=f"10.0.0.{rng.randrange(50)}")
                for _ in range(200_000)]
        reqs += [Request(ts=5000 + i * 0.01, client="10.0.0.7") for i in range(3000)]
        bursts = find_bursts(reqs, window_s=10, threshold=50)
        print(len(bursts), bursts[0].client, bursts[0].peak)
        """
    )
    assert out == "1 10.0.0.7 1000"


def test_one_crawler_with_100k_requests():
    out = run_timed(
        """
        reqs = [Request(ts=i * 0.5, client="crawler") for i in range(100_000)]
        bursts = find_bursts(reqs, window_s=60, threshold=100)
        print(len(bursts), bursts[0].requests, bursts[0].peak)
        """
    )
    assert out == "1 99900 120"


def test_dense_client_with_thousands_of_requests_per_window():
    # 240,000 requests 4 ms apart, a 30 s window: 7,500 requests in every window. Counting each
    # window by walking the neighbours is ~1.8e9 steps (many minutes); two binary searches or a
    # sliding window per request stay well under a second.
    out = run_timed(
        """
        reqs = [Request(ts=i * 0.004, client="bot") for i in range(240_000)]
        bursts = find_bursts(reqs, window_s=30, threshold=7000)
        print(len(bursts), bursts[0].start, bursts[0].requests, bursts[0].peak)
        """
    )
    assert out == "1 28.0 233000 7501"


def test_traffic_from_many_distinct_clients():
    # 260,000 requests from up to 150,000 addresses: grouping by client must not scan a list of
    # the clients seen so far (~2e10 string comparisons, many minutes).
    out = run_timed(
        """
        reqs = [Request(ts=rng.uniform(0, 3600), client=f"c{rng.randrange(150_000)}")
                for _ in range(260_000)]
        reqs += [Request(ts=100 + i * 0.05, client="c123") for i in range(400)]
        bursts = find_bursts(reqs, window_s=5, threshold=80)
        print(len(bursts), bursts[0].client, bursts[0].peak)
        """
    )
    assert out == "1 c123 100"


# ----------------------------------------------------------------- regression guards


def reference_bursts(requests, window_s, threshold):
    """The documented definition, written the obvious way."""
    out = []
    clients = sorted({r.client for r in requests})
    for client in clients:
        own = sorted((r for r in requests if r.client == client), key=lambda r: r.ts)
        counts = [sum(1 for o in own if r.ts - window_s < o.ts <= r.ts) for r in own]
        run = []
        for i, c in enumerate([*counts, 0]):
            if i < len(own) and c > threshold:
                run.append(i)
            elif run:
                out.append((client, own[run[0]].ts, own[run[-1]].ts,
                            max(counts[j] for j in run), len(run)))
                run = []
    return sorted(out, key=lambda b: (b[1], b[0]))


@pytest.mark.parametrize("seed", range(6))
def test_matches_the_definition_on_random_logs_with_ties(seed):
    rng = random.Random(seed)
    reqs = [
        Request(ts=float(rng.randrange(0, 300)), client=rng.choice("abcd"))
        for _ in range(rng.randrange(50, 400))
    ]
    window, threshold = rng.choice([1, 5, 10, 30]), rng.randrange(1, 8)
    got = [(b.client, b.start, b.end, b.peak, b.requests) for b in find_bursts(reqs, window, threshold)]
    assert got == reference_bursts(reqs, window, threshold)


def test_unsorted_input_and_equal_timestamps():
    reqs = [Request(ts=t, client="x") for t in (9.0, 1.0, 5.0, 5.0, 5.0, 2.0)]
    bursts = find_bursts(reqs, window_s=4, threshold=3)
    assert [(b.start, b.end, b.peak, b.requests) for b in bursts] == [(5.0, 5.0, 4, 3)]


def test_no_requests():
    assert find_bursts([], window_s=10, threshold=5) == []
