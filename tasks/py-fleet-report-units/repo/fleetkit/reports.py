"""Reports: what is due, the plan, invoices and a fleet summary, as text, markdown or CSV.

Every renderer takes rows (lists of cells) under a header; the report functions build the rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from fleetkit.costs import Invoice
from fleetkit.fuel import Economy
from fleetkit.planner import Assignment
from fleetkit.schedule import Due
from fleetkit.storage import Fleet
from fleetkit.units import format_distance

FORMATS = ("text", "markdown", "csv")


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def render(header: Sequence[str], rows: Sequence[Sequence[str]], fmt: str = "text") -> str:
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buf.getvalue()
    if fmt == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    widths = [len(h) for h in header]
    for r in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, r, strict=True)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(out) + "\n"


def due_rows(dues: Sequence[Due]) -> list[list[str]]:
    rows = []
    for d in dues:
        rows.append(
            [
                d.vehicle_id,
                d.item,
                d.state,
                "" if d.due_on is None else d.due_on.isoformat(),
                "" if d.days_left is None else str(d.days_left),
                "" if d.km_left is None else format_distance(d.km_left),
            ]
        )
    return rows


DUE_HEADER = ("vehicle", "item", "state", "due on", "days left", "km left")


def due_report(dues: Sequence[Due], fmt: str = "text") -> str:
    return render(DUE_HEADER, due_rows(dues), fmt)


def plan_report(assignments: Sequence[Assignment], fmt: str = "text") -> str:
    rows = [
        [a.order_id, a.technician, f"{a.start:g}", f"{a.end:g}", str(a.day + 1)]
        for a in assignments
    ]
    return render(("order", "technician", "start h", "end h", "day"), rows, fmt)


def invoice_report(inv: Invoice, fmt: str = "text") -> str:
    rows = [
        [line.description, f"{line.quantity:g}", money(line.unit_price), money(line.amount)]
        for line in inv.lines
    ]
    rows.append(["subtotal", "", "", money(inv.subtotal)])
    rows.append([f"VAT {inv.vat_rate * 100:g}%", "", "", money(inv.vat)])
    rows.append(["total", "", "", money(inv.total)])
    title = f"Invoice {inv.order_id} for {inv.vehicle_id}\n\n"
    return title + render(("item", "qty", "unit", "amount"), rows, fmt)


def summary_report(fleet: Fleet, economies: Sequence[Economy], fmt: str = "text") -> str:
    eco = {e.vehicle_id: e for e in economies}
    rows = []
    for vid in sorted(fleet.vehicles):
        v = fleet.vehicles[vid]
        e = eco.get(vid)
        per = e.per_100km if e else None
        rows.append(
            [
                vid,
                f"{v.make} {v.model}",
                str(v.year),
                v.status.value,
                format_distance(v.odometer_km),
                "" if per is None else f"{per}",
            ]
        )
    return render(("vehicle", "model", "year", "status", "odometer", "l/100 km"), rows, fmt)


def alerts_report(alerts: Sequence[object], fmt: str = "text") -> str:
    """Alerts from fleetkit.alerts.run_rules, most severe first."""
    rows = [
        [
            str(getattr(a, "severity", "")),
            str(getattr(a, "vehicle_id", "")),
            str(getattr(a, "rule", "")),
            str(getattr(a, "message", "")),
        ]
        for a in alerts
    ]
    return render(("severity", "vehicle", "rule", "message"), rows, fmt)


def audit_report(findings: Sequence[object]) -> str:
    """One line per finding of fleetkit.audit.audit, or a line saying there are none."""
    if not findings:
        return "audit: no findings\n"
    return "".join(f"{f}\n" for f in findings)
