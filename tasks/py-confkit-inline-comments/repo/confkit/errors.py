"""Exceptions raised by confkit."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration value is missing or has the wrong type."""


class ParseError(ConfigError):
    """A configuration file is malformed.

    `source` names the file (or "<string>") and `line` is 1-based, so that the message points at
    the exact place to fix.
    """

    def __init__(self, message: str, *, source: str = "<string>", line: int = 0) -> None:
        self.message = message
        self.source = source
        self.line = line
        super().__init__(f"{source}:{line}: {message}" if line else f"{source}: {message}")
