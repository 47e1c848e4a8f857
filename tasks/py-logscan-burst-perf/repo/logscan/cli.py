"""`logscan summary FILE` and `logscan bursts FILE --window S --threshold N`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from logscan.bursts import find_bursts
from logscan.records import parse_lines
from logscan.stats import summarize
from logscan.timeutil import iso


def _summary_text(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace") as fh:
        parsed = parse_lines(fh)
    s = summarize(parsed.requests, parsed.skipped)
    status = "  ".join(f"{k} {v:.1%}" for k, v in s.status_classes.items())
    latency = "  ".join(
        f"{k} {v}ms" if v is not None else f"{k} -" for k, v in s.latency_ms.items()
    )
    top = "  ".join(f"{p} ({n:,})" for p, n in s.top_paths)
    return "\n".join(
        [
            f"requests   {s.requests:,}  ({s.skipped} unparsable lines skipped)",
            f"clients    {s.clients:,}",
            f"status     {status}",
            f"latency    {latency}",
            f"top paths  {top}",
        ]
    )


def _bursts_text(path: Path, window: float, threshold: int) -> str:
    with path.open(encoding="utf-8", errors="replace") as fh:
        parsed = parse_lines(fh)
    bursts = find_bursts(parsed.requests, window, threshold)
    if not bursts:
        return "no bursts"
    width = max(len(b.client) for b in bursts)
    return "\n".join(
        f"{b.client:<{width}}  {iso(b.start)} .. {iso(b.end)}  peak {b.peak} in {window:g}s"
        f"  ({b.requests:,} requests)"
        for b in bursts
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="logscan")
    sub = parser.add_subparsers(dest="command", required=True)
    p_sum = sub.add_parser("summary")
    p_sum.add_argument("file", type=Path)
    p_b = sub.add_parser("bursts")
    p_b.add_argument("file", type=Path)
    p_b.add_argument("--window", type=float, default=10.0)
    p_b.add_argument("--threshold", type=int, default=50)
    args = parser.parse_args(argv)
    try:
        if args.command == "summary":
            print(_summary_text(args.file))
        else:
            print(_bursts_text(args.file, args.window, args.threshold))
    except OSError as exc:
        print(f"logscan: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"logscan: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
