"""Redirect pages for old URLs: a page may list `aliases: [/old/path/, /2019/x/]` in its front
matter, and each alias gets a tiny HTML page that redirects to the page's URL."""

from __future__ import annotations

import html

from quire.errors import QuireError
from quire.page import Page


def redirect_html(target: str) -> str:
    """A page that sends the browser to `target` (meta refresh plus a link)."""
    url = html.escape(target, quote=True)
    return (
        "<!doctype html>\n<html><head>"
        f'<meta http-equiv="refresh" content="0; url={url}">'
        f'<link rel="canonical" href="{url}">'
        f'</head><body><a href="{url}">Moved here</a></body></html>\n'
    )


def alias_files(pages: list[Page], taken: set[str]) -> dict[str, str]:
    """Output path -> redirect page for every alias; an alias may not shadow a real output."""
    files: dict[str, str] = {}
    for page in pages:
        raw = page.meta.get("aliases", [])
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list):
            raise QuireError("aliases must be a list of paths", page.source)
        for alias in raw:
            path = "/" + str(alias).strip("/") + "/"
            out = path.strip("/") + "/index.html"
            if out in taken or out in files:
                raise QuireError(f"alias {path} collides with another output", page.source)
            files[out] = redirect_html(page.url)
    return files
