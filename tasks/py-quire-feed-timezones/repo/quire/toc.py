"""Tables of contents built from a page's headings."""

from __future__ import annotations

import html

from quire.markdown import render_document


def headings(markdown: str) -> list[tuple[int, str, str]]:
    """(level, text, anchor) for every heading of a document, in order."""
    _, ctx = render_document(markdown)
    return list(ctx.headings)


def render_toc(markdown: str, min_level: int = 2, max_level: int = 3) -> str:
    """A nested `<ul>` of the headings between `min_level` and `max_level`; "" when none."""
    items = [
        (lvl, text, anchor)
        for lvl, text, anchor in headings(markdown)
        if min_level <= lvl <= max_level
    ]
    if not items:
        return ""
    out: list[str] = []
    depth = 0
    for level, text, anchor in items:
        target = level - min_level + 1
        while depth < target:
            out.append("<ul>")
            depth += 1
        while depth > target:
            out.append("</ul>")
            depth -= 1
        out.append(f'<li><a href="#{anchor}">{html.escape(text)}</a></li>')
    out.extend("</ul>" for _ in range(depth))
    return "\n".join(out)
