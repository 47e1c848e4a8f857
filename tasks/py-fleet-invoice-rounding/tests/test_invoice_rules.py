from datetime import date
from decimal import Decimal

import pytest

from fleetkit import costs
from fleetkit.models import Part, PartLine, WorkOrder

D = Decimal


def order(hours: str, *parts: tuple[str, str, str]) -> WorkOrder:
    return WorkOrder(
        "WO-5120",
        "TRK-9",
        "service",
        hours=D(hours),
        parts=[PartLine(Part(n, n.lower(), D(price)), D(qty)) for n, price, qty in parts],
        opened_on=date(2025, 5, 2),
    )


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("2.345", "2.35"), ("87.625", "87.63"), ("0.005", "0.01"), ("-1.005", "-1.01")],
)
def test_half_a_cent_rounds_up(amount: str, cents: str) -> None:
    assert costs.to_cents(D(amount)) == D(cents)


@pytest.mark.parametrize(
    ("amount", "cents"), [("7.2249", "7.22"), ("7.2349", "7.23"), ("3.99", "3.99"), ("5", "5.00")]
)
def test_other_amounts_round_to_the_nearest_cent(amount: str, cents: str) -> None:
    assert costs.to_cents(D(amount)) == D(cents)


def test_discounted_part_line_rounds_half_up() -> None:
    inv = costs.invoice(
        order("0", ("AF-310", "12.35", "3")), costs.PriceList(parts_discount=D("0.10"))
    )
    assert [line.amount for line in inv.lines] == [D("33.35")]


def test_labour_is_not_discounted() -> None:
    prices = costs.PriceList(labour_rate=D("70.10"), parts_discount=D("0.25"))
    inv = costs.invoice(order("1.25"), prices)
    assert [(line.description, line.amount) for line in inv.lines] == [("labour", D("87.63"))]


def test_vat_half_cent_rounds_up() -> None:
    prices = costs.PriceList(labour_rate=D("23.00"), vat=D("0.07"))
    inv = costs.invoice(order("0.5"), prices)
    assert (inv.subtotal, inv.vat, inv.total) == (D("11.50"), D("0.81"), D("12.31"))


def test_whole_invoice() -> None:
    prices = costs.PriceList(labour_rate=D("70.10"), parts_discount=D("0.10"), vat=D("0.19"))
    inv = costs.invoice(order("1.25", ("AF-310", "12.35", "3"), ("WB-22", "4.10", "2")), prices)
    assert [line.amount for line in inv.lines] == [D("33.35"), D("7.38"), D("87.63")]
    assert (inv.subtotal, inv.vat, inv.total) == (D("128.36"), D("24.39"), D("152.75"))


def test_invoice_without_discount_or_half_cents_unchanged() -> None:
    prices = costs.PriceList(labour_rate=D("60.00"))
    inv = costs.invoice(order("2", ("OF-1", "9.50", "2")), prices)
    assert (inv.subtotal, inv.vat, inv.total) == (D("139.00"), D("27.80"), D("166.80"))


def test_parts_discount_still_applies_to_parts() -> None:
    prices = costs.PriceList(labour_rate=D("50.00"), parts_discount=D("0.20"))
    inv = costs.invoice(order("1", ("BP-7", "40.00", "2")), prices)
    assert [line.amount for line in inv.lines] == [D("64.00"), D("50.00")]


def test_cli_invoice(tmp_path, capsys) -> None:
    from fleetkit import storage
    from fleetkit.cli import main
    from fleetkit.models import Vehicle

    fleet = storage.Fleet()
    fleet.add_vehicles([Vehicle("TRK-9", "DAF", "LF", 2017)])
    fleet.orders["WO-5120"] = order("1.25", ("AF-310", "12.35", "3"))
    store = tmp_path / "f.json"
    storage.save(fleet, store)
    args = ["--store", str(store), "invoice", "WO-5120", "--labour-rate", "70.10"]
    assert main([*args, "--discount", "10%", "--vat", "19%", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "AF-310 af-310,3,11.12,33.35" in out
    assert "labour,1.25,70.10,87.63" in out
    assert "total,,,143.97" in out
