"""A LiteLLM pre-call hook, run inside the proxy process: a calibration request carries the id of
the cell it serves to the oracle (header `x-cab-cell`), so that `cheat` tries the exploit of that
cell's attempt and the oracle's log names the cell of every reply. A host model never gets it:
the cell id is the harness's, not the endpoint's business."""

from __future__ import annotations

from typing import Any

from litellm.integrations.custom_logger import CustomLogger

from runner.catalog import CALIBRATION_MODELS, CELL_HEADER
from runner.proxy._config import gemini_alias

_CALIBRATION_NAMES = frozenset({*CALIBRATION_MODELS, *map(gemini_alias, CALIBRATION_MODELS)})


def with_cell_header(data: dict[str, Any], cell_id: str | None) -> dict[str, Any]:
    """`data` with the cell header added when it asks a calibration model (pure)."""
    if not cell_id or data.get("model") not in _CALIBRATION_NAMES:
        return data
    headers = dict(data.get("extra_headers") or {})
    headers[CELL_HEADER] = cell_id
    return {**data, "extra_headers": headers}


class CellHeader(CustomLogger):
    async def async_pre_call_hook(
        self, user_api_key_dict: Any, cache: Any, data: dict[str, Any], call_type: Any
    ) -> dict[str, Any]:
        metadata = getattr(user_api_key_dict, "metadata", None) or {}
        return with_cell_header(data, metadata.get("cab_cell_id"))


cell_header = CellHeader()
