from decimal import Decimal

from tabsplit import Expense, Ledger, Money, RateTable


def make_ledger():
    rates = RateTable("EUR", {"USD": "1.0845", "GBP": "0.8571"})
    return Ledger("EUR", ["alice", "bob", "carol"], rates)


def even(*members):
    return {m: Decimal(1) for m in members}


def test_balances_add_up_and_settle():
    ledger = make_ledger()
    ledger.add(Expense("alice", Money.of("62.50", "EUR"), even("alice", "bob", "carol")))
    ledger.add(Expense("bob", Money.of("30.00", "USD"), even("bob", "carol")))
    ledger.check_balanced()
    balances = ledger.balances()
    assert balances["alice"].amount == Decimal("41.66")
    transfers = ledger.settle()
    assert len(transfers) <= 2
    assert sum(t.amount.amount for t in transfers) == Decimal("41.66")


def test_conversion_rounds_to_cents():
    rates = RateTable("EUR", {"USD": "1.0845"})
    assert rates.convert(Money.of("10.00", "USD"), "EUR").amount == Decimal("9.22")


def test_settle_nothing_when_even():
    ledger = make_ledger()
    ledger.add(Expense("alice", Money.of(30, "EUR"), even("alice")))
    assert ledger.settle() == []
