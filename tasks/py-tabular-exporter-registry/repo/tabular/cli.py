"""`tabular convert FILE [--to FORMAT | --output PATH] [--columns a,b] [--null TEXT]`."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from tabular.export import export
from tabular.table import TableError, read_csv

EXTENSIONS = {".csv": "csv", ".json": "json", ".md": "markdown", ".markdown": "markdown",
              ".html": "html", ".htm": "html"}  # fmt: skip


def _format_for(args: argparse.Namespace) -> str:
    if args.to:
        return str(args.to)
    if args.output is not None:
        fmt = EXTENSIONS.get(args.output.suffix.lower())
        if fmt:
            return fmt
        raise TableError(f"cannot tell the format of {args.output.name}: use --to")
    return "csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tabular")
    sub = parser.add_subparsers(dest="command", required=True)
    conv = sub.add_parser("convert", help="convert a CSV file to another format")
    conv.add_argument("file", type=Path)
    conv.add_argument("--to", choices=["csv", "json", "markdown", "html"])
    conv.add_argument("--output", type=Path)
    conv.add_argument("--columns", default="")
    conv.add_argument("--null", default="")
    args = parser.parse_args(argv)
    columns = [c.strip() for c in args.columns.split(",") if c.strip()]
    try:
        fmt = _format_for(args)
        with args.file.open(encoding="utf-8", newline="") as fh:
            table = read_csv(fh)
        buffer = io.StringIO()
        export(table, fmt, buffer, null=args.null, columns=columns or None)
    except (OSError, TableError) as exc:
        print(f"tabular: {exc}", file=sys.stderr)
        return 2
    if args.output is not None:
        args.output.write_text(buffer.getvalue(), encoding="utf-8")
    else:
        sys.stdout.write(buffer.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
