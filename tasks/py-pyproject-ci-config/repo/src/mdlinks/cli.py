"""``mdlinks DOCS_DIR [--quiet]``: exit 0 when every relative link resolves, 1 otherwise."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mdlinks.checker import check_tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mdlinks", description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--quiet", action="store_true", help="only the exit status")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        print(f"mdlinks: {args.root} is not a directory", file=sys.stderr)
        return 2
    broken = check_tree(args.root)
    if not args.quiet:
        for item in broken:
            print(item)
        print(f"{len(broken)} broken link(s)", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
