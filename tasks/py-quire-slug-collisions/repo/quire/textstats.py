"""Word counts and reading times for page summaries."""

from __future__ import annotations

import math
import re

_CODE_FENCE = re.compile(r"^```.*?^```\s*$", re.S | re.M)
_WORD = re.compile(r"[\w'’-]+", re.U)
_MARKUP = re.compile(r"[*_`#>\[\]()!|]")


def word_count(markdown: str, include_code: bool = False) -> int:
    """Words in a Markdown body; fenced code is left out unless `include_code`."""
    text = markdown if include_code else _CODE_FENCE.sub(" ", markdown)
    text = _MARKUP.sub(" ", text)
    return sum(1 for w in _WORD.findall(text) if any(ch.isalnum() for ch in w))


def reading_minutes(markdown: str, words_per_minute: int = 220) -> int:
    """Whole minutes to read the body, at least 1 for any non-empty text."""
    if words_per_minute <= 0:
        raise ValueError("words_per_minute must be positive")
    words = word_count(markdown)
    return 0 if words == 0 else max(1, math.ceil(words / words_per_minute))
