"""Finding links in Markdown text."""

from __future__ import annotations

import re
from dataclasses import dataclass

_INLINE = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target><[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_REFERENCE = re.compile(r"^\s{0,3}\[(?P<label>[^\]]+)\]:\s+(?P<target>\S+)", re.MULTILINE)
_EXTERNAL = ("http://", "https://", "mailto:", "ftp://", "tel:")


@dataclass(frozen=True)
class Link:
    target: str
    line: int

    @property
    def is_external(self) -> bool:
        return self.target.lower().startswith(_EXTERNAL)

    @property
    def path(self) -> str:
        return self.target.split("#", 1)[0]

    @property
    def anchor(self) -> str | None:
        return self.target.split("#", 1)[1] if "#" in self.target else None


def extract_links(markdown: str) -> list[Link]:
    """Inline and reference-style link targets with their line numbers, outside code."""
    links: list[Link] = []
    in_fence = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        line = re.sub(r"`[^`]*`", "", line)
        for match in _INLINE.finditer(line):
            links.append(Link(match["target"].strip("<>"), number))
        ref = _REFERENCE.match(line)
        if ref:
            links.append(Link(ref["target"], number))
    return links
