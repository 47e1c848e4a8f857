"""Tags: which posts carry which tag, and the URL of each tag page."""

from __future__ import annotations

from quire.page import Page
from quire.slugs import slugify


def tag_url(tag: str) -> str:
    """`/tags/<slug>/` for a tag."""
    return f"/tags/{slugify(tag)}/"


def tag_index(pages: list[Page]) -> dict[str, list[Page]]:
    """Tag -> posts carrying it (newest first); tags sorted alphabetically."""
    index: dict[str, list[Page]] = {}
    for page in pages:
        if not page.is_post:
            continue
        for tag in page.tags:
            index.setdefault(tag, []).append(page)
    return {tag: sorted(index[tag], key=Page.sort_key) for tag in sorted(index)}


def tag_counts(pages: list[Page]) -> list[tuple[str, int]]:
    """(tag, number of posts), most used first, ties alphabetical."""
    counts = [(tag, len(posts)) for tag, posts in tag_index(pages).items()]
    return sorted(counts, key=lambda item: (-item[1], item[0]))
