"""Hidden tests: amounts must be exact in each currency's own minor units."""

import json
from decimal import Decimal

from tabsplit import Expense, Ledger, Money, RateTable
from tabsplit.cli import main
from tabsplit.report import format_money


def amounts(parts):
    return [p.amount for p in parts]


def even(*members):
    return {m: Decimal(1) for m in members}


def test_allocate_jpy_in_whole_yen():
    parts = Money.of(1000, "JPY").allocate([1, 1, 1])
    assert amounts(parts) == [Decimal(334), Decimal(333), Decimal(333)]
    assert all(p.amount == p.amount.to_integral_value() for p in parts)


def test_allocate_kwd_in_fils():
    parts = Money.of("10.000", "KWD").allocate([1, 1, 1])
    assert amounts(parts) == [Decimal("3.334"), Decimal("3.333"), Decimal("3.333")]


def test_allocate_kwd_weighted_and_negative():
    assert amounts(Money.of("1.000", "BHD").allocate([2, 1])) == [
        Decimal("0.667"),
        Decimal("0.333"),
    ]
    assert amounts(Money.of(-5, "KRW").allocate([1, 1])) == [Decimal(-3), Decimal(-2)]


def test_allocate_always_sums_exactly_in_every_currency():
    for code, amount in (("JPY", "1001"), ("KWD", "7.001"), ("EUR", "7.01"), ("KRW", "99")):
        money = Money.of(amount, code)
        for weights in ([1, 1, 1], [3, 2, 2, 0], [5, 7], [1] * 9):
            parts = money.allocate(weights)
            assert sum(amounts(parts)) == money.amount, (code, weights)
            assert all(p.amount % money.quantum == 0 for p in parts), (code, weights)


def test_convert_to_jpy_rounds_to_whole_yen_half_even():
    rates = RateTable("EUR", {"JPY": "161.20"})
    assert rates.convert(Money.of("12.34", "EUR"), "JPY").amount == Decimal(1989)
    half = RateTable("EUR", {"JPY": "161"})
    assert half.convert(Money.of("2.50", "EUR"), "JPY").amount == Decimal(402)


def test_convert_to_kwd_keeps_three_decimals():
    rates = RateTable("USD", {"KWD": "0.3075"})
    assert rates.convert(Money.of(10, "USD"), "KWD").amount == Decimal("3.075")


def test_jpy_group_balances_are_whole_yen():
    ledger = Ledger("JPY", ["aki", "ben", "chi"], RateTable("JPY", {"EUR": "0.0062"}))
    ledger.add(Expense("aki", Money.of(1000, "JPY"), even("aki", "ben", "chi")))
    balances = {m: b.amount for m, b in ledger.balances().items()}
    assert balances == {"aki": Decimal(666), "ben": Decimal(-333), "chi": Decimal(-333)}
    ledger.check_balanced()


def test_jpy_group_with_foreign_expense():
    ledger = Ledger("JPY", ["aki", "ben"], RateTable("JPY", {"EUR": "0.0062"}))
    ledger.add(Expense("ben", Money.of("12.34", "EUR"), even("aki", "ben")))
    balances = {m: b.amount for m, b in ledger.balances().items()}
    # 12.34 EUR / 0.0062 = 1990.32... -> 1990 JPY, split 995 / 995
    assert balances == {"aki": Decimal(-995), "ben": Decimal(995)}
    ledger.check_balanced()


def test_kwd_group_settles_debts_of_a_few_fils():
    ledger = Ledger("KWD", ["a", "b", "c"], RateTable("KWD", {}))
    ledger.add(Expense("a", Money.of("0.010", "KWD"), even("a", "b", "c")))
    transfers = ledger.settle()
    assert sorted((t.debtor, t.creditor, t.amount.amount) for t in transfers) == [
        ("b", "a", Decimal("0.003")),
        ("c", "a", Decimal("0.003")),
    ]


def test_cli_balances_in_yen(tmp_path, capsys):
    path = tmp_path / "trip.json"
    data = {
        "currency": "JPY",
        "members": ["aki", "ben", "chi"],
        "rates": {"USD": "0.0067"},
        "expenses": [
            {"payer": "aki", "amount": "1000", "currency": "JPY", "shares": even("aki", "ben", "chi")},
            {"payer": "ben", "amount": "20.00", "currency": "USD", "shares": {"ben": 1, "chi": 1}},
        ],
    }
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    assert main(["balances", str(path)]) == 0
    # 20 USD / 0.0067 = 2985.07 -> 2985 JPY, split 1493 / 1492
    assert capsys.readouterr().out.splitlines() == [
        "aki  +666 JPY",
        "ben  +1,159 JPY",
        "chi  -1,825 JPY",
    ]


# ----------------------------------------------------------------- regression guards


def test_usd_allocation_unchanged():
    parts = Money.of("100.00", "USD").allocate([1, 1, 1])
    assert amounts(parts) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_eur_conversion_unchanged():
    rates = RateTable("EUR", {"USD": "1.0845"})
    assert rates.convert(Money.of("10.00", "USD"), "EUR").amount == Decimal("9.22")
    assert rates.convert(Money.of("10.00", "EUR"), "USD").amount == Decimal("10.84")


def test_eur_settlement_unchanged():
    ledger = Ledger("EUR", ["a", "b", "c"], RateTable("EUR", {}))
    ledger.add(Expense("a", Money.of("62.50", "EUR"), even("a", "b", "c")))
    transfers = ledger.settle()
    assert sorted((t.debtor, t.amount.amount) for t in transfers) == [
        ("b", Decimal("20.83")),
        ("c", Decimal("20.83")),
    ]


def test_format_money():
    assert format_money(Money.of(-1825, "JPY"), signed=True) == "-1,825 JPY"
    assert format_money(Money.of("1234.5", "EUR"), signed=True) == "+1,234.50 EUR"
    assert format_money(Money.of("0.25", "KWD")) == "0.250 KWD"
