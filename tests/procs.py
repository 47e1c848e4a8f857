"""Process helpers shared by tests that kill what they started."""

from __future__ import annotations

from pathlib import Path


def process_alive(pid: int) -> bool:
    """True while `pid` runs; a zombie (ended, not yet reaped by its parent) counts as ended."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
