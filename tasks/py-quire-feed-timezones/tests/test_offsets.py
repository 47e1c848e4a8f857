from datetime import UTC, datetime, timedelta, timezone

from quire.archive import archive_groups
from quire.config import SiteConfig
from quire.dates import parse_datetime, rfc3339
from quire.site import Site

PLUS2 = timezone(timedelta(hours=2))
MINUS3 = timezone(timedelta(hours=-3))


def _config(tz=PLUS2):
    return SiteConfig(
        title="Travel log",
        base_url="https://travel.example",
        timezone=tz,
        now=datetime(2025, 1, 1, tzinfo=UTC),
    )


def _post(title, date, extra=""):
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\nAbout {title}.\n"


def test_offset_is_kept():
    moment = parse_datetime("2024-06-30T22:15:00-04:00", PLUS2)
    assert moment == datetime(2024, 7, 1, 2, 15, tzinfo=UTC)
    assert parse_datetime("2024-06-30T22:15:00Z", PLUS2) == datetime(2024, 6, 30, 22, 15, tzinfo=UTC)
    compact = parse_datetime("2024-06-30T10:00+0530", PLUS2)
    assert compact == datetime(2024, 6, 30, 4, 30, tzinfo=UTC)


def test_rfc3339_converts_to_utc():
    assert rfc3339(datetime(2024, 6, 30, 22, 15, tzinfo=timezone(timedelta(hours=-4)))) == (
        "2024-07-01T02:15:00Z"
    )
    assert rfc3339(datetime(2024, 1, 1, 0, 30, tzinfo=PLUS2)) == "2023-12-31T22:30:00Z"


def test_posts_ordered_by_moment():
    sources = {
        "posts/a.md": _post("Ferry", "2024-06-30T22:15:00-04:00"),  # 04:15 +02:00 on 1 July
        "posts/b.md": _post("Breakfast", "2024-07-01T03:00:00+02:00"),
        "posts/c.md": _post("Lunch", "2024-07-01 12:00"),
    }
    index = Site(_config(), sources).build().files["index.html"]
    assert index.index("Lunch") < index.index("Ferry") < index.index("Breakfast")


def test_list_pages_show_the_site_day():
    sources = {"posts/a.md": _post("Ferry", "2024-06-30T22:15:00-04:00", "tags: [sea]\n")}
    files = Site(_config(), sources).build().files
    assert "<time>2024-07-01</time>" in files["index.html"]
    assert "<time>2024-07-01</time>" in files["tags/sea/index.html"]


def test_archive_months_in_the_site_timezone():
    config = _config()
    sources = {
        "posts/a.md": _post("Ferry", "2024-06-30T22:15:00-04:00"),
        "posts/b.md": _post("Dusk", "2024-06-30T21:00:00Z"),  # 23:00 +02:00, still June
    }
    site = Site(config, sources)
    groups = archive_groups(site.load_pages(), config.timezone)
    assert [(label, [p.title for p in posts]) for label, posts in groups] == [
        ("July 2024", ["Ferry"]),
        ("June 2024", ["Dusk"]),
    ]
    archive = site.build().files["archive/index.html"]
    assert archive.index("<h2>July 2024</h2>") < archive.index("Ferry") < archive.index("June 2024")


def test_archive_with_a_negative_site_offset():
    config = _config(MINUS3)
    sources = {"posts/a.md": _post("Early", "2024-09-01T01:30:00Z")}  # 22:30 -03:00 on 31 Aug
    groups = archive_groups(Site(config, sources).load_pages(), config.timezone)
    assert [label for label, _ in groups] == ["August 2024"]


def test_feed_times_are_utc():
    sources = {
        "posts/a.md": _post("Ferry", "2024-06-30T22:15:00-04:00", "updated: 2024-07-02T08:00:00+05:00\n"),
        "posts/b.md": _post("Lunch", "2024-07-01 12:00"),
    }
    feed = Site(_config(), sources).build().files["feed.xml"]
    assert "<published>2024-07-01T02:15:00Z</published>" in feed
    ferry = next(e for e in feed.split("<entry>")[1:] if "Ferry" in e)
    assert "<updated>2024-07-02T03:00:00Z</updated>" in ferry
    assert "<published>2024-07-01T10:00:00Z</published>" in feed
    assert feed.split("<entry>")[0].count("<updated>2024-07-02T03:00:00Z</updated>") == 1


def test_sitemap_lastmod_is_the_site_day():
    sources = {"posts/a.md": _post("Late", "2024-05-10T23:45:00Z")}  # 01:45 +02:00 on 11 May
    sitemap = Site(_config(), sources).build().files["sitemap.xml"]
    assert "<lastmod>2024-05-11</lastmod>" in sitemap


def test_local_times_still_use_the_site_timezone():
    assert parse_datetime("2024-05-10 23:45", PLUS2) == datetime(2024, 5, 10, 21, 45, tzinfo=UTC)
    assert parse_datetime("2024-05-10", MINUS3) == datetime(2024, 5, 10, 3, 0, tzinfo=UTC)
    sources = {"posts/a.md": _post("Home", "2024-05-10 23:45", "tags: [home]\n")}
    files = Site(_config(), sources).build().files
    assert "<time>2024-05-10</time>" in files["index.html"]
    assert "<published>2024-05-10T21:45:00Z</published>" in files["feed.xml"]


def test_utc_site_unchanged():
    config = _config(UTC)
    sources = {"posts/a.md": _post("Plain", "2024-02-03 04:05"), "posts/b.md": _post("Day", "2024-02-01")}
    files = Site(config, sources).build().files
    assert "<published>2024-02-03T04:05:00Z</published>" in files["feed.xml"]
    assert files["index.html"].index("Plain") < files["index.html"].index("Day")
    assert "<lastmod>2024-02-01</lastmod>" in files["sitemap.xml"]
