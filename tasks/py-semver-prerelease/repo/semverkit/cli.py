"""Command line: ``semverkit sort|max-satisfying|bump``."""

from __future__ import annotations

import argparse
import sys

from semverkit.errors import SemverError
from semverkit.ranges import max_satisfying
from semverkit.version import Version


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="semverkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sort = sub.add_parser("sort", help="print versions in ascending precedence")
    sort.add_argument("versions", nargs="+")
    sort.add_argument("--reverse", action="store_true")
    best = sub.add_parser("max-satisfying", help="print the highest version inside a range")
    best.add_argument("range")
    best.add_argument("versions", nargs="+")
    bump = sub.add_parser("bump", help="print the next version")
    bump.add_argument("part", choices=["major", "minor", "patch", "prerelease"])
    bump.add_argument("version")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
        if args.command == "sort":
            ordered = sorted(args.versions, key=Version.parse, reverse=args.reverse)
            print("\n".join(ordered))
        elif args.command == "max-satisfying":
            found = max_satisfying(args.versions, args.range)
            if found is None:
                print("no version satisfies the range", file=sys.stderr)
                return 1
            print(found)
        else:
            print(Version.parse(args.version).bump(args.part))
    except SemverError as exc:
        print(f"semverkit: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
