"""``shiprate quote WEIGHT LxWxH FROM TO [--carrier NAME] [--service NAME] [--postal-code X]``"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation

from shiprate.errors import ShipRateError
from shiprate.models import Address, Parcel
from shiprate.rates import cheapest_quote, quote


def _parcel(weight: str, dims: str) -> Parcel:
    try:
        length, width, height = (Decimal(x) for x in dims.lower().split("x"))
        return Parcel(Decimal(weight), length, width, height)
    except (ValueError, InvalidOperation):
        raise argparse.ArgumentTypeError(f"bad parcel {weight} kg {dims}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shiprate")
    parser.add_argument("weight")
    parser.add_argument("dimensions", help="LxWxH in cm")
    parser.add_argument("origin")
    parser.add_argument("destination")
    parser.add_argument("--postal-code", default="")
    parser.add_argument("--carrier")
    parser.add_argument("--service", default="standard")
    args = parser.parse_args(argv)
    try:
        parcel = _parcel(args.weight, args.dimensions)
        origin = Address(args.origin)
        destination = Address(args.destination, args.postal_code)
        if args.carrier:
            found = quote(args.carrier, parcel, origin, destination, args.service)
        else:
            found = cheapest_quote(parcel, origin, destination, args.service)
    except (ShipRateError, argparse.ArgumentTypeError, ValueError) as exc:
        print(f"shiprate: {exc}", file=sys.stderr)
        return 2
    if found is None:
        print("shiprate: no carrier takes this parcel", file=sys.stderr)
        return 1
    print(f"{found.carrier} {found.service}: {found.price} {found.currency}, "
          f"{found.transit_days} days")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
