"""The calibration models (DESIGN.md section 5): served by `cab oracle serve`, never by a host
endpoint. One leaf definition: the plan, the proxy config, the oracle server, the cell and the
board all decide "is this a calibration model" from this tuple, so a new one is added once."""

from __future__ import annotations

CALIBRATION_MODELS: tuple[str, ...] = ("oracle", "null", "vandal", "flaky", "slow")


def is_calibration(model: str) -> bool:
    return model in CALIBRATION_MODELS
