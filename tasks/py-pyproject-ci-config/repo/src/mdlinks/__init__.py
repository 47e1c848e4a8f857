"""mdlinks: offline link checking for Markdown docs."""

from mdlinks.checker import BrokenLink, check_tree
from mdlinks.parser import Link, extract_links
from mdlinks.slugs import heading_anchors, slugify

__all__ = ["BrokenLink", "Link", "check_tree", "extract_links", "heading_anchors", "slugify"]
