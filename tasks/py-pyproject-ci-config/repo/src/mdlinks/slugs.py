"""GitHub-style heading anchors."""

from __future__ import annotations

import re

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


def slugify(title: str) -> str:
    """``"Install & Run (v2)"`` -> ``"install--run-v2"``"""
    text = re.sub(r"`([^`]*)`", r"\1", title.strip().lower())
    text = _DROP.sub("", text)
    return text.replace(" ", "-")


def heading_anchors(markdown: str) -> set[str]:
    """Every anchor a document's headings define; fenced code blocks are ignored."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    in_fence = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        match = _HEADING.match(line)
        if not match:
            continue
        slug = slugify(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors
