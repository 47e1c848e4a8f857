"""Per-cell scoped proxy keys:
`sk-cab-<cell id, b64url>.<models, b64url>.<expiry, unix s>.<HMAC-SHA256>`.

The HMAC key is a per-proxy secret that never leaves the proxy's host process, so a key is
worthless on another proxy, after its expiry, and once the proxy that minted it has stopped. A key
admits only the models it was minted for (the cell's model and the names it is reached by), so an
agent in a host-model cell cannot ask a calibration model for the gold patch, nor spend another
model's budget.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Sequence
from dataclasses import dataclass

KEY_PREFIX = "sk-cab-"


class KeyRejected(Exception):
    """Why a key was refused (one line, safe to show the caller)."""


@dataclass(frozen=True)
class CellKey:
    cell_id: str
    models: tuple[str, ...]  # the model names the key admits

    def admits(self, model: str) -> bool:
        return model in self.models


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, cell_id: str, models: str, expires: int) -> str:
    msg = f"cab-cell-key\n{cell_id}\n{models}\n{expires}".encode()
    return _b64(hmac.new(secret, msg, hashlib.sha256).digest())


def mint_cell_key(
    secret: bytes,
    cell_id: str,
    ttl_s: float,
    now: float | None = None,
    *,
    models: Sequence[str],
) -> str:
    if not cell_id:
        raise ValueError("cell id must not be empty")
    names = sorted({m for m in models if m})
    if not names or any("\n" in m or "," in m for m in names):
        raise ValueError("a cell key admits at least one model (names without ',' or newline)")
    joined = ",".join(names)
    expires = int((time.time() if now is None else now) + ttl_s)
    mac = _mac(secret, cell_id, joined, expires)
    return f"{KEY_PREFIX}{_b64(cell_id.encode())}.{_b64(joined.encode())}.{expires}.{mac}"


def verify_cell_key(secret: bytes, key: str, now: float | None = None) -> CellKey:
    """The cell and models the key was minted for; KeyRejected when forged, malformed or
    expired."""
    if not key.startswith(KEY_PREFIX):
        raise KeyRejected("not a cell key")
    try:
        cell_b64, models_b64, expires_text, mac = key[len(KEY_PREFIX) :].split(".")
        cell_id = _unb64(cell_b64).decode()
        joined = _unb64(models_b64).decode()
        expires = int(expires_text)
    except ValueError:
        raise KeyRejected("malformed cell key") from None
    if not hmac.compare_digest(mac, _mac(secret, cell_id, joined, expires)):
        raise KeyRejected("cell key signature does not match")
    if (time.time() if now is None else now) >= expires:
        raise KeyRejected(f"cell key for {cell_id!r} expired")
    return CellKey(cell_id, tuple(joined.split(",")))
