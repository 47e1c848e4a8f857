"""`/sitemap.xml`: every page's absolute URL with the day it last changed."""

from __future__ import annotations

from xml.sax.saxutils import escape

from quire.config import SiteConfig
from quire.dates import iso_day
from quire.page import Page


def render_sitemap(
    pages: list[Page], config: SiteConfig, extra_urls: list[str] | None = None
) -> str:
    """Pages sorted by URL, then `extra_urls` (index, tag pages, archive) without a lastmod."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for page in sorted(pages, key=lambda p: p.url):
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(config.absolute(page.url))}</loc>")
        changed = page.updated or page.date
        if changed is not None:
            lines.append(f"    <lastmod>{iso_day(changed, config.timezone)}</lastmod>")
        lines.append("  </url>")
    for url in extra_urls or []:
        lines.append(f"  <url><loc>{escape(config.absolute(url))}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
