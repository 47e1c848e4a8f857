"""What earlier receipts tell a new plan: which cells stand, why others run, how long cells take."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from runner import METHODOLOGY_VERSION
from runner.plan import StoredCell
from runner.receipts import CellId, Outcome, TrustStore, Verdict
from runner.store import store_sources, verify_sources


@dataclass(frozen=True)
class ReceiptState:
    done: frozenset[CellId] = frozenset()
    # (agent, model, task) -> median wall time of the verified receipts for it
    history_s: dict[tuple[str, str, str], float] = field(default_factory=dict)
    # (agent, model, task) -> median model requests of those receipts (the rate estimate's)
    history_requests: dict[tuple[str, str, str], float] = field(default_factory=dict)
    verified: int = 0
    rejected: int = 0
    # every verified receipt of this methodology version, for the plan's reasons
    stored: tuple[StoredCell, ...] = ()


def _verdicts(paths: Iterable[Path], trust: TrustStore, schema_path: Path | None) -> list[Verdict]:
    """A store contributes its current section's sweeps (each verified on its own, as one cell
    may have receipts in several); any other folder is verified as one set."""
    out: list[Verdict] = []
    for path in paths:
        if path.exists():
            sources = store_sources(path, METHODOLOGY_VERSION)
            out += verify_sources(sources, trust, schema_path=schema_path)
    return out


def receipt_state(
    paths: Iterable[Path], trust: TrustStore, *, schema_path: Path | None = None
) -> ReceiptState:
    """Verify every receipt under `paths`; only verified receipts of this methodology version
    count as done or as history (a forged receipt must neither skip a cell nor skew the shard
    balance). An infra error is neither: nothing was measured, so the cell is planned again
    (infra errors are retried)."""
    verdicts = _verdicts(paths, trust, schema_path)
    done: set[CellId] = set()
    stored: list[StoredCell] = []
    times: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    requests: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for v in verdicts:
        if not v.ok or v.receipt is None:
            continue
        r = v.receipt
        measured = r.outcome is not Outcome.infra_error
        stored.append(StoredCell(r.cell, r.agent.version, measured))
        if not measured:
            continue
        done.add(r.cell)
        key = (r.cell.agent, r.cell.model, r.cell.task)
        times[key].append(r.timings.total_s)
        requests[key].append(float(r.usage.requests))
    history = {key: statistics.median(ts) for key, ts in times.items()}
    asked = {key: statistics.median(ns) for key, ns in requests.items()}
    ok = sum(v.ok for v in verdicts)
    return ReceiptState(frozenset(done), history, asked, ok, len(verdicts) - ok, tuple(stored))
