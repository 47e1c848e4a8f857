"""Pages: one Markdown source file with its metadata and its place in the site."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from quire.config import SiteConfig
from quire.dates import parse_datetime
from quire.errors import FrontMatterError
from quire.frontmatter import split_front_matter
from quire.slugs import slugify


@dataclass
class Page:
    """A page of the site. `kind` is "post" for files under the posts directory, else "page"."""

    source: str
    meta: dict[str, object]
    body: str
    title: str
    slug: str
    kind: str
    date: datetime | None = None
    updated: datetime | None = None
    tags: list[str] = field(default_factory=list)
    summary: str = ""
    draft: bool = False
    url: str = ""
    html: str = ""
    body_line: int = 1

    @property
    def is_post(self) -> bool:
        return self.kind == "post"

    def sort_key(self) -> tuple[float, str]:
        """Newest first, then by title: use with sorted(..., key=Page.sort_key)."""
        stamp = self.date.timestamp() if self.date is not None else float("-inf")
        return (-stamp, self.title.lower())


def _title_from_path(path: PurePosixPath) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Untitled"


def _tags(value: object, source: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise FrontMatterError("tags must be a list of strings", source)
    seen: list[str] = []
    for tag in value:
        tag = tag.strip().lower()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def load_page(source: str, text: str, config: SiteConfig) -> Page:
    """Parses one source file (`source` is its path relative to the content root)."""
    meta, body, body_line = split_front_matter(text, source)
    path = PurePosixPath(source)
    kind = "post" if path.parts[0] == config.posts_dir and len(path.parts) > 1 else "page"
    title = str(meta.get("title") or _title_from_path(path))
    slug = slugify(str(meta.get("slug") or (title if kind == "post" else path.stem)))
    date = None
    if "date" in meta:
        try:
            date = parse_datetime(str(meta["date"]), config.timezone)
        except Exception as exc:
            raise FrontMatterError(str(exc), source) from None
    updated = None
    if "updated" in meta:
        updated = parse_datetime(str(meta["updated"]), config.timezone)
    if kind == "post" and date is None:
        raise FrontMatterError("a post needs a date", source)
    summary = str(meta.get("summary") or _first_paragraph(body))
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        raise FrontMatterError("draft must be true or false", source)
    return Page(
        source=source,
        meta=meta,
        body=body,
        title=title,
        slug=slug,
        kind=kind,
        date=date,
        updated=updated,
        tags=_tags(meta.get("tags"), source),
        summary=summary,
        draft=draft,
        body_line=body_line,
    )


def _first_paragraph(body: str, limit: int = 200) -> str:
    for block in body.strip().split("\n\n"):
        text = " ".join(line.strip() for line in block.splitlines()).strip()
        if text and not text.startswith(("#", "```", ">", "-", "*")):
            return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return ""
