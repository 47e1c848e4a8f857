import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import auditlog
from auditlog import (
    AuditStore,
    event_from_json,
    event_to_json,
    export_csv,
    format_timestamp,
    from_epoch,
    now,
    parse_timestamp,
    record,
    set_clock,
    to_epoch,
)

UTC = timezone.utc
CET = timezone(timedelta(hours=1))
T0 = datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)


def is_utc(moment):
    return moment.tzinfo is not None and moment.utcoffset() == timedelta(0)


@pytest.fixture
def frozen():
    set_clock(lambda: T0)
    yield
    set_clock(None)


def test_deprecated_utc_helpers_are_gone():
    package = Path(auditlog.__file__).parent
    offenders = []
    for path in sorted(package.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\butc(now|fromtimestamp)\b", line):
                offenders.append(f"{path.name}:{number}")
    assert offenders == []


def test_no_deprecated_helper_is_called_at_run_time(monkeypatch, tmp_path):
    """Behaviour, not spelling: every datetime class the package can reach refuses the two
    deprecated constructors while the public API runs (Python 3.11 does not warn yet)."""
    import datetime as datetime_module
    import sys

    class Strict(datetime_module.datetime):
        @classmethod
        def utcnow(cls):
            raise AssertionError("datetime.utcnow() called")

        @classmethod
        def utcfromtimestamp(cls, *args):
            raise AssertionError("datetime.utcfromtimestamp() called")

    original = datetime_module.datetime
    monkeypatch.setattr(datetime_module, "datetime", Strict)
    for name, module in list(sys.modules.items()):
        if name == "auditlog" or name.startswith("auditlog."):
            for attr, value in list(vars(module).items()):
                if value is original:
                    monkeypatch.setattr(module, attr, Strict)
                if value == original.utcnow or value == original.utcfromtimestamp:
                    monkeypatch.setattr(module, attr, Strict.utcnow)
    set_clock(None)
    assert is_utc(now())
    assert is_utc(record("kai", "logout", "api").at)
    assert is_utc(from_epoch(1_800_000_123.5))
    path = tmp_path / "strict.jsonl"
    store = AuditStore(path)
    store.append(record("kai", "login", "api", at=datetime(2026, 4, 2, 8, 0, tzinfo=UTC)))
    store.purge(30)


def test_now_is_aware_utc():
    moment = now()
    assert is_utc(moment)
    assert abs(moment - datetime.now(UTC)) < timedelta(minutes=5)


def test_record_default_timestamp_is_aware():
    assert is_utc(record("ana", "login", "console").at)


def test_parse_timestamp_z_is_aware():
    parsed = parse_timestamp("2026-03-01T12:00:00.250000Z")
    assert is_utc(parsed)
    assert parsed == T0
    assert parse_timestamp("2026-03-01T12:00:00Z") == T0.replace(microsecond=0)


def test_parse_timestamp_with_offset_converts_to_utc():
    parsed = parse_timestamp("2026-03-01T13:00:00.250000+01:00")
    assert is_utc(parsed)
    assert parsed == T0
    assert (parsed.hour, parsed.minute) == (12, 0)


def test_format_timestamp_converts_to_utc():
    assert format_timestamp(datetime(2026, 3, 1, 13, 0, tzinfo=CET)) == (
        "2026-03-01T12:00:00.000000Z"
    )


def test_from_epoch_is_aware():
    moment = from_epoch(86400.5)
    assert is_utc(moment)
    assert moment == datetime(1970, 1, 2, 0, 0, 0, 500000, tzinfo=UTC)


def test_loaded_events_are_aware_and_queryable(tmp_path):
    path = tmp_path / "audit.jsonl"
    path.write_text(
        '{"action": "login", "actor": "ana", "at": "2026-02-01T08:00:00.000000Z", '
        '"metadata": {}, "target": "console"}\n'
        '{"action": "logout", "actor": "ana", "at": "2026-02-01T17:30:00.000000Z", '
        '"metadata": {}, "target": "console"}\n',
        encoding="utf-8",
    )
    store = AuditStore(path)
    assert all(is_utc(e.at) for e in store)
    since = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    assert [e.action for e in store.query(since=since)] == ["logout"]
    # the same instant in another zone
    assert [e.action for e in store.query(until=datetime(2026, 2, 1, 10, 0, tzinfo=CET))] == [
        "login"
    ]


def test_purge_with_aware_clock(tmp_path, frozen):
    store = AuditStore(tmp_path / "audit.jsonl")
    for days in (40, 10, 1):
        store.append(record("ana", "update", "doc", at=T0 - timedelta(days=days)))
    assert store.purge(keep_days=30) == 1
    reloaded = AuditStore(tmp_path / "audit.jsonl")
    assert [e.at for e in reloaded] == [T0 - timedelta(days=10), T0 - timedelta(days=1)]


def test_json_round_trip_keeps_instant(frozen):
    event = record("ana", "grant", "user:bo", at=datetime(2026, 3, 1, 13, 0, tzinfo=CET))
    line = event_to_json(event)
    assert '"at": "2026-03-01T12:00:00.000000Z"' in line
    back = event_from_json(line)
    assert is_utc(back.at) and back.at == event.at


# --- unchanged behaviour


def test_wire_format_unchanged(frozen):
    line = event_to_json(record("ana", "grant", "user:bo", role="admin"))
    assert line == (
        '{"action": "grant", "actor": "ana", "at": "2026-03-01T12:00:00.250000Z", '
        '"metadata": {"role": "admin"}, "target": "user:bo"}'
    )


def test_naive_inputs_still_mean_utc(tmp_path):
    store = AuditStore()
    store.append(record("bo", "delete", "doc", at=datetime(2026, 1, 1, 9, 0)))
    store.append(record("bo", "create", "doc", at=datetime(2026, 1, 1, 11, 0)))
    assert [e.action for e in store.query(since=datetime(2026, 1, 1, 10, 0))] == ["create"]
    assert to_epoch(datetime(1970, 1, 2)) == 86400
    assert format_timestamp(datetime(2026, 1, 1, 9, 0)) == "2026-01-01T09:00:00.000000Z"


def test_epoch_and_csv_unchanged(frozen):
    assert to_epoch(datetime(1970, 1, 2, 1, 0, tzinfo=CET)) == 86400
    assert export_csv([record("ana", "export", "report")]).splitlines() == [
        "epoch,actor,action,target",
        "1772366400.250000,ana,export,report",
    ]


def test_validation_unchanged():
    with pytest.raises(ValueError):
        record("", "login", "x")
    with pytest.raises(ValueError):
        record("ana", "explode", "x")
