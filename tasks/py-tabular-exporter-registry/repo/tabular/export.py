"""Writing a Table as CSV, JSON, Markdown or HTML."""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import TextIO

from tabular.table import Cell, Table

FORMATS = ("csv", "json", "markdown", "html")


def export(
    table: Table,
    fmt: str,
    stream: TextIO,
    *,
    null: str = "",
    columns: Sequence[str] | None = None,
) -> None:
    """Write `table` to `stream` in format `fmt`, nulls as `null`, optionally only `columns`."""
    if columns:
        table = table.select(columns)
    if fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(table.names)
        for row in table.rows:
            out = []
            for cell in row:
                if cell is None:
                    out.append(null)
                elif isinstance(cell, bool):
                    out.append("true" if cell else "false")
                else:
                    out.append(str(cell))
            writer.writerow(out)
    elif fmt == "json":
        records = []
        for row in table.rows:
            record: dict[str, object] = {}
            for column, cell in zip(table.columns, row, strict=True):
                if cell is None:
                    record[column.name] = None if null == "" else null
                elif isinstance(cell, Decimal):
                    record[column.name] = float(cell) if column.numeric else str(cell)
                else:
                    record[column.name] = cell
            records.append(record)
        json.dump(records, stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    elif fmt == "markdown":
        stream.write("| " + " | ".join(n.replace("|", "\\|") for n in table.names) + " |\n")
        stream.write(
            "| " + " | ".join("---:" if c.numeric else "---" for c in table.columns) + " |\n"
        )
        for row in table.rows:
            out = []
            for cell in row:
                if cell is None:
                    text = null
                elif isinstance(cell, bool):
                    text = "true" if cell else "false"
                else:
                    text = str(cell)
                out.append(text.replace("|", "\\|").replace("\n", "<br>"))
            stream.write("| " + " | ".join(out) + " |\n")
    elif fmt == "html":
        stream.write("<table>\n  <thead>\n    <tr>")
        for name in table.names:
            stream.write(f"<th>{html.escape(name)}</th>")
        stream.write("</tr>\n  </thead>\n  <tbody>\n")
        for row in table.rows:
            stream.write("    <tr>")
            for column, cell in zip(table.columns, row, strict=True):
                if cell is None:
                    text = null
                elif isinstance(cell, bool):
                    text = "true" if cell else "false"
                else:
                    text = str(cell)
                align = ' class="num"' if column.numeric else ""
                stream.write(f"<td{align}>{html.escape(text)}</td>")
            stream.write("</tr>\n")
        stream.write("  </tbody>\n</table>\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")


def format_cell(cell: Cell, null: str = "") -> str:
    """A cell as text, the way the text formats write it."""
    if cell is None:
        return null
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return str(cell)
