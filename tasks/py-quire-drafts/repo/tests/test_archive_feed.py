from quire.archive import archive_groups
from quire.config import SiteConfig
from quire.feed import feed_entries, render_feed
from quire.page import load_page
from quire.site import Site


def _post(name: str, date: str, config: SiteConfig, **extra: str):
    meta = "".join(f"{k}: {v}\n" for k, v in extra.items())
    text = f"---\ntitle: {name}\ndate: {date}\n{meta}---\nBody of {name}.\n"
    page = load_page(f"posts/{name.lower()}.md", text, config)
    page.url = f"/posts/{page.slug}/"
    return page


def test_archive_groups_by_month_newest_first(config):
    posts = [
        _post("Jan", "2024-01-31", config),
        _post("Feb", "2024-02-01", config),
        _post("Feb2", "2024-02-20", config),
    ]
    groups = archive_groups(posts)
    assert [(label, [p.title for p in items]) for label, items in groups] == [
        ("February 2024", ["Feb2", "Feb"]),
        ("January 2024", ["Jan"]),
    ]


def test_feed_limit_and_entry_fields(config):
    config.feed_limit = 2
    posts = [_post(f"P{i}", f"2024-05-0{i}", config) for i in range(1, 5)]
    assert [p.title for p in feed_entries(posts, 2)] == ["P4", "P3"]
    feed = render_feed(posts, config)
    assert feed.count("<entry>") == 2
    assert "<published>2024-05-04T00:00:00Z</published>" in feed
    assert "<author><name>R. Lee</name></author>" in feed
    assert "<summary>Body of P4.</summary>" in feed


def test_updated_date_moves_the_feed(config):
    posts = [_post("Old", "2024-01-01", config, updated="2024-02-10 08:00")]
    feed = render_feed(posts, config)
    assert "<updated>2024-02-10T08:00:00Z</updated>" in feed.split("<entry>")[0]


def test_pages_without_posts(config):
    result = Site(config, {"index.md": "Just a home page.\n"}).build()
    assert "archive/index.html" not in result.files
    assert result.files["index.html"].count("<li>") == 0
    assert "<updated>1970-01-01T00:00:00Z</updated>" in result.files["feed.xml"]
