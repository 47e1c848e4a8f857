"""Loading .env files from disk."""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

from dotfig.parser import parse_dotenv


def load_dotenv(
    path: str | Path,
    environ: MutableMapping[str, str] | None = None,
    override: bool = False,
    export: bool = False,
) -> dict[str, str]:
    """Parse ``path``. With ``export=True`` the values are also written into ``environ``
    (default: ``os.environ``); existing variables are kept unless ``override``."""
    target = os.environ if environ is None else environ
    values = parse_dotenv(Path(path).read_text(encoding="utf-8"), environ=target)
    if export:
        for key, value in values.items():
            if override or key not in target:
                target[key] = value
    return values
