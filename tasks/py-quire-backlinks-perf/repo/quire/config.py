"""Site configuration, read from `quire.toml`:

    title = "Field notes"
    base_url = "https://notes.example.org"
    author = "R. Lee"
    timezone = "+01:00"
    feed_limit = 20
    strict_links = false

Every key is optional except `title` and `base_url`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timezone
from pathlib import Path

from quire.dates import parse_offset
from quire.errors import ConfigError


@dataclass
class SiteConfig:
    """Settings for one site."""

    title: str
    base_url: str
    author: str = ""
    timezone: timezone = UTC
    feed_limit: int = 20
    strict_links: bool = False
    posts_dir: str = "posts"
    include_drafts: bool = False
    now: datetime | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def absolute(self, url: str) -> str:
        """`url` (a site path such as `/posts/x/`) as an absolute URL."""
        return self.base_url.rstrip("/") + "/" + url.lstrip("/")

    def current_time(self) -> datetime:
        """The build's notion of now (fixed by `now` for reproducible builds)."""
        return self.now if self.now is not None else datetime.now(UTC)


_KNOWN = {"title", "base_url", "author", "timezone", "feed_limit", "strict_links", "posts_dir"}


def config_from_dict(data: dict[str, object], source: str = "quire.toml") -> SiteConfig:
    """Validates a parsed configuration table."""
    for key in ("title", "base_url"):
        if not isinstance(data.get(key), str) or not str(data[key]).strip():
            raise ConfigError(f"{key} is required and must be a string", source)
    base_url = str(data["base_url"])
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"base_url must start with http:// or https://, got {base_url!r}", source)
    feed_limit = data.get("feed_limit", 20)
    if not isinstance(feed_limit, int) or isinstance(feed_limit, bool) or feed_limit < 1:
        raise ConfigError("feed_limit must be a positive integer", source)
    strict = data.get("strict_links", False)
    if not isinstance(strict, bool):
        raise ConfigError("strict_links must be true or false", source)
    try:
        tz = parse_offset(str(data.get("timezone", "UTC")))
    except Exception as exc:
        raise ConfigError(str(exc), source) from None
    return SiteConfig(
        title=str(data["title"]),
        base_url=base_url,
        author=str(data.get("author", "")),
        timezone=tz,
        feed_limit=feed_limit,
        strict_links=strict,
        posts_dir=str(data.get("posts_dir", "posts")).strip("/"),
        extra={k: v for k, v in data.items() if k not in _KNOWN},
    )


def load_config(path: Path) -> SiteConfig:
    """Reads and validates `quire.toml`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("no such file", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", str(path)) from None
    return config_from_dict(data, str(path))
