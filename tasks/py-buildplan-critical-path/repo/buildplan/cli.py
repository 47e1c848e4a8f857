"""`buildplan order FILE` and `buildplan schedule FILE --workers N`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from buildplan.graph import GraphError
from buildplan.loader import load_plan
from buildplan.render import schedule_text
from buildplan.schedule import schedule


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="buildplan")
    sub = parser.add_subparsers(dest="command", required=True)
    p_order = sub.add_parser("order", help="print jobs in a valid run order")
    p_order.add_argument("file", type=Path)
    p_sched = sub.add_parser("schedule", help="simulate the pipeline on N workers")
    p_sched.add_argument("file", type=Path)
    p_sched.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        graph = load_plan(args.file)
        if args.command == "order":
            print("\n".join(graph.topological_order()))
        else:
            print(schedule_text(schedule(graph, args.workers)))
    except (GraphError, ValueError, OSError) as exc:
        print(f"buildplan: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
