import pytest

from ledger import InsufficientFunds, Ledger, UnknownAccount, format_amount, parse_amount


@pytest.fixture
def ledger(tmp_path):
    led = Ledger(tmp_path)
    led.open_account("alice")
    led.open_account("bob")
    return led


def test_money():
    assert parse_amount("12.3") == 1230
    assert parse_amount("0.05") == 5
    assert format_amount(-1205) == "-12.05"
    with pytest.raises(ValueError):
        parse_amount("-1")


def test_deposit_withdraw_transfer(ledger):
    ledger.deposit("alice", "100.00")
    ledger.withdraw("alice", "30.50")
    receipt = ledger.transfer("alice", "bob", "19.50")
    assert receipt.balance == 5000
    assert ledger.balances() == {"alice": 5000, "bob": 1950}


def test_rejections(ledger):
    with pytest.raises(InsufficientFunds):
        ledger.withdraw("alice", "1.00")
    with pytest.raises(UnknownAccount):
        ledger.deposit("carol", "1.00")
    assert ledger.last_seq == 2


def test_idempotent_retry(ledger):
    first = ledger.deposit("alice", "10.00", key="req-1")
    again = ledger.deposit("alice", "10.00", key="req-1")
    assert again.duplicate and again.seq == first.seq
    assert ledger.balance("alice") == 1000


def test_reopen_without_snapshot(tmp_path):
    led = Ledger(tmp_path)
    led.open_account("alice")
    led.deposit("alice", "7.25")
    assert Ledger(tmp_path).balance("alice") == 725
