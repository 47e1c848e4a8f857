import sys
from pathlib import Path

from quire.links import LinkIndex, backlinks, missing_links, outgoing_links
from quire.site import Site

sys.path.insert(0, str(Path(__file__).parent))

from wiki_gen import config, make_sources  # noqa: E402


def _pages(sources):
    return Site(config(), sources).load_pages()


SOURCES = {
    "a.md": "---\ntitle: Alpha\n---\n[[Beta]] [[beta]] [[Alpha]] [[gamma-page]] [[Nope]]\n",
    "b.md": "---\ntitle: Beta\n---\n[[  ALPHA  ]] and [[c]]\n",
    "c.md": "---\ntitle: Gamma page\nslug: gamma-page\n---\n[[b]] [[Alpha|first]]\n",
    "d.md": "---\ntitle: c\n---\nA page titled like c's file stem. [[Delta]]\n",
    "e.md": "---\ntitle: Beta\n---\nA second Beta. [[a]]\n",
}


def test_resolution_rules():
    index = LinkIndex(_pages(SOURCES))
    assert index.resolve("beta").source == "b.md"  # earlier page wins
    assert index.resolve("c").source == "d.md"  # title beats the stem of c.md
    assert index.resolve("gamma-page").source == "c.md"  # slug
    assert index.resolve("a").source == "a.md"  # stem
    assert index.resolve("e").source == "e.md"
    assert index.resolve("  Gamma   PAGE ") is not None
    assert index.resolve("missing") is None
    post = {"posts/2024-01-01-trip.md": "---\ntitle: Road trip\ndate: 2024-01-01\n---\nx\n"}
    posts = LinkIndex(_pages(post))
    assert posts.resolve("2024-01-01-trip").source == "posts/2024-01-01-trip.md"  # file stem
    assert posts.resolve("road-trip").source == "posts/2024-01-01-trip.md"  # slug


def test_outgoing_and_backlinks():
    pages = _pages(SOURCES)
    index = LinkIndex(pages)
    by_source = {p.source: p for p in pages}
    assert [p.source for p in outgoing_links(by_source["a.md"], index)] == ["b.md", "c.md"]
    linked = backlinks(pages, index)
    assert {k: [p.source for p in v] for k, v in linked.items()} == {
        "a.md": ["b.md", "c.md", "e.md"],
        "b.md": ["a.md", "c.md"],
        "c.md": ["a.md"],
        "d.md": ["b.md"],
        "e.md": [],
    }
    assert missing_links(pages, index) == [("a.md", "Nope"), ("d.md", "Delta")]


def test_generated_wiki_matches_the_reference():
    pages = _pages(make_sources(60, 3, seed=11))
    index = LinkIndex(pages)
    linked = backlinks(pages, index)
    total = sum(len(v) for v in linked.values())
    assert total == EXPECTED_TOTAL
    assert [p.source for p in linked["wiki/t00057.md"]] == EXPECTED_T57
    assert len(missing_links(pages, index)) == EXPECTED_MISSING


def test_built_pages_show_links_and_backlinks():
    result = Site(config(), SOURCES).build()
    alpha = result.files["a/index.html"]
    assert '<a href="/b/">Beta</a>' in alpha
    assert '<span class="missing-link">Nope</span>' in alpha
    assert alpha.count("<li><a href=") == 3  # backlinks from b, c, e
    assert result.warnings == [
        "a.md: wiki link [[Nope]] matches no page",
        "d.md: wiki link [[Delta]] matches no page",
    ]


EXPECTED_TOTAL = 107
EXPECTED_T57 = [
    "wiki/t00001.md", "wiki/t00007.md", "wiki/t00028.md",
    "wiki/t00033.md", "wiki/t00043.md", "wiki/t00048.md",
]
EXPECTED_MISSING = 70
