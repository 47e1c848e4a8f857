"""Snapshots of the state, so opening a ledger does not replay the whole log."""

from __future__ import annotations

import json
from pathlib import Path

from ledger.state import LedgerState


def save(path: Path, state: LedgerState) -> None:
    """Write ``state`` atomically (temp file, then rename)."""
    data = {"last_seq": state.last_seq, "balances": state.balances}
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def load(path: Path) -> LedgerState | None:
    """The saved state, or None when there is no snapshot yet."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return LedgerState(
        balances={str(k): int(v) for k, v in data["balances"].items()},
        last_seq=int(data["last_seq"]),
    )
