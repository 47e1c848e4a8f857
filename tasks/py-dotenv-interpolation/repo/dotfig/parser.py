"""Parsing the text of a .env file."""

from __future__ import annotations

import re
from collections.abc import Mapping

from dotfig.errors import DotenvSyntaxError

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _split_assignment(line: str, number: int) -> tuple[str, str]:
    if line.startswith("export "):
        line = line[len("export ") :].lstrip()
    key, sep, value = line.partition("=")
    key = key.strip()
    if not sep:
        raise DotenvSyntaxError(number, f"expected KEY=value, got {line!r}")
    if not _KEY.match(key):
        raise DotenvSyntaxError(number, f"invalid key {key!r}")
    return key, value.strip()


def _double_quoted(body: str, number: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _quoted_end(value: str, quote: str) -> int:
    """Index of the closing quote (skipping escaped ones in double quotes), or -1."""
    i = 1
    while i < len(value):
        if quote == '"' and value[i] == "\\":
            i += 2
            continue
        if value[i] == quote:
            return i
        i += 1
    return -1


def _value(raw: str, number: int) -> str:
    if raw[:1] in ("'", '"'):
        quote = raw[0]
        end = _quoted_end(raw, quote)
        if end < 0:
            raise DotenvSyntaxError(number, f"unterminated {quote} quote")
        rest = raw[end + 1 :].strip()
        if rest and not rest.startswith("#"):
            raise DotenvSyntaxError(number, f"unexpected text after closing quote: {rest!r}")
        body = raw[1:end]
        return body if quote == "'" else _double_quoted(body, number)
    # unquoted: an inline comment starts at whitespace followed by '#'
    match = re.search(r"\s#", raw)
    return (raw[: match.start()] if match else raw).strip()


def parse_dotenv(text: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Keys and values of a .env file, in file order; a repeated key keeps its last value.

    ``environ`` is accepted for API stability with loaders that pass the process environment.
    """
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, raw = _split_assignment(stripped, number)
        values[key] = _value(raw, number)
    return values
