import json
import random

import pytest

from ledger import InsufficientFunds, Ledger, LedgerError


def log_path(directory):
    return directory / "events.jsonl"


def test_reopen_after_snapshot_does_not_double_apply(tmp_path):
    led = Ledger(tmp_path, snapshot_every=3)
    led.open_account("alice")
    led.deposit("alice", "10.00")
    led.deposit("alice", "5.00")  # seq 3: snapshot
    led.withdraw("alice", "2.00")
    assert (tmp_path / "snapshot.json").exists()
    reopened = Ledger(tmp_path, snapshot_every=3)
    assert reopened.balance("alice") == 1300
    assert reopened.last_seq == 4


def test_reopen_exactly_at_snapshot_then_continue(tmp_path):
    led = Ledger(tmp_path, snapshot_every=3)
    for name in ("a", "b"):
        led.open_account(name)
    led.deposit("a", "50.00")
    led.transfer("a", "b", "20.00")
    led.deposit("b", "1.00")
    led.withdraw("a", "5.00")  # seq 6: snapshot, nothing after it
    reopened = Ledger(tmp_path, snapshot_every=3)
    assert reopened.balances() == {"a": 2500, "b": 2100}
    assert reopened.transfer("b", "a", "1.00").seq == 7
    assert Ledger(tmp_path, snapshot_every=3).balances() == {"a": 2600, "b": 2000}


def test_retry_after_restart_is_still_idempotent(tmp_path):
    led = Ledger(tmp_path, snapshot_every=2)
    led.open_account("alice")
    first = led.deposit("alice", "40.00", key="payment-7")  # seq 2: snapshot
    led.deposit("alice", "1.00")
    reopened = Ledger(tmp_path, snapshot_every=2)
    retry = reopened.deposit("alice", "40.00", key="payment-7")
    assert retry.duplicate is True
    assert retry.seq == first.seq
    assert reopened.balance("alice") == 4100
    assert Ledger(tmp_path, snapshot_every=2).balance("alice") == 4100


def test_torn_final_line_is_dropped(tmp_path):
    led = Ledger(tmp_path, snapshot_every=100)
    led.open_account("alice")
    led.deposit("alice", "10.00")
    with log_path(tmp_path).open("a", encoding="utf-8") as fh:
        fh.write('{"account": "alice", "amount": 99900, "kind": "dep')  # crash mid-append
    reopened = Ledger(tmp_path, snapshot_every=100)
    assert reopened.balance("alice") == 1000
    assert reopened.last_seq == 2
    assert reopened.deposit("alice", "1.00").seq == 3
    again = Ledger(tmp_path, snapshot_every=100)
    assert again.balance("alice") == 1100
    lines = log_path(tmp_path).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3]


def test_torn_line_after_snapshot(tmp_path):
    led = Ledger(tmp_path, snapshot_every=2)
    led.open_account("alice")
    led.deposit("alice", "3.00")  # snapshot
    led.deposit("alice", "4.00")
    with log_path(tmp_path).open("a", encoding="utf-8") as fh:
        fh.write('{"seq": 4, "kind"')
    reopened = Ledger(tmp_path, snapshot_every=2)
    assert reopened.balance("alice") == 700
    reopened.withdraw("alice", "7.00")
    assert Ledger(tmp_path, snapshot_every=2).balance("alice") == 0


@pytest.mark.parametrize("snapshot_every", [1, 2, 5, 7])
def test_random_workload_with_restarts(tmp_path, snapshot_every):
    rng = random.Random(snapshot_every)
    accounts = ["a", "b", "c"]
    model = {name: 0 for name in accounts}
    led = Ledger(tmp_path, snapshot_every=snapshot_every)
    for name in accounts:
        led.open_account(name)
    used_keys = {}
    for step in range(120):
        if rng.random() < 0.15:
            led = Ledger(tmp_path, snapshot_every=snapshot_every)
            assert led.balances() == model, f"after restart at step {step}"
        op = rng.choice(["deposit", "withdraw", "transfer", "retry"])
        src, dst = rng.sample(accounts, 2)
        cents = rng.randint(1, 5000)
        if op == "retry" and used_keys:
            key = rng.choice(sorted(used_keys))
            assert led.deposit(used_keys[key], 1, key=key).duplicate
            continue
        key = f"k{step}"
        if op in ("deposit", "retry"):
            led.deposit(src, cents, key=key)
            model[src] += cents
            used_keys[key] = src
        elif op == "withdraw":
            if model[src] >= cents:
                led.withdraw(src, cents, key=key)
                model[src] -= cents
            else:
                with pytest.raises(InsufficientFunds):
                    led.withdraw(src, cents, key=key)
        else:
            if model[src] >= cents:
                led.transfer(src, dst, cents, key=key)
                model[src] -= cents
                model[dst] += cents
    assert Ledger(tmp_path, snapshot_every=snapshot_every).balances() == model


# --- behaviour that already works


def test_corrupt_line_in_the_middle_is_an_error(tmp_path):
    led = Ledger(tmp_path)
    led.open_account("alice")
    led.deposit("alice", "1.00")
    lines = log_path(tmp_path).read_text(encoding="utf-8").splitlines()
    log_path(tmp_path).write_text(lines[0] + "\nnot json\n" + lines[1] + "\n", encoding="utf-8")
    with pytest.raises(LedgerError):
        Ledger(tmp_path)


def test_reopen_without_snapshot_replays_everything(tmp_path):
    led = Ledger(tmp_path, snapshot_every=1000)
    led.open_account("alice")
    led.open_account("bob")
    led.deposit("alice", "9.99", key="x")
    led.transfer("alice", "bob", "0.99")
    reopened = Ledger(tmp_path, snapshot_every=1000)
    assert reopened.balances() == {"alice": 900, "bob": 99}
    assert reopened.deposit("alice", "9.99", key="x").duplicate


def test_overdraft_rejected_after_restart(tmp_path):
    led = Ledger(tmp_path)
    led.open_account("alice")
    led.deposit("alice", "5.00")
    with pytest.raises(InsufficientFunds):
        Ledger(tmp_path).withdraw("alice", "5.01")


def test_snapshot_written_every_n_events(tmp_path):
    led = Ledger(tmp_path, snapshot_every=2)
    led.open_account("alice")
    assert not (tmp_path / "snapshot.json").exists()
    led.deposit("alice", "2.00")
    data = json.loads((tmp_path / "snapshot.json").read_text(encoding="utf-8"))
    assert data["last_seq"] == 2
    assert data["balances"] == {"alice": 200}
