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
        self._by_title: dict[str, Page] = {}
        self._by_other: dict[str, Page] = {}
        for page in self.pages:
            self._by_title.setdefault(link_key(page.title), page)
        for page in self.pages:
            self._by_other.setdefault(link_key(page.slug), page)
            stem = page.source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            self._by_other.setdefault(link_key(stem), page)

    def resolve(self, target: str) -> Page | None:
        """The page `target` points at, or None."""
        key = link_key(target)
        return self._by_title.get(key) or self._by_other.get(key)


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
    result: dict[str, list[Page]] = {page.source: [] for page in pages}
    for page in sorted(pages, key=lambda p: p.source):
        for target in outgoing_links(page, index):
            result[target.source].append(page)
    return result


def missing_links(pages: list[Page], index: LinkIndex) -> list[tuple[str, str]]:
    """(source, target) for every wiki link that resolves to nothing, in source order."""
    missing = []
    for page in sorted(pages, key=lambda p: p.source):
        for target in wiki_links(page.body):
            if index.resolve(target) is None:
                missing.append((page.source, target))
    return missing
