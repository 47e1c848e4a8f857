"""The API-neutral view of one model request: the three wire formats are parsed into this, the
planner reads only this, and replies are rendered back from `Reply`."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Literal

ToolKind = Literal["function", "custom"]


@dataclass(frozen=True)
class Tool:
    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)  # JSON Schema of the arguments
    kind: ToolKind = "function"  # "custom": Responses API free-form tool, input is plain text


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any] | str  # str only for custom (free-form) tools


@dataclass(frozen=True)
class Message:
    role: str  # user | assistant | tool
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class Conversation:
    model: str
    system: str
    messages: tuple[Message, ...]
    tools: tuple[Tool, ...] = ()
    stream: bool = False
    raw_size: int = 0  # characters of the request body: the basis of the input token estimate
    # A chat stream ends in a usage chunk only when the request asks for one
    # (`stream_options.include_usage`), as OpenAI, vLLM (NIM) and llama-server do.
    stream_usage: bool = False

    def text(self) -> str:
        return "\n".join([self.system, *(m.text for m in self.messages)])


@dataclass(frozen=True)
class Reply:
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class Usage:
    input_tokens: int
    output_tokens: int
    cached_tokens: int


def estimate_tokens(chars: int) -> int:
    """About four characters a token, the usual rule of thumb for English and code."""
    return max(1, math.ceil(chars / 4))


def usage_for(conv: Conversation, reply: Reply) -> Usage:
    out_chars = len(reply.text) + sum(
        len(c.name) + len(c.arguments if isinstance(c.arguments, str) else json.dumps(c.arguments))
        for c in reply.tool_calls
    )
    input_tokens = estimate_tokens(conv.raw_size)
    # A continued conversation re-sends its prefix, which a serving stack with prefix caching
    # would not recompute: report everything before the last message as cached.
    if len(conv.messages) > 1:
        last = conv.messages[-1]
        tail = len(last.text) + sum(len(json.dumps(c.arguments)) for c in last.tool_calls)
        cached = max(0, input_tokens - estimate_tokens(tail) - 1)
    else:
        cached = 0
    return Usage(input_tokens, estimate_tokens(out_chars), cached)
