"""Benchmark: plan the full public matrix (current models x agents x tasks x 3 attempts).

    python bench/bench_plan.py [--repeat 5] [--out bench/results/plan.json]

Times, in this process: expanding the matrix, packing it into 256 shards (LPT), and the JSON the
workflow reads; the same with a duration history for every (agent, model, task); and the whole
`cab plan --json` command as a subprocess (interpreter start-up and catalog load included), which
is what the workflow's plan job runs. Reports the best and median of --repeat runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from runner.catalog import load_catalog  # noqa: E402
from runner.plan import GITHUB_MATRIX_LIMIT, expand, make_plan  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return {"best_s": round(min(runs), 4), "median_s": round(statistics.median(runs), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--attempts", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "plan.json")
    args = parser.parse_args()

    catalog = load_catalog(ROOT)
    cells = expand(catalog, attempts=args.attempts)
    history = {(c.agent, c.model, c.task): 60.0 + zlib.crc32(c.key.encode()) % 600 for c in cells}
    plan = make_plan(catalog, cells)
    doc = json.dumps(plan.to_json(), separators=(",", ":"))
    loads = [s.expected_s for s in plan.shards]

    results = {
        "expand": timed(lambda: expand(catalog, attempts=args.attempts), args.repeat),
        "expand_pack_json": timed(
            lambda: json.dumps(
                make_plan(catalog, expand(catalog, attempts=args.attempts)).to_json()
            ),
            args.repeat,
        ),
        "expand_pack_json_with_history": timed(
            lambda: json.dumps(
                make_plan(
                    catalog, expand(catalog, attempts=args.attempts), history_s=history
                ).to_json()
            ),
            args.repeat,
        ),
        "cli_subprocess": timed(
            lambda: subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "runner",
                    "plan",
                    "--json",
                    "--attempts",
                    str(args.attempts),
                ],
                cwd=ROOT,
                check=True,
                capture_output=True,
            ),
            args.repeat,
        ),
    }
    report = {
        "benchmark": "plan",
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "matrix": {
            "models": len({c.model for c in cells}),
            "agents": len({c.agent for c in cells}),
            "tasks": len({c.task for c in cells}),
            "attempts": args.attempts,
            "cells": len(cells),
        },
        "shards": len(plan.shards),
        "max_jobs": GITHUB_MATRIX_LIMIT,
        "shard_expected_s": {"min": min(loads), "max": max(loads)},
        "json_bytes": len(doc),
        "repeat": args.repeat,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
