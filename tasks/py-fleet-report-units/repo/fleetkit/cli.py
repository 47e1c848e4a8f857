"""The `fleet` command.

Exit status: 0 on success, 1 when the command found a problem it reports (e.g. overdue items with
`due --fail-overdue`), 2 on bad input (a file that cannot be read, an unknown vehicle).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from fleetkit import costs, fuel, planner, reports, schedule, storage
from fleetkit.dates import parse_date
from fleetkit.errors import FleetError
from fleetkit.parsers import load_fuel, load_services, load_vehicles


def _store(args: argparse.Namespace) -> Path:
    return Path(args.store)


def _today(args: argparse.Namespace) -> date:
    return parse_date(args.today) if args.today else date.today()


def cmd_import(args: argparse.Namespace) -> int:
    fleet = storage.load(_store(args))
    vehicles = load_vehicles(Path(args.file))
    new = fleet.add_vehicles(vehicles)
    storage.save(fleet, _store(args))
    print(f"imported {len(vehicles)} vehicles ({new} new)")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    fleet = storage.load(_store(args))
    records = load_services(Path(args.file))
    fleet.add_services(records)
    storage.save(fleet, _store(args))
    print(f"logged {len(records)} service records")
    return 0


def cmd_fuel(args: argparse.Namespace) -> int:
    fleet = storage.load(_store(args))
    receipts = load_fuel(Path(args.file))
    fleet.add_receipts(receipts)
    storage.save(fleet, _store(args))
    print(f"added {len(receipts)} fuel receipts")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    fleet = storage.load(_store(args))
    vehicles = [fleet.vehicle(v) for v in args.vehicle] if args.vehicle else fleet.vehicles.values()
    dues = schedule.due_list(vehicles, fleet.services, _today(args))
    if not args.all:
        dues = [d for d in dues if d.state != "ok"]
    sys.stdout.write(reports.due_report(dues, args.format))
    if args.fail_overdue and any(d.overdue for d in dues):
        return 1
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    fleet = storage.load(_store(args))
    names = [f"tech-{i + 1}" for i in range(args.technicians)]
    assignments = planner.plan(list(fleet.orders.values()), names)
    sys.stdout.write(reports.plan_report(assignments, args.format))
    return 0


def cmd_invoice(args: argparse.Namespace) -> int:
    fleet = storage.load(_store(args))
    order = fleet.orders.get(args.order)
    if order is None:
        raise FleetError(f"unknown work order {args.order!r}")
    prices = costs.PriceList(
        labour_rate=Decimal(args.labour_rate),
        parts_discount=costs.percent(args.discount),
        vat=costs.percent(args.vat),
    )
    sys.stdout.write(reports.invoice_report(costs.invoice(order, prices), args.format))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    fleet = storage.load(_store(args))
    economies = fuel.fleet_economy(list(fleet.vehicles.values()), fleet.receipts)
    sys.stdout.write(reports.summary_report(fleet, economies, args.format))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fleet", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store", default="fleet.json", help="the JSON store (default: %(default)s)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help="load the vehicle register from a CSV file")
    p.add_argument("file")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("log", help="append service records from a CSV file")
    p.add_argument("file")
    p.set_defaults(func=cmd_log)

    p = sub.add_parser("fuel", help="append fuel receipts from a CSV file")
    p.add_argument("file")
    p.set_defaults(func=cmd_fuel)

    p = sub.add_parser("due", help="what is due, most urgent first")
    p.add_argument("--today", help="the date to count from (default: today)")
    p.add_argument("--vehicle", action="append", help="only this vehicle (repeatable)")
    p.add_argument("--all", action="store_true", help="also items that are not due soon")
    p.add_argument("--fail-overdue", action="store_true", help="exit 1 when anything is overdue")
    p.add_argument("--format", choices=reports.FORMATS, default="text")
    p.set_defaults(func=cmd_due)

    p = sub.add_parser("plan", help="assign open work orders to technicians")
    p.add_argument("--technicians", type=int, default=2)
    p.add_argument("--format", choices=reports.FORMATS, default="text")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("invoice", help="a work order's invoice")
    p.add_argument("order")
    p.add_argument("--labour-rate", default=str(costs.DEFAULT_LABOUR_RATE))
    p.add_argument("--discount", default="0%", help="parts discount, e.g. 12.5%%")
    p.add_argument("--vat", default="20%")
    p.add_argument("--format", choices=reports.FORMATS, default="text")
    p.set_defaults(func=cmd_invoice)

    p = sub.add_parser("report", help="fleet summary")
    p.add_argument("--format", choices=reports.FORMATS, default="text")
    p.set_defaults(func=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "today", None) is not None:
        try:
            parse_date(args.today)
        except ValueError as exc:
            print(f"fleet: --today: {exc}", file=sys.stderr)
            return 2
    try:
        return int(args.func(args))
    except FleetError as exc:
        print(f"fleet: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"fleet: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
