from datetime import UTC, datetime

from quire.config import SiteConfig
from quire.site import Site
from quire.slugs import slugify


def _config():
    return SiteConfig(title="T", base_url="https://blog.example", now=datetime(2025, 1, 1, tzinfo=UTC))


def _post(title, day, extra=""):
    return f"---\ntitle: {title}\ndate: 2024-03-{day:02d}\n{extra}---\nText of {title}.\n"


def test_accented_letters_keep_their_base_letter():
    assert slugify("Ångström über Café") == "angstrom-uber-cafe"
    assert slugify("Señor Façade, déjà vu!") == "senor-facade-deja-vu"
    assert slugify("Žižkov — Praha") == "zizkov-praha"
    assert slugify("ÉTÉ") == "ete"


def test_compatibility_characters_decompose():
    assert slugify("ﬁnal ½ price") == "final-12-price"
    assert slugify("Ｆｕｌｌ ｗｉｄｔｈ") == "full-width"


def test_non_letters_still_separate_and_empty_is_untitled():
    assert slugify("naïve 🙂 emoji") == "naive-emoji"
    assert slugify("🙂🙂") == "untitled"
    assert slugify("日本語") == "untitled"


def test_max_length_after_decomposition():
    slug = slugify("Élan " * 30, max_length=22)
    assert slug == "elan-elan-elan-elan"
    assert len(slug) <= 22


def test_accented_post_url():
    site = Site(_config(), {"posts/g.md": _post("Gâteau à l'orange", 3)})
    pages = site.load_pages()
    assert pages[0].url == "/posts/gateau-a-l-orange/"
    assert "posts/gateau-a-l-orange/index.html" in site.build().files


def test_same_titles_get_numbered_slugs_in_source_order():
    sources = {
        "posts/2024-03-08-notes.md": _post("Monday notes", 8),
        "posts/2024-03-01-notes.md": _post("Monday notes", 1),
        "posts/2024-03-15-notes.md": _post("Monday notes", 15),
    }
    pages = Site(_config(), sources).load_pages()
    assert [(p.source, p.url) for p in pages] == [
        ("posts/2024-03-01-notes.md", "/posts/monday-notes/"),
        ("posts/2024-03-08-notes.md", "/posts/monday-notes-2/"),
        ("posts/2024-03-15-notes.md", "/posts/monday-notes-3/"),
    ]


def test_every_duplicate_is_built_and_listed():
    sources = {f"posts/p{i}.md": _post("Field log", i + 1) for i in range(4)}
    result = Site(_config(), sources).build()
    outputs = [f for f in result.files if f.startswith("posts/")]
    assert sorted(outputs) == [
        "posts/field-log-2/index.html",
        "posts/field-log-3/index.html",
        "posts/field-log-4/index.html",
        "posts/field-log/index.html",
    ]
    assert result.files["feed.xml"].count("<entry>") == 4
    for suffix in ("", "-2", "-3", "-4"):
        assert f"https://blog.example/posts/field-log{suffix}/" in result.files["sitemap.xml"]
        assert f'href="/posts/field-log{suffix}/"' in result.files["index.html"]


def test_explicit_slug_collides_with_a_title_slug():
    sources = {
        "posts/a.md": _post("Road trip", 2),
        "posts/b.md": _post("Something else", 3, "slug: road-trip\n"),
    }
    pages = Site(_config(), sources).load_pages()
    assert [p.url for p in pages] == ["/posts/road-trip/", "/posts/road-trip-2/"]


def test_same_slug_in_different_folders_is_fine():
    sources = {
        "docs/faq.md": "---\ntitle: FAQ\n---\nDocs.\n",
        "help/faq.md": "---\ntitle: FAQ\n---\nHelp.\n",
        "docs/faq-copy.md": "---\ntitle: FAQ\nslug: faq\n---\nAgain.\n",
    }
    pages = Site(_config(), sources).load_pages()
    assert [(p.source, p.url) for p in pages] == [
        ("docs/faq-copy.md", "/docs/faq/"),
        ("docs/faq.md", "/docs/faq-2/"),
        ("help/faq.md", "/help/faq/"),
    ]


def test_wiki_links_and_tags_use_the_unique_urls():
    sources = {
        "posts/x1.md": _post("Recap", 1, "tags: [log]\n"),
        "posts/x2.md": _post("Recap", 2, "tags: [log]\n"),
        "about.md": "---\ntitle: About\n---\nSee [[x2]].\n",
    }
    files = Site(_config(), sources).build().files
    assert '<a href="/posts/recap-2/">x2</a>' in files["about/index.html"]
    tag_page = files["tags/log/index.html"]
    assert 'href="/posts/recap/"' in tag_page
    assert 'href="/posts/recap-2/"' in tag_page


def test_ascii_slugs_unchanged():
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("  --Already-slugged--  ") == "already-slugged"
    assert slugify("Version 2.0 release") == "version-2-0-release"
    assert slugify("a" * 100) == "a" * 80


def test_distinct_titles_keep_plain_urls():
    sources = {"posts/a.md": _post("Alpha", 1), "posts/b.md": _post("Beta", 2), "index.md": "Home\n"}
    pages = Site(_config(), sources).load_pages()
    assert [p.url for p in pages] == ["/", "/posts/alpha/", "/posts/beta/"]
