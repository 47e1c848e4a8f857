"""confkit: layered INI-style configuration."""

from confkit.errors import ConfigError, ParseError
from confkit.loader import Config, load, loads
from confkit.parser import parse

__all__ = ["Config", "ConfigError", "ParseError", "load", "loads", "parse"]
