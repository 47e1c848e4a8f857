"""A client-side search index: `search.json` with one entry per page and an inverted index of
the words in titles, tags and bodies.

Words are lower-cased, accents removed, and common English stop words dropped; the index maps
each word to the ids of the pages containing it, best match first (title hits count 5, tag hits
3, body hits 1 per occurrence).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter

from quire.page import Page

_STOP = "a an and are as at be but by for from has have in is it its of on or that the this to was"
STOP_WORDS = frozenset(_STOP.split() + ["were", "will", "with"])
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The index words of `text`, in order, with repeats."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return [w for w in _WORD.findall(plain.lower()) if w not in STOP_WORDS and len(w) > 1]


def page_scores(page: Page) -> Counter[str]:
    """Word -> score for one page."""
    scores: Counter[str] = Counter()
    for word in words(page.title):
        scores[word] += 5
    for tag in page.tags:
        for word in words(tag):
            scores[word] += 3
    for word in words(page.body):
        scores[word] += 1
    return scores


def build_search_index(pages: list[Page]) -> dict[str, object]:
    """`{"pages": [{"id", "title", "url", "summary"}], "index": {word: [ids]}}`."""
    entries = []
    postings: dict[str, list[tuple[int, int]]] = {}
    for number, page in enumerate(sorted(pages, key=lambda p: p.url)):
        entries.append(
            {"id": number, "title": page.title, "url": page.url, "summary": page.summary}
        )
        for word, score in page_scores(page).items():
            postings.setdefault(word, []).append((score, number))
    index = {
        word: [number for _, number in sorted(hits, key=lambda h: (-h[0], h[1]))]
        for word, hits in sorted(postings.items())
    }
    return {"pages": entries, "index": index}


def search(index: dict[str, object], query: str) -> list[int]:
    """Page ids matching every word of `query`, in the order of the first word's postings."""
    table = index["index"]
    assert isinstance(table, dict)
    terms = words(query)
    if not terms:
        return []
    lists = [table.get(term, []) for term in terms]
    common = set(lists[0]).intersection(*map(set, lists[1:]))
    return [number for number in lists[0] if number in common]


def render_search_json(pages: list[Page]) -> str:
    """The `search.json` file."""
    return json.dumps(build_search_index(pages), ensure_ascii=False, sort_keys=True) + "\n"
