"""`cab models probe`: before a sweep spends hours, ask each model's endpoint directly whether it
still serves the model and answers a tool call the way agents need.

Per model: GET <base>/models (reachable, listed), then one small chat completion offering a
`bash` tool (the instruction of a real task as the prompt, so calibration models answer it too).
A tool call is well-formed only as a structured `tool_calls` entry naming the offered tool with
arguments that parse as a JSON object: a model that writes the call as fenced JSON in its text
(what small GGUF models do under their built-in chat template) fails, as the catalog's rule that
only models with a server-side tool-call parser are hosted demands.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from runner.catalog import CALIBRATION_MODELS, ModelCatalog

PROBE_TOOL = {
    "type": "function",
    "function": {
        "name": "bash",
        "description": "Run a shell command in the repository and return its output.",
        "parameters": {
            "type": "object",
            "properties": {"command": {"type": "string", "description": "The command to run"}},
            "required": ["command"],
        },
    },
}
PROBE_SYSTEM = (
    "You are a coding agent working in /workspace. Use the bash tool to act; call it now to "
    "start (for example to list the files)."
)


class ModelProbe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(description="Catalog id or calibration name")
    route: str = Field(description="LiteLLM route the proxy would use")
    endpoint: str | None = Field(description="Base URL asked; None when none is configured")
    served_name: str = Field(description="The model name sent to the endpoint")
    reachable: bool = Field(description="GET <endpoint>/models answered 200")
    listed: bool = Field(description="The endpoint's model list names served_name")
    tool_call_ok: bool = Field(
        description="A structured tool_calls entry naming the offered tool, JSON-object arguments"
    )
    latency_s: float | None = Field(description="Seconds the chat request took; None if not sent")
    available: bool = Field(description="reachable, listed and tool_call_ok: the sweep may use it")
    error: str | None = Field(description="One line: why it is not available")


class ProbeReport(BaseModel):
    """What `cab models probe --json` prints (schemas/probe.schema.json)."""

    model_config = ConfigDict(extra="forbid")

    probed_at: str = Field(description="UTC time of the probe, ISO 8601")
    models: list[ModelProbe]
    available: list[str]
    unavailable: list[str]


def _request(
    url: str, key: str | None, body: dict[str, Any] | None, timeout_s: float
) -> tuple[int, Any]:
    headers = {"content-type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            raw = resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        status = exc.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")[:200]


def _err_text(status: int, payload: Any) -> str:
    if isinstance(payload, dict):
        err = payload.get("error")
        msg = err.get("message") if isinstance(err, dict) else err
        if msg:
            return f"HTTP {status}: {str(msg).splitlines()[0][:160]}"
    return f"HTTP {status}: {str(payload).splitlines()[0][:160] if payload else 'empty body'}"


def tool_call_problem(payload: Any) -> str | None:
    """None when the chat completion carries a well-formed structured tool call, else why not."""
    try:
        message = payload["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        return "the reply is not a chat completion"
    calls = message.get("tool_calls") or []
    if not calls:
        text = str(message.get("content") or "")
        hint = " (a call written as text, not a structured tool call)" if "bash" in text else ""
        return "no structured tool call in the reply" + hint
    fn = calls[0].get("function") or {}
    if fn.get("name") != "bash":
        return f"tool call names {fn.get('name')!r}, not the offered tool 'bash'"
    try:
        args = json.loads(fn.get("arguments") or "")
    except (ValueError, TypeError):
        return "tool call arguments are not JSON"
    if not isinstance(args, dict):
        return "tool call arguments are not a JSON object"
    return None


def probe_model(
    catalog: ModelCatalog,
    name: str,
    *,
    prompt: str,
    oracle_url: str | None = None,
    timeout_s: float = 120.0,
    environ: Mapping[str, str] | None = None,
) -> ModelProbe:
    env = os.environ if environ is None else environ
    if name in CALIBRATION_MODELS:
        route = f"{catalog.calibration_provider}/{name}"
        base = f"{oracle_url.rstrip('/')}/v1" if oracle_url else None
        key: str | None = "cab-oracle"
        served = name
    else:
        spec = catalog.get(name).serving
        route = spec.route
        base = spec.base_url(env)
        key = env.get(spec.api_key_env) if spec.api_key_env else None
        served = spec.served_name
    result: dict[str, Any] = {
        "model": name,
        "route": route,
        "endpoint": base,
        "served_name": served,
        "reachable": False,
        "listed": False,
        "tool_call_ok": False,
        "latency_s": None,
        "available": False,
        "error": None,
    }
    if base is None:
        need = "--oracle-url" if name in CALIBRATION_MODELS else "a base URL (api_base_env unset)"
        result["error"] = f"no endpoint to ask: needs {need}"
        return ModelProbe(**result)
    try:
        status, listing = _request(f"{base}/models", key, None, timeout_s)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        result["error"] = f"unreachable: {getattr(exc, 'reason', exc)}"
        return ModelProbe(**result)
    if status != 200:
        result["error"] = f"GET /models: {_err_text(status, listing)}"
        return ModelProbe(**result)
    result["reachable"] = True
    ids = [m.get("id") for m in listing.get("data", [])] if isinstance(listing, dict) else []
    if served not in ids:
        result["error"] = f"not listed by {base}/models ({len(ids)} models listed)"
        return ModelProbe(**result)
    result["listed"] = True
    body = {
        "model": served,
        "messages": [
            {"role": "system", "content": PROBE_SYSTEM},
            {"role": "user", "content": prompt},
        ],
        "tools": [PROBE_TOOL],
        "tool_choice": "auto",
        "max_tokens": 512,
        "temperature": 0,
    }
    started = time.monotonic()
    try:
        status, payload = _request(f"{base}/chat/completions", key, body, timeout_s)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        result["latency_s"] = round(time.monotonic() - started, 3)
        result["error"] = f"chat request failed: {getattr(exc, 'reason', exc)}"
        return ModelProbe(**result)
    result["latency_s"] = round(time.monotonic() - started, 3)
    if status != 200:
        result["error"] = f"chat: {_err_text(status, payload)}"
        return ModelProbe(**result)
    problem = tool_call_problem(payload)
    result["tool_call_ok"] = problem is None
    result["available"] = problem is None
    result["error"] = problem
    return ModelProbe(**result)


def probe_models(
    catalog: ModelCatalog,
    names: Sequence[str],
    *,
    prompt: str,
    oracle_url: str | None = None,
    timeout_s: float = 120.0,
) -> ProbeReport:
    probes = [
        probe_model(catalog, n, prompt=prompt, oracle_url=oracle_url, timeout_s=timeout_s)
        for n in names
    ]
    return ProbeReport(
        probed_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        models=probes,
        available=[p.model for p in probes if p.available],
        unavailable=[p.model for p in probes if not p.available],
    )
