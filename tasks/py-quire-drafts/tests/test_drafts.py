from datetime import UTC, datetime

import pytest

from quire.config import SiteConfig
from quire.errors import FrontMatterError, LinkError
from quire.site import Site

NOW = datetime(2024, 9, 15, 12, 0, tzinfo=UTC)


def _config(**kw):
    return SiteConfig(title="Garden", base_url="https://garden.example", now=NOW, **kw)


def _post(title, date, extra=""):
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\nAbout {title}. See [[Compost]].\n"


SOURCES = {
    "index.md": "---\ntitle: Home\n---\nHello. Read [[Seed swap]] and [[Tomatoes]].\n",
    "posts/compost.md": _post("Compost", "2024-09-01", "tags: [soil]\n"),
    "posts/tomatoes.md": _post("Tomatoes", "2024-09-10", "tags: [veg, soil]\n"),
    "posts/seeds.md": _post("Seed swap", "2024-09-20", "tags: [events]\n"),  # scheduled
    "posts/wip.md": _post("Pruning", "2024-09-05", "tags: [trees]\ndraft: true\n"),
    "notes.md": "---\ntitle: Notes\ndraft: true\n---\nPrivate. [[Compost]]\n",
}


def test_drafts_and_future_posts_have_no_output():
    result = Site(_config(), SOURCES).build()
    assert sorted(p.source for p in result.pages) == ["index.md", "posts/compost.md", "posts/tomatoes.md"]
    assert "posts/pruning/index.html" not in result.files
    assert "posts/seed-swap/index.html" not in result.files
    assert "notes/index.html" not in result.files
    assert "posts/compost/index.html" in result.files


def test_left_out_of_lists_tags_archive_feed_sitemap_and_search():
    files = Site(_config(), SOURCES).build().files
    for name in ("index.html", "archive/index.html", "feed.xml", "sitemap.xml", "search.json"):
        assert "Pruning" not in files[name] and "pruning" not in files[name], name
        assert "/posts/seed-swap/" not in files[name], name
        assert "/notes/" not in files[name], name
    assert "tags/trees/index.html" not in files
    assert "tags/events/index.html" not in files
    assert "Tomatoes" in files["tags/soil/index.html"]
    assert files["feed.xml"].count("<entry>") == 2


def test_links_to_unpublished_pages_are_missing():
    result = Site(_config(), SOURCES).build()
    assert result.warnings == ["index.md: wiki link [[Seed swap]] matches no page"]
    home = result.files["index.html"]
    assert home  # the list page
    compost = result.files["posts/compost/index.html"]
    assert "Notes" not in compost and "Pruning" not in compost  # not backlinks
    with pytest.raises(LinkError):
        Site(_config(strict_links=True), SOURCES).build()


def test_include_drafts_builds_everything():
    result = Site(_config(include_drafts=True), SOURCES).build()
    assert len(result.pages) == 6
    assert "posts/pruning/index.html" in result.files
    assert "posts/seed-swap/index.html" in result.files
    assert "notes/index.html" in result.files
    assert result.files["feed.xml"].count("<entry>") == 4
    assert result.warnings == []


def test_is_published():
    site = Site(_config(), SOURCES)
    pages = {p.source: p for p in site.load_pages()}
    assert [site.is_published(pages[s]) for s in sorted(pages)] == [True, False, True, False, True, False]
    assert pages["posts/wip.md"].draft is True
    assert pages["posts/compost.md"].draft is False
    later = Site(SiteConfig(title="G", base_url="https://g.example", now=datetime(2024, 9, 21, tzinfo=UTC)), SOURCES)
    assert later.is_published(pages["posts/seeds.md"]) is True
    everything = Site(_config(include_drafts=True), SOURCES)
    assert all(everything.is_published(p) for p in pages.values())


def test_the_exact_build_time_is_published():
    sources = {"posts/a.md": _post("Noon", "2024-09-15T12:00:00Z"), "posts/b.md": _post("Later", "2024-09-15T12:00:01Z")}
    result = Site(_config(), sources).build()
    assert [p.title for p in result.pages] == ["Noon"]


def test_draft_must_be_a_boolean():
    for bad in ("yes", "1", '"true"'):
        with pytest.raises(FrontMatterError, match="draft"):
            Site(_config(), {"posts/x.md": _post("X", "2024-01-01", f"draft: {bad}\n")}).load_pages()
    pages = Site(_config(), {"posts/x.md": _post("X", "2024-01-01", "draft: false\n")}).load_pages()
    assert pages[0].draft is False


def _project(root):
    (root / "content" / "posts").mkdir(parents=True)
    (root / "quire.toml").write_text('title = "T"\nbase_url = "https://t.example"\n')
    (root / "content" / "posts" / "a.md").write_text(_post("Done", "2024-01-05"))
    (root / "content" / "posts" / "b.md").write_text(_post("Todo", "2024-01-06", "draft: true\n"))


def test_cli_build_drafts_flag(tmp_path, capsys):
    from quire.cli import main

    _project(tmp_path)
    assert main(["build", "--root", str(tmp_path), "--out", str(tmp_path / "plain")]) == 0
    assert not (tmp_path / "plain" / "posts" / "todo").exists()
    assert (tmp_path / "plain" / "posts" / "done" / "index.html").exists()
    assert main(["build", "--root", str(tmp_path), "--out", str(tmp_path / "all"), "--drafts"]) == 0
    assert (tmp_path / "all" / "posts" / "todo" / "index.html").exists()
    assert "built 2 pages" in capsys.readouterr().out


def test_cli_new_creates_a_draft(tmp_path):
    from quire.cli import main

    _project(tmp_path)
    assert main(["new", "Bean poles", "--root", str(tmp_path), "--date", "2024-03-03"]) == 0
    text = (tmp_path / "content" / "posts" / "2024-03-03-bean-poles.md").read_text()
    assert text == "---\ntitle: Bean poles\ndate: 2024-03-03\ntags: []\ndraft: true\n---\n\n"


def test_sites_without_drafts_build_as_before():
    sources = {k: v for k, v in SOURCES.items() if k in ("index.md", "posts/compost.md", "posts/tomatoes.md")}
    result = Site(_config(), sources).build()
    assert sorted(result.files) == [
        "archive/index.html",
        "feed.xml",
        "index.html",
        "posts/compost/index.html",
        "posts/tomatoes/index.html",
        "search.json",
        "sitemap.xml",
        "tags/soil/index.html",
        "tags/veg/index.html",
    ]
    assert result.warnings == ["index.md: wiki link [[Seed swap]] matches no page"]
