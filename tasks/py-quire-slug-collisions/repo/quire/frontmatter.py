"""Front matter: the `---` block at the top of a page.

The block uses a small YAML subset, enough for page metadata:

    ---
    title: Hello, world
    date: 2024-03-10T09:00:00+01:00
    tags: [python, "static sites"]
    draft: false
    weight: 3
    ---

Values are strings, integers, booleans (`true`/`false`), or lists in brackets. Quotes keep a
value a string (`"3"`, `"true"`). Keys are lower-cased. A page without a block has no metadata.
"""

from __future__ import annotations

import re

from quire.errors import FrontMatterError

_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(.*)$")
_INT = re.compile(r"^-?\d+$")


def split_front_matter(text: str, source: str | None = None) -> tuple[dict[str, object], str, int]:
    """(metadata, body, body_line): the parsed block, the rest of the page, and the 1-based line
    number the body starts on."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            meta = parse_block(lines[1:index], source)
            return meta, "".join(lines[index + 1 :]), index + 2
    raise FrontMatterError("front matter block is never closed with ---", source, 1)


def parse_block(lines: list[str], source: str | None = None) -> dict[str, object]:
    """Parses the lines between the `---` markers."""
    meta: dict[str, object] = {}
    for number, raw in enumerate(lines, start=2):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY.match(line)
        if not match:
            raise FrontMatterError(f"expected 'key: value', got {line.strip()!r}", source, number)
        key = match.group(1).lower()
        if key in meta:
            raise FrontMatterError(f"duplicate key {key!r}", source, number)
        meta[key] = parse_value(match.group(2).strip(), source, number)
    return meta


def parse_value(text: str, source: str | None = None, line: int | None = None) -> object:
    """One scalar or bracketed list."""
    if text.startswith("["):
        if not text.endswith("]"):
            raise FrontMatterError(f"unclosed list {text!r}", source, line)
        inner = text[1:-1].strip()
        if not inner:
            return []
        return [parse_scalar(item.strip(), source, line) for item in _split_list(inner)]
    return parse_scalar(text, source, line)


def _split_list(inner: str) -> list[str]:
    items, current, quote = [], "", ""
    for ch in inner:
        if quote:
            current += ch
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
            current += ch
        elif ch == ",":
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    return items


def parse_scalar(text: str, source: str | None = None, line: int | None = None) -> object:
    """A quoted string, boolean, integer or bare string."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    if _INT.match(text):
        return int(text)
    if text and text[0] in "\"'":
        raise FrontMatterError(f"unterminated quote in {text!r}", source, line)
    return text
