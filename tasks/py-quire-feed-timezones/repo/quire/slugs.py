"""URL slugs: lower-case ASCII words joined by hyphens.

Letters with accents are reduced to their base letter ("Crème brûlée" -> "creme-brulee"); other
characters that are not letters or digits separate words. Slugs are unique within a site: a
repeated slug gets "-2", "-3", ... appended in the order the pages are seen.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 80) -> str:
    """The slug of `text`; "untitled" when nothing usable is left."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = _SEPARATORS.sub("-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "untitled"


class SlugRegistry:
    """Hands out unique slugs."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, slug: str) -> str:
        """`slug`, or `slug-2`, `slug-3`, ... when already taken."""
        candidate = slug
        n = 2
        while candidate in self._taken:
            candidate = f"{slug}-{n}"
            n += 1
        self._taken.add(candidate)
        return candidate

    def __contains__(self, slug: str) -> bool:
        return slug in self._taken
