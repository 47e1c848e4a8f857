"""`cab oracle serve`: the calibration models behind a real HTTP server (aiohttp).

It speaks OpenAI Chat Completions, the OpenAI Responses API and Anthropic Messages, each streaming
and not, so an agent (directly or through the LiteLLM proxy) cannot tell it from a model server.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from runner.catalog import CALIBRATION_MODELS, CELL_HEADER
from runner.oracle._cheat import attempt_of
from runner.oracle._conversation import Conversation, Reply, Usage, usage_for
from runner.oracle._emulate import (
    Emulation,
    add_reasoning,
    key_id,
    reasoning_chunk,
)
from runner.oracle._plan import Behaviour, plan_reply
from runner.oracle._tasks import OracleTask
from runner.oracle._wire import (
    BadRequest,
    chat_response,
    chat_stream,
    messages_response,
    messages_stream,
    parse_chat,
    parse_messages,
    parse_responses,
    responses_response,
    responses_stream,
)

log = logging.getLogger("cab.oracle")

# Model name -> what it does. flaky and slow behave like the oracle, plus their fault. Keyed by
# the one list of calibration models: one added there without a behaviour fails at import.
_BEHAVIOURS = {
    "oracle": Behaviour.oracle,
    "null": Behaviour.null,
    "vandal": Behaviour.vandal,
    "flaky": Behaviour.oracle,
    "slow": Behaviour.oracle,
    "cheat": Behaviour.cheat,
}
MODELS: dict[str, Behaviour] = {name: _BEHAVIOURS[name] for name in CALIBRATION_MODELS}


# What a `flaky` request can suffer. "badjson" (a 200 whose body is not JSON) is opt-in, so the
# default fault sequence of a seed is unchanged; CAB_ORACLE_FAULTS (comma-separated) picks the
# kinds for servers started by the harness (fault-injection tests).
FAULT_KINDS = ("500", "429", "stall", "badjson")
DEFAULT_FAULTS = ("500", "429", "stall")
FAULTS_ENV = "CAB_ORACLE_FAULTS"


def faults_from_env() -> tuple[str, ...]:
    raw = os.environ.get(FAULTS_ENV, "")
    kinds = tuple(k.strip() for k in raw.split(",") if k.strip())
    unknown = [k for k in kinds if k not in FAULT_KINDS]
    if unknown:
        raise ValueError(f"{FAULTS_ENV}: unknown fault {unknown[0]!r} (known: {FAULT_KINDS})")
    return kinds or DEFAULT_FAULTS


@dataclass
class OracleSettings:
    tasks: list[OracleTask]
    flaky_rate: float = 0.5  # share of `flaky` requests that fail
    flaky_seed: int = 0
    stall_s: float = 30.0  # how long a stalled `flaky` stream hangs before the server drops it
    slow_latency_s: float = 2.0  # added before every `slow` reply
    faults: tuple[str, ...] = field(default_factory=faults_from_env)
    # The attempt `cheat` plays when the request names no cell (a host route to this server gets
    # no cell header): one exploit chosen for every request.
    cheat_attempt: int = 1
    # None: the plain oracle (every API, every model). Else the endpoint it emulates
    # (runner/oracle/_emulate.py): chat only, its hosted models, its rate limit.
    emulate: Emulation | None = None
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.flaky_seed)

    def draw_fault(self) -> str | None:
        """None or one of `faults`: the same sequence for the same seed and faults."""
        roll = self._rng.random()
        kind = self._rng.choice(self.faults)
        return kind if roll < self.flaky_rate else None


Api = str  # "chat" | "responses" | "messages"


def _error(
    api: Api,
    status: int,
    message: str,
    kind: str,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    if api == "messages":
        anthropic = {400: "invalid_request_error", 404: "not_found_error", 429: "rate_limit_error"}
        body: dict[str, Any] = {
            "type": "error",
            "error": {"type": anthropic.get(status, "api_error"), "message": message},
        }
    else:
        body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return web.json_response(body, status=status, headers=headers)


def _sse(event: str | None, data: str) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n".encode()


class OracleApp:
    def __init__(self, settings: OracleSettings) -> None:
        self.settings = settings

    def build(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        for prefix in ("", "/v1"):
            app.router.add_post(f"{prefix}/chat/completions", self._route("chat", parse_chat))
            app.router.add_post(f"{prefix}/responses", self._route("responses", parse_responses))
            app.router.add_post(f"{prefix}/messages", self._route("messages", parse_messages))
            app.router.add_post(f"{prefix}/messages/count_tokens", self._count_tokens)
            app.router.add_get(f"{prefix}/models", self._models)
        app.router.add_get("/health", self._health)
        return app

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "tasks": len(self.settings.tasks)})

    async def _models(self, request: web.Request) -> web.Response:
        emulate = self.settings.emulate
        names = emulate.listed(tuple(MODELS)) if emulate else list(MODELS)
        if emulate:
            emulate.record(
                method="GET",
                path=request.path,
                model=None,
                status=200,
                key=key_id(request.headers.get("Authorization")),
            )
        data = [{"id": m, "object": "model", "owned_by": "cab-oracle"} for m in names]
        return web.json_response({"object": "list", "data": data})

    def _emulated_refusal(
        self, request: web.Request, api: Api, model: str | None
    ) -> web.Response | None:
        """What the emulated endpoint answers instead of a reply (logged either way): 404 off
        the chat route or for a model it does not host, 429 over the key's budget."""
        emulate = self.settings.emulate
        if emulate is None:
            return None
        key = key_id(request.headers.get("Authorization"))
        refusal: web.Response | None = None
        if api != "chat":
            refusal = _error(api, 404, f"404 page not found: {request.path}", "not_found")
        elif model is None or not emulate.hosts(model, tuple(MODELS)):
            refusal = _error(
                api,
                404,
                f"Function id or model '{model}' not found",
                "invalid_request_error",
                "model_not_found",
            )
        else:
            wait = emulate.admit(key)
            if wait is not None:
                refusal = _error(
                    api,
                    429,
                    "Too Many Requests",
                    "rate_limit_error",
                    headers={"Retry-After": emulate.retry_after(wait)},
                )
        status = 200 if refusal is None else refusal.status
        emulate.record(
            method=request.method,
            path=request.path,
            model=model,
            status=status,
            key=key,
            cell=request.headers.get(CELL_HEADER),
        )
        return refusal

    async def _count_tokens(self, request: web.Request) -> web.Response:
        raw = await request.read()
        refused = self._emulated_refusal(request, "messages", None)
        if refused is not None:
            return refused
        return web.json_response({"input_tokens": max(1, len(raw) // 4)})

    def _route(
        self, api: Api, parse: Callable[[Any, int], Conversation]
    ) -> Callable[[web.Request], Any]:
        async def handler(request: web.Request) -> web.StreamResponse:
            raw = await request.read()
            if api != "chat":
                refused = self._emulated_refusal(request, api, None)
                if refused is not None:
                    return refused
            try:
                body = json.loads(raw)
                conv = parse(body, len(raw))
            except (ValueError, BadRequest) as exc:
                message = str(exc) if isinstance(exc, BadRequest) else f"body is not JSON: {exc}"
                log.warning(
                    "%s %s -> 400 malformed request: %s", request.method, request.path, message
                )
                return _error(api, 400, message, "invalid_request_error")
            refused = self._emulated_refusal(request, api, conv.model)
            if refused is not None:
                return refused
            behaviour = MODELS.get(conv.model)
            if behaviour is None:
                log.warning(
                    "%s %s -> 404 unknown model %r", request.method, request.path, conv.model
                )
                return _error(
                    api,
                    404,
                    f"The model '{conv.model}' does not exist on this server "
                    f"(known: {', '.join(MODELS)})",
                    "invalid_request_error",
                    "model_not_found",
                )
            fault = self.settings.draw_fault() if conv.model == "flaky" else None
            if fault in ("500", "429"):
                log.info("%s %s model=flaky -> injected %s", request.method, request.path, fault)
                if fault == "429":
                    return _error(api, 429, "Rate limit reached (flaky)", "rate_limit_error")
                return _error(api, 500, "Internal server error (flaky)", "server_error")
            if conv.model == "slow":
                await asyncio.sleep(self.settings.slow_latency_s)
            # The proxy names the cell it serves (runner/proxy/_hooks.py): `cheat` picks its
            # exploit by the cell's attempt number.
            cell = request.headers.get(CELL_HEADER)
            attempt = attempt_of(cell) if cell else self.settings.cheat_attempt
            reply = plan_reply(behaviour, conv, self.settings.tasks, attempt=attempt)
            usage = usage_for(conv, reply)
            log.info(
                "%s %s model=%s cell=%s stream=%s tools=%d -> 200 calls=%s",
                request.method,
                request.path,
                conv.model,
                cell,
                conv.stream,
                len(conv.tools),
                [c.name for c in reply.tool_calls],
            )
            stall = fault == "stall"
            if fault == "badjson":
                log.info("%s %s model=flaky -> injected wrong JSON", request.method, request.path)
                return _bad_json(api, conv.stream)
            emulate = self.settings.emulate
            if emulate is not None and emulate.token_latency_s > 0:
                await asyncio.sleep(emulate.token_latency_s * usage.output_tokens)
            if not conv.stream:
                if stall:
                    await asyncio.sleep(self.settings.stall_s)
                body = _RENDER[api](conv, reply, usage)
                if emulate is not None and emulate.reasoning:
                    body = add_reasoning(body)
                return web.json_response(body)
            return await self._stream(request, api, conv, reply, usage, stall)

        return handler

    async def _stream(
        self,
        request: web.Request,
        api: Api,
        conv: Conversation,
        reply: Reply,
        usage: Usage,
        stall: bool,
    ) -> web.StreamResponse:
        resp = web.StreamResponse(
            headers={"content-type": "text/event-stream", "cache-control": "no-cache"}
        )
        await resp.prepare(request)
        reasoning = self.settings.emulate is not None and self.settings.emulate.reasoning
        events: list[bytes] = list(_stream_events(api, conv, reply, usage, reasoning))
        for i, event in enumerate(events):
            if stall and i == len(events) // 2:
                # Hang mid-stream, then drop the connection without the terminator.
                await asyncio.sleep(self.settings.stall_s)
                log.info("flaky stream stalled and dropped after %d events", i)
                if request.transport is not None:
                    request.transport.close()
                return resp
            await resp.write(event)
        await resp.write_eof()
        return resp


def _bad_json(api: Api, stream: bool) -> web.Response:
    """A 200 whose body is cut mid-object: what a broken server or proxy in between sends."""
    if stream:
        body = _sse("message_start" if api == "messages" else None, '{"id": "x", "choices": [{"de')
        return web.Response(body=body, content_type="text/event-stream")
    return web.Response(
        text='{"id": "chatcmpl-x", "object": "chat.compl', content_type="application/json"
    )


_RENDER: dict[Api, Callable[[Conversation, Reply, Usage], dict[str, Any]]] = {
    "chat": chat_response,
    "responses": responses_response,
    "messages": messages_response,
}


def _stream_events(
    api: Api, conv: Conversation, reply: Reply, usage: Usage, reasoning: bool = False
) -> Iterator[bytes]:
    if api == "chat":
        for i, data in enumerate(chat_stream(conv, reply, usage)):
            yield _sse(None, data)
            extra = reasoning_chunk(data) if reasoning and i == 0 else None
            if extra is not None:
                yield _sse(None, extra)
    elif api == "responses":
        for event, data in responses_stream(conv, reply, usage):
            yield _sse(event, data)
    else:
        for event, data in messages_stream(conv, reply, usage):
            yield _sse(event, data)


def make_app(settings: OracleSettings) -> web.Application:
    return OracleApp(settings).build()


def serve(settings: OracleSettings, host: str = "127.0.0.1", port: int = 8600) -> None:
    """Run until interrupted (SIGINT / SIGTERM)."""
    web.run_app(make_app(settings), host=host, port=port, print=None, access_log=None)


class OracleServer:
    """The oracle in a background thread (for tests and the local demo):

    with OracleServer(OracleSettings(tasks)) as oracle:
        ... oracle.url ...
    """

    def __init__(self, settings: OracleSettings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.settings = settings
        self.host = host
        self.port = port
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> OracleServer:
        async def up() -> int:
            # A `slow` or stalled reply may still be sleeping when the shard ends (its agent
            # was killed at the time limit): don't wait the default 60 s for it at stop.
            self._runner = web.AppRunner(
                make_app(self.settings), access_log=None, shutdown_timeout=1.0
            )
            await self._runner.setup()
            site = web.TCPSite(self._runner, self.host, self.port)
            await site.start()
            return int(self._runner.addresses[0][1])

        self._thread.start()
        self.port = asyncio.run_coroutine_threadsafe(up(), self._loop).result(10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._runner = None
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> OracleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
