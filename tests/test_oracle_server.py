"""The oracle server spoken to directly (no proxy): wire formats, errors, flaky and slow."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from runner.oracle import OracleServer, OracleSettings, load_oracle_tasks

FIXTURES = Path(__file__).parent / "fixtures"
INSTRUCTION = (FIXTURES / "tasks" / "fix-median" / "instruction.md").read_text()
SCHEMA = {"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]}


@pytest.fixture(scope="module")
def oracle() -> Iterator[OracleServer]:
    settings = OracleSettings(load_oracle_tasks(FIXTURES), flaky_rate=0.5, flaky_seed=3,
                              stall_s=0.5, slow_latency_s=0.4)  # fmt: skip
    with OracleServer(settings) as server:
        yield server


def sse(text: str) -> list[tuple[str | None, dict[str, Any] | str]]:
    out: list[tuple[str | None, dict[str, Any] | str]] = []
    for block in text.strip().split("\n\n"):
        event, data = None, None
        for line in block.splitlines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
        assert data is not None, block
        out.append((event, data if data == "[DONE]" else json.loads(data)))
    return out


def messages_body(stream: bool, model: str = "oracle") -> dict[str, Any]:
    return {"model": model, "max_tokens": 1024, "stream": stream,
            "system": [{"type": "text", "text": "You are a coding agent."}],
            "messages": [{"role": "user", "content": [{"type": "text", "text": INSTRUCTION}]}],
            "tools": [{"name": "Bash", "description": "Run a shell command",
                       "input_schema": SCHEMA}]}  # fmt: skip


def test_anthropic_messages_native(oracle: OracleServer) -> None:
    r = httpx.post(f"{oracle.url}/v1/messages", json=messages_body(False))
    assert r.status_code == 200
    msg = r.json()
    assert msg["type"] == "message" and msg["stop_reason"] == "tool_use"
    (use,) = [b for b in msg["content"] if b["type"] == "tool_use"]
    assert use["name"] == "Bash" and use["id"].startswith("toolu_")
    assert "git apply" in use["input"]["command"]
    assert msg["usage"]["input_tokens"] > 0 and msg["usage"]["output_tokens"] > 0

    # The agent runs the tool and sends the result back: the oracle finishes.
    body = messages_body(False)
    body["messages"] += [
        {"role": "assistant", "content": msg["content"]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use["id"],
                                      "content": "ok"}]},
    ]  # fmt: skip
    final = httpx.post(f"{oracle.url}/v1/messages", json=body).json()
    assert final["stop_reason"] == "end_turn"
    assert final["content"][0]["text"].startswith("Done: applied the fix")
    assert final["usage"]["cache_read_input_tokens"] > 0


def test_anthropic_messages_stream(oracle: OracleServer) -> None:
    r = httpx.post(f"{oracle.url}/v1/messages", json=messages_body(True))
    events = sse(r.text)
    kinds = [e for e, _ in events]
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    assert kinds.count("content_block_start") == kinds.count("content_block_stop") == 2
    partial = "".join(
        d["delta"]["partial_json"] for _, d in events
        if isinstance(d, dict) and d.get("type") == "content_block_delta"
        and d["delta"]["type"] == "input_json_delta"
    )  # fmt: skip
    assert "git apply" in json.loads(partial)["command"]


@pytest.mark.parametrize("asked", [None, {"include_usage": False}, {"include_usage": True}])
def test_a_chat_stream_carries_usage_only_when_asked(
    oracle: OracleServer, asked: dict[str, bool] | None
) -> None:
    """As OpenAI, vLLM (NIM) and llama-server do: the usage chunk is opt-in, so a proxy that
    does not ask for it meters nothing the server counted."""
    body: dict[str, Any] = {"model": "oracle", "stream": True,
                            "messages": [{"role": "user", "content": INSTRUCTION}]}  # fmt: skip
    if asked is not None:
        body["stream_options"] = asked
    events = [d for _, d in sse(httpx.post(f"{oracle.url}/v1/chat/completions", json=body).text)]
    assert events[-1] == "[DONE]"
    usage = [d for d in events if isinstance(d, dict) and d.get("usage")]
    if asked == {"include_usage": True}:
        (last,) = usage
        assert last is events[-2] and last["choices"] == []
        assert last["usage"]["completion_tokens"] > 0
    else:
        assert usage == []


def test_responses_stream_sequence(oracle: OracleServer) -> None:
    body = {"model": "oracle", "stream": True, "instructions": "You are Codex.",
            "input": [{"type": "message", "role": "user",
                       "content": [{"type": "input_text", "text": INSTRUCTION}]}],
            "tools": [{"type": "function", "name": "shell", "parameters": SCHEMA}]}  # fmt: skip
    events = sse(httpx.post(f"{oracle.url}/v1/responses", json=body).text)
    datas = [d for _, d in events if isinstance(d, dict)]
    assert [d["sequence_number"] for d in datas] == list(range(len(datas)))
    assert datas[0]["type"] == "response.created"
    done = datas[-1]
    assert done["type"] == "response.completed"
    call = next(o for o in done["response"]["output"] if o["type"] == "function_call")
    args = "".join(
        d["delta"] for d in datas if d["type"] == "response.function_call_arguments.delta"
    )
    assert args == call["arguments"] and "git apply" in json.loads(args)["command"]
    assert done["response"]["usage"]["output_tokens"] > 0


@pytest.mark.parametrize(
    ("path", "body", "status", "needle"),
    [
        ("/v1/chat/completions", {"model": "gpt-9", "messages": [{"role": "user", "content": "x"}]},
         404, "gpt-9"),
        ("/v1/chat/completions", {"model": "oracle"}, 400, "messages"),
        ("/v1/responses", {"model": "oracle", "input": 5}, 400, "input"),
        ("/v1/messages", {"model": "oracle", "messages": [{"role": "user", "content": "x"}]},
         400, "max_tokens"),
        ("/v1/messages", {"model": "gpt-9", "max_tokens": 5,
                          "messages": [{"role": "user", "content": "x"}]}, 404, "gpt-9"),
    ],
)  # fmt: skip
def test_errors_have_the_apis_shape(
    oracle: OracleServer, path: str, body: dict[str, Any], status: int, needle: str
) -> None:
    r = httpx.post(f"{oracle.url}{path}", json=body)
    assert r.status_code == status
    data = r.json()
    if path == "/v1/messages":
        assert data["type"] == "error" and needle in data["error"]["message"]
    else:
        assert needle in data["error"]["message"]


def test_non_json_body_is_400(oracle: OracleServer) -> None:
    r = httpx.post(f"{oracle.url}/v1/chat/completions", content=b"{nope",
                   headers={"content-type": "application/json"})  # fmt: skip
    assert r.status_code == 400
    assert "not JSON" in r.json()["error"]["message"]


def test_flaky_faults_are_seeded() -> None:
    tasks = load_oracle_tasks(FIXTURES)
    first = [OracleSettings(tasks, flaky_rate=0.5, flaky_seed=11).draw_fault() for _ in range(1)]
    a = OracleSettings(tasks, flaky_rate=0.5, flaky_seed=11)
    b = OracleSettings(tasks, flaky_rate=0.5, flaky_seed=11)
    seq_a = [a.draw_fault() for _ in range(200)]
    assert seq_a == [b.draw_fault() for _ in range(200)]
    assert seq_a[0] == first[0]
    faults = [f for f in seq_a if f]
    assert 60 < len(faults) < 140  # about half
    assert set(faults) == {"500", "429", "stall"}
    never = OracleSettings(tasks, flaky_rate=0.0)
    assert all(never.draw_fault() is None for _ in range(50))


def test_flaky_streams_follow_the_seeded_sequence() -> None:
    """The flaky model's outcomes are exactly its seeded fault sequence: 500s, 429s, streams that
    hang and are cut off without their terminator, and good answers."""
    tasks = load_oracle_tasks(FIXTURES)
    expected = OracleSettings(tasks, flaky_rate=0.5, flaky_seed=3)
    want = [{None: "ok", "stall": "dropped"}.get(f, f) for f in
            (expected.draw_fault() for _ in range(24))]  # fmt: skip
    settings = OracleSettings(tasks, flaky_rate=0.5, flaky_seed=3, stall_s=0.2)
    body = {"model": "flaky", "stream": True,
            "messages": [{"role": "user", "content": INSTRUCTION}]}  # fmt: skip
    got = []
    with OracleServer(settings) as server:
        for _ in want:
            try:
                r = httpx.post(f"{server.url}/v1/chat/completions", json=body, timeout=10)
            except httpx.RemoteProtocolError:
                got.append("dropped")
                continue
            if r.status_code != 200:
                got.append(str(r.status_code))
            else:
                got.append("ok" if r.text.rstrip().endswith("data: [DONE]") else "dropped")
    assert got == want
    assert set(got) == {"ok", "500", "429", "dropped"}


def test_slow_adds_latency(oracle: OracleServer) -> None:
    body = {"model": "slow", "messages": [{"role": "user", "content": "hi"}]}
    start = time.monotonic()
    r = httpx.post(f"{oracle.url}/v1/chat/completions", json=body)
    assert r.status_code == 200
    assert time.monotonic() - start >= 0.4
