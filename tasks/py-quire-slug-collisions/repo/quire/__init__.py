"""quire: a small static site generator.

Content is a tree of Markdown files with front matter; quire renders them through templates into
HTML pages, and writes tag pages, an archive, an Atom feed and a sitemap next to them.
"""

from quire.errors import QuireError, TemplateError
from quire.markdown import render_markdown
from quire.site import Site, build_site
from quire.slugs import slugify

__all__ = ["QuireError", "Site", "TemplateError", "build_site", "render_markdown", "slugify"]
__version__ = "0.7.0"
