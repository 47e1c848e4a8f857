"""Per-cell scoped proxy keys: `sk-cab-<cell id, base64url>.<expiry, unix s>.<HMAC-SHA256>`.

The HMAC key is a per-proxy secret that never leaves the proxy's host process, so a key is
worthless on another proxy, after its expiry, and once the proxy that minted it has stopped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

KEY_PREFIX = "sk-cab-"


class KeyRejected(Exception):
    """Why a key was refused (one line, safe to show the caller)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, cell_id: str, expires: int) -> str:
    msg = f"cab-cell-key\n{cell_id}\n{expires}".encode()
    return _b64(hmac.new(secret, msg, hashlib.sha256).digest())


def mint_cell_key(secret: bytes, cell_id: str, ttl_s: float, now: float | None = None) -> str:
    if not cell_id:
        raise ValueError("cell id must not be empty")
    expires = int((time.time() if now is None else now) + ttl_s)
    return f"{KEY_PREFIX}{_b64(cell_id.encode())}.{expires}.{_mac(secret, cell_id, expires)}"


def verify_cell_key(secret: bytes, key: str, now: float | None = None) -> str:
    """The cell id the key was minted for; KeyRejected when forged, malformed or expired."""
    if not key.startswith(KEY_PREFIX):
        raise KeyRejected("not a cell key")
    try:
        cell_b64, expires_text, mac = key[len(KEY_PREFIX) :].split(".")
        cell_id = _unb64(cell_b64).decode()
        expires = int(expires_text)
    except ValueError:
        raise KeyRejected("malformed cell key") from None
    if not hmac.compare_digest(mac, _mac(secret, cell_id, expires)):
        raise KeyRejected("cell key signature does not match")
    if (time.time() if now is None else now) >= expires:
        raise KeyRejected(f"cell key for {cell_id!r} expired")
    return cell_id
