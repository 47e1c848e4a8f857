"""What earlier receipts tell a new plan: which cells are done, and how long cells took."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from runner.receipts import CellId, Outcome, TrustStore, find_receipts, verify_receipts


@dataclass(frozen=True)
class ReceiptState:
    done: frozenset[CellId] = frozenset()
    # (agent, model, task) -> median wall time of the verified receipts for it
    history_s: dict[tuple[str, str, str], float] = field(default_factory=dict)
    verified: int = 0
    rejected: int = 0


def receipt_state(
    paths: Iterable[Path], trust: TrustStore, *, schema_path: Path | None = None
) -> ReceiptState:
    """Verify every receipt under `paths`; only verified receipts count as done or as history
    (a forged receipt must neither skip a cell nor skew the shard balance). An infra error is
    neither: nothing was measured, so the cell is planned again (infra errors are retried)."""
    existing = [p for p in paths if p.exists()]
    if not existing or not find_receipts(existing):
        return ReceiptState()
    verdicts = verify_receipts(existing, trust, schema_path=schema_path)
    done: set[CellId] = set()
    times: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for v in verdicts:
        if not v.ok or v.receipt is None:
            continue
        r = v.receipt
        if r.outcome is Outcome.infra_error:
            continue
        done.add(r.cell)
        times[(r.cell.agent, r.cell.model, r.cell.task)].append(r.timings.total_s)
    history = {key: statistics.median(ts) for key, ts in times.items()}
    ok = sum(v.ok for v in verdicts)
    return ReceiptState(frozenset(done), history, ok, len(verdicts) - ok)
