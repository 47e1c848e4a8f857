"""LiteLLM custom auth (general_settings.custom_auth), run inside the proxy process.

Accepts the proxy's master key (administration, health) and per-cell keys; everything else is
refused with 401. A cell key admits only its cell's model: a request for any other model is
refused with 403 and recorded for the cell (`model_escape` on its receipt). The cell id rides on
the auth object into the usage callback.
"""

from __future__ import annotations

import hmac
import json
import os
import re
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from litellm.proxy._types import LitellmUserRoles, UserAPIKeyAuth

from runner.proxy._keys import KeyRejected, verify_cell_key
from runner.proxy._usage_log import SETTINGS_ENV, record_escape

SECRET_ENV = "CAB_PROXY_KEY_SECRET"
# Gemini's routes name the model in the path: /v1beta/models/<model>:generateContent.
_PATH_MODEL = re.compile(r"/models/([^/:]+):")


async def requested_model(request: Request) -> str | None:
    """The model a request asks for: the body's `model`, or the one in a Gemini-style path;
    None for requests that name none (the model list)."""
    m = _PATH_MODEL.search(request.url.path)
    if m:
        return m.group(1)
    if request.method != "POST":
        return None
    try:
        body: Any = await _body(request)
    except Exception:
        return None
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) else None


async def _body(request: Request) -> Any:
    try:  # LiteLLM has parsed it already and keeps it on the request
        from litellm.proxy.common_utils.http_parsing_utils import read_request_body

        return await read_request_body(request)
    except ImportError:
        return json.loads(await request.body())


def _usage_dir() -> Path | None:
    path = os.environ.get(SETTINGS_ENV)
    if not path:
        return None
    try:
        return Path(json.loads(Path(path).read_text(encoding="utf-8"))["usage_dir"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


async def user_api_key_auth(request: Request, api_key: str) -> UserAPIKeyAuth:
    master = os.environ.get("LITELLM_MASTER_KEY", "")
    if master and hmac.compare_digest(api_key.encode(), master.encode()):
        return UserAPIKeyAuth(api_key=api_key, user_role=LitellmUserRoles.PROXY_ADMIN)
    secret = bytes.fromhex(os.environ.get(SECRET_ENV, ""))
    if not secret:
        raise HTTPException(
            status_code=401, detail=f"proxy has no {SECRET_ENV}: cell keys disabled"
        )
    try:
        key = verify_cell_key(secret, api_key)
    except KeyRejected as exc:
        raise HTTPException(status_code=401, detail=str(exc)) from None
    model = await requested_model(request)
    if model is not None and not key.admits(model):
        usage_dir = _usage_dir()
        if usage_dir is not None:
            record_escape(usage_dir, key.cell_id, model, request.url.path)
        raise HTTPException(
            status_code=403,
            detail=f"this cell's key admits only {', '.join(key.models)}, not {model!r}",
        )
    return UserAPIKeyAuth(
        api_key=api_key,
        key_alias=key.cell_id,
        user_id=key.cell_id,
        metadata={"cab_cell_id": key.cell_id},
    )
