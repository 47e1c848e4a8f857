"""Wiki links between pages: `[[Page title]]` or `[[slug]]`, and the backlinks they create.

A target matches a page by title (case-insensitive, runs of whitespace count as one space), by
slug, or by source file stem. Titles win over slugs, and earlier pages (in source order) win over
later ones. A page never counts as its own backlink, and each linking page is listed once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from quire.markdown import wiki_links
from quire.page import Page

_SPACES = re.compile(r"\s+")


def link_key(text: str) -> str:
    """The normalised form used to match a link target."""
    return _SPACES.sub(" ", text.strip()).casefold()


class LinkIndex:
    """Finds pages by wiki link target."""

    def __init__(self, pages: Iterable[Page]) -> None:
        self.pages = list(pages)

    def resolve(self, target: str) -> Page | None:
        """The page `target` points at, or None."""
        key = link_key(target)
        for page in self.pages:
            if link_key(page.title) == key:
                return page
        for page in self.pages:
            stem = page.source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            if key in (link_key(page.slug), link_key(stem)):
                return page
        return None


def outgoing_links(page: Page, index: LinkIndex) -> list[Page]:
    """Pages `page` links to, in order of first appearance, without repeats or itself."""
    seen: list[Page] = []
    ids: set[int] = set()
    for target in wiki_links(page.body):
        found = index.resolve(target)
        if found is not None and found is not page and id(found) not in ids:
            ids.add(id(found))
            seen.append(found)
    return seen


def backlinks(pages: list[Page], index: LinkIndex) -> dict[str, list[Page]]:
    """For every page's source, the pages linking to it, in source order of the linking page."""
    ordered = sorted(pages, key=lambda p: p.source)
    result: dict[str, list[Page]] = {}
    for page in pages:
        result[page.source] = [other for other in ordered if page in outgoing_links(other, index)]
    return result


def missing_links(pages: list[Page], index: LinkIndex) -> list[tuple[str, str]]:
    """(source, target) for every wiki link that resolves to nothing, in source order."""
    missing = []
    for page in sorted(pages, key=lambda p: p.source):
        for target in wiki_links(page.body):
            if index.resolve(target) is None:
                missing.append((page.source, target))
    return missing
