"""Where per-cell usage lines live, the record each line holds, and reading them back (no LiteLLM
import needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

SETTINGS_ENV = "CAB_PROXY_SETTINGS"  # the proxy process's settings file (usage_dir, prices)
NO_CELL = "_no-cell"  # requests made with the master key
REJECTED = "_rejected"  # refused before any cell was known (forged or expired keys)
# Set by the stream hook on a request's logging details when its client closed the stream early.
CUT_KEY = "cab_stream_cut_by_client"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")

# A token count the proxy could not read is written as 0; a null from an older line reads as 0 too.
_Count = Annotated[int, BeforeValidator(lambda v: 0 if v is None else v)]


class UsageRecord(BaseModel):
    """One model request as the proxy metered it (one JSON line of <usage dir>/<cell>.jsonl)."""

    # Unknown keys are ignored: the proxy of a newer harness may meter more than this one reads.
    model_config = ConfigDict(frozen=True, extra="ignore")

    status: Literal["success", "failure"]
    # The upstream's HTTP status; None when the request failed without one (the connection
    # dropped or stalled, or the client went away).
    http_status: int | None = None
    ts: str | None = None
    cell_id: str = NO_CELL
    model: str | None = None
    requested_model: str | None = None
    deployment: str | None = None
    api: str | None = None
    route: str | None = None
    stream: bool = False
    input_tokens: _Count = 0
    output_tokens: _Count = 0
    cached_tokens: _Count = 0
    latency_s: float | None = None
    cost_usd: float | None = None  # None: the model has no price (calibration models never do)
    error: str | None = None
    # The client closed the stream before its end (an agent killed mid-reply): the endpoint's
    # count never arrived and the token counts are LiteLLM's estimate of what had been streamed.
    cut_by_client: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "success"

    def line(self) -> bytes:
        """The record as the one JSON line the proxy appends (keys sorted)."""
        return (json.dumps(self.model_dump(mode="json"), sort_keys=True) + "\n").encode()


def usage_file(usage_dir: Path, cell_id: str) -> Path:
    """One file per cell; the name is the cell id made filesystem-safe."""
    return usage_dir / f"{_UNSAFE.sub('_', cell_id)}.jsonl"


def escapes_file(usage_dir: Path, cell_id: str) -> Path:
    """The models a cell's agent asked for that its key does not admit (one JSON line each)."""
    return usage_dir / f"{_UNSAFE.sub('_', cell_id)}.escapes.jsonl"


def record_escape(usage_dir: Path, cell_id: str, model: str, route: str) -> None:
    line = json.dumps({"model": model, "route": route}, sort_keys=True) + "\n"
    with escapes_file(usage_dir, cell_id).open("a", encoding="utf-8") as fh:
        fh.write(line)


def read_escapes(usage_dir: Path, cell_id: str) -> list[str]:
    """The refused model names, in order (a torn last line is skipped)."""
    path = escapes_file(usage_dir, cell_id)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            model = json.loads(line).get("model")
        except (ValueError, AttributeError):
            continue
        if isinstance(model, str):
            out.append(model)
    return out


def read_usage(usage_dir: Path, cell_id: str) -> list[UsageRecord]:
    """The cell's usage records, in the order the proxy wrote them. A line that is not a record
    is skipped: a torn last line (the proxy killed mid-write) is not JSON, and only the proxy
    writes these files."""
    path = usage_file(usage_dir, cell_id)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(UsageRecord.model_validate_json(line))
        except ValidationError:
            continue
    return out
