"""Receipts: the signed record of one cell (model here; signing and verification join it)."""

from runner.receipts._models import (
    Artifact,
    Artifacts,
    BlastRadius,
    CellId,
    CheckName,
    CheckResult,
    Outcome,
    Receipt,
    Tier,
    Timings,
    Usage,
)

__all__ = [
    "Artifact",
    "Artifacts",
    "BlastRadius",
    "CellId",
    "CheckName",
    "CheckResult",
    "Outcome",
    "Receipt",
    "Tier",
    "Timings",
    "Usage",
]
