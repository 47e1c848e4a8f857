"""Turning text into index terms: lower-case words, stop words dropped, light stemming."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

STOPWORDS = frozenset(
    """a an and are as at be but by for from has have how i if in into is it its of on or
    so that the their then there these this to was were what when where which who will with
    you your""".split()
)


def stem(word: str) -> str:
    """A deliberately light stemmer: plural and possessive endings only."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and (word[-3] in "sxz" or word[-4:-2] in ("ch", "sh")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Index terms of ``text`` in order, duplicates kept."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
