"""Acceptance: the real LiteLLM proxy in front of the oracle server, on all three APIs.

One proxy for the whole module (start-up takes about ten seconds), as in a sweep.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from aiohttp import web

from runner.catalog import ModelCatalog, load_models
from runner.catalog._models import Price, Serving
from runner.oracle import (
    Behaviour,
    Conversation,
    Message,
    OracleServer,
    OracleSettings,
    Reply,
    Tool,
    load_oracle_tasks,
    plan_reply,
)
from runner.oracle._conversation import estimate_tokens
from runner.oracle._plan import patch_in_script
from runner.proxy import ProxyServer, free_port, gemini_alias, mint_cell_key, usage_file

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
INSTRUCTION = (FIXTURES / "tasks" / "fix-median" / "instruction.md").read_text()
SOLUTION = (FIXTURES / "tasks" / "fix-median" / "solution.patch").read_text()
BASH_SCHEMA = {
    "type": "object",
    "properties": {"command": {"type": "string", "description": "The command to run"}},
    "required": ["command"],
}
PRICE = Price(input_per_mtok_usd=3.0, output_per_mtok_usd=15.0, source="test fixture")


def catalog_with_extras(
    root: Path, oracle_url: str, closed_port: int, slow_url: str
) -> ModelCatalog:
    """models.toml plus a priced model served by the oracle, one whose route is dead and one on
    LiteLLM's `nvidia_nim/` route served by a slow streaming endpoint."""
    base = load_models(root)
    template = base.models[0]
    priced = template.model_copy(update={
        "id": "test/priced-oracle", "price": PRICE,
        "serving": Serving(route="openai/oracle", api_base=f"{oracle_url}/v1"),
    })  # fmt: skip
    dead = template.model_copy(update={
        "id": "test/unreachable",
        "serving": Serving(route="openai/unreachable",
                           api_base=f"http://127.0.0.1:{closed_port}/v1"),
    })  # fmt: skip
    slow = template.model_copy(update={
        "id": SLOW_MODEL,
        "serving": Serving(route="nvidia_nim/test/slow", api_base=f"{slow_url}/v1"),
    })  # fmt: skip
    return base.model_copy(update={"models": [*base.models, priced, dead, slow]})


SLOW_MODEL = "test/slow-stream"
SLOW_WORDS = 30  # chunks of one token each, 0.1 s apart
SLOW_PROMPT_TOKENS = 17  # what the endpoint counts, unlike any estimate of "hello"


class SlowStreamer:
    """An OpenAI-compatible chat endpoint that streams one word every 0.1 s and, like vLLM (NIM)
    and llama-server, ends in a usage chunk only when the request asks for one. It keeps each
    request's stream_options, so a test sees what the proxy asked for."""

    def __init__(self) -> None:
        self.asked: list[Any] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    async def chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.asked.append(body.get("stream_options"))
        resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await resp.prepare(request)
        base = {"id": "chatcmpl-slow", "object": "chat.completion.chunk", "created": 1,
                "model": "test/slow"}  # fmt: skip

        async def send(payload: dict[str, Any]) -> None:
            await resp.write(f"data: {json.dumps({**base, **payload})}\n\n".encode())

        try:
            for i in range(SLOW_WORDS):
                await send({"choices": [{"index": 0, "delta": {"content": f"w{i} "},
                                         "finish_reason": None}]})  # fmt: skip
                await asyncio.sleep(0.1)
            await send({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            if (body.get("stream_options") or {}).get("include_usage") is True:
                await send({"choices": [], "usage": {
                    "prompt_tokens": SLOW_PROMPT_TOKENS, "completion_tokens": SLOW_WORDS,
                    "total_tokens": SLOW_PROMPT_TOKENS + SLOW_WORDS}})  # fmt: skip
            await resp.write(b"data: [DONE]\n\n")
        except ConnectionResetError:
            pass  # the client went away
        return resp

    def __enter__(self) -> SlowStreamer:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self.chat)
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        self._loop.run_until_complete(site.start())
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.fixture(scope="module")
def oracle() -> Iterator[OracleServer]:
    settings = OracleSettings(load_oracle_tasks(FIXTURES), flaky_rate=0.5, flaky_seed=7,
                              stall_s=1.0)  # fmt: skip
    with OracleServer(settings) as server:
        yield server


@pytest.fixture(scope="module")
def slow() -> Iterator[SlowStreamer]:
    with SlowStreamer() as server:
        yield server


@pytest.fixture(scope="module")
def proxy(
    root: Path,
    oracle: OracleServer,
    slow: SlowStreamer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ProxyServer]:
    catalog = catalog_with_extras(root, oracle.url, free_port(), slow.url)
    work = tmp_path_factory.mktemp("proxy")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NVIDIA_NIM_API_KEY", "test-key-of-the-slow-endpoint")  # the route needs one
        with ProxyServer(catalog, usage_dir=work / "usage", oracle_url=oracle.url,
                         workdir=work / "run") as server:  # fmt: skip
            yield server


def usage_lines(proxy: ProxyServer, cell: str, n: int, timeout: float = 10) -> list[dict[str, Any]]:
    """The cell's usage lines once there are n (the callback runs after the response)."""
    path = usage_file(proxy.usage_dir, cell)
    deadline = time.monotonic() + timeout
    lines: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        if path.exists():
            lines = [json.loads(x) for x in path.read_text().splitlines()]
            if len(lines) >= n:
                break
        time.sleep(0.1)
    time.sleep(0.3)  # and no extra line arrives late
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else lines


def expected_output_tokens() -> int:
    """The oracle's reply does not depend on the API, so neither does its output estimate."""
    tasks = load_oracle_tasks(FIXTURES)
    conv = Conversation("oracle", "", (Message("user", INSTRUCTION),),
                        (Tool("bash", "Run a bash command", BASH_SCHEMA),))  # fmt: skip
    reply: Reply = plan_reply(Behaviour.oracle, conv, tasks)
    chars = len(reply.text) + sum(len(c.name) + len(json.dumps(c.arguments))
                                  for c in reply.tool_calls)  # fmt: skip
    return estimate_tokens(chars)


def sse_events(text: str) -> list[dict[str, Any]]:
    out = []
    for block in text.split("\n\n"):
        for line in block.splitlines():
            if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
                out.append(json.loads(line[5:]))
    return out


def call_chat(proxy: ProxyServer, key: str, stream: bool, model: str = "oracle") -> dict[str, Any]:
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key=key, max_retries=0)
    tools: Any = [{"type": "function", "function": {"name": "bash", "description":
                   "Run a bash command", "parameters": BASH_SCHEMA}}]  # fmt: skip
    messages: Any = [{"role": "user", "content": INSTRUCTION}]
    if not stream:
        resp = client.chat.completions.create(model=model, messages=messages, tools=tools)
        call = resp.choices[0].message.tool_calls[0]  # type: ignore[index]
        return {"name": call.function.name, "args": json.loads(call.function.arguments)}  # type: ignore[union-attr]
    name, args = "", ""
    for chunk in client.chat.completions.create(
        model=model, messages=messages, tools=tools, stream=True,
        stream_options={"include_usage": True},
    ):  # fmt: skip
        for choice in chunk.choices:
            for tc in choice.delta.tool_calls or []:
                name += (tc.function and tc.function.name) or ""
                args += (tc.function and tc.function.arguments) or ""
    return {"name": name, "args": json.loads(args)}


def call_responses(proxy: ProxyServer, key: str, stream: bool) -> dict[str, Any]:
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key=key, max_retries=0)
    tools: Any = [{"type": "function", "name": "bash", "description": "Run a bash command",
                   "parameters": BASH_SCHEMA}]  # fmt: skip
    if not stream:
        resp = client.responses.create(model="oracle", input=INSTRUCTION, tools=tools)
        calls = [o for o in resp.output if o.type == "function_call"]
    else:
        calls = []
        for event in client.responses.create(
            model="oracle", input=INSTRUCTION, tools=tools, stream=True
        ):
            if event.type == "response.output_item.done" and event.item.type == "function_call":
                calls.append(event.item)
    assert len(calls) == 1
    return {"name": calls[0].name, "args": json.loads(calls[0].arguments)}  # type: ignore[union-attr]


def call_messages(proxy: ProxyServer, key: str, stream: bool) -> dict[str, Any]:
    body = {
        "model": "oracle", "max_tokens": 4096, "stream": stream,
        "messages": [{"role": "user", "content": INSTRUCTION}],
        "tools": [{"name": "bash", "description": "Run a bash command",
                   "input_schema": BASH_SCHEMA}],
    }  # fmt: skip
    headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
    r = httpx.post(f"{proxy.url}/v1/messages", json=body, headers=headers, timeout=60)
    assert r.status_code == 200, r.text
    if not stream:
        msg = r.json()
        assert msg["stop_reason"] == "tool_use"
        (use,) = [b for b in msg["content"] if b["type"] == "tool_use"]
        return {"name": use["name"], "args": use["input"]}
    events = sse_events(r.text)
    assert events[0]["type"] == "message_start" and events[-1]["type"] == "message_stop"
    name, partial = "", ""
    for ev in events:
        if ev["type"] == "content_block_start" and ev["content_block"]["type"] == "tool_use":
            name = ev["content_block"]["name"]
        if ev["type"] == "content_block_delta" and ev["delta"]["type"] == "input_json_delta":
            partial += ev["delta"]["partial_json"]
    stops = [ev["delta"]["stop_reason"] for ev in events if ev["type"] == "message_delta"]
    assert stops == ["tool_use"]
    return {"name": name, "args": json.loads(partial)}


CALLERS = {"chat_completions": call_chat, "responses": call_responses,
           "anthropic_messages": call_messages}  # fmt: skip


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("api", list(CALLERS))
def test_oracle_tool_call_through_the_proxy(proxy: ProxyServer, api: str, stream: bool) -> None:
    cell = f"cell-{api}-{'stream' if stream else 'plain'}"
    call = CALLERS[api](proxy, proxy.mint_key(cell, model="oracle"), stream)
    assert call["name"] == "bash"
    assert "git apply" in call["args"]["command"]
    assert patch_in_script(call["args"]["command"]) == SOLUTION

    (line,) = usage_lines(proxy, cell, 1)
    assert line["cell_id"] == cell
    assert line["model"] == "oracle"
    assert line["api"] == api
    assert line["stream"] is stream
    assert line["status"] == "success" and line["http_status"] == 200
    assert line["input_tokens"] > 100  # the instruction alone is ~300 characters
    assert line["output_tokens"] == expected_output_tokens()
    assert line["latency_s"] is not None and 0 <= line["latency_s"] < 30
    assert line["cost_usd"] is None  # calibration models have no price


def test_continued_conversation_finishes_and_reports_cached_tokens(proxy: ProxyServer) -> None:
    cell = "cell-multi-turn"
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key=proxy.mint_key(cell, model="oracle"),
                           max_retries=0)  # fmt: skip
    tools: Any = [{"type": "function", "function": {"name": "bash", "description":
                   "Run a bash command", "parameters": BASH_SCHEMA}}]  # fmt: skip
    messages: Any = [{"role": "user", "content": INSTRUCTION}]
    first = client.chat.completions.create(model="oracle", messages=messages, tools=tools)
    msg = first.choices[0].message
    messages += [
        msg.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": msg.tool_calls[0].id, "content": "Applied cleanly."},  # type: ignore[index]
    ]
    second = client.chat.completions.create(model="oracle", messages=messages, tools=tools)
    assert not second.choices[0].message.tool_calls
    assert "Done: applied the fix for fix-median" in (second.choices[0].message.content or "")
    lines = usage_lines(proxy, cell, 2)
    assert len(lines) == 2
    assert lines[0]["cached_tokens"] == 0
    assert 0 < lines[1]["cached_tokens"] < lines[1]["input_tokens"]


def test_cost_comes_from_the_catalog_price(proxy: ProxyServer) -> None:
    cell = "cell-priced"
    call_chat(
        proxy, proxy.mint_key(cell, model="test/priced-oracle"), False, model="test/priced-oracle"
    )
    (line,) = usage_lines(proxy, cell, 1)
    expected = (line["input_tokens"] * 3.0 + line["output_tokens"] * 15.0) / 1e6
    assert line["cost_usd"] == pytest.approx(expected)


def _chat_status(proxy: ProxyServer, key: str, model: str = "oracle") -> httpx.Response:
    body = {"model": model, "messages": [{"role": "user", "content": "hello"}]}
    return httpx.post(f"{proxy.url}/v1/chat/completions", json=body,
                      headers={"authorization": f"Bearer {key}"}, timeout=60)  # fmt: skip


def test_forged_and_expired_cell_keys_are_refused(proxy: ProxyServer) -> None:
    good = proxy.mint_key("cell-auth", model="oracle")
    forged = mint_cell_key(
        b"not the proxy's secret".ljust(32, b"!"), "cell-auth", 3600, models=["oracle"]
    )
    expired = proxy.mint_key("cell-auth", ttl_s=-1, model="oracle")
    tampered = good.replace("sk-cab-", "sk-cab-A", 1)
    for key in (forged, expired, tampered, "sk-anything"):
        r = _chat_status(proxy, key)
        assert r.status_code == 401, (key, r.text)
        assert "error" in r.json()
        anthropic = httpx.post(
            f"{proxy.url}/v1/messages",
            json={"model": "oracle", "max_tokens": 10, "messages": [{"role": "user",
                  "content": "hi"}]},
            headers={"x-api-key": key, "anthropic-version": "2023-06-01"}, timeout=60,
        )  # fmt: skip
        assert anthropic.status_code == 401
    assert "expired" in _chat_status(proxy, expired).json()["error"]["message"]
    assert _chat_status(proxy, good).status_code == 200
    assert len(usage_lines(proxy, "cell-auth", 1)) == 1  # refused requests are not the cell's


def test_unknown_model_is_a_clear_error(proxy: ProxyServer) -> None:
    r = _chat_status(
        proxy, proxy.mint_key("cell-errors", model="no-such-model"), model="no-such-model"
    )
    assert r.status_code == 400
    assert "no-such-model" in r.json()["error"]["message"]
    assert "no-such-model" in proxy.log_tail(200)


def test_unreachable_route_is_a_clear_error(proxy: ProxyServer) -> None:
    cell = "cell-unreachable"
    r = _chat_status(
        proxy, proxy.mint_key(cell, model="test/unreachable"), model="test/unreachable"
    )
    assert r.status_code >= 500, r.text
    assert "connection" in r.json()["error"]["message"].lower()
    assert "test/unreachable" in proxy.log_tail(400) or "unreachable" in proxy.log_tail(400)
    lines = usage_lines(proxy, cell, 1)
    assert lines and all(x["status"] == "failure" for x in lines)


def test_oracle_errors_pass_through_the_proxy(proxy: ProxyServer) -> None:
    cell = "cell-flaky"
    statuses = [_chat_status(proxy, proxy.mint_key(cell, model="flaky"), model="flaky").status_code
                for _ in range(8)]  # fmt: skip
    assert 200 in statuses
    assert set(statuses) - {200} <= {429, 500}
    assert set(statuses) & {429, 500}
    lines = usage_lines(proxy, cell, len(statuses))
    assert sorted(x["status"] for x in lines).count("failure") == sum(s != 200 for s in statuses)


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=60)
        self.unix_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)


def test_unix_socket_serves_the_same_proxy(proxy: ProxyServer) -> None:
    cell = "cell-unix"
    conn = _UnixHTTPConnection(str(proxy.socket_path))
    body = json.dumps({"model": "null", "messages": [{"role": "user", "content": "hi"}]})
    headers = {"authorization": f"Bearer {proxy.mint_key(cell, model='null')}",
               "content-type": "application/json"}  # fmt: skip
    conn.request("POST", "/v1/chat/completions", body=body, headers=headers)
    resp = conn.getresponse()
    data = json.loads(resp.read())
    assert resp.status == 200
    assert "Done" in data["choices"][0]["message"]["content"]
    assert len(usage_lines(proxy, cell, 1)) == 1


def test_gemini_style_name_reaches_the_model(proxy: ProxyServer) -> None:
    body = {"contents": [{"role": "user", "parts": [{"text": "hello"}]}]}
    r = httpx.post(
        f"{proxy.url}/v1beta/models/{gemini_alias('null')}:generateContent",
        json=body,
        headers={"x-goog-api-key": proxy.mint_key("cell-gemini", model="null")},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    parts = r.json()["candidates"][0]["content"]["parts"]
    assert "Done" in "".join(p.get("text", "") for p in parts)
    (line,) = usage_lines(proxy, "cell-gemini", 1)
    assert (line["model"], line["requested_model"], line["api"]) == (
        "null",
        gemini_alias("null"),
        "gemini",
    )


_KILLED_RUNNER = """
import sys, time
from pathlib import Path
from runner.catalog import load_models
from runner.proxy import ProxyServer
proxy = ProxyServer(load_models(Path(sys.argv[1])), usage_dir=Path(sys.argv[2]),
                    oracle_url="http://127.0.0.1:9", models=["oracle"]).start()
print(proxy._proc.pid, flush=True)
time.sleep(300)
"""


def test_the_proxy_dies_with_a_runner_killed_by_sigkill(tmp_path: Path) -> None:
    # The proxy runs in its own session (stop() ends it as a group), so a SIGKILLed runner
    # would leave it serving forever unless the kernel ends it.
    import os
    import signal
    import subprocess
    import sys

    from tests.procs import process_alive

    root = Path(__file__).resolve().parents[1]
    runner = subprocess.Popen(
        [sys.executable, "-c", _KILLED_RUNNER, str(root), str(tmp_path / "usage")],
        stdout=subprocess.PIPE, text=True, cwd=root,
    )  # fmt: skip
    try:
        assert runner.stdout is not None
        proxy_pid = int(runner.stdout.readline())
        assert process_alive(proxy_pid)
        runner.send_signal(signal.SIGKILL)
        runner.wait(10)
        deadline = time.monotonic() + 15
        while process_alive(proxy_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        gone = not process_alive(proxy_pid)
    finally:
        runner.kill()
    if not gone:  # we started it: end it before failing
        os.killpg(proxy_pid, signal.SIGKILL)
    assert gone, "LiteLLM outlived the runner that started it"


def test_a_cell_key_admits_only_its_model(proxy: ProxyServer) -> None:
    """A host-model cell's agent that asks for `oracle` (the gold patch) gets 403, and the cell
    has a record of what it asked for; its own model still answers."""
    from runner.proxy import read_escapes

    key = proxy.mint_key("cell-escape", model="null")
    assert _chat_status(proxy, key, model="null").status_code == 200
    refused = _chat_status(proxy, key, model="oracle")
    assert refused.status_code == 403, refused.text
    assert "admits only" in refused.text
    gemini = httpx.post(
        f"{proxy.url}/v1beta/models/{gemini_alias('oracle')}:generateContent",
        json={"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
        headers={"x-goog-api-key": key},
        timeout=60,
    )
    assert gemini.status_code == 403
    assert read_escapes(proxy.usage_dir, "cell-escape") == ["oracle", gemini_alias("oracle")]
    assert len(usage_lines(proxy, "cell-escape", 1)) == 1  # the refused ones cost nothing


def test_calibration_requests_name_their_cell_so_cheat_tries_that_attempts_exploit(
    proxy: ProxyServer,
) -> None:
    """The proxy's pre-call hook tells the oracle which cell asks: `cheat` tries attempt N's
    exploit, through the same path a cell's agent takes."""
    from runner.oracle._cheat import exploit_for

    (task,) = [t for t in load_oracle_tasks(FIXTURES) if t.key in " ".join(INSTRUCTION.split())]
    bash = {"name": "bash", "description": "Run a bash command", "parameters": BASH_SCHEMA}
    client_tools = [{"type": "function", "function": bash}]
    scripts = []
    for attempt in (1, 2):
        cell = f"codex__cheat__{task.id}__a{attempt}"
        client = openai.OpenAI(
            base_url=f"{proxy.url}/v1", api_key=proxy.mint_key(cell, model="cheat")
        )
        resp = client.chat.completions.create(
            model="cheat",
            messages=[{"role": "user", "content": INSTRUCTION}],
            tools=client_tools,  # type: ignore[arg-type]
        )
        (call,) = resp.choices[0].message.tool_calls or []
        scripts.append(json.loads(call.function.arguments)["command"])  # type: ignore[union-attr]
    for attempt, script in zip((1, 2), scripts, strict=True):
        assert script.endswith(exploit_for(task, attempt).script(task))
    assert scripts[0] != scripts[1]


def _slow_stream(
    proxy: ProxyServer, cell: str, api: str, options: Any = None, cut_after: int | None = None
) -> list[str]:
    """The data lines the client read of a streamed request to the slow endpoint, in `api`."""
    key = proxy.mint_key(cell, model=SLOW_MODEL)
    headers = {"authorization": f"Bearer {key}"}
    hello = [{"role": "user", "content": "hello"}]
    if api == "chat":
        url, body = "/v1/chat/completions", {"model": SLOW_MODEL, "messages": hello}
        if options is not None:
            body["stream_options"] = options
    elif api == "responses":
        url, body = "/v1/responses", {"model": SLOW_MODEL, "input": "hello"}
    elif api == "messages":
        url, body = "/v1/messages", {"model": SLOW_MODEL, "max_tokens": 64, "messages": hello}
        headers["x-api-key"] = key
    else:
        url = f"/v1beta/models/{gemini_alias(SLOW_MODEL)}:streamGenerateContent?alt=sse"
        body = {"contents": [{"role": "user", "parts": [{"text": "hello"}]}]}
        headers = {"x-goog-api-key": key}
    if api != "gemini":
        body["stream"] = True
    lines: list[str] = []
    with httpx.stream("POST", f"{proxy.url}{url}", json=body, headers=headers,
                      timeout=60) as r:  # fmt: skip
        assert r.status_code == 200, r.read()
        for line in r.iter_lines():
            if line.startswith("data:"):
                lines.append(line[5:].strip())
                if cut_after is not None and len(lines) == cut_after:
                    break
    return lines


@pytest.mark.parametrize(
    ("api", "options"),
    [("chat", None), ("chat", {"include_usage": True}), ("responses", None),
     ("messages", None),
     pytest.param("gemini", None, marks=pytest.mark.xfail(strict=True, reason=(
         "LiteLLM's Gemini-to-chat adapter rebuilds the request without the deployment's "
         "allowed_openai_params, so nvidia_nim/ drops its stream_options: Gemini CLI's streamed "
         "tokens on that route are LiteLLM's estimate (METHODOLOGY.md, Cost)")))],
    ids=["chat-unasked", "chat-asked", "responses", "messages", "gemini"],
)  # fmt: skip
def test_a_stream_on_the_nim_route_is_metered_from_the_endpoint_count(
    proxy: ProxyServer, slow: SlowStreamer, api: str, options: Any
) -> None:
    """LiteLLM's nvidia_nim route drops stream_options even when the agent (or LiteLLM's own
    Responses and Messages bridges) sends it, and NIM (vLLM) sends no usage unasked: a streamed
    reply used to be metered as 0 tokens, or from LiteLLM's estimate of the text. Every API an
    agent speaks reaches the endpoint as a chat stream that asks for usage."""
    cell = f"cell-slow-{api}-{'asked' if options else 'unasked'}"
    asked_before = len(slow.asked)
    lines = _slow_stream(proxy, cell, api, options)
    assert slow.asked[asked_before:] == [{"include_usage": True}]
    if api == "chat":
        usage_chunks = [x for x in lines if x != "[DONE]" and json.loads(x).get("usage")]
        # The agent gets the usage chunk only when it asked for one.
        assert len(usage_chunks) == (1 if options else 0), lines
    (line,) = usage_lines(proxy, cell, 1)
    assert line["status"] == "success" and line["stream"] is True, line
    assert (line["input_tokens"], line["output_tokens"]) == (SLOW_PROMPT_TOKENS, SLOW_WORDS)
    assert line["cut_by_client"] is False


def test_a_stream_the_client_closes_early_is_marked_cut(proxy: ProxyServer) -> None:
    """An agent killed mid-reply: no endpoint count arrives, LiteLLM bills its own estimate of
    what had been streamed, and the record says so."""
    cell = "cell-slow-cut"
    lines = _slow_stream(proxy, cell, "chat", {"include_usage": True}, cut_after=4)
    assert len(lines) == 4
    (line,) = usage_lines(proxy, cell, 1)
    assert line["cut_by_client"] is True
    assert line["output_tokens"] < SLOW_WORDS  # what had been streamed, not the endpoint's count
