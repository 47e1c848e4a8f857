"""`tabsplit balances FILE` and `tabsplit settle FILE`."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

from tabsplit.expenses import Expense
from tabsplit.fx import RateTable
from tabsplit.ledger import Ledger
from tabsplit.money import Money
from tabsplit.report import balances_table, transfers_table


def load_ledger(path: Path) -> Ledger:
    data = json.loads(path.read_text(encoding="utf-8"))
    ledger = Ledger(data["currency"], data["members"], RateTable(data["currency"], data["rates"]))
    for raw in data["expenses"]:
        shares = {m: Decimal(str(w)) for m, w in raw["shares"].items()}
        ledger.add(
            Expense(
                raw["payer"], Money.of(raw["amount"], raw["currency"]), shares, raw.get("note", "")
            )
        )
    return ledger


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tabsplit")
    parser.add_argument("command", choices=["balances", "settle"])
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        ledger = load_ledger(args.file)
    except (OSError, ValueError, KeyError) as exc:
        print(f"tabsplit: {args.file}: {exc}", file=sys.stderr)
        return 2
    if args.command == "balances":
        print(balances_table(ledger.balances()))
    else:
        print(transfers_table(ledger.settle()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
