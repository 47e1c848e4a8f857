"""The proxy's one LiteLLM pre-call hook, run inside the proxy process before every model request:

1. **Pacing.** A model whose endpoint has a rate budget (models.toml `[endpoint.*]`, the proxy
   settings' `rates`) waits here until this proxy's share of the budget (requests per minute per
   key / shards running at once) allows one more request. LiteLLM's own per-deployment `rpm`
   rejects a request over the limit instead of waiting, so it cannot be the pacer of one key
   shared by many shards; the waits happen here and the agent only sees a slower reply.
2. **The cell header.** A calibration request carries the id of the cell it serves to the oracle
   (header `x-cab-cell`), so that `cheat` tries the exploit of that cell's attempt and the
   oracle's log names the cell of every reply. A host model never gets it: the cell id is the
   harness's, not the endpoint's business.
3. **Usage in every stream.** OpenAI-compatible servers (vLLM behind NIM, llama-server, OpenAI)
   put the usage chunk in a chat stream only when the request asks for it
   (`stream_options.include_usage`). LiteLLM asks for it on some routes only, and on
   `nvidia_nim/` drops the field even when the agent sends it, so a streamed reply would be
   metered from LiteLLM's own count of the text, or as 0 tokens. Every streamed chat request
   therefore asks the endpoint for usage, and the usage chunk is taken out of the stream again
   when the agent did not ask for it (LiteLLM's own strip flag): the proxy meters the
   endpoint's count.

A stream the agent closes before its end (an agent killed at its time limit mid-reply) never
gets the endpoint's count; LiteLLM meters what had been streamed by its own estimate. The
stream hook marks such a request (`CUT_KEY`), and its usage record says so (`cut_by_client`).
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import os
import time
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

from litellm.integrations.custom_logger import CustomLogger

from runner.catalog import CALIBRATION_MODELS, CELL_HEADER
from runner.proxy._config import gemini_alias
from runner.proxy._usage_log import CUT_KEY, SETTINGS_ENV

_CALIBRATION_NAMES = frozenset({*CALIBRATION_MODELS, *map(gemini_alias, CALIBRATION_MODELS)})
# A request admitted by the pacer reaches the endpoint a little later; the pacer's window is a
# second longer than the endpoint's minute so that this latency never puts two minutes' worth
# of requests into one of the endpoint's windows.
PACER_WINDOW_S = 61.0

log = logging.getLogger("cab.proxy.pacer")


# LiteLLM's own request flag (pinned version): drop the usage-only chunk it asked for from the
# stream the client reads, because the client did not ask for it.
STRIP_USAGE_FLAG = "_litellm_strip_stream_usage"
# LiteLLM's Responses and Messages bridges to a chat endpoint ask for usage themselves (the
# deployments' allowed_openai_params keep the field on nvidia_nim/, runner/proxy/_config.py).
_CHAT_CALL_TYPES = frozenset({"completion", "acompletion"})


def with_stream_usage(data: dict[str, Any], call_type: Any) -> dict[str, Any]:
    """`data` asking the endpoint for the usage chunk when it is a streamed chat request (pure)."""
    if data.get("stream") is not True or str(call_type) not in _CHAT_CALL_TYPES:
        return data
    extra = dict(data.get("extra_body") or {})
    extra["stream_options"] = {**(extra.get("stream_options") or {}), "include_usage": True}
    out = {**data, "extra_body": extra}
    asked = data.get("stream_options")
    if not (isinstance(asked, dict) and asked.get("include_usage") is True):
        out[STRIP_USAGE_FLAG] = True
    return out


def with_cell_header(data: dict[str, Any], cell_id: str | None) -> dict[str, Any]:
    """`data` with the cell header added when it asks a calibration model (pure)."""
    if not cell_id or data.get("model") not in _CALIBRATION_NAMES:
        return data
    headers = dict(data.get("extra_headers") or {})
    headers[CELL_HEADER] = cell_id
    return {**data, "extra_headers": headers}


class Pacer:
    """At most floor(rpm) requests in any PACER_WINDOW_S, spaced at least 60/rpm seconds apart
    (so a share's requests spread over the minute instead of bursting at its start). Waiters
    are served first come, first served (asyncio.Lock is fair)."""

    def __init__(self, rpm: float, clock: Any = time.monotonic) -> None:
        if rpm <= 0:
            raise ValueError("rpm must be positive")
        self.limit = max(1, int(rpm))
        self.spacing = 60.0 / rpm
        self._clock = clock
        self._sent: collections.deque[float] = collections.deque()
        self._last: float | None = None
        self._lock = asyncio.Lock()

    def delay(self, now: float) -> float:
        """Seconds until one more request may go (0: now). Pure but for dropping old sends."""
        while self._sent and self._sent[0] <= now - PACER_WINDOW_S:
            self._sent.popleft()
        wait = 0.0
        if len(self._sent) >= self.limit:
            wait = self._sent[0] + PACER_WINDOW_S - now
        if self._last is not None:
            wait = max(wait, self._last + self.spacing - now)
        return max(0.0, wait)

    async def acquire(self) -> float:
        """Wait for a slot, take it; returns the seconds waited."""
        waited = 0.0
        async with self._lock:
            while (wait := self.delay(self._clock())) > 0:
                await asyncio.sleep(wait)
                waited += wait
            now = self._clock()
            self._sent.append(now)
            self._last = now
        return waited


class PreCall(CustomLogger):
    def __init__(self) -> None:
        super().__init__()
        self._rates: dict[str, dict[str, Any]] | None = None
        self._aliases: dict[str, str] = {}
        self._pacers: dict[str, Pacer] = {}

    def _load(self) -> dict[str, dict[str, Any]]:
        if self._rates is None:
            path = os.environ.get(SETTINGS_ENV)
            settings = json.loads(Path(path).read_text()) if path else {}
            self._rates = settings.get("rates") or {}
            self._aliases = settings.get("aliases") or {}
        return self._rates

    def pacer_for(self, model: str | None) -> Pacer | None:
        rates = self._load()
        rate = rates.get(self._aliases.get(model or "", model or ""))
        if rate is None:
            return None
        # One pacer per endpoint: every model on it shares the key's budget.
        endpoint = str(rate["endpoint"])
        if endpoint not in self._pacers:
            self._pacers[endpoint] = Pacer(float(rate["rpm"]))
        return self._pacers[endpoint]

    async def async_pre_call_hook(
        self, user_api_key_dict: Any, cache: Any, data: dict[str, Any], call_type: Any
    ) -> dict[str, Any]:
        pacer = self.pacer_for(data.get("model"))
        if pacer is not None:
            waited = await pacer.acquire()
            if waited > 0:
                log.info("paced %s request: waited %.1fs for the budget", data.get("model"), waited)
        metadata = getattr(user_api_key_dict, "metadata", None) or {}
        return with_cell_header(with_stream_usage(data, call_type), metadata.get("cab_cell_id"))

    async def async_post_call_streaming_iterator_hook(
        self, user_api_key_dict: Any, response: Any, request_data: dict[str, Any]
    ) -> AsyncGenerator[Any, None]:
        """Pass a chat stream through; mark it when the client leaves before its end."""
        ended = False
        try:
            async for chunk in response:
                yield chunk
            ended = True
        finally:
            details = getattr(request_data.get("litellm_logging_obj"), "model_call_details", None)
            if not ended and isinstance(details, dict):
                details[CUT_KEY] = True


pre_call = PreCall()
