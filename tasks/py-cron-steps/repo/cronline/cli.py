"""``cronline next EXPR [--after ISO] [--count N]`` and ``cronline check EXPR``."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from cronline.errors import CronSyntaxError
from cronline.expression import parse_cron
from cronline.schedule import upcoming


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cronline")
    sub = parser.add_subparsers(dest="command", required=True)
    nxt = sub.add_parser("next", help="print upcoming run times")
    nxt.add_argument("expression")
    nxt.add_argument("--after", type=datetime.fromisoformat, default=None)
    nxt.add_argument("--count", type=int, default=5)
    check = sub.add_parser("check", help="exit 0 if the expression is valid")
    check.add_argument("expression")
    args = parser.parse_args(argv)
    try:
        expr = parse_cron(args.expression)
    except CronSyntaxError as exc:
        print(f"cronline: {exc}", file=sys.stderr)
        return 2
    if args.command == "next":
        after = args.after or datetime.now().replace(second=0, microsecond=0)
        for moment in upcoming(expr, after, args.count):
            print(moment.isoformat(timespec="minutes"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
