"""Errors raised by quire. Each carries the source file (and line) it is about, when known."""

from __future__ import annotations


class QuireError(Exception):
    """Base class of every quire error."""

    def __init__(self, message: str, source: str | None = None, line: int | None = None) -> None:
        where = ""
        if source is not None:
            where = f"{source}:{line}: " if line is not None else f"{source}: "
        super().__init__(f"{where}{message}")
        self.source = source
        self.line = line


class FrontMatterError(QuireError):
    """The front matter block of a page is malformed."""


class TemplateError(QuireError):
    """A template does not parse, or refers to something that does not exist."""


class ConfigError(QuireError):
    """The site configuration is missing a value or has one of the wrong type."""


class LinkError(QuireError):
    """A wiki link points at a page that does not exist (in strict mode)."""
