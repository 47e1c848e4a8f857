"""A small template language for page layouts.

    <h1>{{ page.title }}</h1>
    {% for post in posts %}<li>{{ post.title | upper }}</li>{% endfor %}
    {% if page.tags %}Tagged {{ page.tags | join:", " }}{% else %}No tags{% endif %}
    {{ page.html | safe }}

`{{ expr }}` prints a value, HTML-escaped unless the last filter is `safe`. An expression is a
dotted path looked up in the context (attributes or dict keys); filters follow `|`, with an
optional `:"argument"`. Inside a loop, `loop.index` (from 1), `loop.first` and `loop.last` are
defined. Unknown names are a TemplateError (strict), except after `default`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from quire.errors import TemplateError

_TOKEN = re.compile(r"({{.*?}}|{%.*?%})", re.S)
_FILTER = re.compile(r'^\s*([a-z_]+)\s*(?::\s*"((?:[^"\\]|\\.)*)")?\s*$')
_MISSING = object()

Filter = Callable[[Any, "str | None"], Any]


def _join(value: Any, arg: str | None) -> str:
    return (arg if arg is not None else ", ").join(str(v) for v in value)


FILTERS: dict[str, Filter] = {
    "upper": lambda v, _a: str(v).upper(),
    "lower": lambda v, _a: str(v).lower(),
    "title": lambda v, _a: str(v).title(),
    "length": lambda v, _a: len(v),
    "join": _join,
    "default": lambda v, a: a if v is _MISSING or v in (None, "") else v,
    "first": lambda v, _a: v[0] if v else "",
    "truncate": lambda v, a: (
        str(v) if len(str(v)) <= int(a or 80) else str(v)[: int(a or 80)] + "…"
    ),
}


@dataclass
class _Node:
    kind: str  # text, expr, for, if
    value: str = ""
    body: list[_Node] | None = None
    other: list[_Node] | None = None
    var: str = ""
    line: int = 1


class Template:
    """A parsed template; `render(context)` returns a string."""

    def __init__(self, source: str, name: str = "<template>") -> None:
        self.name = name
        self.nodes = self._parse(source)

    def _parse(self, source: str) -> list[_Node]:
        root: list[_Node] = []
        stack: list[tuple[_Node, list[_Node]]] = []
        current = root
        line = 1
        for token in _TOKEN.split(source):
            if not token:
                continue
            start_line = line
            line += token.count("\n")
            if token.startswith("{{"):
                current.append(_Node("expr", token[2:-2].strip(), line=start_line))
            elif token.startswith("{%"):
                words = token[2:-2].strip().split(None, 1)
                tag = words[0] if words else ""
                rest = words[1] if len(words) > 1 else ""
                if tag == "for":
                    match = re.match(r"^([a-z_][a-z0-9_]*)\s+in\s+(.+)$", rest)
                    if not match:
                        raise TemplateError(f"bad for tag {token!r}", self.name, start_line)
                    node = _Node(
                        "for", match.group(2).strip(), body=[], var=match.group(1), line=start_line
                    )
                    current.append(node)
                    stack.append((node, current))
                    current = node.body  # type: ignore[assignment]
                elif tag == "if":
                    node = _Node("if", rest.strip(), body=[], other=[], line=start_line)
                    current.append(node)
                    stack.append((node, current))
                    current = node.body  # type: ignore[assignment]
                elif tag == "else":
                    if not stack or stack[-1][0].kind != "if":
                        raise TemplateError("else outside if", self.name, start_line)
                    current = stack[-1][0].other  # type: ignore[assignment]
                elif tag in ("endfor", "endif"):
                    want = tag[3:]
                    if not stack or stack[-1][0].kind != want:
                        raise TemplateError(f"unexpected {tag}", self.name, start_line)
                    _, current = stack.pop()
                else:
                    raise TemplateError(f"unknown tag {tag!r}", self.name, start_line)
            else:
                current.append(_Node("text", token, line=start_line))
        if stack:
            node = stack[-1][0]
            raise TemplateError(f"{node.kind} is never closed", self.name, node.line)
        return root

    def render(self, context: dict[str, Any]) -> str:
        out: list[str] = []
        self._render(self.nodes, dict(context), out)
        return "".join(out)

    def _render(self, nodes: list[_Node], scope: dict[str, Any], out: list[str]) -> None:
        for node in nodes:
            if node.kind == "text":
                out.append(node.value)
            elif node.kind == "expr":
                value, safe = self._evaluate(node.value, scope, node.line)
                text = "" if value is None else str(value)
                out.append(text if safe else html.escape(text, quote=True))
            elif node.kind == "for":
                items, _ = self._evaluate(node.value, scope, node.line)
                items = list(items)
                for index, item in enumerate(items):
                    inner = dict(scope)
                    inner[node.var] = item
                    inner["loop"] = {
                        "index": index + 1,
                        "first": index == 0,
                        "last": index == len(items) - 1,
                    }
                    self._render(node.body or [], inner, out)
            else:
                value, _ = self._evaluate(node.value, scope, node.line)
                self._render((node.body if value else node.other) or [], scope, out)

    def _evaluate(self, expr: str, scope: dict[str, Any], line: int) -> tuple[Any, bool]:
        parts = _split_filters(expr)
        value = lookup(scope, parts[0].strip(), self.name, line, strict=not _has_default(parts[1:]))
        safe = False
        for raw in parts[1:]:
            match = _FILTER.match(raw)
            if not match:
                raise TemplateError(f"bad filter {raw.strip()!r}", self.name, line)
            name, arg = match.group(1), match.group(2)
            if name == "safe":
                safe = True
                continue
            if name not in FILTERS:
                raise TemplateError(f"unknown filter {name!r}", self.name, line)
            safe = False
            value = FILTERS[name](value, arg.replace('\\"', '"') if arg is not None else None)
        if value is _MISSING:
            value = ""
        return value, safe


def _has_default(filters: list[str]) -> bool:
    return any((m := _FILTER.match(f)) and m.group(1) == "default" for f in filters)


def _split_filters(expr: str) -> list[str]:
    parts, current, quoted = [], "", False
    for ch in expr:
        if ch == '"':
            quoted = not quoted
        if ch == "|" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def lookup(scope: dict[str, Any], path: str, name: str, line: int, strict: bool = True) -> Any:
    """Resolves `a.b.c` in `scope` (dict keys or attributes)."""
    if not re.match(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$", path, re.I):
        raise TemplateError(f"bad expression {path!r}", name, line)
    value: Any = scope
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif not isinstance(value, dict) and hasattr(value, part):
            value = getattr(value, part)
        else:
            if strict:
                raise TemplateError(f"unknown name {path!r}", name, line)
            return _MISSING
    return value


DEFAULT_TEMPLATES = {
    "page": (
        "<!doctype html>\n<html><head><title>{{ page.title }} | {{ site.title }}</title></head>\n"
        "<body><main><h1>{{ page.title }}</h1>\n{{ page.html | safe }}</main>\n"
        "{% if backlinks %}<aside><h2>Linked from</h2><ul>{% for b in backlinks %}"
        '<li><a href="{{ b.url }}">{{ b.title }}</a></li>{% endfor %}</ul></aside>{% endif %}'
        "</body></html>\n"
    ),
    "list": (
        "<!doctype html>\n<html><head><title>{{ heading }} | {{ site.title }}</title></head>\n"
        "<body><h1>{{ heading }}</h1>\n<ul>\n{% for post in posts %}"
        '<li><a href="{{ post.url }}">{{ post.title }}</a> <time>{{ post.day }}</time></li>\n'
        "{% endfor %}</ul></body></html>\n"
    ),
}
