"""The three wire formats (and Gemini's, for recorded requests): request bodies -> Conversation,
Reply -> response bodies and server-sent event streams."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from typing import Any

from runner.oracle._conversation import Conversation, Message, Reply, Tool, ToolCall, Usage


class BadRequest(ValueError):
    """The body does not follow the API's schema; the message says where."""


def _need(cond: bool, message: str) -> None:
    if not cond:
        raise BadRequest(message)


def _text_of(content: Any) -> str:
    """Text of a content field that may be a string, a list of parts, or absent."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        out = []
        for part in content:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, dict):
                if isinstance(part.get("text"), str):
                    out.append(part["text"])
                elif "content" in part:  # nested tool_result blocks
                    out.append(_text_of(part["content"]))
                elif isinstance(part.get("output"), str):
                    out.append(part["output"])
        return "\n".join(out)
    if isinstance(content, dict):
        return _text_of([content])
    return str(content)


def _arguments(raw: Any) -> dict[str, Any] | str:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return raw
        return parsed if isinstance(parsed, dict) else raw
    return {}


def _model(body: Any) -> str:
    _need(isinstance(body, dict), "request body must be a JSON object")
    model = body.get("model")
    _need(isinstance(model, str) and bool(model), "'model' is required and must be a string")
    return str(model)


# --------------------------------------------------------------------------- parsing


def parse_chat(body: Any, raw_size: int) -> Conversation:
    model = _model(body)
    msgs = body.get("messages")
    _need(isinstance(msgs, list) and bool(msgs), "'messages' must be a non-empty array")
    system: list[str] = []
    out: list[Message] = []
    for i, m in enumerate(msgs):
        _need(isinstance(m, dict) and isinstance(m.get("role"), str), f"messages[{i}].role missing")
        role = m["role"]
        if role in ("system", "developer"):
            system.append(_text_of(m.get("content")))
            continue
        calls = tuple(
            ToolCall(
                str(c.get("id", "")),
                str((c.get("function") or {}).get("name", "")),
                _arguments((c.get("function") or {}).get("arguments")),
            )
            for c in m.get("tool_calls") or []
            if isinstance(c, dict)
        )
        out.append(Message(role, _text_of(m.get("content")), calls))
    tools = []
    for t in body.get("tools") or []:
        fn = t.get("function") if isinstance(t, dict) else None
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            tools.append(
                Tool(fn["name"], str(fn.get("description") or ""), fn.get("parameters") or {})
            )
    options = body.get("stream_options")
    stream_usage = isinstance(options, dict) and options.get("include_usage") is True
    return Conversation(
        model, "\n".join(system), tuple(out), tuple(tools), bool(body.get("stream")), raw_size,
        stream_usage,
    )  # fmt: skip


def parse_responses(body: Any, raw_size: int) -> Conversation:
    model = _model(body)
    items = body.get("input")
    _need(isinstance(items, str | list), "'input' must be a string or an array of items")
    system = [body["instructions"]] if isinstance(body.get("instructions"), str) else []
    out: list[Message] = []
    if isinstance(items, str):
        out.append(Message("user", items))
    else:
        for i, item in enumerate(items):
            _need(isinstance(item, dict), f"input[{i}] must be an object")
            kind = item.get("type", "message")
            if kind == "message":
                role = item.get("role", "user")
                if role in ("system", "developer"):
                    system.append(_text_of(item.get("content")))
                else:
                    out.append(Message(role, _text_of(item.get("content"))))
            elif kind in ("function_call", "custom_tool_call"):
                raw = item.get("arguments", item.get("input"))
                call = ToolCall(str(item.get("call_id", "")), str(item.get("name", "")), raw)
                if kind == "function_call":
                    call = ToolCall(call.id, call.name, _arguments(raw))
                out.append(Message("assistant", "", (call,)))
            elif kind in ("function_call_output", "custom_tool_call_output"):
                out.append(Message("tool", _text_of(item.get("output"))))
    tools = []
    for t in body.get("tools") or []:
        if not isinstance(t, dict) or not isinstance(t.get("name"), str):
            continue
        if t.get("type") == "function":
            tools.append(
                Tool(t["name"], str(t.get("description") or ""), t.get("parameters") or {})
            )
        elif t.get("type") == "custom":
            tools.append(Tool(t["name"], str(t.get("description") or ""), {}, kind="custom"))
    return Conversation(
        model, "\n".join(system), tuple(out), tuple(tools), bool(body.get("stream")), raw_size
    )


def parse_messages(body: Any, raw_size: int) -> Conversation:
    model = _model(body)
    msgs = body.get("messages")
    _need(isinstance(msgs, list) and bool(msgs), "'messages' must be a non-empty array")
    _need(isinstance(body.get("max_tokens"), int), "'max_tokens' is required (integer)")
    out: list[Message] = []
    system = [_text_of(body.get("system"))]
    for i, m in enumerate(msgs):
        role = m.get("role") if isinstance(m, dict) else None
        # Claude Code also sends mid-conversation "system" messages.
        _need(role in ("user", "assistant", "system"), f"messages[{i}].role is not valid")
        content = m.get("content")
        if role == "system":
            system.append(_text_of(content))
            continue
        blocks = content if isinstance(content, list) else [{"type": "text", "text": content}]
        texts, calls, results = [], [], []
        for b in blocks:
            if not isinstance(b, dict):
                continue
            if b.get("type") == "text":
                texts.append(str(b.get("text") or ""))
            elif b.get("type") == "tool_use":
                calls.append(
                    ToolCall(str(b.get("id", "")), str(b.get("name", "")), b.get("input") or {})
                )
            elif b.get("type") == "tool_result":
                results.append(_text_of(b.get("content")))
        if m["role"] == "user" and results:
            out.extend(Message("tool", r) for r in results)
            if texts:
                out.append(Message("user", "\n".join(texts)))
        else:
            out.append(Message(m["role"], "\n".join(texts), tuple(calls)))
    tools = [
        Tool(t["name"], str(t.get("description") or ""), t.get("input_schema") or {})
        for t in body.get("tools") or []
        if isinstance(t, dict) and isinstance(t.get("name"), str) and "input_schema" in t
    ]
    return Conversation(
        model,
        "\n".join(system),
        tuple(out),
        tuple(tools),
        bool(body.get("stream")),
        raw_size,
    )


def parse_gemini(body: Any, model: str, raw_size: int) -> Conversation:
    """Gemini generateContent bodies (what Gemini CLI sends; LiteLLM translates them for us)."""
    _need(isinstance(body, dict) and isinstance(body.get("contents"), list), "'contents' missing")
    out: list[Message] = []
    for c in body["contents"]:
        parts = c.get("parts") or []
        texts = [p["text"] for p in parts if isinstance(p.get("text"), str)]
        calls = tuple(
            ToolCall("", p["functionCall"].get("name", ""), p["functionCall"].get("args") or {})
            for p in parts
            if isinstance(p.get("functionCall"), dict)
        )
        responses = [json.dumps(p["functionResponse"]) for p in parts if "functionResponse" in p]
        if responses:
            out.extend(Message("tool", r) for r in responses)
        else:
            role = "assistant" if c.get("role") == "model" else "user"
            out.append(Message(role, "\n".join(texts), calls))
    tools = [
        Tool(
            d["name"],
            str(d.get("description") or ""),
            d.get("parametersJsonSchema") or d.get("parameters") or {},
        )
        for t in body.get("tools") or []
        for d in t.get("functionDeclarations") or []
    ]
    system = _text_of((body.get("systemInstruction") or {}).get("parts"))
    return Conversation(model, system, tuple(out), tuple(tools), True, raw_size)


# --------------------------------------------------------------------------- rendering


def _id(prefix: str, *parts: str) -> str:
    return prefix + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _json_args(call: ToolCall) -> str:
    return call.arguments if isinstance(call.arguments, str) else json.dumps(call.arguments)


def _chunks(text: str, size: int = 24) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def chat_response(conv: Conversation, reply: Reply, usage: Usage) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": _json_args(c)},
            }
            for c in reply.tool_calls
        ]
    return {
        "id": _id("chatcmpl-", conv.model, reply.text),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": conv.model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if reply.tool_calls else "stop",
                "logprobs": None,
            }
        ],
        "usage": _chat_usage(usage),
    }


def _chat_usage(usage: Usage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.input_tokens + usage.output_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_tokens},
    }


def chat_stream(conv: Conversation, reply: Reply, usage: Usage) -> Iterator[str]:
    """SSE `data:` payloads (without the framing), ending with [DONE]; the usage chunk before it
    only when the request asked for one."""
    base = {
        "id": _id("chatcmpl-", conv.model, reply.text),
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": conv.model,
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return json.dumps({**base, "choices": [choice]})

    yield chunk({"role": "assistant", "content": ""})
    if reply.text:
        for piece in _chunks(reply.text):
            yield chunk({"content": piece})
    for i, c in enumerate(reply.tool_calls):
        head = {
            "index": i,
            "id": c.id,
            "type": "function",
            "function": {"name": c.name, "arguments": ""},
        }
        yield chunk({"tool_calls": [head]})
        for piece in _chunks(_json_args(c), 64):
            yield chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
    yield chunk({}, "tool_calls" if reply.tool_calls else "stop")
    if conv.stream_usage:
        yield json.dumps({**base, "choices": [], "usage": _chat_usage(usage)})
    yield "[DONE]"


def _responses_usage(usage: Usage) -> dict[str, Any]:
    return {
        "input_tokens": usage.input_tokens,
        "input_tokens_details": {"cached_tokens": usage.cached_tokens},
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": usage.input_tokens + usage.output_tokens,
    }


def _responses_items(conv: Conversation, reply: Reply) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if reply.text:
        items.append(
            {
                "type": "message",
                "id": _id("msg_", conv.model, reply.text),
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": reply.text, "annotations": []}],
            }
        )
    kinds = {t.name: t.kind for t in conv.tools}
    for c in reply.tool_calls:
        if kinds.get(c.name) == "custom":
            items.append(
                {
                    "type": "custom_tool_call",
                    "id": _id("ctc_", c.id),
                    "call_id": c.id,
                    "name": c.name,
                    "input": _json_args(c),
                    "status": "completed",
                }
            )
        else:
            items.append(
                {
                    "type": "function_call",
                    "id": _id("fc_", c.id),
                    "call_id": c.id,
                    "name": c.name,
                    "arguments": _json_args(c),
                    "status": "completed",
                }
            )
    return items


def responses_response(conv: Conversation, reply: Reply, usage: Usage) -> dict[str, Any]:
    return {
        "id": _id("resp_", conv.model, reply.text, *(c.id for c in reply.tool_calls)),
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "model": conv.model,
        "output": _responses_items(conv, reply),
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "error": None,
        "incomplete_details": None,
        "usage": _responses_usage(usage),
    }


def responses_stream(conv: Conversation, reply: Reply, usage: Usage) -> Iterator[tuple[str, str]]:
    """(event name, data JSON) pairs of a Responses API stream."""
    final = responses_response(conv, reply, usage)
    seq = iter(range(1_000_000))

    def ev(kind: str, **fields: Any) -> tuple[str, str]:
        return kind, json.dumps({"type": kind, "sequence_number": next(seq), **fields})

    pending = {**final, "status": "in_progress", "output": [], "usage": None}
    yield ev("response.created", response=pending)
    yield ev("response.in_progress", response=pending)
    for idx, item in enumerate(final["output"]):
        if item["type"] == "message":
            text = item["content"][0]["text"]
            yield ev(
                "response.output_item.added",
                output_index=idx,
                item={**item, "status": "in_progress", "content": []},
            )
            part = {"type": "output_text", "text": "", "annotations": []}
            yield ev(
                "response.content_part.added",
                item_id=item["id"],
                output_index=idx,
                content_index=0,
                part=part,
            )
            for piece in _chunks(text):
                yield ev(
                    "response.output_text.delta",
                    item_id=item["id"],
                    output_index=idx,
                    content_index=0,
                    delta=piece,
                    logprobs=[],
                )
            yield ev(
                "response.output_text.done",
                item_id=item["id"],
                output_index=idx,
                content_index=0,
                text=text,
                logprobs=[],
            )
            yield ev(
                "response.content_part.done",
                item_id=item["id"],
                output_index=idx,
                content_index=0,
                part={**part, "text": text},
            )
        elif item["type"] == "function_call":
            yield ev(
                "response.output_item.added",
                output_index=idx,
                item={**item, "status": "in_progress", "arguments": ""},
            )
            for piece in _chunks(item["arguments"], 64):
                yield ev(
                    "response.function_call_arguments.delta",
                    item_id=item["id"],
                    output_index=idx,
                    delta=piece,
                )
            yield ev(
                "response.function_call_arguments.done",
                item_id=item["id"],
                output_index=idx,
                arguments=item["arguments"],
            )
        else:
            yield ev("response.output_item.added", output_index=idx, item=item)
        yield ev("response.output_item.done", output_index=idx, item=item)
    yield ev("response.completed", response=final)


def _anthropic_usage(usage: Usage) -> dict[str, Any]:
    # Anthropic counts cache reads apart from (not inside) input_tokens.
    return {
        "input_tokens": usage.input_tokens - usage.cached_tokens,
        "cache_read_input_tokens": usage.cached_tokens,
        "cache_creation_input_tokens": 0,
        "output_tokens": usage.output_tokens,
    }


def messages_response(conv: Conversation, reply: Reply, usage: Usage) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if reply.text:
        content.append({"type": "text", "text": reply.text})
    for c in reply.tool_calls:
        args = c.arguments if isinstance(c.arguments, dict) else {"input": c.arguments}
        content.append(
            {"type": "tool_use", "id": _anthropic_id(c.id), "name": c.name, "input": args}
        )
    return {
        "id": _id("msg_", conv.model, reply.text),
        "type": "message",
        "role": "assistant",
        "model": conv.model,
        "content": content,
        "stop_reason": "tool_use" if reply.tool_calls else "end_turn",
        "stop_sequence": None,
        "usage": _anthropic_usage(usage),
    }


def _anthropic_id(call_id: str) -> str:
    return "toolu_" + call_id.removeprefix("call_")


def messages_stream(conv: Conversation, reply: Reply, usage: Usage) -> Iterator[tuple[str, str]]:
    final = messages_response(conv, reply, usage)
    start = {
        **final,
        "content": [],
        "stop_reason": None,
        "usage": {**final["usage"], "output_tokens": 1},
    }
    yield "message_start", json.dumps({"type": "message_start", "message": start})
    for i, block in enumerate(final["content"]):
        if block["type"] == "text":
            empty: dict[str, Any] = {"type": "text", "text": ""}
            yield (
                "content_block_start",
                json.dumps({"type": "content_block_start", "index": i, "content_block": empty}),
            )
            for piece in _chunks(block["text"]):
                delta = {"type": "text_delta", "text": piece}
                yield (
                    "content_block_delta",
                    json.dumps({"type": "content_block_delta", "index": i, "delta": delta}),
                )
        else:
            head = {**block, "input": {}}
            yield (
                "content_block_start",
                json.dumps({"type": "content_block_start", "index": i, "content_block": head}),
            )
            for piece in _chunks(json.dumps(block["input"]), 64):
                delta = {"type": "input_json_delta", "partial_json": piece}
                yield (
                    "content_block_delta",
                    json.dumps({"type": "content_block_delta", "index": i, "delta": delta}),
                )
        yield "content_block_stop", json.dumps({"type": "content_block_stop", "index": i})
    yield (
        "message_delta",
        json.dumps(
            {
                "type": "message_delta",
                "delta": {"stop_reason": final["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": usage.output_tokens},
            }
        ),
    )
    yield "message_stop", json.dumps({"type": "message_stop"})
