"""Checking the links of every Markdown file under a folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from mdlinks.parser import extract_links
from mdlinks.slugs import heading_anchors

MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class BrokenLink:
    source: Path
    line: int
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.target}: {self.reason}"


def _anchors(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        cache[path] = heading_anchors(path.read_text(encoding="utf-8"))
    return cache[path]


def check_tree(root: Path) -> list[BrokenLink]:
    """Broken relative links in all Markdown files under ``root``, sorted by file and line."""
    root = root.resolve()
    cache: dict[Path, set[str]] = {}
    broken: list[BrokenLink] = []
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in MARKDOWN_SUFFIXES)
    for source in files:
        text = source.read_text(encoding="utf-8")
        for link in extract_links(text):
            if link.is_external or not link.target:
                continue
            rel = source.relative_to(root)
            if link.path:
                target = (source.parent / unquote(link.path)).resolve()
                if not target.exists():
                    broken.append(BrokenLink(rel, link.line, link.target, "no such file"))
                    continue
                if root not in target.parents and target != root:
                    broken.append(BrokenLink(rel, link.line, link.target, "outside the docs"))
                    continue
            else:
                target = source
            if link.anchor and target.suffix.lower() in MARKDOWN_SUFFIXES:
                if link.anchor.lower() not in _anchors(target, cache):
                    broken.append(BrokenLink(rel, link.line, link.target, "no such heading"))
    return broken
