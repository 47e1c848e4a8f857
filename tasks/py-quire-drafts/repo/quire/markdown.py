"""A Markdown renderer for the subset quire documents.

Blocks: ATX headings (`#` to `######`, each with an `id` from its text), paragraphs, fenced code
(three backticks, optional language), block quotes (`>`), thematic breaks (`---`, `***`), and
lists: bullets (`-`, `*`, `+`) and numbers (`1.`; a list starting at another number keeps it in
`start`). A list item's content is indented to the column after its marker; an item line indented
that far holding another marker starts a nested list, so lists nest to any depth, and a bullet
list may hold a numbered one and the other way round. A list is *tight* when no blank line
separates its items; tight items render without `<p>`.

Inline: `code`, **strong**, *emphasis* (or _emphasis_), [links](url), ![images](src), autolinks
<https://...>, wiki links [[Page title]] or [[Page title|label]] (resolved by a callback), and
backslash escapes. HTML in the source is escaped, never passed through.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from quire.slugs import SlugRegistry, slugify

WikiResolver = Callable[[str], "str | None"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^```\s*([\w+-]*)\s*$")
_HR = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_LIST = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])(\s+)(.*)$")
_WIKI = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")


@dataclass
class RenderContext:
    """State shared while rendering one document."""

    resolve_wiki: WikiResolver | None = None
    heading_ids: SlugRegistry = field(default_factory=SlugRegistry)
    wiki_targets: list[str] = field(default_factory=list)
    headings: list[tuple[int, str, str]] = field(default_factory=list)


def render_markdown(text: str, resolve_wiki: WikiResolver | None = None) -> str:
    """Renders a whole document to HTML."""
    return render_document(text, resolve_wiki)[0]


def render_document(
    text: str, resolve_wiki: WikiResolver | None = None
) -> tuple[str, RenderContext]:
    """Renders a document; also returns the context (headings, wiki link targets)."""
    ctx = RenderContext(resolve_wiki=resolve_wiki)
    lines = text.replace("\r\n", "\n").replace("\t", "    ").split("\n")
    blocks = _parse_blocks(lines, ctx)
    return "".join(block + "\n" for block in blocks), ctx


def _starts_block(line: str) -> bool:
    return bool(
        _HEADING.match(line)
        or _FENCE.match(line.strip())
        or _HR.match(line)
        or _QUOTE.match(line)
        or _LIST.match(line)
    )


def _parse_blocks(lines: list[str], ctx: RenderContext, tight: bool = False) -> list[str]:
    blocks: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if _HR.match(line) and not (_LIST.match(line) and not _HR.match(line)):
            blocks.append("<hr>")
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            text = heading.group(2)
            anchor = ctx.heading_ids.claim(slugify(text))
            ctx.headings.append((level, text, anchor))
            blocks.append(f'<h{level} id="{anchor}">{render_inline(text, ctx)}</h{level}>')
            i += 1
            continue
        fence = _FENCE.match(line.strip())
        if fence:
            i, block = _parse_fence(lines, i, fence.group(1))
            blocks.append(block)
            continue
        if _QUOTE.match(line):
            quoted = []
            while i < n and lines[i].strip() and (m := _QUOTE.match(lines[i])):
                quoted.append(m.group(1))
                i += 1
            inner = "".join(b + "\n" for b in _parse_blocks(quoted, ctx))
            blocks.append(f"<blockquote>\n{inner}</blockquote>")
            continue
        if _LIST.match(line):
            i, block = _parse_list(lines, i, ctx)
            blocks.append(block)
            continue
        para = [line.strip()]
        i += 1
        while i < n and lines[i].strip() and not _starts_block(lines[i]):
            para.append(lines[i].strip())
            i += 1
        content = render_inline("\n".join(para), ctx)
        blocks.append(content if tight else f"<p>{content}</p>")
    return blocks


def _parse_fence(lines: list[str], i: int, language: str) -> tuple[int, str]:
    body = []
    i += 1
    while i < len(lines) and lines[i].strip() != "```":
        body.append(lines[i])
        i += 1
    code = html.escape("\n".join(body) + ("\n" if body else ""), quote=False)
    cls = f' class="language-{language}"' if language else ""
    return i + 1, f"<pre><code{cls}>{code}</code></pre>"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _parse_list(lines: list[str], i: int, ctx: RenderContext) -> tuple[int, str]:
    first = _LIST.match(lines[i])
    assert first is not None
    base = len(first.group(1))
    ordered = first.group(2)[0].isdigit()
    start = int(first.group(2)[:-1]) if ordered else 1
    items: list[list[str]] = []
    loose = False
    content_indent = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        marker = _LIST.match(line)
        if marker and len(marker.group(1)) == base and marker.group(2)[0].isdigit() == ordered:
            content_indent = base + len(marker.group(2)) + len(marker.group(3))
            items.append([marker.group(4)])
            i += 1
            continue
        if not line.strip():
            # a blank line continues the list only if more of it follows
            j = i + 1
            while j < n and not lines[j].strip():
                j += 1
            if j < n and (
                _indent(lines[j]) >= content_indent
                or (
                    (m := _LIST.match(lines[j]))
                    and len(m.group(1)) == base
                    and m.group(2)[0].isdigit() == ordered
                )
            ):
                loose = True
                items[-1].extend([""] * (j - i))
                i = j
                continue
            break
        if _indent(line) >= content_indent:
            items[-1].append(line[content_indent:])
            i += 1
            continue
        if marker or _starts_block(line) or _indent(line) < base:
            break
        items[-1].append(line.strip())  # lazy paragraph continuation
        i += 1
    tag = "ol" if ordered else "ul"
    attrs = f' start="{start}"' if ordered and start != 1 else ""
    out = [f"<{tag}{attrs}>"]
    for item in items:
        inner = _parse_blocks(item, ctx, tight=not loose)
        if len(inner) == 1 and not inner[0].startswith("<"):
            out.append(f"<li>{inner[0]}</li>")
        else:
            out.append("<li>" + "\n".join(inner) + "</li>")
    out.append(f"</{tag}>")
    return i, "\n".join(out)


_INLINE = re.compile(
    r"(?P<escape>\\[\\`*_\[\]()#+\-.!<>|])"
    r"|(?P<code>`+)(?P<code_body>.+?)(?P=code)"
    r"|(?P<wiki>\[\[[^\]]+\]\])"
    r"|!\[(?P<img_alt>[^\]]*)\]\((?P<img_src>[^)\s]+)\)"
    r"|\[(?P<link_text>[^\]]+)\]\((?P<link_href>[^)\s]+)\)"
    r"|<(?P<auto>https?://[^>\s]+)>"
    r"|(?P<strong>\*\*|__)(?P<strong_body>.+?)(?P=strong)"
    r"|(?P<em>\*|_)(?P<em_body>[^*_\s](?:.*?[^*_\s])??)(?P=em)",
    re.S,
)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def render_inline(text: str, ctx: RenderContext | None = None) -> str:
    """Renders inline Markdown to HTML (no block structure)."""
    ctx = ctx or RenderContext()
    out: list[str] = []
    pos = 0
    for match in _INLINE.finditer(text):
        out.append(html.escape(text[pos : match.start()], quote=False))
        pos = match.end()
        kind = match.lastgroup
        groups = match.groupdict()
        if groups["escape"]:
            out.append(html.escape(groups["escape"][1], quote=False))
        elif groups["code"]:
            out.append(f"<code>{html.escape(groups['code_body'].strip(), quote=False)}</code>")
        elif groups["wiki"]:
            out.append(_wiki(groups["wiki"], ctx))
        elif groups["img_src"] is not None:
            alt = _attr(groups["img_alt"])
            out.append(f'<img src="{_attr(groups["img_src"])}" alt="{alt}">')
        elif groups["link_href"] is not None:
            label = render_inline(groups["link_text"], ctx)
            out.append(f'<a href="{_attr(groups["link_href"])}">{label}</a>')
        elif groups["auto"]:
            url = groups["auto"]
            out.append(f'<a href="{_attr(url)}">{html.escape(url, quote=False)}</a>')
        elif groups["strong"]:
            out.append(f"<strong>{render_inline(groups['strong_body'], ctx)}</strong>")
        elif groups["em"]:
            out.append(f"<em>{render_inline(groups['em_body'], ctx)}</em>")
        else:  # pragma: no cover - every alternative is named
            raise AssertionError(kind)
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def _wiki(token: str, ctx: RenderContext) -> str:
    match = _WIKI.fullmatch(token)
    if not match:
        return html.escape(token, quote=False)
    target = match.group(1).strip()
    label = (match.group(2) or target).strip()
    ctx.wiki_targets.append(target)
    url = ctx.resolve_wiki(target) if ctx.resolve_wiki else None
    if url is None:
        return f'<span class="missing-link">{html.escape(label, quote=False)}</span>'
    return f'<a href="{_attr(url)}">{html.escape(label, quote=False)}</a>'


def wiki_links(text: str) -> list[str]:
    """The targets of every wiki link in `text`, in order (no rendering)."""
    return [m.group(1).strip() for m in _WIKI.finditer(text)]
