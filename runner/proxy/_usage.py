"""Per-cell usage metering: a LiteLLM callback, run inside the proxy process, that appends one JSON
line per model request (success or failure) to <usage dir>/<cell id>.jsonl.

Settings come from the JSON file named by $CAB_PROXY_SETTINGS (usage_dir, prices). The callback
never raises: a metering bug must not fail an agent's request, so odd responses become nulls.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from litellm.integrations.custom_logger import CustomLogger

from runner.proxy._usage_log import (
    CUT_KEY,
    NO_CELL,
    REJECTED,
    SETTINGS_ENV,
    UsageRecord,
    usage_file,
)

log = logging.getLogger("cab.proxy.usage")

# LiteLLM call types -> the API the client spoke.
_API_BY_CALL_TYPE = {
    "completion": "chat_completions",
    "acompletion": "chat_completions",
    "responses": "responses",
    "aresponses": "responses",
    "anthropic_messages": "anthropic_messages",
    "generate_content": "gemini",
    "agenerate_content": "gemini",
    "agenerate_content_stream": "gemini",
    "generate_content_stream": "gemini",
}


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if obj is None:
            return None
        obj = obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)
    return obj


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def cached_tokens(usage: Any) -> int:
    """Cached prompt tokens, whichever way the API spelled them."""
    for path in (
        ("prompt_tokens_details", "cached_tokens"),
        ("input_tokens_details", "cached_tokens"),
        ("cache_read_input_tokens",),
    ):
        value = _int(_get(usage, *path))
        if value:
            return value
    return 0


class UsageLogger(CustomLogger):
    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._settings: dict[str, Any] | None = None

    def settings(self) -> dict[str, Any]:
        if self._settings is None:
            path = os.environ.get(SETTINGS_ENV)
            self._settings = json.loads(Path(path).read_text()) if path else {}
        return self._settings

    def record(
        self,
        kwargs: dict[str, Any],
        response_obj: Any,
        start_time: Any,
        end_time: Any,
        ok: bool,
    ) -> UsageRecord:
        slo = kwargs.get("standard_logging_object") or {}
        meta = slo.get("metadata") or {}
        litellm_meta = _get(kwargs, "litellm_params", "metadata") or {}
        cell_id = (
            _get(litellm_meta, "user_api_key_metadata", "cab_cell_id")
            or meta.get("user_api_key_alias")
            or meta.get("user_api_key_user_id")
            or NO_CELL
        )
        usage = _get(response_obj, "usage") or meta.get("usage_object") or {}
        input_tokens = _int(slo.get("prompt_tokens"))
        output_tokens = _int(slo.get("completion_tokens"))
        if input_tokens is None:
            input_tokens = _int(_get(usage, "prompt_tokens")) or _int(_get(usage, "input_tokens"))
        if output_tokens is None:
            output_tokens = _int(_get(usage, "completion_tokens")) or _int(
                _get(usage, "output_tokens")
            )
        requested = slo.get("model_group") or kwargs.get("model")
        # Gemini CLI asks for a Gemini-style alias; meter under the model it resolves to.
        model = (self.settings().get("aliases") or {}).get(requested, requested)
        call_type = slo.get("call_type") or kwargs.get("call_type")
        route = meta.get("user_api_key_request_route")
        api = _API_BY_CALL_TYPE.get(str(call_type), call_type)
        if isinstance(route, str) and "generatecontent" in route.lower():
            api = "gemini"  # LiteLLM serves Gemini's routes through its completion path
        latency = None
        if isinstance(start_time, dt.datetime) and isinstance(end_time, dt.datetime):
            latency = round((end_time - start_time).total_seconds(), 4)
        error = None
        if not ok:
            exc = kwargs.get("exception")
            error = slo.get("error_str") or (str(exc) if exc else "unknown error")
        http_status = _int(getattr(kwargs.get("exception"), "status_code", None))
        # runner.proxy._hooks marks a stream its client closed early: LiteLLM bills it as a
        # success from its own estimate of what had been streamed.
        cut = ok and kwargs.get(CUT_KEY) is True
        if cell_id == NO_CELL and http_status == 401:
            cell_id = REJECTED
        return UsageRecord(
            ts=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            cell_id=str(cell_id),
            model=_str(model),
            requested_model=_str(requested),
            deployment=_str(slo.get("model")),
            api=_str(api),
            route=_str(route),
            stream=bool(slo.get("stream") or kwargs.get("stream")),
            status="success" if ok else "failure",
            http_status=200 if ok else http_status,
            input_tokens=input_tokens or 0,
            output_tokens=output_tokens or 0,
            cached_tokens=cached_tokens(usage),
            latency_s=latency,
            cost_usd=self.cost(model, input_tokens or 0, output_tokens or 0),
            error=str(error)[:500] if error else None,
            cut_by_client=cut,
        )

    def cost(self, model: Any, input_tokens: int, output_tokens: int) -> float | None:
        price = (self.settings().get("prices") or {}).get(model)
        if not price:
            return None
        usd = (
            input_tokens * price["input_per_mtok_usd"]
            + output_tokens * price["output_per_mtok_usd"]
        )
        return float(round(usd / 1_000_000, 8))

    def append(self, record: UsageRecord) -> None:
        usage_dir = self.settings().get("usage_dir")
        if not usage_dir:
            return
        path = usage_file(Path(usage_dir), record.cell_id)
        data = record.line()
        with self._lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            # One write() on an O_APPEND descriptor: concurrent lines never interleave.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)

    def _safe(self, kwargs: Any, response_obj: Any, start: Any, end: Any, ok: bool) -> None:
        try:
            self.append(self.record(kwargs or {}, response_obj, start, end, ok))
        except Exception:
            log.exception("usage metering failed; the request itself is unaffected")

    async def async_log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self._safe(kwargs, response_obj, start_time, end_time, True)

    async def async_log_failure_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self._safe(kwargs, response_obj, start_time, end_time, False)


usage_logger = UsageLogger()
