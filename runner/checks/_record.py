"""The records _driver.py writes to /out/<phase>.json, parsed once on the host.

The driver runs inside the checks container with the stdlib only, so it writes plain dicts;
these models are their contract. The runner phase's record sits in a directory the patched
code can write to: anything that is not exactly the driver's shape (not JSON, not an object,
an unknown key, a wrong type such as `"exit": true`) is a corrupt record, handled like a
missing one, never half-trusted.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

_STRICT = ConfigDict(frozen=True, strict=True, extra="forbid")


class LintRecord(BaseModel):
    """phase_lint: linter output on the baseline, the patch's fate, linter output after it."""

    model_config = _STRICT

    baseline: str | None = None  # the linter's own output text; None: nothing to lint
    baseline_run: dict[str, Any] | None = None  # files, exit, stderr of that run
    apply_error: str | None = None
    patched: str | None = None
    patched_run: dict[str, Any] | None = None
    error: str | None = None  # the linter timed out
    duration_s: float | None = None


class RunnerRecord(BaseModel):
    """phase_runner: the patch's fate, then the runner command's exit and log tails."""

    model_config = _STRICT

    apply_error: str | None = None
    exit: int | None = None  # None: killed at the time limit
    # None only when the patch did not apply (the command never ran); logged as written.
    timed_out: bool | None = None
    duration_s: float | None = None
    stdout: str = ""
    stderr: str = ""


R = TypeVar("R", LintRecord, RunnerRecord)


def parse_record(model: type[R], raw: bytes | None) -> R | None:
    """The record in `raw`, or None when it is absent or corrupt."""
    if raw is None:
        return None
    try:
        return model.model_validate_json(raw)
    except ValidationError:
        return None


def record_log(record: LintRecord | RunnerRecord) -> bytes:
    """The record as the driver wrote it (the keys it set), for the phase's log."""
    return json.dumps(record.model_dump(mode="json", exclude_unset=True), sort_keys=True).encode()
