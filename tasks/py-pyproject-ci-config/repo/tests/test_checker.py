from pathlib import Path

import pytest

from mdlinks import check_tree, extract_links
from mdlinks.cli import main


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    (tmp_path / "guide").mkdir()
    (tmp_path / "index.md").write_text(
        "# Home\n\nSee [the guide](guide/start.md#first-steps) and [missing](nope.md).\n"
        "Jump [down](#home) or [nowhere](#away). [Site](https://example.org).\n",
        encoding="utf-8",
    )
    (tmp_path / "guide" / "start.md").write_text(
        "# First steps\n\nBack [home](../index.md) or [bad](../index.md#nothing).\n",
        encoding="utf-8",
    )
    return tmp_path


def test_extract_links_skips_code():
    md = "[a](x.md) `[b](y.md)`\n```\n[c](z.md)\n```\n[ref]: other.md\n"
    assert [(link.target, link.line) for link in extract_links(md)] == [
        ("x.md", 1),
        ("other.md", 5),
    ]


def test_check_tree(docs):
    found = [(str(b.source), b.line, b.target, b.reason) for b in check_tree(docs)]
    assert found == [
        (str(Path("guide/start.md")), 3, "../index.md#nothing", "no such heading"),
        ("index.md", 3, "nope.md", "no such file"),
        ("index.md", 4, "#away", "no such heading"),
    ]


@pytest.mark.integration
def test_cli_exit_status(docs, capsys):
    assert main([str(docs)]) == 1
    assert "nope.md" in capsys.readouterr().out
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "guide" / "start.md").write_text("# Start\n", encoding="utf-8")
    assert main([str(docs), "--quiet"]) == 0


@pytest.mark.slow
def test_many_files(tmp_path):
    for i in range(200):
        nxt = (i + 1) % 200
        (tmp_path / f"p{i}.md").write_text(f"# P{i}\n[next](p{nxt}.md#p{nxt})\n")
    assert check_tree(tmp_path) == []
