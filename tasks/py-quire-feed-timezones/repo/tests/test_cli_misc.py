from pathlib import Path

import pytest

from quire.aliases import alias_files
from quire.cli import main
from quire.config import config_from_dict
from quire.errors import ConfigError, QuireError
from quire.site import Site
from quire.textstats import reading_minutes, word_count
from quire.toc import render_toc


def _project(root: Path) -> None:
    (root / "content" / "posts").mkdir(parents=True)
    (root / "quire.toml").write_text('title = "T"\nbase_url = "https://t.example"\n')
    (root / "content" / "index.md").write_text("---\ntitle: Home\n---\nHi [[Missing]]\n")
    (root / "content" / "posts" / "a.md").write_text("---\ntitle: A\ndate: 2024-01-05\n---\nA.\n")


def test_cli_build_and_check(tmp_path, capsys):
    _project(tmp_path)
    assert main(["build", "--root", str(tmp_path)]) == 0
    assert (tmp_path / "public" / "posts" / "a" / "index.html").exists()
    out = capsys.readouterr()
    assert "built 2 pages" in out.out
    assert "[[Missing]]" in out.err
    assert main(["check", "--root", str(tmp_path)]) == 1
    assert "index.md: [[Missing]] matches no page" in capsys.readouterr().out


def test_cli_new_post(tmp_path, capsys):
    _project(tmp_path)
    assert main(["new", "Hello There", "--root", str(tmp_path), "--date", "2024-02-02"]) == 0
    created = tmp_path / "content" / "posts" / "2024-02-02-hello-there.md"
    assert created.read_text().startswith("---\ntitle: Hello There\ndate: 2024-02-02\n")
    assert main(["new", "Hello There", "--root", str(tmp_path), "--date", "2024-02-02"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_config_validation():
    assert config_from_dict({"title": "x", "base_url": "https://x"}).feed_limit == 20
    with pytest.raises(ConfigError, match="base_url"):
        config_from_dict({"title": "x", "base_url": "x.org"})
    with pytest.raises(ConfigError, match="feed_limit"):
        config_from_dict({"title": "x", "base_url": "https://x", "feed_limit": 0})


def test_toc_and_reading_time():
    md = "# T\n\n## A\n\n### A1\n\n## B\n"
    assert render_toc(md) == (
        '<ul>\n<li><a href="#a">A</a></li>\n<ul>\n<li><a href="#a1">A1</a></li>\n</ul>\n'
        '<li><a href="#b">B</a></li>\n</ul>'
    )
    assert word_count("one *two* three\n```\ncode here\n```\n") == 3
    assert reading_minutes("word " * 500) == 3
    assert reading_minutes("") == 0


def test_aliases(config):
    site = Site(config, {"a.md": "---\ntitle: A\naliases: [/old/a/]\n---\nx\n"})
    files = site.build().files
    assert 'url=/a/"' in files["old/a/index.html"]
    pages = site.load_pages()
    with pytest.raises(QuireError, match="collides"):
        alias_files(pages, {"old/a/index.html"})


def test_search_index(config, sources):
    from quire.search import build_search_index, search, words

    assert words("The Crème of the crop, a 2nd time") == ["creme", "crop", "2nd", "time"]
    pages = Site(config, sources).load_pages()
    index = build_search_index(pages)
    ids = {entry["url"]: entry["id"] for entry in index["pages"]}
    assert search(index, "python") == [ids["/posts/first-steps/"], ids["/posts/second-post/"]]
    first = search(index, "first steps")
    assert first[0] == ids["/posts/first-steps/"]
    assert set(first) == {ids["/posts/first-steps/"], ids["/about/"], ids["/posts/second-post/"]}
    assert search(index, "the") == []
