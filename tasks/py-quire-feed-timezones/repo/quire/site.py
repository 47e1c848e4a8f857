"""Building a site: sources in, a mapping of output paths to file contents out.

`Site` works on in-memory sources (path -> text) so that it is easy to test; `build_site` reads a
content directory and writes the output directory.

Output layout:
- a post `posts/<file>.md` -> `posts/<slug>/index.html`, with `<slug>` from its title (or `slug:`);
- another page `<dir>/<file>.md` -> `<dir>/<slug>/index.html` (`index.md` -> `<dir>/index.html`);
- `index.html` (the newest posts), `archive/index.html`, `tags/<tag>/index.html`, `feed.xml`,
  `sitemap.xml`.

Drafts (`draft: true`) and posts dated in the future are left out of everything (pages, lists,
tags, archive, feed, sitemap and wiki links) unless the build includes drafts
(`include_drafts`, `quire build --drafts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from quire.aliases import alias_files
from quire.archive import archive_groups
from quire.config import SiteConfig
from quire.errors import LinkError
from quire.feed import render_feed
from quire.links import LinkIndex, backlinks, missing_links
from quire.markdown import render_document
from quire.page import Page, load_page
from quire.search import render_search_json
from quire.sitemap import render_sitemap
from quire.slugs import SlugRegistry
from quire.taxonomy import tag_index, tag_url
from quire.templates import DEFAULT_TEMPLATES, Template


@dataclass
class BuildResult:
    """What a build produced."""

    files: dict[str, str]
    pages: list[Page]
    warnings: list[str]


class Site:
    """A site: configuration, sources and templates."""

    def __init__(
        self,
        config: SiteConfig,
        sources: dict[str, str],
        templates: dict[str, str] | None = None,
    ) -> None:
        self.config = config
        self.sources = dict(sources)
        merged = dict(DEFAULT_TEMPLATES)
        merged.update(templates or {})
        self.templates = {name: Template(text, name) for name, text in merged.items()}

    def load_pages(self) -> list[Page]:
        """Every source file as a Page, in source order, with URLs assigned."""
        pages = [
            load_page(path, text, self.config)
            for path, text in sorted(self.sources.items())
            if path.endswith(".md")
        ]
        slugs: dict[str, SlugRegistry] = {}
        for page in pages:
            parent = str(PurePosixPath(page.source).parent)
            parent = "" if parent == "." else parent + "/"
            if PurePosixPath(page.source).name == "index.md" and page.kind == "page":
                page.url = "/" + parent
                continue
            registry = slugs.setdefault(parent, SlugRegistry())
            page.url = f"/{parent}{registry.claim(page.slug)}/"
        return pages

    def is_published(self, page: Page) -> bool:
        """False for drafts and future posts, unless the build includes drafts."""
        if self.config.include_drafts:
            return True
        if page.draft:
            return False
        return page.date is None or page.date <= self.config.current_time()

    def build(self) -> BuildResult:
        """Renders the whole site."""
        pages = [p for p in self.load_pages() if self.is_published(p)]
        index = LinkIndex(pages)
        warnings: list[str] = []
        for source, target in missing_links(pages, index):
            message = f"{source}: wiki link [[{target}]] matches no page"
            if self.config.strict_links:
                raise LinkError(f"wiki link [[{target}]] matches no page", source)
            warnings.append(message)

        def resolve(target: str) -> str | None:
            found = index.resolve(target)
            return found.url if found is not None else None

        for page in pages:
            page.html, _ = render_document(page.body, resolve)
        linked_from = backlinks(pages, index)
        files: dict[str, str] = {}
        site = {
            "title": self.config.title,
            "url": self.config.base_url,
            "author": self.config.author,
        }
        for page in pages:
            context = {"site": site, "page": page, "backlinks": linked_from[page.source]}
            files[_output_path(page.url)] = self.templates["page"].render(context)
        posts = sorted((p for p in pages if p.is_post), key=Page.sort_key)
        files["index.html"] = self._list("Latest posts", posts[: self.config.feed_limit], site)
        archive_urls = []
        if posts:
            groups = archive_groups(posts, self.config.timezone)
            files["archive/index.html"] = self._archive(groups, site)
            archive_urls.append("/archive/")
        tag_urls = []
        for tag, tagged in tag_index(pages).items():
            url = tag_url(tag)
            tag_urls.append(url)
            files[_output_path(url)] = self._list(f"Tagged {tag}", tagged, site)
        files.update(alias_files(pages, set(files)))
        files["search.json"] = render_search_json(pages)
        files["feed.xml"] = render_feed(pages, self.config)
        files["sitemap.xml"] = render_sitemap(pages, self.config, ["/", *archive_urls, *tag_urls])
        return BuildResult(files=files, pages=pages, warnings=warnings)

    def _entry(self, page: Page) -> dict[str, str]:
        day = page.date.strftime("%Y-%m-%d") if page.date else ""
        return {"title": page.title, "url": page.url, "day": day}

    def _list(self, heading: str, posts: list[Page], site: dict[str, str]) -> str:
        entries = [self._entry(p) for p in posts]
        return self.templates["list"].render({"site": site, "heading": heading, "posts": entries})

    def _archive(self, groups: list[tuple[str, list[Page]]], site: dict[str, str]) -> str:
        parts = [f"<h2>{label}</h2>\n" + self._list(label, posts, site) for label, posts in groups]
        return "".join(parts)


def _output_path(url: str) -> str:
    return url.strip("/") + "/index.html" if url.strip("/") else "index.html"


def read_sources(content_dir: Path) -> dict[str, str]:
    """Every file under `content_dir` (relative POSIX path -> text)."""
    return {
        path.relative_to(content_dir).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(content_dir.rglob("*"))
        if path.is_file()
    }


def build_site(content_dir: Path, out_dir: Path, config: SiteConfig) -> BuildResult:
    """Builds `content_dir` into `out_dir` (created if needed)."""
    templates_dir = content_dir.parent / "templates"
    templates = {}
    if templates_dir.is_dir():
        templates = {p.stem: p.read_text(encoding="utf-8") for p in templates_dir.glob("*.html")}
    result = Site(config, read_sources(content_dir), templates).build()
    for rel, text in result.files.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return result
