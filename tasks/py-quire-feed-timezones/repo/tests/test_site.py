from quire.links import LinkIndex, backlinks, missing_links
from quire.site import Site
from quire.slugs import SlugRegistry, slugify
from quire.taxonomy import tag_counts, tag_index


def test_slugs():
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("  ") == "untitled"
    reg = SlugRegistry()
    assert [reg.claim("a"), reg.claim("a"), reg.claim("b")] == ["a", "a-2", "b"]


def test_urls(config, sources):
    pages = Site(config, sources).load_pages()
    assert [(p.source, p.url) for p in pages] == [
        ("about.md", "/about/"),
        ("index.md", "/"),
        ("posts/first.md", "/posts/first-steps/"),
        ("posts/second.md", "/posts/second-post/"),
    ]


def test_build_outputs(config, sources):
    result = Site(config, sources).build()
    assert sorted(result.files) == [
        "about/index.html",
        "archive/index.html",
        "feed.xml",
        "index.html",
        "posts/first-steps/index.html",
        "posts/second-post/index.html",
        "search.json",
        "sitemap.xml",
        "tags/intro/index.html",
        "tags/python/index.html",
    ]
    assert result.warnings == ["posts/second.md: wiki link [[Nowhere]] matches no page"]
    about = result.files["about/index.html"]
    assert '<a href="/posts/first-steps/">First steps</a>' in about
    assert "<h2>Linked from</h2>" in about


def test_index_lists_newest_first(config, sources):
    index = Site(config, sources).build().files["index.html"]
    assert index.index("Second post") < index.index("First steps")
    assert "<time>2024-04-15</time>" in index


def test_links_and_backlinks(config, sources):
    pages = Site(config, sources).load_pages()
    index = LinkIndex(pages)
    assert index.resolve("first   STEPS").source == "posts/first.md"
    assert index.resolve("second-post").source == "posts/second.md"
    linked = backlinks(pages, index)
    assert [p.source for p in linked["posts/first.md"]] == ["about.md", "posts/second.md"]
    assert missing_links(pages, index) == [("posts/second.md", "Nowhere")]


def test_tags(config, sources):
    pages = Site(config, sources).load_pages()
    assert list(tag_index(pages)) == ["intro", "python"]
    assert tag_counts(pages) == [("python", 2), ("intro", 1)]


def test_feed_and_sitemap(config, sources):
    files = Site(config, sources).build().files
    feed = files["feed.xml"]
    assert "<updated>2024-04-15T10:30:00Z</updated>" in feed
    assert feed.index("Second post") < feed.index("First steps")
    assert "<loc>https://notes.example.org/posts/first-steps/</loc>" in files["sitemap.xml"]
    assert "<lastmod>2024-03-02</lastmod>" in files["sitemap.xml"]
