"""The Atom feed (`/feed.xml`) of the newest posts."""

from __future__ import annotations

from xml.sax.saxutils import escape

from quire.config import SiteConfig
from quire.dates import rfc3339
from quire.page import Page


def feed_entries(pages: list[Page], limit: int) -> list[Page]:
    """The `limit` newest posts, newest first."""
    posts = [p for p in pages if p.is_post and p.date is not None]
    return sorted(posts, key=Page.sort_key)[:limit]


def render_feed(pages: list[Page], config: SiteConfig) -> str:
    """The feed document. The feed's `updated` is the latest date or update of its entries."""
    entries = feed_entries(pages, config.feed_limit)
    stamps = [max(p.date, p.updated or p.date) for p in entries if p.date is not None]
    updated = rfc3339(max(stamps)) if stamps else "1970-01-01T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(config.title)}</title>",
        f'  <link href="{escape(config.absolute("/"))}"/>',
        f'  <link rel="self" href="{escape(config.absolute("/feed.xml"))}"/>',
        f"  <id>{escape(config.absolute('/'))}</id>",
        f"  <updated>{updated}</updated>",
    ]
    if config.author:
        lines.append(f"  <author><name>{escape(config.author)}</name></author>")
    for page in entries:
        assert page.date is not None
        url = config.absolute(page.url)
        lines += [
            "  <entry>",
            f"    <title>{escape(page.title)}</title>",
            f'    <link href="{escape(url)}"/>',
            f"    <id>{escape(url)}</id>",
            f"    <published>{rfc3339(page.date)}</published>",
            f"    <updated>{rfc3339(max(page.date, page.updated or page.date))}</updated>",
        ]
        for tag in page.tags:
            lines.append(f'    <category term="{escape(tag)}"/>')
        if page.summary:
            lines.append(f"    <summary>{escape(page.summary)}</summary>")
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
