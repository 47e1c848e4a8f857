"""The file format: sections, keys, quoted values, comments and continuation lines.

`parse` turns text into `{section: {key: value}}` with every value a string; typing happens in
`confkit.types` when a value is read.
"""

from __future__ import annotations

import re

from confkit.errors import ParseError

ROOT = ""
_SECTION = re.compile(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]$")
_KEY_VALUE = re.compile(r"^([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
COMMENT_CHARS = "#;"


def _strip_inline_comment(raw: str) -> str:
    """Drop a trailing inline comment from the text after `=`."""
    cut = len(raw)
    for marker in COMMENT_CHARS:
        pos = raw.find(marker)
        if pos != -1:
            cut = min(cut, pos)
    return raw[:cut].rstrip()


def _unquote(value: str, *, source: str, line: int) -> str:
    """Remove surrounding quotes and resolve escapes in double-quoted values."""
    if not value or value[0] not in "\"'":
        return value
    quote = value[0]
    if len(value) < 2 or value[-1] != quote:
        raise ParseError("unterminated quoted value", source=source, line=line)
    body = value[1:-1]
    if quote == "'":
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body) or body[i + 1] not in _ESCAPES:
                raise ParseError(f"bad escape in {value!r}", source=source, line=line)
            out.append(_ESCAPES[body[i + 1]])
            i += 2
            continue
        if ch == '"':
            raise ParseError("unescaped quote inside a quoted value", source=source, line=line)
        out.append(ch)
        i += 1
    return "".join(out)


def parse(text: str, *, source: str = "<string>") -> dict[str, dict[str, str]]:
    """Parse one file's text. Keys before the first section go to the root section ""."""
    sections: dict[str, dict[str, str]] = {ROOT: {}}
    current = ROOT
    last_key: str | None = None
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped[0] in COMMENT_CHARS:
            continue
        if line[0] in " \t":
            if last_key is None:
                raise ParseError("continuation line without a key", source=source, line=lineno)
            previous = sections[current][last_key]
            addition = _strip_inline_comment(stripped)
            sections[current][last_key] = f"{previous}\n{addition}" if previous else addition
            continue
        match = _SECTION.match(stripped)
        if match:
            current = match.group(1).lower()
            sections.setdefault(current, {})
            last_key = None
            continue
        match = _KEY_VALUE.match(stripped)
        if not match:
            raise ParseError(
                f"expected 'key = value', got {stripped!r}", source=source, line=lineno
            )
        key = match.group(1).lower()
        if key in sections[current]:
            raise ParseError(f"duplicate key {key!r}", source=source, line=lineno)
        raw = _strip_inline_comment(match.group(2))
        sections[current][key] = _unquote(raw, source=source, line=lineno)
        last_key = key
    return sections
