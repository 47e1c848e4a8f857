"""Layering files and environment overrides into one Config with typed getters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

from confkit import types
from confkit.errors import ConfigError
from confkit.parser import ROOT, parse

T = TypeVar("T")
_MISSING = object()


class Config:
    """Merged configuration. Later layers win key by key; sections merge."""

    def __init__(self, sections: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self._sections: dict[str, dict[str, str]] = {ROOT: {}}
        if sections:
            self.merge(sections)

    def merge(self, sections: Mapping[str, Mapping[str, str]]) -> None:
        for name, values in sections.items():
            self._sections.setdefault(name.lower(), {}).update(
                {k.lower(): v for k, v in values.items()}
            )

    def sections(self) -> list[str]:
        return sorted(self._sections)

    def keys(self, section: str) -> list[str]:
        return sorted(self._sections.get(section.lower(), {}))

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {name: dict(values) for name, values in self._sections.items()}

    def get(self, section: str, key: str, default: object = _MISSING) -> str:
        try:
            return self._sections[section.lower()][key.lower()]
        except KeyError:
            if default is _MISSING:
                raise ConfigError(f"missing [{section}] {key}") from None
            return default  # type: ignore[return-value]

    def _typed(self, section: str, key: str, convert: Callable[[str], T], default: object) -> T:
        raw = self.get(section, key, default)
        if raw is default and default is not _MISSING:
            return default  # type: ignore[return-value]
        try:
            return convert(raw)
        except ValueError as exc:
            raise ConfigError(f"[{section}] {key}: {exc}") from None

    def get_bool(self, section: str, key: str, default: object = _MISSING) -> bool:
        return self._typed(section, key, types.to_bool, default)

    def get_int(self, section: str, key: str, default: object = _MISSING) -> int:
        return self._typed(section, key, types.to_int, default)

    def get_list(self, section: str, key: str, default: object = _MISSING) -> list[str]:
        return self._typed(section, key, types.to_list, default)

    def get_duration(self, section: str, key: str, default: object = _MISSING) -> float:
        return self._typed(section, key, types.to_duration, default)

    def get_size(self, section: str, key: str, default: object = _MISSING) -> int:
        return self._typed(section, key, types.to_size, default)


def env_overrides(env: Mapping[str, str], prefix: str) -> dict[str, dict[str, str]]:
    """`PREFIX_SECTION__KEY=value` sets [section] key; `PREFIX_KEY` sets a root key."""
    out: dict[str, dict[str, str]] = {}
    for name, value in env.items():
        if not prefix or not name.startswith(prefix):
            continue
        rest = name[len(prefix) :].lower()
        section, sep, key = rest.partition("__")
        if not sep:
            section, key = ROOT, rest
        if key:
            out.setdefault(section.replace("_", "."), {})[key] = value
    return out


def loads(*texts: str, env: Mapping[str, str] | None = None, prefix: str = "") -> Config:
    cfg = Config()
    for i, text in enumerate(texts):
        cfg.merge(parse(text, source=f"<string {i}>"))
    if env is not None:
        cfg.merge(env_overrides(env, prefix))
    return cfg


def load(
    paths: Iterable[str | Path],
    *,
    env: Mapping[str, str] | None = None,
    prefix: str = "",
    missing_ok: bool = False,
) -> Config:
    """Read files in order (later ones win), then apply environment overrides."""
    cfg = Config()
    for path in map(Path, paths):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if missing_ok:
                continue
            raise ConfigError(f"{path}: file not found") from None
        cfg.merge(parse(text, source=str(path)))
    if env is not None:
        cfg.merge(env_overrides(env, prefix))
    return cfg
