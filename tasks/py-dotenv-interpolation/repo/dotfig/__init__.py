"""dotfig: .env files into typed settings."""

from dotfig.errors import DotenvSyntaxError, SettingError
from dotfig.loader import load_dotenv
from dotfig.parser import parse_dotenv
from dotfig.settings import Settings

__all__ = ["DotenvSyntaxError", "SettingError", "Settings", "load_dotenv", "parse_dotenv"]
