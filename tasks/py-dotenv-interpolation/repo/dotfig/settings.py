"""Typed access to string settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from dotfig.errors import SettingError

T = TypeVar("T")
_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Settings:
    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)

    def _raw(self, key: str, default: object) -> str | object:
        if key in self._values:
            return self._values[key]
        if default is _MISSING:
            raise SettingError(f"{key} is not set")
        return default

    def get_str(self, key: str, default: object = _MISSING) -> str:
        return self._raw(key, default)  # type: ignore[return-value]

    def get_int(self, key: str, default: object = _MISSING) -> int:
        raw = self._raw(key, default)
        if not isinstance(raw, str):
            return raw  # type: ignore[return-value]
        try:
            return int(raw.strip())
        except ValueError:
            raise SettingError(f"{key}={raw!r} is not an integer") from None

    def get_bool(self, key: str, default: object = _MISSING) -> bool:
        raw = self._raw(key, default)
        if not isinstance(raw, str):
            return raw  # type: ignore[return-value]
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise SettingError(f"{key}={raw!r} is not a boolean")

    def get_list(self, key: str, default: object = _MISSING, sep: str = ",") -> list[str]:
        raw = self._raw(key, default)
        if not isinstance(raw, str):
            return raw  # type: ignore[return-value]
        return [item.strip() for item in raw.split(sep) if item.strip()]
