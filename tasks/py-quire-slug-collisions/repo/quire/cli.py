"""The `quire` command line.

    quire build [--root DIR] [--out DIR] [--drafts]   render the site
    quire check [--root DIR]                           report broken wiki links
    quire new TITLE [--root DIR] [--date DATE]         start a post

`--root` holds `quire.toml`, `content/` and optionally `templates/` (default: the current
directory); the output goes to `<root>/public` unless `--out` says otherwise.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from quire.config import load_config
from quire.errors import QuireError
from quire.links import LinkIndex, missing_links
from quire.page import load_page
from quire.site import Site, build_site, read_sources
from quire.slugs import slugify


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quire", description="A small static site generator.")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="render the site into the output directory")
    build.add_argument("--root", type=Path, default=Path("."))
    build.add_argument("--out", type=Path)
    build.add_argument("--drafts", action="store_true", help="include drafts and future posts")
    check = sub.add_parser("check", help="report wiki links that match no page")
    check.add_argument("--root", type=Path, default=Path("."))
    new = sub.add_parser("new", help="create a post with front matter")
    new.add_argument("title")
    new.add_argument("--root", type=Path, default=Path("."))
    new.add_argument("--date", help="YYYY-MM-DD (default: today)")
    return parser


def _cmd_build(args: argparse.Namespace) -> int:
    config = load_config(args.root / "quire.toml")
    config.include_drafts = args.drafts
    out = args.out or args.root / "public"
    result = build_site(args.root / "content", out, config)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"built {len(result.pages)} pages, {len(result.files)} files into {out}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    config = load_config(args.root / "quire.toml")
    sources = read_sources(args.root / "content")
    pages = Site(config, sources).load_pages()
    problems = missing_links(pages, LinkIndex(pages))
    for source, target in problems:
        print(f"{source}: [[{target}]] matches no page")
    print(f"{len(pages)} pages, {len(problems)} broken links")
    return 1 if problems else 0


def _cmd_new(args: argparse.Namespace) -> int:
    config = load_config(args.root / "quire.toml")
    day = args.date or datetime.now(UTC).strftime("%Y-%m-%d")
    path = args.root / "content" / config.posts_dir / f"{day}-{slugify(args.title)}.md"
    if path.exists():
        raise QuireError("already exists", str(path))
    text = f"---\ntitle: {args.title}\ndate: {day}\ntags: []\ndraft: true\n---\n\n"
    load_page(path.relative_to(args.root / "content").as_posix(), text, config)  # validates
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"build": _cmd_build, "check": _cmd_check, "new": _cmd_new}
    try:
        return handlers[args.command](args)
    except QuireError as exc:
        print(f"quire: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
