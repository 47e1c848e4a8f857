"""Harness overhead per cell: the wall time of `run_cell` (resolve, workspace, sandbox start,
agent, collect, checks, receipt, signing, publishing) minus the agent's own run time (its exec in
the sandbox) minus the check commands' own time (measured by the checks driver inside its
containers; lint and runner run in parallel containers, so the longer of the two counts). Warm
images; one shard (oracle + proxy) for all cells, so the proxy's start-up is reported apart, as
a sweep pays it once per shard.

The egress sink's own cost (issue 16: at most 0.15 s a cell) is measured in the same run: each
counted cell is run twice back to back, once as the harness runs it (behind the sink) and once
with the sandbox on `--network none` and no sink, the order alternating; the sink's cost is the
median of the paired differences of the time outside the checks phase (the agent's and the
checks' own time are not the sink's). The headline overhead counts only the cells behind the
sink, as a sweep runs them.

Run: python bench/bench_cell_overhead.py [--cells 12] [--agent codex] [--out bench/results/...]
Cells cycle over oracle/null x the three language tasks (attempts 1, 2, ... as needed); the
first cell warms the page cache and the proxy's first request and is not counted.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from runner.catalog import load_catalog  # noqa: E402
from runner.cell import load_or_create_key, run_cell, shard_context  # noqa: E402
from runner.receipts import CellId  # noqa: E402

TASKS = ("py-semver-prerelease", "js-csv-quoted-fields", "sh-backup-rotate-quoting")


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=12)
    parser.add_argument("--agent", default="codex")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/cell_overhead.json")
    args = parser.parse_args()
    if args.cells < 10:
        parser.error("--cells must be at least 10")
    catalog = load_catalog(ROOT)
    tmp = Path(tempfile.mkdtemp(prefix="cab-bench-cells-"))
    key = load_or_create_key(tmp / "key", "bench")
    plan = itertools.cycle(itertools.product(("oracle", "null"), TASKS))
    rows: list[dict[str, Any]] = []  # behind the sink, as a sweep runs cells
    bare: list[dict[str, Any]] = []  # the same cells without it, each right beside its pair
    try:
        t0 = time.monotonic()
        with shard_context(catalog, tmp / "out", key, models=["oracle", "null"]) as ctx:
            shard_start = time.monotonic() - t0
            if ctx.egress_sink is None:
                raise SystemExit("the shard has no egress sink: nothing to measure against")
            no_sink = dataclasses.replace(ctx, egress_sink=None)
            for i in range(args.cells + 1):
                model, task = next(plan)
                # Attempts 1, 3, 5, ... behind the sink, the even ones without: distinct folders.
                pair = [(True, 1 + 2 * (i // 6)), (False, 2 + 2 * (i // 6))]
                for sink, attempt in pair if i % 2 == 0 else pair[::-1]:
                    cell = CellId(agent=args.agent, model=model, task=task, attempt=attempt)
                    row = _run_one(cell, ctx if sink else no_sink)
                    row["sink"] = sink
                    print(json.dumps(row), file=sys.stderr)
                    if i > 0:  # the first pair warms caches
                        (rows if sink else bare).append(row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result_doc = {
        "benchmark": "cell_overhead",
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": f"{platform.system()} {platform.machine()}",
        },
        "agent": args.agent,
        "definition": "wall time of run_cell minus the agent's exec time minus the check "
        "commands' own time (driver-measured inside the checks containers; lint and runner "
        "run in parallel, so the longer of the two)",
        "cells": len(rows),
        "overhead_s": _stats([r["overhead_s"] for r in rows]),
        "overhead_outside_checks_s": _stats([r["overhead_outside_checks_s"] for r in rows]),
        "checks_phase_s": _stats([r["checks_phase_s"] for r in rows]),
        "check_commands_s": _stats([r["check_commands_s"] for r in rows]),
        "agent_s": _stats([r["agent_s"] for r in rows]),
        "sink": _sink_cost(rows, bare),
        "shard_start_s": round(shard_start, 3),
        "runs": rows,
        "runs_without_sink": bare,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result_doc, indent=2) + "\n")
    print(
        f"overhead median {result_doc['overhead_s']['median']} s "
        f"(min {result_doc['overhead_s']['min']}, max {result_doc['overhead_s']['max']}) "
        f"over {len(rows)} cells; outside the checks phase: "
        f"{result_doc['overhead_outside_checks_s']['median']} s; the egress sink adds "
        f"{result_doc['sink']['added_s']['median']} s (median of {len(bare)} pairs)"
    )


def _run_one(cell: CellId, ctx: Any) -> dict[str, Any]:
    started = time.monotonic()
    result = run_cell(cell, ctx)
    wall = time.monotonic() - started
    receipt = json.loads((result.envelope.parent / "receipt.json").read_text())
    t = receipt["timings"]
    return {
        "cell": cell.key,
        "outcome": result.outcome.value,
        "wall_s": round(wall, 3),
        "agent_s": round(result.agent_s, 3),
        "check_commands_s": round(result.check_commands_s, 3),
        "checks_phase_s": round(result.checks_s, 3),
        "overhead_s": round(wall - result.agent_s - result.check_commands_s, 3),
        "overhead_outside_checks_s": round(wall - result.agent_s - result.checks_s, 3),
        "phases_s": {k: t[k] for k in ("resolve_s", "workspace_s", "collect_s")},
    }


def _sink_cost(with_sink: list[dict[str, Any]], without: list[dict[str, Any]]) -> dict[str, Any]:
    """Paired differences (behind the sink - without it) of the time outside the checks phase,
    and of the two phases the sink touches: the sandbox's start and the collection."""

    def diffs(of: Any) -> dict[str, float]:
        return _stats([of(a) - of(b) for a, b in zip(with_sink, without, strict=True)])

    return {
        "definition": "per pair of the same cell run back to back: overhead outside the checks "
        "phase behind the sink minus the same without it (--network none, no sink)",
        "pairs": len(without),
        "added_s": diffs(lambda r: r["overhead_outside_checks_s"]),
        "workspace_added_s": diffs(lambda r: r["phases_s"]["workspace_s"]),
        "collect_added_s": diffs(lambda r: r["phases_s"]["collect_s"]),
        "without_sink_outside_checks_s": _stats([r["overhead_outside_checks_s"] for r in without]),
    }


if __name__ == "__main__":
    main()
