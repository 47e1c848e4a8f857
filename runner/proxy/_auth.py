"""LiteLLM custom auth (general_settings.custom_auth), run inside the proxy process.

Accepts the proxy's master key (administration, health) and per-cell keys; everything else is
refused with 401. The cell id rides on the auth object into the usage callback.
"""

from __future__ import annotations

import hmac
import os

from fastapi import HTTPException, Request
from litellm.proxy._types import LitellmUserRoles, UserAPIKeyAuth

from runner.proxy._keys import KeyRejected, verify_cell_key

SECRET_ENV = "CAB_PROXY_KEY_SECRET"


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
        cell_id = verify_cell_key(secret, api_key)
    except KeyRejected as exc:
        raise HTTPException(status_code=401, detail=str(exc)) from None
    return UserAPIKeyAuth(
        api_key=api_key,
        key_alias=cell_id,
        user_id=cell_id,
        metadata={"cab_cell_id": cell_id},
    )
