"""``dotfig get FILE KEY`` / ``dotfig dump FILE``"""

from __future__ import annotations

import argparse
import json
import sys

from dotfig.errors import DotenvSyntaxError
from dotfig.loader import load_dotenv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dotfig")
    sub = parser.add_subparsers(dest="command", required=True)
    get = sub.add_parser("get")
    get.add_argument("file")
    get.add_argument("key")
    dump = sub.add_parser("dump")
    dump.add_argument("file")
    args = parser.parse_args(argv)
    try:
        values = load_dotenv(args.file)
    except (OSError, DotenvSyntaxError) as exc:
        print(f"dotfig: {exc}", file=sys.stderr)
        return 2
    if args.command == "get":
        if args.key not in values:
            print(f"dotfig: {args.key} is not set", file=sys.stderr)
            return 1
        print(values[args.key])
    else:
        print(json.dumps(values, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
